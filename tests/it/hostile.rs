//! Hostile input: personal data withheld, legacy encodings (TCVN3, VNI), input limits.

use crate::common::*;
use baocao::ingest::{reading::detect::Encoding, Outcome};
use baocao::store;
use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Personal values of applicant `i`, as an export carries them.
fn person(i: usize) -> [String; 6] {
    [
        format!("Nguyễn Văn Bình{i}"),
        format!("0912345{i:03}"),
        format!("038095001{i:03}"),
        format!("binh{i}@example.vn"),
        format!("Số {i} đường Lê Lợi, phường Hưng Bình"),
        // A free-text column that is kept, except where a value is a phone number.
        if i.is_multiple_of(5) {
            format!("0987654{i:03}")
        } else {
            format!("ghi chú {i}")
        },
    ]
}

/// The Unicode fixture with personal columns appended, and one row with a missing field.
fn export_with_personal_columns(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(fixture("small/csv-utf8-vietnamese/dossiers.csv")).unwrap();
    let mut out = String::new();
    let mut data = 0;
    for line in text.split_inclusive("\r\n") {
        let body = line.trim_end_matches("\r\n");
        if body.starts_with("Mã hồ sơ") {
            out.push_str(&format!(
                "{body},Chủ hồ sơ,Số điện thoại,CCCD/CMND,Email,Địa chỉ,Ghi chú\r\n"
            ));
        } else if out.contains("Chủ hồ sơ") && !body.is_empty() {
            data += 1;
            let p = person(data);
            let cells: Vec<String> = p
                .iter()
                .map(|v| if v.contains(',') { format!("\"{v}\"") } else { v.clone() })
                .collect();
            out.push_str(&format!("{body},{}\r\n", cells.join(",")));
        } else {
            out.push_str(line);
        }
    }
    // A row out of line with the header: its raw text goes to the quarantine, masked.
    out.push_str("HS-BROKEN,Nguyễn Văn Bình99,0912345099\r\n");
    let f = dir.join("personal.csv");
    std::fs::write(&f, out).unwrap();
    f
}

fn sql(db: &Path, q: &str) -> String {
    let (code, out, err) = run(&["--db", db.to_str().unwrap(), "sql", q]);
    assert_eq!(code, 0, "{q}: {err}");
    out
}

#[test]
fn personal_columns_are_withheld_everywhere_and_files_are_owner_only() {
    let tmp = tempfile::tempdir().unwrap();
    let f = export_with_personal_columns(tmp.path());
    let db = tmp.path().join("private").join("b.duckdb");
    let (code, out, err) = run(&["--db", db.to_str().unwrap(), "ingest", f.to_str().unwrap()]);
    assert_eq!(code, 1, "one row quarantined: {out}{err}");
    assert!(
        out.contains("personal data not stored: CCCD/CMND, Chủ hồ sơ, Email, Ghi chú, Số điện thoại, Địa chỉ"),
        "{out}"
    );
    for name in ["Chủ hồ sơ", "CCCD/CMND", "Ghi chú"] {
        assert!(
            err.contains(&format!("column '{name}' holds personal data")),
            "warned: {err}"
        );
    }
    // Kept: the free text that is not personal.
    let kept = sql(
        &db,
        "SELECT count(*) FROM dossier_versions WHERE extra LIKE '%ghi chú%'",
    );
    assert!(kept.contains("48"), "{kept}");
    // Owner-only: the folder the database was created in, the database, the report.
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(db.parent().unwrap()), 0o700);
    assert_eq!(mode(&db), 0o600);
    let out_dir = tmp.path().join("out");
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
        out_dir.to_str().unwrap(),
    ]);
    assert!(code <= 1, "{err}");
    let pdf = out_dir.join("monthly-2023-01.pdf");
    assert_eq!(mode(&pdf), 0o600);
    // No personal value anywhere: database tables, quarantine, report model, PDF, logs.
    let dump = sql(
        &db,
        "SELECT (SELECT string_agg(coalesce(extra, ''), '|') FROM dossier_versions) || '|' ||
                (SELECT string_agg(raw_value || message, '|') FROM quarantine)",
    );
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let mut everything = dump + &String::from_utf8_lossy(&text.stdout) + &err;
    for e in std::fs::read_dir(&out_dir).unwrap() {
        everything.push_str(&String::from_utf8_lossy(&std::fs::read(e.unwrap().path()).unwrap()));
    }
    for i in 1..=60 {
        for v in &person(i)[..5] {
            assert!(!everything.contains(v.as_str()), "{v} leaked");
        }
    }
    assert!(!everything.contains("0987654005") && !everything.contains("Bình99"));
    assert!(
        everything.contains("N***"),
        "the broken row's raw text is masked: {everything:.300}"
    );
}

