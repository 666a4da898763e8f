//! Helpers shared by the integration tests.

use baocao::ingest::{self, reading::source::ReadOptions, FileReport, IngestOptions, Outcome};
use chrono::NaiveDate;
use duckdb::Connection;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn opts() -> IngestOptions {
    IngestOptions {
        read: ReadOptions::default(),
        extra: Default::default(),
        today: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        progress: false,
        position: None,
        covers: None,
    }
}

pub fn ingest(conn: &Connection, path: &Path) -> FileReport {
    ingest::ingest_file(conn, path, &opts()).expect("no hard error")
}

pub fn counts(r: &FileReport) -> &ingest::FileCounts {
    match &r.outcome {
        Outcome::Loaded { counts, .. } => counts,
        other => panic!("{}: expected Loaded, got {other:?}", r.path),
    }
}

pub fn rejected(r: &FileReport) -> &str {
    match &r.outcome {
        Outcome::Rejected { reason } => reason,
        other => panic!("{}: expected Rejected, got {other:?}", r.path),
    }
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_baocao"))
}

/// Runs the binary with a pinned run date; returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    run_in(args, Path::new("."))
}

/// Same as `run`, in another working directory.
pub fn run_in(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = Command::new(bin())
        .current_dir(dir)
        .args(args)
        .env("BAOCAO_TODAY", "2026-11-22")
        .env_remove("BAOCAO_DB")
        .output()
        .expect("run baocao");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Generates a fixture with the binary into `dir`, returning the data file path.
pub fn generate(dir: &Path, args: &[&str]) -> PathBuf {
    let d = dir.to_str().unwrap();
    let mut all = vec!["synth", "generate", "--out", d];
    all.extend_from_slice(args);
    let (code, out, err) = run(&all);
    assert_eq!(code, 0, "generate failed: {err}");
    PathBuf::from(out.lines().next().expect("a file").trim())
}

pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(rel)
}

pub fn scalar(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Writes `body` to `<dir>/<name>` and ingests it into `<dir>/<name>.duckdb`; returns the database.
pub fn ingest_text(dir: &Path, name: &str, body: &str) -> PathBuf {
    let f = dir.join(name);
    std::fs::write(&f, body).unwrap();
    let db = dir.join(format!("{name}.duckdb"));
    let (code, _, err) = run(&["--db", db.to_str().unwrap(), "ingest", f.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    db
}

/// Runs `baocao --db DB --config CFG <global…> report <args…> --out OUT` from the project
/// root (configs name fixture files relative to it); returns (code, stdout, stderr).
pub fn report(db: &Path, cfg: &Path, global: &[&str], args: &[&str], out: &Path) -> (i32, String, String) {
    let mut all = vec!["--db", db.to_str().unwrap(), "--config", cfg.to_str().unwrap()];
    all.extend_from_slice(global);
    all.push("report");
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", out.to_str().unwrap()]);
    run_in(&all, Path::new(env!("CARGO_MANIFEST_DIR")))
}

/// Makes a report with the built-in renderer (`args` after `report`, e.g. `["monthly",
/// "--period", "2023-06"]`), asserts it ran (exit 0 or 1), and reads back `<stem>.report.json`.
pub fn report_json(db: &Path, cfg: &Path, args: &[&str], out: &Path, stem: &str) -> serde_json::Value {
    let (code, _, err) = report(db, cfg, &["--renderer", "builtin"], args, out);
    assert!(code <= 1, "{err}");
    let text = std::fs::read_to_string(out.join(format!("{stem}.report.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The Nghệ An fixture's configuration without its catalogue form (II.07b), for databases
/// that hold dossiers only; written into `dir`.
pub fn config_without_catalogue(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(fixture("nghe-an-2023-06/baocao.toml")).unwrap();
    let kept: String = text
        .lines()
        .filter(|l| !l.starts_with("appendices"))
        .map(|l| format!("{l}\n"))
        .collect();
    let p = dir.join("baocao-no-catalogue.toml");
    std::fs::write(&p, kept).unwrap();
    p
}

/// `cfg` with who issues the reports (a sample province office, a made-up signer) added
/// to its `[report]` section: every configuration that makes a report must name them.
pub fn issued(cfg: &str) -> String {
    let keys = [
        ("province", "\"Nghệ An\""),
        ("issuer", "[\"ỦY BAN NHÂN DÂN\", \"TỈNH NGHỆ AN\"]"),
        ("place", "\"Nghệ An\""),
        (
            "signer_lines",
            "[\"TM. ỦY BAN NHÂN DÂN\", \"KT. CHỦ TỊCH\", \"PHÓ CHỦ TỊCH\"]",
        ),
        ("signer_name", "\"Nguyễn Văn A\""),
        ("reporting_unit", "\"UBND tỉnh Nghệ An\""),
    ];
    let has = |k: &str| cfg.lines().any(|l| l.trim_start().starts_with(&format!("{k} =")));
    let lines: String = keys
        .iter()
        .filter(|(k, _)| !has(k))
        .map(|(k, v)| format!("{k} = {v}\n"))
        .collect();
    if cfg.contains("[report]\n") {
        cfg.replacen("[report]\n", &format!("[report]\n{lines}"), 1)
    } else {
        format!("[report]\n{lines}{cfg}")
    }
}

/// Writes a configuration naming only who issues the reports into `dir`; returns its path.
pub fn issued_config(dir: &Path) -> PathBuf {
    let p = dir.join("issued.toml");
    std::fs::write(&p, issued("")).unwrap();
    p
}

/// The tables and charts of a report.json, section by section, in print order.
pub fn blocks(r: &serde_json::Value) -> Vec<serde_json::Value> {
    r["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["blocks"].as_array().cloned().unwrap_or_default())
        .collect()
}
