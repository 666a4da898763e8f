//! The scheduled job: idempotent runs, lock, archive, late data, manifests, regeneration,
//! crashes at any point.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn setup(dir: &Path) {
    std::fs::create_dir_all(dir.join("inbox")).unwrap();
    let cfg = "[metrics]\nconvention = \"cutoff15\"\n[report]\nprovince = \"Nghệ An\"\n[run]\ninbox = \"inbox\"\narchive = \"archive\"\nout = \"out\"\nreports = [\"monthly\"]\nfirst_period = \"2023-06\"\n";
    std::fs::write(dir.join("baocao.toml"), issued(cfg)).unwrap();
}

fn job(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["--db", "data/b.duckdb"];
    all.extend_from_slice(args);
    run_in(&all, dir)
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    v.sort();
    v
}

#[test]
fn run_is_idempotent_and_regenerates_to_match() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    setup(d);
    std::fs::copy(fixture("nghe-an-2023-06/dossiers.csv.gz"), d.join("inbox/na.csv.gz")).unwrap();
    let (code, out, err) = job(d, &["run", "--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("would ingest") && out.contains("inbox/na.csv.gz"), "{out}");
    assert!(d.join("inbox/na.csv.gz").exists());
    let (code, out, err) = job(d, &["run"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("rendered out/monthly-2023-06.pdf"), "{out}");
    assert!(!d.join("inbox/na.csv.gz").exists());
    assert!(d.join("archive/2026/11/na.csv.gz").exists());
    let (code, out, _) = job(d, &["run"]);
    assert_eq!(code, 0);
    assert!(out.contains("nothing to do"), "{out}");
    let (code, out, _) = job(d, &["regenerate", "--all", "out"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("MATCH out/monthly-2023-06.manifest.json"), "{out}");
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("out/monthly-2023-06.manifest.json")).unwrap()).unwrap();
    assert_eq!(m["inputs"][0]["path"], "archive/2026/11/na.csv.gz");
    assert_eq!(m["pdf"]["sha256"].as_str().unwrap().len(), 64);
    assert!(m["sql"].as_array().unwrap().len() > 5 && m["fonts"].as_array().unwrap().len() == 4);
    let (code, out, _) = job(d, &["status"]);
    assert_eq!(code, 0);
    assert!(out.contains("monthly 2023-06 v1"), "{out}");
    // One byte of an archived input changed: MISMATCH naming it.
    let archived = d.join("archive/2026/11/na.csv.gz");
    let mut bytes = std::fs::read(&archived).unwrap();
    let n = bytes.len() - 10;
    bytes[n] ^= 0x01;
    std::fs::write(&archived, bytes).unwrap();
    let (code, out, _) = job(d, &["regenerate", "out/monthly-2023-06.manifest.json"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("MISMATCH") && out.contains("input archive/2026/11/na.csv.gz changed"),
        "{out}"
    );
}

#[test]
fn late_correction_makes_a_v2_and_both_regenerate() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    setup(d);
    let header = "Mã hồ sơ,Cơ quan giải quyết,Trạng thái,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Hình thức nộp\n";
    std::fs::write(
        d.join("inbox/june.csv"),
        format!("Ngày xuất: 14/06/2023\nTừ ngày 15/05/2023 đến ngày 14/06/2023\n{header}A,Sở Y tế,4,20/05/2023,30/05/2023,,1\nB,Sở Y tế,10,21/05/2023,30/05/2023,25/05/2023,2\n"),
    )
    .unwrap();
    let (code, _, err) = job(d, &["run"]);
    assert_eq!(code, 0, "{err}");
    let v1 = std::fs::read(d.join("out/monthly-2023-06.pdf")).unwrap();
    // A corrected export of the closed month: A was in fact resolved late.
    std::fs::write(
        d.join("inbox/june-fix.csv"),
        format!("Ngày xuất: 20/06/2023\nTừ ngày 15/05/2023 đến ngày 14/06/2023\n{header}A,Sở Y tế,10,20/05/2023,30/05/2023,02/06/2023,1\n"),
    )
    .unwrap();
    let (code, out, err) = job(d, &["run"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("rendered out/monthly-2023-06-v2.pdf"), "{out}");
    assert_eq!(
        std::fs::read(d.join("out/monthly-2023-06.pdf")).unwrap(),
        v1,
        "v1 must stay as it was"
    );
    let (code, out, _) = job(d, &["regenerate", "--all", "out"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.matches("MATCH").count(), 2, "{out}");
}

#[test]
fn a_stale_lock_left_by_a_dead_run_is_taken_over() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    setup(d);
    std::fs::create_dir_all(d.join("data")).unwrap();
    std::fs::copy(fixture("small/csv-utf8-vietnamese/dossiers.csv"), d.join("inbox/a.csv")).unwrap();
    // A run that died (SIGKILL) left its pid in the file; nobody holds the lock.
    std::fs::write(d.join("data/b.duckdb.lock"), "999999 2026-11-01T00:00:00Z\n").unwrap();
    let (code, _, err) = job(d, &["run"]);
    assert!(code <= 1, "{err}");
    assert!(err.contains("stale lock") && err.contains("999999"), "{err}");
    assert!(!d.join("inbox/a.csv").exists(), "the run went ahead");
    assert_eq!(
        std::fs::read_to_string(d.join("data/b.duckdb.lock")).unwrap(),
        "",
        "released on exit"
    );
    // A second run after a clean one sees no stale lock.
    let (_, _, err) = job(d, &["run"]);
    assert!(!err.contains("stale lock"), "{err}");
}

#[test]
fn broken_file_in_the_inbox_does_not_stop_the_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    setup(d);
    std::fs::copy(fixture("nghe-an-2023-06/dossiers.csv.gz"), d.join("inbox/na.csv.gz")).unwrap();
    std::fs::write(d.join("inbox/broken.csv"), "Mã hồ sơ,Tên\nX,Y\n").unwrap();
    let (code, out, _) = job(d, &["run"]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("broken.csv") && out.contains("REJECTED"), "{out}");
    assert!(out.contains("rendered out/monthly-2023-06.pdf"), "{out}");
    assert!(!d.join("inbox/broken.csv").exists(), "a rejected file leaves the inbox");
    let moved = d.join("rejected/2026/11/broken.csv");
    assert!(moved.exists(), "it is filed under rejected/YYYY/MM: {out}");
    let reason = std::fs::read_to_string(d.join("rejected/2026/11/broken.csv.reason.txt")).unwrap();
    assert!(reason.contains("broken.csv") && reason.lines().count() >= 2, "{reason}");
    assert!(
        out.contains("Cần xử lý") && out.contains("rejected/2026/11/broken.csv"),
        "{out}"
    );
    // The next run does not report it again as new input; status lists it with its reason.
    let (code, out, _) = job(d, &["run"]);
    assert_eq!(code, 0, "{out}");
    let (_, status, _) = job(d, &["status"]);
    assert!(
        status.contains("Rejected files") && status.contains("broken.csv —"),
        "{status}"
    );
}

#[test]
fn an_inbox_that_is_a_file_is_refused_and_links_are_skipped_with_a_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    setup(d);
    std::fs::copy(fixture("small/csv-utf8-vietnamese/dossiers.csv"), d.join("real.csv")).unwrap();
    std::os::unix::fs::symlink(d.join("real.csv"), d.join("inbox/link.csv")).unwrap();
    let (code, out, err) = job(d, &["run"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("skipped") && out.contains("link.csv") && out.contains("symbolic link"),
        "{out}"
    );
    assert!(d.join("real.csv").exists(), "the link's target is untouched");
    std::fs::remove_dir_all(d.join("inbox")).unwrap();
    std::fs::write(d.join("inbox"), "not a folder").unwrap();
    let (code, _, err) = job(d, &["run"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("inbox") && err.contains("not a folder"), "{err}");
}

#[test]
fn killed_runs_finish_with_the_same_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let gen = tmp.path().join("gen");
    let mut inputs = Vec::new();
    for (i, seed) in [1u64, 2, 3].iter().enumerate() {
        let f = generate(
            &gen.join(format!("f{i}")),
            &[
                "--from",
                "2023-05-15",
                "--to",
                "2023-06-14",
                "--dossiers",
                "6000",
                "--seed",
                &seed.to_string(),
                "--province",
                "Nghệ An",
            ],
        );
        inputs.push(f);
    }
    let prepare = |name: &str| -> PathBuf {
        let d = tmp.path().join(name);
        setup(&d);
        for (i, f) in inputs.iter().enumerate() {
            std::fs::copy(f, d.join(format!("inbox/f{i}.csv"))).unwrap();
        }
        d
    };
    // The reference: one uninterrupted run.
    let clean = prepare("clean");
    let (code, _, err) = job(&clean, &["run"]);
    assert!(code <= 1, "{err}");
    let want_pdf = std::fs::read(clean.join("out/monthly-2023-06.pdf")).unwrap();
    let want_json = std::fs::read(clean.join("out/monthly-2023-06.report.json")).unwrap();
    for (k, how) in ["rows:3000", "rows:9000", "render", "ms:150", "ms:400", "ms:900"]
        .iter()
        .enumerate()
    {
        let d = prepare(&format!("kill{k}"));
        let mut cmd = Command::new(bin());
        cmd.current_dir(&d)
            .args(["--db", "data/b.duckdb", "run"])
            .env("BAOCAO_TODAY", "2026-11-22");
        cmd.stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        if let Some(rows) = how.strip_prefix("rows:") {
            cmd.env("BAOCAO_FAULT_ABORT_AFTER_ROWS", rows);
            let _ = cmd.status();
        } else if *how == "render" {
            // Dies with the rendered PDF still under its temporary name.
            cmd.env("BAOCAO_FAULT_ABORT_BEFORE_RENAME", "1");
            let _ = cmd.status();
            let temps = files_under(&d.join("out"))
                .into_iter()
                .filter(|f| f.to_string_lossy().contains(".pdf.tmp"))
                .count();
            assert_eq!(temps, 1, "the render fault leaves its temporary PDF");
        } else {
            let ms: u64 = how.strip_prefix("ms:").unwrap().parse().unwrap();
            let mut child = cmd.spawn().unwrap();
            std::thread::sleep(std::time::Duration::from_millis(ms));
            let _ = child.kill();
            let _ = child.wait();
        }
        // A PDF under its final name is always whole (written to a temporary name, renamed).
        let final_pdf = d.join("out/monthly-2023-06.pdf");
        if final_pdf.exists() {
            assert_eq!(
                std::fs::read(&final_pdf).unwrap(),
                want_pdf,
                "partial PDF after kill {how}"
            );
        }
        let (code, _, err) = job(&d, &["run"]);
        assert!(code <= 1, "after kill {how}: {err}");
        for f in files_under(&d.join("out"))
            .into_iter()
            .chain(files_under(&d.join("archive")))
        {
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            assert!(
                !name.contains(".tmp"),
                "temporary file {name} left after the run that followed kill {how}"
            );
        }
        assert_eq!(
            std::fs::read(d.join("out/monthly-2023-06.pdf")).unwrap(),
            want_pdf,
            "PDF after kill {how}"
        );
        assert_eq!(
            std::fs::read(d.join("out/monthly-2023-06.report.json")).unwrap(),
            want_json,
            "report after kill {how}"
        );
        // No input lost or duplicated: all three archived once, none left in the inbox.
        let archived: Vec<PathBuf> = files_under(&d.join("archive"))
            .into_iter()
            .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
            .collect();
        assert_eq!(archived.len(), 3, "after kill {how}: {archived:?}");
        assert!(files_under(&d.join("inbox")).is_empty());
        let conn = duckdb::Connection::open(d.join("data/b.duckdb")).unwrap();
        assert_eq!(scalar(&conn, "SELECT count(*) FROM ingest_files"), 3);
    }
}

#[test]
fn committed_fixture_manifests_regenerate_to_match() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, out, err) = run_in(&["regenerate", "--all", "fixtures/manifests"], root);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(out.matches("MATCH fixtures/manifests/").count(), 4, "{out}");
    assert!(!out.contains("MISMATCH"));
}

#[test]
fn two_runs_at_once_one_works_the_other_exits_4() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    setup(d);
    std::fs::copy(fixture("nghe-an-2023-06/dossiers.csv.gz"), d.join("inbox/na.csv.gz")).unwrap();
    let first = Command::new(bin())
        .current_dir(d)
        .args(["--db", "data/b.duckdb", "run"])
        .env("BAOCAO_TODAY", "2026-11-22")
        .env("BAOCAO_TEST_HOLD_LOCK_MS", "1500")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the first run holds the lock.
    let lock = d.join("data/b.duckdb.lock");
    for _ in 0..200 {
        // The pid is written once the lock is held.
        if std::fs::read_to_string(&lock).is_ok_and(|t| !t.is_empty()) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let (code, _, err) = job(d, &["run"]);
    assert_eq!(code, 4, "{err}");
    let out = first.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(d.join("out/monthly-2023-06.pdf").exists());
    let (code, out, _) = job(d, &["regenerate", "out/monthly-2023-06.manifest.json"]);
    assert_eq!(code, 0, "{out}");
}