#[test]
fn the_extra_policy_drops_all_or_keeps_an_allow_list() {
    let tmp = tempfile::tempdir().unwrap();
    let f = export_with_personal_columns(tmp.path());
    for (policy, expect_null, holds) in [("\"drop\"", 61, None), ("[\"Chủ hồ sơ\"]", 1, Some("Nguyễn Văn Bình7"))]
    {
        let cfg = tmp.path().join("baocao.toml");
        std::fs::write(&cfg, format!("[ingest]\nextra = {policy}\n")).unwrap();
        let db = tmp.path().join(format!("{}.duckdb", expect_null));
        let (code, _, err) = run(&[
            "--db",
            db.to_str().unwrap(),
            "--config",
            cfg.to_str().unwrap(),
            "ingest",
            f.to_str().unwrap(),
        ]);
        assert_eq!(code, 1, "{err}");
        let nulls = sql(
            &db,
            "SELECT 'n=' || (count(*) FILTER (WHERE extra IS NULL) + 1) FROM dossier_versions",
        );
        assert!(nulls.contains(&format!("n={expect_null}\n")), "{policy}: {nulls}");
        if let Some(v) = holds {
            let n = sql(
                &db,
                &format!("SELECT 'n=' || count(*) FROM dossier_versions WHERE extra LIKE '%{v}\"%'"),
            );
            assert!(n.contains("n=1\n"), "{policy}: {n}");
            let other = sql(
                &db,
                "SELECT 'n=' || count(*) FROM dossier_versions WHERE extra LIKE '%@%' OR extra LIKE '%ghi%'",
            );
            assert!(other.contains("n=0\n"), "{policy}: {other}");
        }
    }
}

/// Agency names of files loaded together.
fn agencies(files: &[&str]) -> BTreeSet<String> {
    let conn = store::open_in_memory().unwrap();
    for f in files {
        let r = ingest(&conn, &fixture(f));
        assert!(matches!(r.outcome, Outcome::Loaded { .. }), "{f}: {:?}", r.outcome);
    }
    let mut st = conn.prepare("SELECT DISTINCT ten_don_vi FROM dossiers").unwrap();
    let names = st.query_map([], |r| r.get::<_, String>(0)).unwrap();
    names.map(|n| n.unwrap()).collect()
}

