//! The Parquet lake and the national roll-up: deterministic partitions with their manifest,
//! no unmatched column exported, a re-export replacing its partition, and a national table
//! that ranks only like with like (same dates, covered whole, same indicators; ties equal).

use super::common::{fixture, run};
use serde_json::Value;
use std::path::Path;

fn ingest_na(db: &str) {
    let (code, _, err) = run(&["--db", db, "ingest", fixture("nghe-an-2023-06").to_str().unwrap()]);
    assert!(code <= 1, "{err}");
}

fn export(db: &str, lake: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "--db",
        db,
        "export",
        "--parquet",
        lake.to_str().unwrap(),
        "--period",
        "2023-06",
    ];
    args.extend_from_slice(extra);
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    out.trim().to_string()
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_month_exports_to_a_deterministic_partition_and_a_reexport_replaces_it() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("na.duckdb");
    let db = db.to_str().unwrap();
    ingest_na(db);
    let (a, b) = (tmp.path().join("lake-a"), tmp.path().join("lake-b"));
    let part = export(db, &a, &["--province", "Nghệ An"]);
    assert!(part.ends_with("province=nghe-an/year=2023/month=06"), "{part}");
    export(db, &b, &["--province", "Nghệ An"]);
    let fa = files(Path::new(&part));
    let names: Vec<&str> = fa.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(
        names,
        ["_manifest.json", "dossiers.parquet", "flags.parquet", "metrics.parquet"]
    );
    assert_eq!(
        fa,
        files(&b.join("province=nghe-an/year=2023/month=06")),
        "same data, same bytes"
    );

    let m: Value = serde_json::from_slice(&fa[0].1).unwrap();
    assert_eq!(m["province"], "Nghệ An");
    assert_eq!(m["period"]["from"], "2023-05-15");
    assert!(m["sql"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["name"] == "metrics/ii06a.sql"));
    assert!(m["inputs"][0]["sha256"].as_str().unwrap().len() == 64);
    // The manifest's counts and hashes are the files'.
    let q = |sql: &str| {
        let (code, out, err) = run(&["--db", db, "sql", sql]);
        assert_eq!(code, 0, "{err}");
        out.lines().next().unwrap().to_string()
    };
    for f in m["files"].as_array().unwrap() {
        let path = Path::new(&part).join(f["name"].as_str().unwrap());
        let rows = q(&format!("SELECT count(*) FROM read_parquet('{}')", path.display()));
        assert_eq!(rows, f["rows"].to_string(), "{}", f["name"]);
    }
    // The province total of metrics.parquet is the published II.06a total.
    let total = q(&format!(
        "SELECT total_handled, resolved, on_time_num, on_time_den FROM read_parquet('{part}/metrics.parquet', hive_partitioning = false) WHERE grain = 'total'"
    ));
    assert_eq!(total, "21969\t16840\t16263\t16840");
    // No unmatched column (personal data lives there) leaves the store.
    let cols = q(&format!(
        "SELECT string_agg(column_name, ',') FROM (DESCRIBE SELECT * FROM read_parquet('{part}/dossiers.parquet'))"
    ));
    assert!(!cols.contains("extra"), "{cols}");
    assert!(cols.contains("ma_ho_so"), "{cols}");

    // A re-export replaces the partition whole, leaving no temporary folder.
    std::fs::write(Path::new(&part).join("stale.parquet"), b"old").unwrap();
    export(db, &a, &["--province", "Nghệ An"]);
    assert_eq!(
        files(Path::new(&part)),
        fa,
        "the old partition is gone, the new one is whole"
    );
    let siblings: Vec<String> = std::fs::read_dir(a.join("province=nghe-an/year=2023"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(siblings, ["month=06"]);
}

/// A lake of three provinces from the Nghệ An fixture: two with the same figures (a tie),
/// a third exported as a calendar month — a different period: shown apart, not ranked and
/// not in the totals.
fn three_provinces(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("na.duckdb");
    let db = db.to_str().unwrap();
    ingest_na(db);
    let lake = dir.join("lake");
    export(db, &lake, &["--province", "Tỉnh A"]);
    export(db, &lake, &["--province", "Tỉnh B"]);
    export(db, &lake, &["--province", "Tỉnh C", "--convention", "calendar"]);
    lake
}

#[test]
fn the_national_table_ranks_provinces_of_the_same_dates_with_ties_equal() {
    let tmp = tempfile::tempdir().unwrap();
    let lake = three_provinces(tmp.path());
    let (code, out, err) = run(&[
        "rollup",
        lake.to_str().unwrap(),
        "--period",
        "2023-06",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let n: Value = serde_json::from_str(&out).unwrap();
    let ps = n["provinces"].as_array().unwrap();
    let get = |name: &str| ps.iter().find(|p| p["province"] == name).unwrap().clone();
    assert_eq!(get("Tỉnh A")["rank"], "1/2");
    assert_eq!(get("Tỉnh B")["rank"], "1/2");
    assert!(get("Tỉnh C")["rank"].is_null());
    assert!(get("Tỉnh C")["not_ranked"].as_str().unwrap().contains("khác kỳ"));
    assert_eq!(n["total"]["total_handled"], 2 * 21969);
    assert_eq!(n["provinces_in_total"], 2);
    assert_eq!(n["rates"]["on_time"]["numerator"], 2 * 16263);
    assert_eq!(n["median"], get("Tỉnh A")["index766"]["total"]);
    let (code, table, err) = run(&["rollup", lake.to_str().unwrap(), "--period", "2023-06"]);
    assert_eq!(code, 0, "{err}");
    assert!(table.contains("Cộng 2/63 tỉnh, thành phố"), "{table}");
    assert!(table.contains("không phải điểm chính thức"), "{table}");
}

/// One generated province of August 2025 (calendar month), ingested into its own store.
fn generated_province(dir: &Path, name: &str, seed: &str, dossiers: &str) -> String {
    let g = dir.join(format!("gen-{seed}"));
    let f = super::common::generate(
        &g,
        &[
            "--from",
            "2025-08-01",
            "--to",
            "2025-08-31",
            "--dossiers",
            dossiers,
            "--seed",
            seed,
            "--province",
            name,
        ],
    );
    let db = dir.join(format!("{seed}.duckdb"));
    let db = db.to_str().unwrap().to_string();
    let (code, _, err) = run(&["--db", &db, "ingest", f.to_str().unwrap()]);
    assert!(code <= 1, "{err}");
    db
}

fn rollup_json(args: &[&str]) -> Value {
    let mut all = vec!["rollup"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let (code, out, err) = run(&all);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

fn metrics_total(db: &str, period: &[&str]) -> Value {
    let mut all = vec!["--db", db, "metrics"];
    all.extend_from_slice(period);
    all.extend_from_slice(&["--format", "json"]);
    let (code, out, err) = run(&all);
    assert!(code <= 1, "{err}");
    let m: Value = serde_json::from_str(&out).unwrap();
    m["ii06a"]["total"].clone()
}

#[test]
fn after_the_reorganisation_merged_provinces_roll_up_into_their_successor() {
    let tmp = tempfile::tempdir().unwrap();
    let lake = tmp.path().join("lake");
    let cal = ["--period", "2025-08", "--convention", "calendar"];
    // Three generated provinces: two merged into Hồ Chí Minh on 1/7/2025, one unchanged.
    let dbs = [
        ("Bình Dương", generated_province(tmp.path(), "Bình Dương", "1", "600")),
        (
            "Bà Rịa - Vũng Tàu",
            generated_province(tmp.path(), "Bà Rịa - Vũng Tàu", "2", "500"),
        ),
        ("Nghệ An", generated_province(tmp.path(), "Nghệ An", "3", "700")),
    ];
    for (name, db) in &dbs {
        let mut args = vec![
            "--db",
            db.as_str(),
            "export",
            "--parquet",
            lake.to_str().unwrap(),
            "--province",
            name,
        ];
        args.extend_from_slice(&cal);
        let (code, _, err) = run(&args);
        assert_eq!(code, 0, "{err}");
    }
    let mut args = vec![lake.to_str().unwrap()];
    args.extend_from_slice(&cal);
    let n = rollup_json(&args);
    let ps = n["provinces"].as_array().unwrap();
    assert_eq!(ps.len(), 2, "{n:#}");
    let hcm = ps
        .iter()
        .find(|p| p["province"] == "Hồ Chí Minh")
        .expect("the successor");
    assert_eq!(
        hcm["formed_from"],
        serde_json::json!(["Bà Rịa - Vũng Tàu", "Bình Dương"])
    );
    let handled = |db: &str| metrics_total(db, &cal)["total_handled"].as_i64().unwrap();
    assert_eq!(
        hcm["ii06a"]["total_handled"].as_i64().unwrap(),
        handled(&dbs[0].1) + handled(&dbs[1].1)
    );
    assert_eq!(
        n["total"]["total_handled"].as_i64().unwrap(),
        dbs.iter().map(|d| handled(&d.1)).sum::<i64>()
    );
    let notes = n["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    let note = notes[0].as_str().unwrap();
    assert!(
        note.contains("tỉnh Bà Rịa - Vũng Tàu, tỉnh Bình Dương được tổng hợp vào thành phố Hồ Chí Minh"),
        "{note}"
    );
    // Two units ranked among themselves: ranks 1/2 and 2/2 (or 1/2 twice on a tie).
    let ranks: Vec<&str> = ps.iter().map(|p| p["rank"].as_str().unwrap()).collect();
    assert!(ranks == ["1/2", "2/2"] || ranks == ["1/2", "1/2"], "{ranks:?}");
    // Two of the 34 units of the time are added up: never "Toàn quốc".
    assert_eq!(n["total_label"], "Cộng 2/34 tỉnh, thành phố");

    // The same month read from the provinces' own databases (read-only) gives the same table.
    let named: Vec<String> = dbs.iter().map(|(name, db)| format!("{name}={db}")).collect();
    let mut args: Vec<&str> = named.iter().map(|s| s.as_str()).collect();
    args.extend_from_slice(&cal);
    let from_stores = rollup_json(&args);
    assert_eq!(from_stores["total"], n["total"]);
    assert_eq!(
        from_stores["provinces"][0]["index766"]["total"],
        n["provinces"][0]["index766"]["total"]
    );
    let before = std::fs::read(&dbs[0].1).unwrap();
    assert_eq!(
        std::fs::read(&dbs[0].1).unwrap(),
        before,
        "a store read by a roll-up is not written"
    );
}

#[test]
fn a_year_rolls_up_from_year_partitions_and_a_store_is_named_by_its_file() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("nghe-an.duckdb");
    let db = db.to_str().unwrap();
    ingest_na(db);
    let lake = tmp.path().join("lake");
    let (code, out, err) = run(&[
        "--db",
        db,
        "export",
        "--parquet",
        lake.to_str().unwrap(),
        "--period",
        "2023",
        "--province",
        "Nghệ An",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 13, "twelve months and the year: {out}");
    assert!(out.lines().last().unwrap().ends_with("year=2023/period=2023"), "{out}");
    let n = rollup_json(&[lake.to_str().unwrap(), "--period", "2023"]);
    let year = metrics_total(db, &["--period", "2023"]);
    assert_eq!(n["provinces"][0]["ii06a"]["total_handled"], year["total_handled"]);
    // The export covers a month of the year: the province is listed, not ranked, not added up.
    assert!(n["provinces"][0]["rank"].is_null());
    let why = n["provinces"][0]["not_ranked"].as_str().unwrap();
    assert!(
        why.starts_with("số liệu chỉ bao phủ ") && why.ends_with("/365 ngày của kỳ"),
        "{why}"
    );
    assert_eq!(n["provinces_in_total"], 0);
    assert_eq!(n["total"]["total_handled"], 0);
    // nghe-an.duckdb is the province Nghệ An (reference/units.csv); an unknown file name is a
    // usage error asking for "Tên=path".
    let s = rollup_json(&[db, "--period", "2023"]);
    assert_eq!(s["provinces"][0]["province"], "Nghệ An");
    assert_eq!(s["provinces"][0]["ii06a"], n["provinces"][0]["ii06a"]);
    assert_eq!(s["provinces"][0]["not_ranked"], n["provinces"][0]["not_ranked"]);
    let odd = tmp.path().join("x.duckdb");
    std::fs::copy(db, &odd).unwrap();
    let (code, _, err) = run(&["rollup", odd.to_str().unwrap(), "--period", "2023"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("Tên tỉnh="), "{err}");
}

#[test]
fn the_national_report_is_a_signed_frame_of_the_issuing_office() {
    let tmp = tempfile::tempdir().unwrap();
    let lake = three_provinces(tmp.path());
    let out = tmp.path().join("out");
    // Who issues the national report is configured, never built in.
    let cfg = tmp.path().join("vpcp.toml");
    std::fs::write(
        &cfg,
        "[national]\nissuer = [\"VĂN PHÒNG CHÍNH PHỦ\"]\nplace = \"Hà Nội\"\n\
         signer_lines = [\"KT. BỘ TRƯỞNG, CHỦ NHIỆM\", \"PHÓ CHỦ NHIỆM\"]\n",
    )
    .unwrap();
    let national = || {
        let (code, stdout, err) = run(&[
            "--config",
            cfg.to_str().unwrap(),
            "report",
            "national",
            lake.to_str().unwrap(),
            "--period",
            "2023-06",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        stdout
    };
    let stdout = national();
    let pdf = stdout.lines().next().unwrap();
    assert!(pdf.ends_with("national-2023-06.pdf"), "{stdout}");
    let o = std::process::Command::new("pdftotext")
        .args(["-layout", pdf, "-"])
        .output()
        .expect("pdftotext (make test-tools)");
    let text = String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for s in [
        "VĂN PHÒNG CHÍNH PHỦ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Cộng 2/63 tỉnh, thành phố",
        "43.938",
        "96,57%",
        "Tỉnh C (số liệu từ ngày 01/06/2023 đến ngày 30/06/2023, khác kỳ tổng hợp)",
        "Điểm cao nhất: Tỉnh A, Tỉnh B (",
        "trên tổng số 63 tỉnh",
        "Nơi nhận",
    ] {
        assert!(text.contains(s), "missing {s:?} in {text}");
    }
    let m: Value = serde_json::from_str(&std::fs::read_to_string(stdout.lines().nth(2).unwrap()).unwrap()).unwrap();
    assert_eq!(m["inputs"].as_array().unwrap().len(), 3);
    // Deterministic: the same lake gives the same PDF bytes.
    let first = std::fs::read(pdf).unwrap();
    national();
    assert_eq!(std::fs::read(pdf).unwrap(), first);
}
