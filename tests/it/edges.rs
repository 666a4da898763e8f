//! Issue 27, what a report may state at the edges: a store that does not exist, a misspelt
//! unit, no configuration, a period the data does not cover.

use crate::common::{fixture, report, run, run_in};
use std::path::{Path, PathBuf};

/// Every command that reads a store refuses a missing one (exit 2, naming the path and
/// `ingest`) and leaves no file behind: a typo in --db never becomes a report of zeros.
#[test]
fn read_commands_never_create_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nghean.duckdb");
    let d = db.to_str().unwrap();
    let cfg = fixture("nghe-an-2023-06/baocao.toml");
    let c = cfg.to_str().unwrap();
    let lake = dir.path().join("lake");
    let site = dir.path().join("site");
    let out = dir.path().join("out");
    let cases: Vec<Vec<&str>> = vec![
        vec![
            "report",
            "monthly",
            "--period",
            "2023-06",
            "--out",
            out.to_str().unwrap(),
        ],
        vec!["metrics", "--period", "2023-06"],
        vec!["explain", "--period", "2023-06", "--metric", "resolved_late"],
        vec!["coverage", "--period", "2023-06"],
        vec!["status"],
        vec!["quarantine", "list"],
        vec![
            "export",
            "--parquet",
            lake.to_str().unwrap(),
            "--period",
            "2023-06",
            "--province",
            "Nghệ An",
        ],
        vec!["site", "--out", site.to_str().unwrap()],
        vec!["doctor"],
    ];
    for args in &cases {
        let mut all = vec!["--db", d, "--config", c];
        all.extend_from_slice(args);
        let (code, _, err) = run(&all);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(d) || args[0] == "doctor", "{args:?} names the path: {err}");
        assert!(!db.exists(), "{args:?} created {d}");
    }
    // doctor says it on stdout, with its other checks.
    let (_, stdout, _) = run(&["--db", d, "doctor"]);
    assert!(stdout.contains(d) && stdout.contains("ingest"), "{stdout}");
    // A roll-up of a province's database that is not there.
    let (code, _, err) = run(&["rollup", d, "--period", "2023-06"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(d), "{err}");
    assert!(!db.exists());
    // ingest creates it.
    let (code, _, err) = run(&["--db", d, "ingest", fixture("small").to_str().unwrap()]);
    assert!(code <= 1, "{err}");
    assert!(db.exists());
}