#[test]
fn tcvn3_and_vni_exports_are_detected_and_their_agencies_group_with_unicode_ones() {
    let conn = store::open_in_memory().unwrap();
    for (f, format, enc) in [
        ("small/csv-tcvn3/dossiers.csv", "csv", "tcvn3"),
        ("small/xlsx-vni/dossiers.xlsx", "xlsx", "vni"),
        ("small/csv-windows1258/dossiers.csv", "csv", "windows-1258"),
        ("small/xlsx-title/dossiers.xlsx", "xlsx", "xlsx"),
    ] {
        let r = ingest(&conn, &fixture(f));
        match &r.outcome {
            Outcome::Loaded {
                counts,
                format: fo,
                encoding,
                ..
            } => {
                assert_eq!((fo.as_str(), encoding.as_str()), (format, enc), "{f}");
                assert_eq!(
                    (counts.rows_read, counts.rows_quarantined),
                    (60, 0),
                    "{f}: {:?}",
                    counts.reasons
                );
            }
            other => panic!("{f}: {other:?}"),
        }
    }
    let unicode = agencies(&[
        "small/csv-utf8-vietnamese/dossiers.csv",
        "small/xlsx-title/dossiers.xlsx",
        "small/csv-nfd-notitle/dossiers.csv",
        "small/messy-csv/dossiers.csv",
    ]);
    for legacy in ["small/csv-tcvn3/dossiers.csv", "small/xlsx-vni/dossiers.xlsx"] {
        let names = agencies(&[legacy]);
        assert!(names.len() >= 10, "{legacy}: {names:?}");
        let both = agencies(&[legacy, "small/csv-utf8-vietnamese/dossiers.csv"]);
        let merged = names.len() + agencies(&["small/csv-utf8-vietnamese/dossiers.csv"]).len() - both.len();
        assert!(merged > 0, "{legacy}: some agency is shared with the Unicode export");
        let strange: Vec<&String> = names
            .iter()
            .filter(|n| !unicode.contains(*n) && n.chars().any(|c| "µ¸©·ÌÐªôöñ".contains(c)))
            .collect();
        assert!(strange.is_empty(), "{legacy}: undecoded names {strange:?}");
    }
}

#[test]
fn an_encoding_can_be_forced_and_plain_utf8_is_never_reinterpreted() {
    let tmp = tempfile::tempdir().unwrap();
    // VNI bytes that are also valid... in no other reading: forced, they decode.
    let vni = baocao::ingest::reading::legacy::encode(
        "Mã hồ sơ,Trạng thái,Ngày tiếp nhận,Cơ quan giải quyết\nHS1,2,01/02/2023,Sở Y tế\n",
        baocao::ingest::reading::legacy::Legacy::Vni,
    );
    let f = tmp.path().join("vni.csv");
    std::fs::write(&f, &vni).unwrap();
    let conn = store::open_in_memory().unwrap();
    let mut o = opts();
    o.read.encoding = Encoding::parse("vni");
    let r = baocao::ingest::ingest_file(&conn, &f, &o).unwrap();
    assert_eq!(counts(&r).rows_loaded, 1, "{:?}", r.outcome);
    assert_eq!(
        scalar(&conn, "SELECT count(*) FROM dossiers WHERE ten_don_vi = 'Sở Y tế'"),
        1
    );
    // The same words in UTF-8 stay as they are.
    let g = tmp.path().join("utf8.csv");
    std::fs::write(
        &g,
        "Mã hồ sơ,Trạng thái,Ngày tiếp nhận,Cơ quan giải quyết\nHS2,2,01/02/2023,Sôû Y teá\n",
    )
    .unwrap();
    let r = ingest(&conn, &g);
    assert!(matches!(&r.outcome, Outcome::Loaded { encoding, .. } if encoding == "utf-8"));
    assert_eq!(
        scalar(&conn, "SELECT count(*) FROM dossiers WHERE ten_don_vi = 'Sôû Y teá'"),
        1
    );
}

const HEADER: &str = "Mã hồ sơ,Trạng thái,Ngày tiếp nhận,Ghi chú\n";

#[test]
fn an_overlong_field_is_quarantined_and_an_overlong_line_rejects_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let conn = store::open_in_memory().unwrap();
    let f = tmp.path().join("field.csv");
    let long = "x".repeat(70_000);
    std::fs::write(&f, format!("{HEADER}HS1,2,01/02/2023,{long}\nHS2,2,01/02/2023,ngắn\n")).unwrap();
    let c = counts(&ingest(&conn, &f)).clone();
    assert_eq!((c.rows_loaded, c.rows_quarantined), (1, 1));
    assert_eq!(c.reasons.get("field_too_long"), Some(&1), "{:?}", c.reasons);
    let g = tmp.path().join("line.csv");
    std::fs::write(&g, format!("{HEADER}HS1,2,01/02/2023,{}\n", "y".repeat(2 << 20))).unwrap();
    let why = rejected(&ingest(&conn, &g)).to_string();
    assert!(why.contains("line 2 is longer than 1 MiB"), "{why}");
}

