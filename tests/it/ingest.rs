//! Ingest: formats, encodings, headers, bad input, supersede, transactions, reconciliation.

use crate::common::*;
use baocao::ingest::Outcome;
use baocao::store;
use std::collections::BTreeSet;
use std::path::Path;

const SMALL: &[(&str, &str, &str)] = &[
    ("csv-utf8-vietnamese/dossiers.csv", "csv", "utf-8"),
    ("csv-utf8bom-semicolon/dossiers.csv", "csv", "utf-8-bom"),
    ("csv-utf16le-canonical/dossiers.csv", "csv", "utf-16le"),
    ("csv-utf16be-snake/dossiers.csv", "csv", "utf-16be"),
    ("csv-windows1258/dossiers.csv", "csv", "windows-1258"),
    ("csv-nfd-notitle/dossiers.csv", "csv", "utf-8"),
    ("csv-gzip-snake/dossiers.csv.gz", "csv", "utf-8"),
    ("xlsx-title/dossiers.xlsx", "xlsx", "xlsx"),
    ("json-dvcqg/dossiers.json", "json", "utf-8"),
    ("ndjson-snake/dossiers.ndjson", "ndjson", "utf-8"),
    ("csv-tcvn3/dossiers.csv", "csv", "tcvn3"),
    ("xlsx-vni/dossiers.xlsx", "xlsx", "vni"),
];

#[test]
fn every_committed_fixture_loads_and_reconciles() {
    let conn = store::open_in_memory().unwrap();
    for (rel, format, encoding) in SMALL {
        let r = ingest(&conn, &fixture(&format!("small/{rel}")));
        match &r.outcome {
            Outcome::Loaded {
                counts,
                format: f,
                encoding: e,
                ..
            } => {
                assert_eq!((f.as_str(), e.as_str()), (*format, *encoding), "{rel}");
                assert_eq!(counts.rows_read, 60, "{rel}");
                assert_eq!(counts.rows_quarantined, 0, "{rel}: {:?}", counts.reasons);
                assert!(counts.reconciles());
            }
            other => panic!("{rel}: {other:?}"),
        }
    }
    assert_eq!(scalar(&conn, "SELECT count(*) FROM dossiers"), 720);
    assert_eq!(scalar(&conn, "SELECT count(DISTINCT ma_ho_so) FROM dossiers"), 720);
    // Vietnamese names survive every encoding, precomposed (NFC).
    let names: BTreeSet<String> = conn
        .prepare("SELECT DISTINCT ten_don_vi FROM dossiers")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(names.contains("Sở Y tế"), "{names:?}");
    assert!(names.iter().all(|n| unicode_normalization::is_nfc(n)));
    assert!(names.iter().all(|n| !n.contains('\u{FFFD}')));
}