/// Ingests the Nghệ An fixture into `dir/na.duckdb`.
fn nghe_an(dir: &Path) -> PathBuf {
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

/// Renders a report with the built-in renderer; returns (exit, report.json, stdout, stderr).
fn report_json(db: &Path, cfg: &Path, args: &[&str], out: &Path) -> (i32, serde_json::Value, String, String) {
    let (code, stdout, err) = report(db, cfg, &["--renderer", "builtin", "--formats", "pdf"], args, out);
    let json = stdout
        .lines()
        .nth(1)
        .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
        .unwrap_or(serde_json::Value::Null);
    (code, json, stdout, err)
}

/// Every paragraph of a report model, one per line.
fn paragraphs(r: &serde_json::Value) -> String {
    r["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["paragraphs"].as_array().unwrap().iter())
        .map(|p| p.as_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A period no file covers is reported as such: no count, rate, rank or comparison, exit 1
/// with the reason in the closing block; leftover rows of other periods are not figures.
#[test]
fn a_period_without_data_states_no_figure() {
    let tmp = tempfile::tempdir().unwrap();
    let db = nghe_an(tmp.path());
    let cfg = fixture("nghe-an-2023-06/baocao.toml");
    for period in ["2023-03", "2021-01", "2023-07"] {
        let out = tmp.path().join(period);
        let (code, r, stdout, err) = report_json(&db, &cfg, &["monthly", "--period", period], &out);
        assert_eq!(code, 1, "{period}: {err}");
        let text = paragraphs(&r);
        assert!(text.starts_with("Kỳ báo cáo chưa có số liệu"), "{period}: {text}");
        for false_fact in ["đã tiếp nhận", "đạt tỷ lệ", "Không phát sinh", "So với", "%"] {
            assert!(!text.contains(false_fact), "{period}: {false_fact:?} in {text}");
        }
        assert!(crate::common::blocks(&r).is_empty(), "{period}: no table or chart");
        assert!(
            r["appendices"].as_array().unwrap().is_empty(),
            "{period}: no II.06a of zeros"
        );
        assert!(stdout.contains("kỳ báo cáo chưa có số liệu"), "{period}: {stdout}");
        assert!(
            !stdout.contains("phụ lục"),
            "{period}: no appendix is expected: {stdout}"
        );
    }
    // After the data, every agency seen before is named.
    let (_, r, _, _) = report_json(&db, &cfg, &["monthly", "--period", "2023-07"], &tmp.path().join("07"));
    assert!(paragraphs(&r).contains("Các đơn vị chưa có số liệu kỳ này: "), "{r}");
    // The covered month is stated in full, exit 0.
    let (code, r, _, err) = report_json(&db, &cfg, &["monthly", "--period", "2023-06"], &tmp.path().join("06"));
    assert_eq!(code, 0, "{err}");
    assert!(
        paragraphs(&r).contains("các cơ quan, đơn vị trên địa bàn tỉnh đã tiếp nhận và giải quyết 21.969 hồ sơ"),
        "{r}"
    );
}

/// A unit is matched after NFC, case and spacing, and its report speaks of it alone; an
/// unknown name is refused with the closest names.
#[test]
fn a_unit_is_found_by_identity_and_its_report_speaks_of_it() {
    let tmp = tempfile::tempdir().unwrap();
    let db = nghe_an(tmp.path());
    let cfg = fixture("nghe-an-2023-06/baocao.toml");
    let mut names = Vec::new();
    for typed in ["Sở Y tế", "sở y tế", "Sở Y Tế", "Sở Y tế ", "  Sở  Y tế"] {
        let out = tmp.path().join("out");
        let (code, r, stdout, err) = report_json(&db, &cfg, &["monthly", "--period", "2023-06", "--unit", typed], &out);
        assert_eq!(code, 0, "{typed:?}: {err}");
        let text = paragraphs(&r);
        assert!(
            text.contains("Sở Y tế đã tiếp nhận và giải quyết 903 hồ sơ"),
            "{typed:?}: {text}"
        );
        assert!(
            !text.contains("trên địa bàn tỉnh") && !text.contains("một số sở, ban, ngành"),
            "{text}"
        );
        assert!(
            !stdout.contains("catalogue is loaded"),
            "a catalogue is loaded: {stdout}"
        );
        names.push(stdout.lines().next().unwrap().to_string());
    }
    names.dedup();
    assert_eq!(names.len(), 1, "one unit, one file name: {names:?}");
    let (code, _, _, err) = report_json(
        &db,
        &cfg,
        &["monthly", "--period", "2023-06", "--unit", "So Y te"],
        &tmp.path().join("x"),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("Sở Y tế"), "the closest name: {err}");
    assert!(!tmp.path().join("x").exists());
}

/// No report borrows an identity: without who issues it, report and run are exit 2 naming
/// the keys; `init` writes them for a province it knows, and never overwrites.
#[test]
fn no_report_without_its_issuer_and_init_writes_one() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let csv = "Mã hồ sơ,Cơ quan giải quyết,Cấp,Trạng thái,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Hình thức nộp\n\
               A,Sở Y tế,tinh,10,20/05/2023,30/05/2023,25/05/2023,2\n";
    let db = crate::common::ingest_text(d, "ht.csv", csv);
    let db_s = db.to_str().unwrap();
    let (code, _, err) = run_in(&["--db", db_s, "report", "monthly", "--period", "2023-06"], d);
    assert_eq!(code, 2, "{err}");
    for key in [
        "province",
        "issuer",
        "place",
        "signer_lines",
        "reporting_unit",
        "baocao init",
    ] {
        assert!(err.contains(key), "{key}: {err}");
    }
    assert!(!d.join("out").exists());
    let (code, _, err) = run_in(&["--db", db_s, "run"], d);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("[report] province"), "{err}");
    // init: an unknown name gets suggestions, a known one a configuration.
    let (code, _, err) = run_in(&["init", "--province", "Ha Tinhh"], d);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("Hà Tĩnh"), "{err}");
    assert!(!d.join("baocao.toml").exists());
    let (code, out, err) = run_in(&["init", "--province", "hà tĩnh"], d);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), "baocao.toml");
    let text = std::fs::read_to_string(d.join("baocao.toml")).unwrap();
    assert!(
        text.contains("\"TỈNH HÀ TĨNH\"") && text.contains("place = \"Hà Tĩnh\""),
        "{text}"
    );
    let (code, _, err) = run_in(&["init", "--province", "Nghệ An"], d);
    assert_eq!(code, 2, "never overwrites: {err}");
    assert_eq!(std::fs::read_to_string(d.join("baocao.toml")).unwrap(), text);
    // The file init wrote makes a report issued by Hà Tĩnh.
    let (code, stdout, err) = run_in(
        &[
            "--db",
            db_s,
            "--renderer",
            "builtin",
            "report",
            "monthly",
            "--period",
            "2023-06",
        ],
        d,
    );
    assert!(code <= 1, "{err}");
    let json = d.join(stdout.lines().nth(1).unwrap());
    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    assert_eq!(r["header"]["issuer"][1], "TỈNH HÀ TĨNH");
    // A province merged in 2025 says what became of it.
    let (code, _, err) = run_in(&["init", "--province", "Bà Rịa - Vũng Tàu", "--out", "brvt.toml"], d);
    assert_eq!(code, 0, "{err}");
    let brvt = std::fs::read_to_string(d.join("brvt.toml")).unwrap();
    assert!(brvt.contains("thành phố Hồ Chí Minh"), "{brvt}");
}