#[test]
fn deep_json_is_refused_and_a_deep_ndjson_line_quarantined() {
    let tmp = tempfile::tempdir().unwrap();
    let conn = store::open_in_memory().unwrap();
    let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
    let f = tmp.path().join("deep.json");
    std::fs::write(
        &f,
        format!("[{{\"MaHoSo\": \"HS1\", \"TrangThaiHoSo\": 2, \"NgayTiepNhan\": \"2023-02-01\", \"x\": {deep}}}]"),
    )
    .unwrap();
    let why = rejected(&ingest(&conn, &f)).to_string();
    assert!(why.contains("nested deeper than 64 levels"), "{why}");
    let g = tmp.path().join("deep.ndjson");
    std::fs::write(
        &g,
        format!("{{\"MaHoSo\": \"HS1\", \"TrangThaiHoSo\": 2, \"NgayTiepNhan\": \"2023-02-01\"}}\n{{\"MaHoSo\": \"HS2\", \"x\": {deep}}}\n"),
    )
    .unwrap();
    let c = counts(&ingest(&conn, &g)).clone();
    assert_eq!((c.rows_loaded, c.rows_quarantined), (1, 1), "{:?}", c.reasons);
    assert_eq!(c.reasons.get("malformed_record"), Some(&1));
}

/// A zip whose one entry inflates to `n` zero bytes while its directory claims 1 000.
fn zip_bomb(path: &Path, n: usize) {
    use std::io::Write;
    let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..n >> 20 {
        z.write_all(&chunk).unwrap();
    }
    let data = z.finish().unwrap();
    let name = b"xl/worksheets/sheet1.xml";
    let le16 = |v: u16| v.to_le_bytes().to_vec();
    let le32 = |v: u32| v.to_le_bytes().to_vec();
    let mut f = Vec::new();
    f.extend(b"PK\x03\x04");
    f.extend(
        [
            le16(20),
            le16(0),
            le16(8),
            le16(0),
            le16(0),
            le32(0),
            le32(data.len() as u32),
            le32(1000),
        ]
        .concat(),
    );
    f.extend([le16(name.len() as u16), le16(0)].concat());
    f.extend(name);
    f.extend(&data);
    let cd_at = f.len();
    f.extend(b"PK\x01\x02");
    f.extend(
        [
            le16(20),
            le16(20),
            le16(0),
            le16(8),
            le16(0),
            le16(0),
            le32(0),
            le32(data.len() as u32),
            le32(1000),
        ]
        .concat(),
    );
    f.extend(
        [
            le16(name.len() as u16),
            le16(0),
            le16(0),
            le16(0),
            le16(0),
            le32(0),
            le32(0),
        ]
        .concat(),
    );
    f.extend(name);
    let cd_len = f.len() - cd_at;
    f.extend(b"PK\x05\x06");
    f.extend(
        [
            le16(0),
            le16(0),
            le16(1),
            le16(1),
            le32(cd_len as u32),
            le32(cd_at as u32),
            le16(0),
        ]
        .concat(),
    );
    std::fs::write(path, f).unwrap();
}

#[test]
fn an_xlsx_that_inflates_beyond_the_limit_is_refused_as_a_zip_bomb() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("bomb.xlsx");
    zip_bomb(&f, 300 << 20);
    assert!(std::fs::metadata(&f).unwrap().len() < 1 << 20, "a small file");
    let conn = store::open_in_memory().unwrap();
    let why = rejected(&ingest(&conn, &f)).to_string();
    assert!(why.contains("possible zip bomb") && why.contains("256 MiB"), "{why}");
}