/// The same seed written in every format, encoding and header style must load to
/// exactly the same typed rows.
#[test]
fn same_data_in_every_format_loads_identically() {
    let tmp = tempfile::tempdir().unwrap();
    let base = [
        "--from",
        "2024-03-01",
        "--to",
        "2024-04-30",
        "--seed",
        "42",
        "--dossiers",
        "300",
    ];
    let variants: &[&[&str]] = &[
        &[],
        &["--encoding", "utf-8-bom", "--delimiter", ";", "--headers", "canonical"],
        &["--encoding", "utf-16le", "--headers", "snake"],
        &["--encoding", "utf-16be", "--dates", "iso"],
        &["--encoding", "windows-1258", "--dates", "dvcqg"],
        &["--nfd", "--no-title"],
        &["--gzip", "--delimiter", ";"],
        &["--format", "xlsx"],
        &["--format", "xlsx", "--headers", "canonical", "--no-title"],
        &["--format", "json", "--headers", "canonical"],
        &["--format", "json", "--no-title", "--dates", "vn"],
        &["--format", "ndjson", "--headers", "snake", "--gzip"],
    ];
    let mut reference: Option<Vec<String>> = None;
    for (i, v) in variants.iter().enumerate() {
        let dir = tmp.path().join(format!("v{i}"));
        let mut args = base.to_vec();
        args.extend_from_slice(v);
        let file = generate(&dir, &args);
        let conn = store::open_in_memory().unwrap();
        let r = ingest(&conn, &file);
        let c = counts(&r);
        assert_eq!(
            (c.rows_read, c.rows_quarantined),
            (300, 0),
            "variant {v:?}: {:?}",
            c.reasons
        );
        let rows: Vec<String> = conn
            .prepare("SELECT * EXCLUDE (file_id, source_row) FROM dossiers ORDER BY ma_ho_so")
            .unwrap()
            .query_map([], |r| {
                let n = r.as_ref().column_count();
                Ok((0..n)
                    .map(|k| format!("{:?}", r.get_ref(k).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        match &reference {
            None => reference = Some(rows),
            Some(want) => {
                for (a, b) in want.iter().zip(&rows) {
                    assert_eq!(a, b, "variant {v:?} differs");
                }
                assert_eq!(want.len(), rows.len());
            }
        }
    }
}

#[derive(serde::Deserialize)]
struct Expected {
    rows_read: u64,
    rows_loaded: u64,
    rows_quarantined: u64,
    problems: Vec<serde_json::Value>,
}

fn check_messy(dir: &Path) {
    let expected: Expected =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let data = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| !p.ends_with("expected.json"))
        .unwrap();
    let conn = store::open_in_memory().unwrap();
    let r = ingest(&conn, &data);
    let c = counts(&r);
    assert_eq!(
        (c.rows_read, c.rows_loaded, c.rows_quarantined),
        (expected.rows_read, expected.rows_loaded, expected.rows_quarantined),
        "{}: {:?}",
        data.display(),
        c.reasons
    );
    let got: BTreeSet<(i64, String, String)> = conn
        .prepare("SELECT source_row, column_name, reason FROM quarantine")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let want: BTreeSet<(i64, String, String)> = expected
        .problems
        .iter()
        .map(|p| {
            (
                p["row"].as_i64().unwrap(),
                p["column"].as_str().unwrap().to_string(),
                p["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(got, want, "{}", data.display());
}

#[test]
fn messy_fixtures_quarantine_exactly_what_expected_json_says() {
    for d in ["messy-csv", "messy-csv-cp1258", "messy-xlsx", "messy-json"] {
        check_messy(&fixture(&format!("small/{d}")));
    }
    // Every bad-input class is covered by the CSV one.
    let e: Expected =
        serde_json::from_str(&std::fs::read_to_string(fixture("small/messy-csv/expected.json")).unwrap()).unwrap();
    let reasons: BTreeSet<&str> = e.problems.iter().map(|p| p["reason"].as_str().unwrap()).collect();
    for r in [
        "missing_key",
        "duplicate_in_file",
        "invalid_date",
        "finish_before_accept",
        "future_date",
        "date_before_2000",
        "unknown_status",
        "unknown_channel",
        "negative_fee",
        "field_count",
        "invalid_encoding",
    ] {
        assert!(reasons.contains(r), "messy-csv lacks {r}");
    }
}

#[test]
fn messy_generated_utf16_and_ndjson() {
    let tmp = tempfile::tempdir().unwrap();
    for (i, extra) in [
        &["--encoding", "utf-16le"][..],
        &["--encoding", "utf-16be", "--headers", "snake"],
        &["--format", "ndjson"],
        &["--gzip", "--headers", "canonical"],
    ]
    .iter()
    .enumerate()
    {
        let dir = tmp.path().join(format!("m{i}"));
        let mut args = vec![
            "--from",
            "2023-05-15",
            "--to",
            "2023-06-14",
            "--dossiers",
            "200",
            "--seed",
            "7",
            "--messy",
        ];
        args.extend_from_slice(extra);
        generate(&dir, &args);
        check_messy(&dir);
    }
}

#[test]
fn same_file_twice_is_a_noop() {
    let conn = store::open_in_memory().unwrap();
    let f = fixture("small/csv-utf8-vietnamese/dossiers.csv");
    counts(&ingest(&conn, &f));
    let before = scalar(&conn, "SELECT count(*) FROM dossier_versions");
    let r = ingest(&conn, &f);
    assert!(matches!(r.outcome, Outcome::AlreadyLoaded { .. }), "{r:?}");
    assert_eq!(scalar(&conn, "SELECT count(*) FROM dossier_versions"), before);
    assert_eq!(scalar(&conn, "SELECT count(*) FROM ingest_files"), 1);
}

fn write(dir: &Path, name: &str, body: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

const HEADER: &str =
    "Mã hồ sơ,Cơ quan giải quyết,Trạng thái,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Hình thức nộp\n";

#[test]
fn newest_export_wins_and_history_is_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let title = |date: &str| format!("UBND TỈNH NGHỆ AN\nNgày xuất: {date}\n");
    // June export: A in progress, B finished.
    let june = write(
        d,
        "june.csv",
        &format!(
            "{}{HEADER}A,Sở Y tế,4,01/06/2023,20/06/2023,,1\nB,Sở Y tế,10,02/06/2023,10/06/2023,05/06/2023,2\n",
            title("14/06/2023")
        ),
    );
    // July export: A finished.
    let july = write(
        d,
        "july.csv",
        &format!(
            "{}{HEADER}A,Sở Y tế,10,01/06/2023,20/06/2023,19/06/2023,1\n",
            title("14/07/2023")
        ),
    );
    // A stale May export arriving last must not win.
    let may = write(
        d,
        "may.csv",
        &format!("{}{HEADER}A,Sở Y tế,2,01/06/2023,20/06/2023,,1\n", title("02/06/2023")),
    );
    let conn = store::open_in_memory().unwrap();
    counts(&ingest(&conn, &june));
    let c = counts(&ingest(&conn, &july)).clone();
    assert_eq!((c.rows_in_force, c.rows_replaced), (1, 1));
    let c = counts(&ingest(&conn, &may)).clone();
    assert_eq!((c.rows_loaded, c.rows_in_force, c.rows_replaced), (1, 0, 0));
    assert_eq!(
        scalar(&conn, "SELECT trang_thai FROM dossiers WHERE ma_ho_so = 'A'"),
        10
    );
    assert_eq!(scalar(&conn, "SELECT count(*) FROM dossiers"), 2);
    assert_eq!(
        scalar(&conn, "SELECT count(*) FROM dossier_versions WHERE ma_ho_so = 'A'"),
        3
    );
    assert_eq!(
        scalar(
            &conn,
            "SELECT count(*) FROM dossier_versions WHERE ma_ho_so = 'A' AND superseded_by IS NULL"
        ),
        1
    );
    // The stale file's only row lost: the file is marked superseded by the July file.
    assert_eq!(
        scalar(
            &conn,
            "SELECT count(*) FROM ingest_files WHERE path LIKE '%may.csv' AND superseded_by IS NOT NULL"
        ),
        1
    );

    // Without export dates, the later file on the command line wins.
    let conn = store::open_in_memory().unwrap();
    let a = write(
        d,
        "a.csv",
        &format!("{HEADER}X,Sở Tư pháp,4,01/06/2023,20/06/2023,,1\n"),
    );
    let b = write(
        d,
        "b.csv",
        &format!("{HEADER}X,Sở Tư pháp,9,01/06/2023,20/06/2023,10/06/2023,1\n"),
    );
    counts(&ingest(&conn, &a));
    counts(&ingest(&conn, &b));
    assert_eq!(scalar(&conn, "SELECT trang_thai FROM dossiers WHERE ma_ho_so = 'X'"), 9);
}

#[test]
fn quoted_newlines_keep_line_numbers_right() {
    let tmp = tempfile::tempdir().unwrap();
    let body =
        format!("{HEADER}A,\"Sở Y tế\nphòng 2\",4,01/06/2023,20/06/2023,,1\nB,Sở Y tế,99,02/06/2023,10/06/2023,,1\n");
    let f = write(tmp.path(), "nl.csv", &body);
    let conn = store::open_in_memory().unwrap();
    let c = counts(&ingest(&conn, &f)).clone();
    assert_eq!((c.rows_read, c.rows_loaded, c.rows_quarantined), (2, 1, 1));
    // Header is line 1, A spans lines 2–3, B is on line 4.
    assert_eq!(scalar(&conn, "SELECT source_row FROM quarantine"), 4);
    assert_eq!(scalar(&conn, "SELECT source_row FROM dossiers"), 2);
}

#[test]
fn extra_columns_are_kept_as_json_except_personal_data() {
    let tmp = tempfile::tempdir().unwrap();
    let f = write(
        tmp.path(),
        "x.csv",
        "Mã hồ sơ,Trạng thái,Ngày tiếp nhận,Người nộp,Ghi chú\nA,4,01/06/2023,Nguyễn Văn A,gấp\n",
    );
    let conn = store::open_in_memory().unwrap();
    counts(&ingest(&conn, &f));
    let extra: String = conn.query_row("SELECT extra FROM dossiers", [], |r| r.get(0)).unwrap();
    // "Người nộp" (the applicant) is personal data: withheld by the default policy.
    assert_eq!(extra, r#"{"Ghi chú":"gấp"}"#);
}

#[test]
fn broken_files_are_rejected_with_clear_reasons() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let conn = store::open_in_memory().unwrap();
    let missing = write(
        d,
        "missing.csv",
        "Mã hồ sơ,Cơ quan,Ngày tiếp nhận\nA,Sở Y tế,01/06/2023\n",
    );
    let why = rejected(&ingest(&conn, &missing)).to_string();
    assert!(
        why.contains("TrangThaiHoSo")
            && why.contains("trangthai")
            && why.contains("headers found: [Mã hồ sơ, Cơ quan, Ngày tiếp nhận]"),
        "{why}"
    );
    let empty = write(d, "empty.csv", "");
    assert!(rejected(&ingest(&conn, &empty)).contains("empty"));
    let bin = d.join("binary.csv");
    std::fs::write(&bin, (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect::<Vec<u8>>()).unwrap();
    assert!(
        rejected(&ingest(&conn, &bin)).contains("binary"),
        "{:?}",
        ingest(&conn, &bin)
    );
    let xlsx = std::fs::read(fixture("small/xlsx-title/dossiers.xlsx")).unwrap();
    let trunc = d.join("truncated.xlsx");
    std::fs::write(&trunc, &xlsx[..xlsx.len() / 2]).unwrap();
    assert!(rejected(&ingest(&conn, &trunc)).contains("XLSX"));
    let fake = write(d, "fake.xlsx", "Mã hồ sơ,Trạng thái\n");
    assert!(rejected(&ingest(&conn, &fake)).contains("zip"));
    let gz = std::fs::read(fixture("small/csv-gzip-snake/dossiers.csv.gz")).unwrap();
    let tgz = d.join("truncated.csv.gz");
    std::fs::write(&tgz, &gz[..gz.len() - 200]).unwrap();
    let r = ingest(&conn, &tgz);
    assert!(matches!(r.outcome, Outcome::Rejected { .. }), "{r:?}");
    let bad_json = write(d, "bad.json", "[{\"MaHoSo\": \"A\",");
    assert!(rejected(&ingest(&conn, &bad_json)).contains("invalid JSON"));
    let no_header = write(d, "noheader.csv", "a,b,c\n1,2,3\n");
    assert!(rejected(&ingest(&conn, &no_header)).contains("no header row"));
    // Nothing from rejected files reached the store.
    assert_eq!(scalar(&conn, "SELECT count(*) FROM ingest_files"), 0);
    assert_eq!(scalar(&conn, "SELECT count(*) FROM dossier_versions"), 0);
    assert_eq!(scalar(&conn, "SELECT count(*) FROM quarantine"), 0);
}

#[test]
fn crash_mid_file_leaves_the_database_as_before() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("t.duckdb");
    let db_s = db.to_str().unwrap();
    let first = fixture("small/csv-utf8-vietnamese/dossiers.csv");
    let second = generate(
        &tmp.path().join("big"),
        &[
            "--from",
            "2024-01-01",
            "--to",
            "2024-03-31",
            "--dossiers",
            "3000",
            "--seed",
            "5",
        ],
    );
    let (code, _, err) = run(&["--db", db_s, "ingest", first.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let out = std::process::Command::new(bin())
        .args(["--db", db_s, "ingest", second.to_str().unwrap()])
        .env("BAOCAO_FAULT_ABORT_AFTER_ROWS", "2500")
        .env("BAOCAO_TODAY", "2026-11-22")
        .output()
        .unwrap();
    assert!(!out.status.success(), "the injected fault must kill the process");
    {
        let conn = store::open(&db).unwrap();
        assert_eq!(scalar(&conn, "SELECT count(*) FROM ingest_files"), 1);
        assert_eq!(scalar(&conn, "SELECT count(*) FROM dossier_versions"), 60);
        assert_eq!(scalar(&conn, "SELECT count(*) FROM dossiers"), 60);
    }
    let (code, stdout, err) = run(&["--db", db_s, "ingest", second.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("read 3000 = loaded 3000 + quarantined 0"), "{stdout}");
}

#[test]
fn sigkill_during_ingest_never_corrupts() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("k.duckdb");
    let db_s = db.to_str().unwrap();
    let big = generate(
        &tmp.path().join("big"),
        &[
            "--from",
            "2024-01-01",
            "--to",
            "2024-06-30",
            "--dossiers",
            "40000",
            "--seed",
            "9",
        ],
    );
    for delay_ms in [50u64, 150, 400] {
        let mut child = std::process::Command::new(bin())
            .args(["--db", db_s, "ingest", big.to_str().unwrap()])
            .env("BAOCAO_TODAY", "2026-11-22")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let conn = store::open(&db).unwrap();
        let files = scalar(&conn, "SELECT count(*) FROM ingest_files");
        let rows = scalar(&conn, "SELECT count(*) FROM dossier_versions");
        // All or nothing.
        assert!(
            (files, rows) == (0, 0) || (files, rows) == (1, 40000),
            "after kill at {delay_ms} ms: files {files}, rows {rows}"
        );
    }
    let (code, _, err) = run(&["--db", db_s, "ingest", big.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let conn = store::open(&db).unwrap();
    assert_eq!(scalar(&conn, "SELECT count(*) FROM dossiers"), 40000);
}

#[test]
fn cli_exit_codes_and_validate_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("c.duckdb");
    let db_s = db.to_str().unwrap();
    let messy = fixture("small/messy-csv/dossiers.csv");
    let (code, out, _) = run(&["--db", db_s, "validate", messy.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("nothing was written"));
    assert!(!db.exists(), "validate must not create the database");
    let (code, out, _) = run(&["--db", db_s, "ingest", messy.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("quarantined 11"), "{out}");
    let (code, out, _) = run(&["--db", db_s, "quarantine", "list", "--file", "messy-csv"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("duplicate_in_file") && out.contains("11 quarantined problem(s)"),
        "{out}"
    );
    let bad = write(tmp.path(), "bad.csv", "Mã hồ sơ\nA\n");
    let (code, out, _) = run(&["--db", db_s, "ingest", bad.to_str().unwrap()]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("REJECTED") && out.contains("bad.csv"));
    let (code, _, _) = run(&["--db", db_s, "ingest", tmp.path().join("nope.csv").to_str().unwrap()]);
    assert_eq!(code, 2);
    // Another process holding the database: exit 4.
    let holder = duckdb::Connection::open(&db).unwrap();
    let (code, _, err) = run(&["--db", db_s, "ingest", messy.to_str().unwrap()]);
    drop(holder);
    assert_eq!(code, 4, "{err}");
}

#[test]
fn older_database_is_migrated() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("old.duckdb");
    {
        let c = duckdb::Connection::open(&db).unwrap();
        c.execute_batch(include_str!("../../sql/schema.sql")).unwrap();
    }
    let conn = store::open(&db).unwrap();
    assert_eq!(
        scalar(&conn, "SELECT max(version) FROM schema_version"),
        store::MIGRATIONS.last().unwrap().0 as i64
    );
    drop(conn);
    let conn = store::open(&db).unwrap();
    assert_eq!(
        scalar(&conn, "SELECT count(*) FROM schema_version"),
        store::MIGRATIONS.len() as i64
    );
}

#[test]
fn a_catalogue_loaded_before_migration_6_keeps_its_rows_and_gains_the_ii07b_columns() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("v5.duckdb");
    {
        // A database as the binary before migration 6 left it, with one catalogue row.
        let c = duckdb::Connection::open(&db).unwrap();
        c.execute_batch(include_str!("../../sql/schema.sql")).unwrap();
        for (v, name, sql) in store::MIGRATIONS.iter().filter(|m| m.0 <= 5) {
            c.execute_batch(sql).unwrap();
            c.execute(
                "INSERT INTO schema_version (version, name) VALUES (?, ?)",
                duckdb::params![v, name],
            )
            .unwrap();
        }
        c.execute_batch(
            "INSERT INTO ingest_files (kind, path, sha256, bytes, format, encoding, rows_read, rows_loaded,
                                       rows_quarantined, rows_blank, rows_in_force, rows_replaced)
             VALUES ('catalogue', 'old.csv', 'x', 10, 'csv', 'utf-8', 1, 1, 0, 0, 1, 0);
             INSERT INTO catalogue_versions VALUES (1, 2, '1.001', 'Đăng ký khai sinh', 'xa', 0, 'toan_trinh', NULL, NULL);",
        )
        .unwrap();
    }
    let conn = store::open(&db).unwrap();
    let row: (String, String, Option<String>, Option<bool>) = conn
        .query_row("SELECT ma_tthc, ten_tthc, co_quan, mot_cua FROM catalogue", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .unwrap();
    assert_eq!(row, ("1.001".into(), "Đăng ký khai sinh".into(), None, None));
    // A catalogue with the new columns loads on top (newest export wins).
    let f = tmp.path().join("catalogue.csv");
    std::fs::write(
        &f,
        "MaTTHC,TenTTHC,CoQuan,CapThucHien,MotCua,NoiBo\n1.001,Đăng ký khai sinh,Sở Tư pháp,xa,1,0\n",
    )
    .unwrap();
    let r = ingest(&conn, &f);
    assert_eq!(counts(&r).rows_loaded, 1, "{}", rejected(&r));
    let row: (String, bool, bool) = conn
        .query_row("SELECT co_quan, mot_cua, noi_bo FROM catalogue", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(row, ("Sở Tư pháp".into(), true, false));
}

#[test]
fn generator_is_deterministic() {
    let tmp = tempfile::tempdir().unwrap();
    for fmt in ["csv", "xlsx", "json"] {
        let a = generate(
            &tmp.path().join(format!("a-{fmt}")),
            &[
                "--from",
                "2023-01-01",
                "--to",
                "2023-03-31",
                "--dossiers",
                "500",
                "--seed",
                "3",
                "--format",
                fmt,
                "--messy",
            ],
        );
        let b = generate(
            &tmp.path().join(format!("b-{fmt}")),
            &[
                "--from",
                "2023-01-01",
                "--to",
                "2023-03-31",
                "--dossiers",
                "500",
                "--seed",
                "3",
                "--format",
                fmt,
                "--messy",
            ],
        );
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap(), "{fmt}");
    }
    // The committed fixtures are what the generator makes today.
    let dir = tmp.path().join("again");
    let f = generate(
        &dir,
        &[
            "--from",
            "2023-11-01",
            "--to",
            "2023-11-30",
            "--seed",
            "11",
            "--dossiers",
            "60",
            "--messy",
        ],
    );
    assert_eq!(
        std::fs::read(f).unwrap(),
        std::fs::read(fixture("small/messy-csv/dossiers.csv")).unwrap()
    );
}

#[test]
fn feedback_and_catalogue_load_with_the_same_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let conn = store::open_in_memory().unwrap();
    let fb = write(
        d,
        "pakn.csv",
        "Mã PAKN,Đơn vị xử lý,Ngày tiếp nhận,Ngày hẹn xử lý,Ngày xử lý,Đánh giá\n\
         P1,Sở Y tế,02/06/2023,12/06/2023,10/06/2023,Hài lòng\n\
         P2,Sở Y tế,03/06/2023,13/06/2023,20/06/2023,\n\
         P3,Sở Y tế,05/06/2023,15/06/2023,01/06/2023,\n\
         ,Sở Y tế,05/06/2023,15/06/2023,,\n\
         P1,Sở Y tế,02/06/2023,12/06/2023,11/06/2023,Rất hài lòng\n",
    );
    let c = counts(&ingest(&conn, &fb)).clone();
    assert_eq!(
        (c.rows_read, c.rows_loaded, c.rows_quarantined),
        (5, 2, 3),
        "{:?}",
        c.reasons
    );
    for r in ["finish_before_accept", "missing_key", "duplicate_in_file"] {
        assert_eq!(c.reasons.get(r), Some(&1), "{r}: {:?}", c.reasons);
    }
    assert_eq!(scalar(&conn, "SELECT count(*) FROM feedback"), 2);
    assert_eq!(
        scalar(&conn, "SELECT count(*) FROM ingest_files WHERE kind = 'feedback'"),
        1
    );
    // The catalogue fills the fee and service level a dossier export leaves empty.
    let cat = write(
        d,
        "tthc.csv",
        "Mã TTHC,Tên thủ tục,\"Phí, lệ phí\",Mức độ DVC\n1.0001,Cấp phép,\"50.000\",toan_trinh\n1.0002,Đăng ký,0,3\n",
    );
    let bad_header = rejected(&ingest(&conn, &write(d, "tthc2.csv", "Tên thủ tục,Phí\nA,1\n"))).to_string();
    assert!(bad_header.contains("no header row"), "{bad_header}");
    let c = counts(&ingest(&conn, &cat)).clone();
    assert_eq!((c.rows_loaded, c.rows_quarantined), (2, 0), "{:?}", c.reasons);
    let dossiers = write(
        d,
        "hs.csv",
        "Mã hồ sơ,Mã TTHC,Cơ quan giải quyết,Trạng thái,Ngày tiếp nhận,Hình thức nộp,Thanh toán trực tuyến\n\
         A,1.0001,Sở Y tế,4,02/06/2023,2,1\nB,1.0002,Sở Y tế,4,02/06/2023,2,0\nC,1.0001,Sở Y tế,4,03/06/2023,1,0\n",
    );
    counts(&ingest(&conn, &dossiers));
    let p = baocao::period::Period::parse("2023-06", baocao::period::Convention::Calendar).unwrap();
    let r = baocao::metrics::rates::compute(&conn, &baocao::metrics::scope::Scope::new(&p, None))
        .unwrap()
        .total;
    assert_eq!((r.online_payment.numerator, r.online_payment.denominator), (1, 2));
    assert_eq!((r.full_online.numerator, r.full_online.denominator), (1, 3));
    assert_eq!((r.feedback_on_time.numerator, r.feedback_on_time.denominator), (1, 2));
}

#[test]
fn calibrated_fixtures_regenerate_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    for d in ["nghe-an-2023-06", "ba-ria-vung-tau-2023"] {
        let spec = fixture(&format!("{d}/spec.toml"));
        let out = tmp.path().join(d);
        let (code, _, err) = run(&[
            "fixtures",
            "calibrate",
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        for f in std::fs::read_dir(&out).unwrap() {
            let f = f.unwrap().path();
            let name = f.file_name().unwrap().to_str().unwrap().to_string();
            assert_eq!(
                std::fs::read(&f).unwrap(),
                std::fs::read(fixture(&format!("{d}/{name}"))).unwrap(),
                "{d}/{name}"
            );
        }
    }
}

#[test]
fn a_crash_right_after_a_migration_leaves_an_openable_database() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("w.duckdb");
    let out = std::process::Command::new(bin())
        .args(["--db", db.to_str().unwrap(), "sql", "SELECT 1"])
        .env("BAOCAO_FAULT_ABORT_AFTER_MIGRATION", "1")
        .output()
        .unwrap();
    assert!(!out.status.success(), "the hook must kill the process");
    // The WAL holds the first migration; replaying it must work, then the rest applies.
    let conn = store::open(&db).unwrap();
    assert_eq!(
        scalar(&conn, "SELECT max(version) FROM schema_version"),
        store::MIGRATIONS.last().unwrap().0 as i64
    );
    assert_eq!(scalar(&conn, "SELECT count(*) FROM dossiers"), 0);
}

/// The spans ingest computes for each version (src/ingest/storing/batch.rs) are exactly those the
/// SQL rule gives (sql/spans.sql, which the migration runs over an older store): the
/// metrics read only the versions whose span meets the period, so a wrong span would drop
/// a dossier from a count.
#[test]
fn ingest_spans_agree_with_the_sql_rule() {
    let conn = store::open_in_memory().unwrap();
    for rel in [
        "nghe-an-2023-06/dossiers.csv.gz",
        "ba-ria-vung-tau-2023/dossiers.csv.gz",
    ] {
        ingest(&conn, &fixture(rel));
    }
    for (rel, _, _) in SMALL {
        ingest(&conn, &fixture(&format!("small/{rel}")));
    }
    conn.execute_batch(
        "CREATE TEMP TABLE ours AS SELECT file_id, source_row, span_from, span_to FROM dossier_versions;
         UPDATE dossier_versions SET span_from = NULL, span_to = NULL;",
    )
    .unwrap();
    store::fill_spans(&conn).unwrap();
    let compared = scalar(&conn, "SELECT count(*) FROM ours WHERE span_from IS NOT NULL");
    assert!(compared > 10_000, "{compared}");
    // Every kind of row is there: refused, withdrawn, finished, still open, not accepted.
    for (what, cond) in [
        ("refused", "trang_thai = 3"),
        ("open", "span_to = DATE '9999-12-31'"),
        ("finished", "trang_thai IN (9, 10) AND span_to < DATE '9999-12-31'"),
        ("no span", "span_from IS NULL"),
    ] {
        let n = scalar(&conn, &format!("SELECT count(*) FROM dossier_versions WHERE {cond}"));
        assert!(n > 0, "no {what} row among the fixtures");
    }
    let differ = scalar(
        &conn,
        "SELECT count(*) FROM ours o JOIN dossier_versions v USING (file_id, source_row)
         WHERE o.span_from IS DISTINCT FROM v.span_from OR o.span_to IS DISTINCT FROM v.span_to",
    );
    assert_eq!(differ, 0);
}

/// Ingest stores a file's versions without an end (unfinished, or without a span) after its
/// finished ones, in row groups of their own, so that the finished ones' spans prune: within
/// each file, every unbounded row comes after every bounded one (the file is smaller than
/// one gathering of unbounded rows), and each row keeps its source line.
#[test]
fn unbounded_versions_are_stored_after_the_bounded_ones_of_their_file() {
    let conn = store::open_in_memory().unwrap();
    ingest(&conn, &fixture("nghe-an-2023-06/dossiers.csv.gz"));
    ingest(&conn, &fixture("ba-ria-vung-tau-2023/dossiers.csv.gz"));
    let unbounded = "(span_from IS NULL OR span_to = DATE '9999-12-31')";
    for file_id in [1, 2] {
        let (b, u) = (
            scalar(
                &conn,
                &format!("SELECT count(*) FROM dossier_versions WHERE file_id = {file_id} AND NOT {unbounded}"),
            ),
            scalar(
                &conn,
                &format!("SELECT count(*) FROM dossier_versions WHERE file_id = {file_id} AND {unbounded}"),
            ),
        );
        assert!(b > 1000 && u > 100, "file {file_id}: {b} bounded, {u} unbounded");
        let out_of_place = scalar(
            &conn,
            &format!(
                "SELECT count(*) FROM dossier_versions WHERE file_id = {file_id} AND NOT {unbounded}
                   AND rowid > (SELECT min(rowid) FROM dossier_versions WHERE file_id = {file_id} AND {unbounded})"
            ),
        );
        assert_eq!(out_of_place, 0, "file {file_id}");
    }
    // Source lines are kept, one version per line, whatever the order.
    let dup = scalar(
        &conn,
        "SELECT count(*) - count(DISTINCT (file_id, source_row)) FROM dossier_versions",
    );
    assert_eq!(dup, 0);
}

/// A store written before migration 7 gains the spans from its own rows, and its figures do
/// not move: the same month computed from a store that ingest filled and from an older one.
#[test]
fn a_store_from_before_the_spans_gives_the_same_figures_after_migration() {
    let tmp = tempfile::tempdir().unwrap();
    let new_db = tmp.path().join("new.duckdb");
    let conn = store::open(&new_db).unwrap();
    ingest(&conn, &fixture("nghe-an-2023-06/dossiers.csv.gz"));
    let p = baocao::period::Period::parse("2023-06", baocao::period::Convention::Cutoff15).unwrap();
    let o = baocao::metrics::Options::default();
    let want = serde_json::to_string(&baocao::metrics::compute(&conn, &p, &o).unwrap()).unwrap();
    drop(conn);
    let old_db = tmp.path().join("v6.duckdb");
    {
        let c = duckdb::Connection::open(&old_db).unwrap();
        c.execute_batch(include_str!("../../sql/schema.sql")).unwrap();
        for (v, name, sql) in store::MIGRATIONS.iter().filter(|m| m.0 <= 6) {
            c.execute_batch(sql).unwrap();
            c.execute(
                "INSERT INTO schema_version (version, name) VALUES (?, ?)",
                duckdb::params![v, name],
            )
            .unwrap();
        }
        c.execute_batch(&format!(
            "ATTACH '{}' AS n (READ_ONLY);
             INSERT INTO ingest_files SELECT * FROM n.ingest_files;
             INSERT INTO dossier_versions SELECT * EXCLUDE (span_from, span_to) FROM n.dossier_versions;
             INSERT INTO coverage SELECT * FROM n.coverage;
             INSERT INTO quarantine SELECT * FROM n.quarantine;
             DETACH n;",
            new_db.display()
        ))
        .unwrap();
    }
    let conn = store::open(&old_db).unwrap();
    assert!(scalar(&conn, "SELECT count(span_to) FROM dossier_versions") > 10_000);
    // Migration 8 infers which optional columns an older file carried from its values: the
    // fixture's DanhGia column is empty throughout, so it reads as not carried (an empty
    // column says nothing either); the others are carried. The figures are then compared
    // with the columns ingest recorded, so that only the spans are under test here.
    let carried = |conn: &duckdb::Connection| -> String {
        conn.query_row(
            "SELECT string_agg(column_name, ',' ORDER BY column_name) FROM ingest_file_columns
             WHERE column_name IN ('MucDo', 'LePhi', 'DuocThanhToanTrucTuyen', 'HoSoCoThanhPhanSoHoa',
                 'TaiSuDungDuLieu', 'CoKetQuaDienTu', 'YeuCauKetQuaGiay', 'DaDongBoDVCQG', 'DanhGia')",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(
        carried(&conn),
        "CoKetQuaDienTu,DaDongBoDVCQG,DuocThanhToanTrucTuyen,HoSoCoThanhPhanSoHoa,LePhi,MucDo,TaiSuDungDuLieu,YeuCauKetQuaGiay"
    );
    conn.execute_batch(&format!(
        "DELETE FROM ingest_file_columns;
         ATTACH '{}' AS n (READ_ONLY);
         INSERT INTO ingest_file_columns SELECT * FROM n.ingest_file_columns;
         DETACH n;",
        new_db.display()
    ))
    .unwrap();
    assert!(carried(&conn).contains("DanhGia"));
    let got = serde_json::to_string(&baocao::metrics::compute(&conn, &p, &o).unwrap()).unwrap();
    assert_eq!(got, want);
}

/// Ingest caps DuckDB's memory only while it appends: the limit the connection had before
/// is the one it has after, for the queries that follow.
#[test]
fn ingest_puts_the_memory_limit_back() {
    let conn = store::open_in_memory().unwrap();
    let setting = |conn: &duckdb::Connection| -> String {
        conn.query_row(
            "SELECT current_setting('memory_limit') || ' ' || current_setting('threads')",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    let before = setting(&conn);
    let r = ingest(&conn, &fixture("nghe-an-2023-06/dossiers.csv.gz"));
    assert!(matches!(r.outcome, Outcome::Loaded { .. }), "{:?}", r.outcome);
    assert_eq!(setting(&conn), before);
    // Also when the file fails part-way through its rows (a line over the 1 MiB limit).
    let tmp = tempfile::tempdir().unwrap();
    let mut body = String::from(HEADER);
    for i in 0..5000 {
        body.push_str(&format!("K{i},Sở Y tế,4,01/06/2023,20/06/2023,,1\n"));
    }
    body.push_str(&"x".repeat(1_100_000));
    body.push('\n');
    let f = write(tmp.path(), "long.csv", &body);
    let r = ingest(&conn, &f);
    assert!(matches!(r.outcome, Outcome::Rejected { .. }), "{:?}", r.outcome);
    assert_eq!(setting(&conn), before);
    assert_eq!(
        scalar(&conn, "SELECT count(*) FROM dossier_versions WHERE ma_ho_so LIKE 'K%'"),
        0
    );
}

/// A file with more bad rows than the loading thread holds at once (65 536): its quarantine
/// rows are stored in several hand-overs between the INSERTs of its valid rows, and every
/// row still lands once, on its own line, in the same transaction.
#[test]
fn many_bad_rows_are_stored_in_several_hand_overs() {
    let tmp = tempfile::tempdir().unwrap();
    let n = 150_000u64;
    let mut body = String::from(HEADER);
    for i in 0..n {
        // Every third row has a known status; the others an unknown one.
        let status = if i % 3 == 0 { "4" } else { "99" };
        body.push_str(&format!("H{i:06},Sở Y tế,{status},01/06/2023,20/06/2023,,1\n"));
    }
    let f = write(tmp.path(), "bad.csv", &body);
    let conn = store::open_in_memory().unwrap();
    let c = counts(&ingest(&conn, &f)).clone();
    let good = n.div_ceil(3);
    assert_eq!((c.rows_read, c.rows_loaded, c.rows_quarantined), (n, good, n - good));
    assert_eq!(scalar(&conn, "SELECT count(*) FROM quarantine"), (n - good) as i64);
    assert_eq!(
        scalar(&conn, "SELECT count(DISTINCT source_row) FROM quarantine"),
        (n - good) as i64
    );
    assert_eq!(scalar(&conn, "SELECT count(*) FROM dossier_versions"), good as i64);
    // The header is line 1, so row i is on line i + 2: good rows on lines ≡ 2 (mod 3).
    assert_eq!(
        scalar(&conn, "SELECT count(*) FROM dossier_versions WHERE source_row % 3 <> 2"),
        0
    );
    assert_eq!(
        scalar(&conn, "SELECT count(*) FROM quarantine WHERE source_row % 3 = 2"),
        0
    );
    assert_eq!(
        scalar(&conn, "SELECT count(*) FROM dossier_versions WHERE ma_ho_so <> 'H' || lpad(CAST(source_row - 2 AS VARCHAR), 6, '0')"),
        0
    );
}

/// Ingest turns transparent huge pages off for its process (the kernel zeroed 2 MiB per fresh
/// region touched: 8 % of an ingest's CPU). Checked where the kernel reports the switch.
#[test]
fn ingest_turns_huge_pages_off() {
    let conn = store::open_in_memory().unwrap();
    let r = ingest(&conn, &fixture("nghe-an-2023-06/dossiers.csv.gz"));
    assert!(matches!(r.outcome, Outcome::Loaded { .. }), "{:?}", r.outcome);
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    if let Some(line) = status.lines().find(|l| l.starts_with("THP_enabled:")) {
        assert_eq!(line.split_whitespace().nth(1), Some("0"), "{line}");
    }
}
