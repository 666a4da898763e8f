//! The Parquet lake and the national roll-up: deterministic partitions with their manifest,
//! no unmatched column exported, a re-export replacing its partition, and a national table
//! that ranks only like with like (same dates, same scorable points; ties equal).

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

#[test]
fn the_national_table_ranks_provinces_of_the_same_dates_with_ties_equal() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("na.duckdb");
    let db = db.to_str().unwrap();
    ingest_na(db);
    let lake = tmp.path().join("lake");
    // Two provinces with the same figures tie; a third exported as a calendar month is a
    // different period: shown apart, not ranked and not in the totals.
    export(db, &lake, &["--province", "Tỉnh A"]);
    export(db, &lake, &["--province", "Tỉnh B"]);
    export(db, &lake, &["--province", "Tỉnh C", "--convention", "calendar"]);
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
    assert!(table.contains("Cộng 2/3 tỉnh cùng kỳ"), "{table}");
    assert!(table.contains("không phải điểm chính thức"), "{table}");
}
