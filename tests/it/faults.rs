//! Resource faults: a full disk under the reports or under the database. Each gives a clear
//! message naming the path and exit 6, leaves no half-written file, and keeps the database
//! and earlier reports intact. (A small tmpfs is mounted for the disk; CI runs as root.)

use super::common::{fixture, run};
use std::path::Path;
use std::process::Command;

/// Mounts a tmpfs of `size` at `dir`; unmounted on drop.
struct Tmpfs<'a>(&'a Path);

impl<'a> Tmpfs<'a> {
    fn mount(dir: &'a Path, size: &str) -> Option<Self> {
        std::fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        // As root (CI) the mount must work: a fault test that silently skips proves nothing.
        let root = Command::new("id")
            .arg("-u")
            .output()
            .map(|o| o.stdout == b"0\n")
            .unwrap_or(false);
        assert!(
            ok || !root,
            "mounting a tmpfs at {} failed although we are root",
            dir.display()
        );
        if !ok {
            eprintln!("not root: the full-disk test needs a tmpfs mount and cannot run here");
        }
        ok.then_some(Tmpfs(dir))
    }
}

impl Drop for Tmpfs<'_> {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0).status();
    }
}

fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| baocao::fsx::is_temp_name(n))
        .collect()
}

#[test]
fn a_full_disk_under_the_reports_is_exit_6_and_keeps_earlier_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("na.duckdb");
    let (code, _, err) = run(&[
        "--db",
        db.to_str().unwrap(),
        "ingest",
        fixture("nghe-an-2023-06").to_str().unwrap(),
    ]);
    assert!(code <= 1, "{err}");
    let out = tmp.path().join("out");
    let Some(_fs) = Tmpfs::mount(&out, "48k") else { return };
    let earlier = out.join("monthly-2023-05.pdf");
    std::fs::write(&earlier, vec![b'%'; 20_000]).unwrap();
    let (code, _, err) = run(&[
        "--db",
        db.to_str().unwrap(),
        "--renderer",
        "builtin",
        "report",
        "monthly",
        "--period",
        "2023-06",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 6, "{err}");
    assert!(
        err.contains(out.to_str().unwrap()) && err.contains("No space left"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&earlier).unwrap().len(),
        20_000,
        "the earlier report is intact"
    );
    assert!(
        temp_files(&out).is_empty(),
        "no half-written file: {:?}",
        temp_files(&out)
    );
    assert!(!out.join("monthly-2023-06.pdf").exists());
}

#[test]
fn a_full_disk_under_the_database_is_exit_6_and_keeps_what_was_loaded() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let Some(_fs) = Tmpfs::mount(&dir, "3m") else { return };
    let db = dir.join("b.duckdb");
    let db = db.to_str().unwrap();
    let small = fixture("small/csv-utf8-vietnamese/dossiers.csv");
    let (code, _, err) = run(&["--db", db, "ingest", small.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let count = || -> String {
        let (code, out, err) = run(&["--db", db, "sql", "SELECT 1"]);
        assert_eq!(code, 0, "the database still opens: {err}");
        out
    };
    count();
    let big = tmp.path().join("big");
    let (code, _, err) = run(&[
        "fixtures",
        "generate",
        "--out",
        big.to_str().unwrap(),
        "--from",
        "2023-01-01",
        "--to",
        "2023-03-31",
        "--dossiers",
        "60000",
        "--seed",
        "3",
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(&["--db", db, "ingest", big.to_str().unwrap()]);
    assert_eq!(code, 6, "{err}");
    assert!(
        err.contains("b.duckdb") || err.contains(dir.to_str().unwrap()),
        "the message names the place: {err}"
    );
    // What was loaded before is still there, whole.
    let (code, out, err) = run(&["--db", db, "status"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Files ingested: 1;"), "{out}");
}
