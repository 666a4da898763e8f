//! Command-line manners: closed pipes, one error line, help with examples, configuration
//! paths that resolve beside the file, and the same exit code from every command.

use super::common::{bin, fixture, issued, run, run_in};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A database with the Nghệ An fixture loaded (its output is long enough to fill a pipe).
fn nghe_an_db(dir: &Path) -> PathBuf {
    let db = dir.join("na.duckdb");
    let (code, _, err) = run(&[
        "--db",
        db.to_str().unwrap(),
        "ingest",
        fixture("nghe-an-2023-06").to_str().unwrap(),
    ]);
    assert!(code <= 1, "{err}");
    db
}

/// Runs a command whose stdout reader reads `lines` lines and then closes the pipe;
/// returns (exit code, stderr).
fn with_closed_pipe(args: &[&str], lines: usize) -> (i32, String) {
    let mut child = Command::new(bin())
        .args(args)
        .env("BAOCAO_TODAY", "2026-11-22")
        .env_remove("BAOCAO_DB")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start baocao");
    {
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        for _ in 0..lines {
            line.clear();
            out.read_line(&mut line).unwrap();
        }
    } // the reader is gone: further writes fail with EPIPE
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    (child.wait().unwrap().code().unwrap_or(-1), err)
}

#[test]
fn a_closed_stdout_ends_every_printing_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let db = nghe_an_db(dir.path());
    let db = db.to_str().unwrap();
    let cases: Vec<(Vec<&str>, i32)> = vec![
        (
            vec![
                "--db",
                db,
                "explain",
                "--period",
                "2023-06",
                "--metric",
                "resolved_late",
            ],
            0,
        ),
        (vec!["--db", db, "metrics", "--period", "2023-06"], 0),
        (
            vec!["--db", db, "metrics", "--period", "2023-06", "--format", "json"],
            0,
        ),
        (vec!["--db", db, "quarantine", "list"], 0),
        (vec!["--db", db, "status"], 0),
        (vec!["--db", db, "doctor"], 0),
        (vec!["completions", "bash"], 0),
    ];
    for (args, code) in &cases {
        for lines in [0, 1] {
            let (got, err) = with_closed_pipe(args, lines);
            assert_eq!(got, *code, "{args:?} after {lines} line(s): {err}");
            assert!(
                !err.contains("panicked") && !err.contains("Broken pipe"),
                "{args:?}: {err}"
            );
        }
    }
    // ingest prints its summary at the end: with the pipe closed it still loads and exits as documented.
    let db2 = dir.path().join("small.duckdb");
    let (got, err) = with_closed_pipe(
        &[
            "--db",
            db2.to_str().unwrap(),
            "ingest",
            fixture("nghe-an-2023-06").to_str().unwrap(),
        ],
        0,
    );
    assert!(got <= 1, "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn an_error_is_one_line_without_colour_in_both_log_formats() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.duckdb");
    let db = db.to_str().unwrap();
    for args in [
        vec!["--db", db, "metrics", "--period", "2023-13"],
        vec![
            "--db",
            db,
            "--config",
            "/nonexistent/baocao.toml",
            "metrics",
            "--period",
            "2023-06",
        ],
        vec!["--db", db, "ingest", "/nonexistent/folder"],
    ] {
        let (code, _, err) = run(&args);
        assert_ne!(code, 0, "{args:?}");
        let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "exactly one error line for {args:?}: {err:?}");
        assert!(lines[0].starts_with("error: "), "{err}");
        assert!(
            !err.contains('\u{1b}'),
            "no escape codes when stderr is not a terminal: {err:?}"
        );

        let mut json_args = vec!["--log-format", "json"];
        json_args.extend_from_slice(&args);
        let (code2, _, err) = run(&json_args);
        assert_eq!(code2, code, "same exit code in JSON mode");
        let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "one JSON object for {args:?}: {err:?}");
        let v: serde_json::Value = serde_json::from_str(lines[0]).expect("a JSON object");
        assert_eq!(v["level"], "ERROR");
        assert_eq!(v["exit"], code);
        assert!(!err.contains('\u{1b}'));
    }
}

#[test]
fn every_command_help_ends_with_examples_and_the_top_help_lists_exit_codes() {
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Exit codes:") && out.contains("10  internal error"),
        "{out}"
    );
    for sub in [
        vec!["ingest"],
        vec!["validate"],
        vec!["quarantine", "list"],
        vec!["synth", "generate"],
        vec!["synth", "calibrate"],
        // The command's former name still works.
        vec!["fixtures", "generate"],
        vec!["metrics"],
        vec!["explain"],
        vec!["report", "monthly"],
        vec!["report", "annual"],
        vec!["doctor"],
        vec!["run"],
        vec!["regenerate"],
        vec!["status"],
        vec!["watch"],
        vec!["site"],
        vec!["completions"],
    ] {
        let mut args = sub.clone();
        args.push("--help");
        let (code, out, err) = run(&args);
        assert_eq!(code, 0, "{sub:?}: {err}");
        let tail = out
            .split("Examples:")
            .nth(1)
            .unwrap_or_else(|| panic!("{sub:?} has no examples:\n{out}"));
        assert!(
            tail.lines().any(|l| l.trim_start().starts_with("baocao ")),
            "{sub:?}: an example is a baocao command line:\n{out}"
        );
    }
}