/// After 1/7/2025 there is no district level: rows still marked `huyen` keep their counts
/// under a heading that says what they are, and the closing block names their agencies.
#[test]
fn district_rows_after_the_2025_reorganisation_are_named_not_a_level() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let csv = "Mã hồ sơ,Cơ quan giải quyết,Cấp,Trạng thái,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Hình thức nộp\n\
               A,Sở Y tế,tinh,10,20/07/2025,30/07/2025,25/07/2025,2\n\
               B,UBND huyện Nam Đàn,huyen,10,21/07/2025,30/07/2025,25/07/2025,1\n\
               C,UBND xã Hưng Nguyên,xa,10,22/07/2025,30/07/2025,25/07/2025,1\n";
    let db = crate::common::ingest_text(d, "aug.csv", csv);
    let cfg = fixture("nghe-an-2023-06/baocao.toml");
    let cfg = {
        let text = std::fs::read_to_string(cfg).unwrap();
        let p = d.join("na.toml");
        std::fs::write(&p, text.replace("appendices = [\"ii06a\", \"ii06b\", \"ii07b\"]", "")).unwrap();
        p
    };
    let (code, r, stdout, err) = report_json(&db, &cfg, &["monthly", "--period", "2025-08"], &d.join("out"));
    assert_eq!(code, 1, "{err}");
    let form = serde_json::to_string(&r["appendices"]).unwrap();
    assert!(!form.contains("Cấp huyện"), "{form}");
    assert!(form.contains("Đơn vị ghi cấp huyện sau ngày 1/7/2025"), "{form}");
    assert!(
        stdout.contains("đơn vị ghi cấp huyện sau ngày 1/7/2025") && stdout.contains("UBND huyện Nam Đàn"),
        "{stdout}"
    );
}

/// The showcase fixtures are true to their province and time: Bà Rịa - Vũng Tàu's units
/// are its own, and a 2023 report names no agency created later or found elsewhere.
#[test]
fn the_fixture_reports_name_units_of_their_province_and_time() {
    let tmp = tempfile::tempdir().unwrap();
    for (fx, args) in [
        ("ba-ria-vung-tau-2023", vec!["annual", "--year", "2023"]),
        ("nghe-an-2023-06", vec!["monthly", "--period", "2023-06"]),
    ] {
        let db = tmp.path().join(format!("{fx}.duckdb"));
        let (code, _, err) = run(&["--db", db.to_str().unwrap(), "ingest", fixture(fx).to_str().unwrap()]);
        assert!(code <= 1, "{err}");
        let cfg = fixture(&format!("{fx}/baocao.toml"));
        let (code, r, _, err) = report_json(&db, &cfg, &args, &tmp.path().join(fx));
        assert_eq!(code, 0, "{fx}: {err}");
        let text = r.to_string();
        for later in ["Sở Dân tộc và Tôn giáo", "Sở Quy hoạch - Kiến trúc"] {
            assert!(!text.contains(later), "{fx}: {later} in a 2023 report");
        }
        if fx.starts_with("ba-ria") {
            for nghe_an in ["Nghi Lộc", "Hưng Nguyên", "Diễn Châu", "Khu kinh tế Đông Nam"] {
                assert!(!text.contains(nghe_an), "{fx}: {nghe_an}");
            }
            assert!(text.contains("UBND huyện Châu Đức"), "{fx}: its own districts");
        }
    }
}
