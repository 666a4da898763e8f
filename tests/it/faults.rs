//! Resource faults: a full disk under the reports, the database or the archive, a read-only
//! output folder, an archive on another file system, a database of a newer schema. Each
//! gives a clear message naming the path and a documented exit code, leaves no half-written
//! file, and keeps the database and earlier reports intact. (A small tmpfs is mounted for the
//! disk; CI runs as root.)

use super::common::{fixture, issued, run, run_in};
use std::path::Path;
use std::process::Command;

/// Mounts a tmpfs of `size` at `dir`; unmounted on drop.
struct Tmpfs<'a>(&'a Path);

impl<'a> Tmpfs<'a> {
    fn mount(dir: &'a Path, size: &str) -> Option<Self> {
        Self::mount_with(dir, &format!("size={size}"))
    }

    /// Mounts with mount(8) options, e.g. "size=1m,ro".
    fn mount_with(dir: &'a Path, options: &str) -> Option<Self> {
        std::fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
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
    let cfg = super::common::issued_config(tmp.path());
    let (code, _, err) = run(&[
        "--db",
        db.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
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
        "synth",
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

/// A job folder: inbox with the Nghệ An export, configuration, database under data/.
fn job_dir(dir: &Path) {
    std::fs::create_dir_all(dir.join("inbox")).unwrap();
    std::fs::copy(
        fixture("nghe-an-2023-06/dossiers.csv.gz"),
        dir.join("inbox/dossiers.csv.gz"),
    )
    .unwrap();
    let cfg = "[report]\nrenderer = \"builtin\"\n[run]\ninbox = \"inbox\"\narchive = \"archive\"\nout = \"out\"\nreports = [\"monthly\"]\nfirst_period = \"2023-06\"\n";
    std::fs::write(dir.join("baocao.toml"), issued(cfg)).unwrap();
}

fn job(dir: &Path) -> (i32, String, String) {
    run_in(&["--db", "data/b.duckdb", "run"], dir)
}

#[test]
fn an_archive_on_another_file_system_gets_each_input_once() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    job_dir(d);
    // The archive is a different file system: rename(2) would fail with EXDEV; the
    // archive copies, flushes, then removes the input.
    let archive = d.join("archive");
    let Some(_fs) = Tmpfs::mount(&archive, "16m") else {
        return;
    };
    let (code, out, err) = job(d);
    assert!(code <= 1, "{out}{err}");
    let archived: Vec<_> = walkdir::WalkDir::new(d.join("archive"))
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .collect();
    assert_eq!(archived.len(), 1, "{archived:?}");
    assert_eq!(
        std::fs::read(archived[0].path()).unwrap(),
        std::fs::read(fixture("nghe-an-2023-06/dossiers.csv.gz")).unwrap()
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(archived[0].path()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "archived copies are owner-only");
    assert!(!d.join("inbox/dossiers.csv.gz").exists());
    assert!(temp_files(archived[0].path().parent().unwrap()).is_empty());
}

#[test]
fn a_full_archive_is_exit_6_and_keeps_the_input_in_the_inbox() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    job_dir(d);
    let archive = d.join("archive");
    let Some(_fs) = Tmpfs::mount(&archive, "256k") else {
        return;
    };
    let (code, _, err) = job(d);
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("archive") && err.contains("No space left"), "{err}");
    assert!(d.join("inbox/dossiers.csv.gz").exists(), "the input stays in the inbox");
    let month = walkdir::WalkDir::new(d.join("archive"))
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .count();
    assert_eq!(month, 0, "no half-written copy in the archive");
    // The loaded rows are whole; the next run finds the file already ingested.
    let (code, out, err) = run_in(&["--db", "data/b.duckdb", "status"], d);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Files ingested: 1;"), "{out}");
}

#[test]
fn a_read_only_output_folder_is_exit_6_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("na.duckdb");
    let small = fixture("small/csv-utf8-vietnamese/dossiers.csv");
    let (code, _, err) = run(&["--db", db.to_str().unwrap(), "ingest", small.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let out = tmp.path().join("out");
    let Some(_fs) = Tmpfs::mount_with(&out, "size=1m,ro") else {
        return;
    };
    let cfg = super::common::issued_config(tmp.path());
    let (code, _, err) = run(&[
        "--db",
        db.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
        "--renderer",
        "builtin",
        "report",
        "monthly",
        "--period",
        "2023-01",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 6, "{err}");
    assert!(
        err.contains(out.to_str().unwrap()) && err.contains("Read-only file system"),
        "{err}"
    );
}

#[test]
fn a_database_of_a_newer_schema_is_exit_2_and_left_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    job_dir(d);
    let (code, _, err) = job(d);
    assert!(code <= 1, "{err}");
    let pdf = d.join("out/monthly-2023-06.pdf");
    let report = std::fs::read(&pdf).unwrap();
    let db = d.join("data/b.duckdb");
    let files = {
        let c = duckdb::Connection::open(&db).unwrap();
        c.execute(
            "INSERT INTO schema_version (version, name) VALUES (99, 'from the future')",
            [],
        )
        .unwrap();
        c.query_row("SELECT count(*) FROM ingest_files", [], |r| r.get::<_, i64>(0))
            .unwrap()
    };
    // A new export arrives; this binary must not touch the newer database.
    std::fs::copy(
        fixture("small/csv-utf8-vietnamese/dossiers.csv"),
        d.join("inbox/new.csv"),
    )
    .unwrap();
    let (code, _, err) = job(d);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("data/b.duckdb") && err.contains("schema version 99 is newer"),
        "{err}"
    );
    assert!(d.join("inbox/new.csv").exists(), "nothing archived");
    assert_eq!(std::fs::read(&pdf).unwrap(), report, "the earlier report is intact");
    let c = duckdb::Connection::open(&db).unwrap();
    let now: i64 = c
        .query_row("SELECT count(*) FROM ingest_files", [], |r| r.get(0))
        .unwrap();
    let v: i32 = c
        .query_row("SELECT max(version) FROM schema_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!((now, v), (files, 99));
}