#[test]
fn completions_and_man_page_are_generated() {
    for shell in ["bash", "zsh", "fish"] {
        let (code, out, err) = run(&["completions", shell]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("regenerate"), "{shell}: {out}");
    }
    let (code, out, _) = run(&["man"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with(".ie") || out.contains(".TH baocao"),
        "{}",
        &out[..200.min(out.len())]
    );
}

#[test]
fn configuration_paths_resolve_beside_the_file_from_any_folder() {
    let elsewhere = tempfile::tempdir().unwrap();
    let cfg = fixture("ba-ria-vung-tau-2023/baocao.toml");
    let db = elsewhere.path().join("br.duckdb");
    // A store to read (read commands never create one).
    let csv = fixture("small/csv-utf8-vietnamese/dossiers.csv");
    let (code, _, err) = run(&["--db", db.to_str().unwrap(), "ingest", csv.to_str().unwrap()]);
    assert!(code <= 1, "{err}");
    let (code, out, err) = run_in(
        &[
            "--db",
            db.to_str().unwrap(),
            "--config",
            cfg.to_str().unwrap(),
            "metrics",
            "--period",
            "2023",
            "--format",
            "json",
        ],
        elsewhere.path(),
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        !v["targets"].as_array().unwrap().is_empty(),
        "the targets file named relative to the configuration was read"
    );
}

#[test]
fn the_same_bad_input_gives_the_same_exit_code_from_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let bad = d.join("targets-bad.toml");
    std::fs::write(&bad, "year = 2023\n[[target]]\nid = \"x\"\nmetric = \"no_such_rate\"\n").unwrap();
    let cfg = d.join("baocao.toml");
    std::fs::write(
        &cfg,
        issued("[metrics]\ntargets = \"targets-bad.toml\"\n[run]\ninbox = \"inbox\"\nout = \"out\"\narchive = \"archive\"\n"),
    )
    .unwrap();
    let db = d.join("x.duckdb");
    let db = db.to_str().unwrap();
    let cfg = cfg.to_str().unwrap();
    let (c1, _, e1) = run_in(&["--db", db, "--config", cfg, "run"], d);
    let (c2, _, e2) = run_in(
        &["--db", db, "--config", cfg, "report", "monthly", "--period", "2023-06"],
        d,
    );
    let (c3, _, e3) = run_in(&["--db", db, "--config", cfg, "metrics", "--period", "2023-06"], d);
    assert_eq!((c1, c2, c3), (2, 2, 2), "run: {e1}\nreport: {e2}\nmetrics: {e3}");
    // A misspelt report kind is refused, naming the accepted ones, before anything runs.
    std::fs::write(d.join("typo.toml"), "[run]\nreports = [\"anual\"]\n").unwrap();
    let (code, _, err) = run_in(&["--db", db, "--config", "typo.toml", "run"], d);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("anual") && err.contains("monthly") && err.contains("annual"),
        "{err}"
    );
}

#[test]
fn what_needs_attention_is_summarised_in_one_block_at_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.duckdb");
    let (code, out, err) = run(&[
        "--db",
        db.to_str().unwrap(),
        "ingest",
        fixture("small/messy-csv").to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");
    let block = out
        .split("Cần xử lý (needs attention):")
        .nth(1)
        .expect("an attention block");
    let lines: Vec<&str> = block.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(
        !lines.is_empty() && lines.iter().all(|l| l.starts_with("  - ")),
        "{block}"
    );
    assert!(
        lines[0].contains("quarantined") && lines[0].contains("quarantine list --file"),
        "{block}"
    );
    // The block is the end of the output.
    assert!(out.trim_end().ends_with(lines.last().unwrap().trim_end()), "{out}");
}

#[test]
fn a_file_that_is_not_a_database_is_a_usage_error_and_stays_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("notes.duckdb");
    std::fs::write(&db, "these are not the dossiers you are looking for\n").unwrap();
    let (code, _, err) = run(&["--db", db.to_str().unwrap(), "status"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("notes.duckdb") && err.contains("not a database"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&db).unwrap(),
        "these are not the dossiers you are looking for\n"
    );
}

#[test]
fn a_memory_limit_caps_duckdb_and_a_bad_one_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("m.duckdb");
    let csv = fixture("small/csv-utf8-vietnamese/dossiers.csv");
    let (code, _, err) = run(&["--db", db.to_str().unwrap(), "ingest", csv.to_str().unwrap()]);
    assert!(code <= 1, "{err}");
    let run_with = |limit: &str| {
        std::process::Command::new(super::common::bin())
            .args([
                "--db",
                db.to_str().unwrap(),
                "sql",
                "SELECT current_setting('memory_limit')",
            ])
            .env("BAOCAO_MEMORY_LIMIT", limit)
            .output()
            .unwrap()
    };
    let ok = run_with("600MB");
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stderr));
    let shown = String::from_utf8_lossy(&ok.stdout);
    assert!(shown.contains("MiB") || shown.contains("MB"), "{shown}");
    let bad = run_with("lots");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("BAOCAO_MEMORY_LIMIT=lots"));
}
