//! Ingest, reading and checking: formats, encodings, headers, bad input, reconciliation, the
//! generator (storing: storing.rs).

use crate::common::*;
use baocao::ingest::Outcome;
use baocao::store;
use std::collections::BTreeSet;
use std::path::Path;

pub(super) const SMALL: &[(&str, &str, &str)] = &[
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

pub(super) fn write(dir: &Path, name: &str, body: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

pub(super) const HEADER: &str =
    "Mã hồ sơ,Cơ quan giải quyết,Trạng thái,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Hình thức nộp\n";

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
            "synth",
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
