//! Roll-ups like for like: only provinces whose data covers the whole period and whose 766
//! score rests on the same indicators are ranked; the others are listed apart with the
//! reason; totals say how many provinces they add up; a lake partition carries coverage and
//! belongs to one province from one store.

use super::common::{generate, run};
use serde_json::Value;
use std::path::Path;

/// April 2024 cut on the 15th: 15/3–14/4/2024, 31 days.
const APRIL: [&str; 4] = ["--period", "2024-04", "--convention", "cutoff15"];

/// A generated province whose export states the window [from, to], in its own store.
fn generated(dir: &Path, seed: &str, from: &str, to: &str) -> String {
    let f = generate(
        &dir.join(format!("gen-{seed}")),
        &["--from", from, "--to", to, "--dossiers", "300", "--seed", seed],
    );
    ingest(dir, seed, &f)
}

fn ingest(dir: &Path, name: &str, file: &Path) -> String {
    let db = dir.join(format!("{name}.duckdb")).to_str().unwrap().to_string();
    let (code, _, err) = run(&["--db", &db, "ingest", file.to_str().unwrap()]);
    assert!(code <= 1, "{err}");
    db
}

/// A province whose export carries only the dates, the agency and the channel: its 766
/// score rests on fewer indicators than a full export's.
fn minimal(dir: &Path) -> String {
    let mut s = "Từ ngày 15/03/2024 đến ngày 14/04/2024\n\
                 MaHoSo,TenDonVi,CapDonVi,KenhThucHien,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy\n"
        .to_string();
    for i in 0..40 {
        let kenh = 1 + i % 2;
        s.push_str(&format!(
            "D-{i},Sở Tư pháp,tinh,{kenh},10,20/03/2024,28/03/2024,27/03/2024\n"
        ));
    }
    let f = dir.join("minimal.csv");
    std::fs::write(&f, s).unwrap();
    ingest(dir, "minimal", &f)
}

/// Four provinces of April 2024: A and B cover the period with full exports; C exported the
/// calendar month (14 of the 31 days); D covers it but with few columns.
fn four(dir: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("Tỉnh A", generated(dir, "1", "2024-03-15", "2024-04-14")),
        ("Tỉnh B", generated(dir, "2", "2024-03-15", "2024-04-14")),
        ("Tỉnh C", generated(dir, "3", "2024-04-01", "2024-04-30")),
        ("Tỉnh D", minimal(dir)),
    ]
}

fn sources(stores: &[(&str, String)]) -> Vec<String> {
    stores.iter().map(|(n, db)| format!("{n}={db}")).collect()
}

fn rollup(sources: &[String], format: &str) -> String {
    let mut args = vec!["rollup"];
    args.extend(sources.iter().map(|s| s.as_str()));
    args.extend_from_slice(&APRIL);
    args.extend_from_slice(&["--format", format]);
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    out
}

fn province<'a>(n: &'a Value, name: &str) -> &'a Value {
    n["provinces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["province"] == name)
        .unwrap_or_else(|| panic!("{name} in {n:#}"))
}

fn export(db: &str, lake: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["--db", db, "export", "--parquet", lake.to_str().unwrap()];
    args.extend_from_slice(&APRIL);
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn a_partly_covered_province_is_not_ranked_and_the_total_says_how_many_it_adds_up() {
    let tmp = tempfile::tempdir().unwrap();
    let stores = four(tmp.path());
    let n: Value = serde_json::from_str(&rollup(&sources(&stores), "json")).unwrap();
    let c = province(&n, "Tỉnh C");
    assert!(c["rank"].is_null(), "{c:#}");
    assert_eq!(c["not_ranked"], "số liệu chỉ bao phủ 14/31 ngày của kỳ");
    assert_eq!(c["coverage"]["status"], "partly");
    // A, B and D cover the period: added up; C is not.
    assert_eq!(n["provinces_in_total"], 3);
    assert_eq!(n["provinces_of_time"], 63);
    assert_eq!(n["total_label"], "Cộng 3/63 tỉnh, thành phố");
    let handled = |p: &str| province(&n, p)["ii06a"]["total_handled"].as_i64().unwrap();
    assert_eq!(
        n["total"]["total_handled"].as_i64().unwrap(),
        handled("Tỉnh A") + handled("Tỉnh B") + handled("Tỉnh D")
    );
    let table = rollup(&sources(&stores), "table");
    assert!(table.contains("Cộng 3/63 tỉnh, thành phố"), "{table}");
    assert!(!table.to_lowercase().contains("toàn quốc"), "{table}");
    assert!(
        table.contains("(không xếp hạng: số liệu chỉ bao phủ 14/31 ngày của kỳ)"),
        "{table}"
    );
    // Every score is printed out of its points, two decimals: "52,10/60".
    let of = n["scorable"].as_f64().unwrap();
    let best = n["best"][1].as_f64().unwrap();
    let printed = format!("{:.2}/{}", best, of).replace('.', ",");
    assert!(table.contains(&format!("cao nhất {printed}")), "{printed} in {table}");
}

#[test]
fn provinces_scored_on_different_indicators_are_not_ranked_together() {
    let tmp = tempfile::tempdir().unwrap();
    let stores = four(tmp.path());
    let n: Value = serde_json::from_str(&rollup(&sources(&stores), "json")).unwrap();
    let d = province(&n, "Tỉnh D");
    assert!(d["rank"].is_null(), "{d:#}");
    let why = d["not_ranked"].as_str().unwrap();
    assert!(
        why.starts_with("chấm được các chỉ tiêu khác: không chấm được "),
        "{why}"
    );
    // The ranked share one set of indicators, named in the basis.
    let basis: Vec<&str> = n["basis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert!(basis.contains(&"dung_han_766") && basis.len() > 2, "{basis:?}");
    for p in ["Tỉnh A", "Tỉnh B"] {
        let x = province(&n, p);
        assert!(x["rank"].as_str().unwrap().ends_with("/2"), "{x:#}");
        let scored: Vec<&str> = x["index766"]["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| !i["points"].is_null())
            .map(|i| i["id"].as_str().unwrap())
            .collect();
        assert_eq!(scored, basis);
    }
    // The national report names the basis and says why each province is apart.
    let out = tmp.path().join("out");
    // Who issues the national report is configured, never built in.
    let cfg = tmp.path().join("vpcp.toml");
    std::fs::write(
        &cfg,
        "[national]\nissuer = [\"VĂN PHÒNG CHÍNH PHỦ\"]\nplace = \"Hà Nội\"\nsigner_lines = [\"KT. BỘ TRƯỞNG, CHỦ NHIỆM\", \"PHÓ CHỦ NHIỆM\"]\n",
    )
    .unwrap();
    let mut args = vec!["--config", cfg.to_str().unwrap(), "report", "national"];
    let src = sources(&stores);
    args.extend(src.iter().map(|s| s.as_str()));
    args.extend_from_slice(&APRIL);
    args.extend_from_slice(&["--out", out.to_str().unwrap()]);
    let (code, stdout, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    let r: Value = serde_json::from_str(&std::fs::read_to_string(stdout.lines().nth(1).unwrap()).unwrap()).unwrap();
    let text = r.to_string();
    for s in [
        "cùng chấm được các chỉ tiêu: Đồng bộ hồ sơ lên Cổng DVCQG",
        "Tỉnh C (số liệu chỉ bao phủ 14/31 ngày của kỳ)",
        "Tỉnh D (chấm được các chỉ tiêu khác: không chấm được",
        "Cộng 3/63 tỉnh, thành phố",
    ] {
        assert!(text.contains(s), "missing {s:?} in {text}");
    }
    assert!(!text.contains("Toàn quốc"), "{text}");
}

#[test]
fn the_lake_carries_coverage_and_a_partition_belongs_to_one_province_and_one_store() {
    let tmp = tempfile::tempdir().unwrap();
    let stores = four(tmp.path());
    let lake = tmp.path().join("lake");
    for (name, db) in &stores {
        let (code, _, err) = export(db, &lake, &["--province", name]);
        assert_eq!(code, 0, "{err}");
    }
    // metrics.parquet: the province row says how far its data covers the period.
    let part = lake.join("province=tinh-c/year=2024/month=04");
    let (code, out, err) = run(&[
        "--db",
        &stores[0].1,
        "sql",
        &format!(
            "SELECT coverage_status, coverage_fewest_days, period_days FROM read_parquet('{}/metrics.parquet', hive_partitioning = false) WHERE grain = 'total'",
            part.display()
        ),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().next().unwrap(), "partly\t14\t31");
    let m: Value = serde_json::from_str(&std::fs::read_to_string(part.join("_manifest.json")).unwrap()).unwrap();
    assert_eq!(m["coverage"]["status"], "partly");
    assert_eq!(m["coverage_by_unit"][0]["covered_days"], 14);
    let store = std::fs::canonicalize(&stores[2].1).unwrap();
    assert_eq!(m["store"], store.to_str().unwrap());
    // The roll-up of the lake is the roll-up of the stores.
    let n: Value = serde_json::from_str(&rollup(&[lake.to_str().unwrap().to_string()], "json")).unwrap();
    let s: Value = serde_json::from_str(&rollup(&sources(&stores), "json")).unwrap();
    assert_eq!(n["total"], s["total"]);
    assert_eq!(
        province(&n, "Tỉnh C")["not_ranked"],
        province(&s, "Tỉnh C")["not_ranked"]
    );
    assert_eq!(n["total_label"], "Cộng 3/63 tỉnh, thành phố");

    // Another store into a partition, or another province with the same folder: refused,
    // naming both; the partition is left as it was.
    let before = std::fs::read(part.join("metrics.parquet")).unwrap();
    let (code, _, err) = export(&stores[0].1, &lake, &["--province", "Tỉnh C"]);
    assert_eq!(code, 2, "{err}");
    let other = std::fs::canonicalize(&stores[0].1).unwrap();
    assert!(
        err.contains(store.to_str().unwrap()) && err.contains(other.to_str().unwrap()),
        "{err}"
    );
    let (code, _, err) = export(&stores[2].1, &lake, &["--province", "tỉnh C"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("\"Tỉnh C\"") && err.contains("\"tỉnh C\""), "{err}");
    assert_eq!(std::fs::read(part.join("metrics.parquet")).unwrap(), before);
    // The same province from the same store replaces its partition.
    let (code, _, err) = export(&stores[2].1, &lake, &["--province", "Tỉnh C"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn an_export_names_its_province_or_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let db = minimal(tmp.path());
    let lake = tmp.path().join("lake");
    // No --province and an empty [report] province: exit 2 naming the flag and the key,
    // nothing written.
    let cfg = tmp.path().join("baocao.toml");
    std::fs::write(&cfg, "[report]\nprovince = \"\"\n").unwrap();
    let mut args = vec!["--config", cfg.to_str().unwrap(), "--db", &db, "export", "--parquet"];
    args.push(lake.to_str().unwrap());
    args.extend_from_slice(&APRIL);
    let (code, _, err) = run(&args);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--province") && err.contains("[report] province"), "{err}");
    assert!(!lake.exists());
    // The configured province is used when the flag is not given.
    std::fs::write(&cfg, "[report]\nprovince = \"Tỉnh D\"\n").unwrap();
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert!(out.trim().ends_with("province=tinh-d/year=2024/month=04"), "{out}");
}
