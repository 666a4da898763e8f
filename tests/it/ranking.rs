//! The 766 index per unit and its ranking table: ties share a rank (1, 2, 2, 4), units with
//! too few dossiers are listed apart, and a change of rank is given only against a period
//! whose data covers every unit.

use super::common::{issued, run};
use serde_json::Value;
use std::path::Path;

/// One export of a month: a title block with its window and `n` dossiers per unit, `online`
/// of them online and `early` finished before their due date (the rest late).
fn export(dir: &Path, name: &str, window: (&str, &str), month: &str, units: &[(&str, usize, usize, usize)]) {
    let mut s = format!(
        "Từ ngày {} đến ngày {}\nMaHoSo,TenDonVi,CapDonVi,KenhThucHien,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy\n",
        window.0, window.1
    );
    for (u, (unit, n, online, early)) in units.iter().enumerate() {
        for i in 0..*n {
            let kenh = if i < *online { 2 } else { 1 };
            let fin = if i < *early { "29" } else { "30" };
            // Due on the 28th: finished on the 29th is late, unless early (the 27th).
            let fin = if i < *early { "27" } else { fin };
            s.push_str(&format!(
                "{name}-{u}-{i},{unit},tinh,{kenh},10,20/{month}/2023,28/{month}/2023,{fin}/{month}/2023\n"
            ));
        }
    }
    std::fs::write(dir.join(name), s).unwrap();
}

fn report_json(db: &str, cfg: &Path, out: &Path) -> Value {
    let (code, stdout, err) = run(&[
        "--db",
        db,
        "--config",
        cfg.to_str().unwrap(),
        "report",
        "monthly",
        "--period",
        "2023-06",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}{err}");
    serde_json::from_str(&std::fs::read_to_string(out.join("monthly-2023-06.report.json")).unwrap()).unwrap()
}

fn ranking(r: &Value) -> Vec<Vec<String>> {
    let t = crate::common::blocks(r)
        .into_iter()
        .find(|b| b["id"] == "ranking766")
        .expect("a 766 ranking table");
    t["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            row["cells"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn units_are_ranked_on_the_766_index_with_ties_equal_and_small_units_apart() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let june = [
        ("Sở A", 40, 20, 30),
        ("Sở B", 40, 20, 30),
        ("Sở C", 40, 40, 40),
        ("Sở D", 5, 5, 5),
        ("Sở E", 40, 0, 0),
    ];
    export(d, "june.csv", ("15/05/2023", "14/06/2023"), "05", &june);
    let db = d.join("r.duckdb");
    let db = db.to_str().unwrap();
    let (code, _, err) = run(&["--db", db, "ingest", d.join("june.csv").to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(&["--db", db, "metrics", "--period", "2023-06", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let m: Value = serde_json::from_str(&out).unwrap();
    let by = &m["index766_by_unit"];
    let total = |u: &str| by[u]["total"].as_f64().unwrap();
    assert!(total("Sở C") > total("Sở A"), "{by}");
    assert_eq!(total("Sở A"), total("Sở B"));
    assert!(total("Sở A") > total("Sở E"));
    assert_eq!(
        by["Sở A"]["complete"], false,
        "the same honesty rules as the province's"
    );

    let cfg = d.join("baocao.toml");
    std::fs::write(&cfg, issued("[report]\nrenderer = \"builtin\"\n")).unwrap();
    let r = report_json(db, &cfg, &d.join("out"));
    let rows = ranking(&r);
    let ranks: Vec<(String, String)> = rows.iter().map(|c| (c[0].clone(), c[1].clone())).collect();
    assert_eq!(
        ranks,
        [
            ("".into(), "Cấp tỉnh (sở, ban, ngành)".into()),
            ("1".into(), "Sở C".into()),
            ("2".into(), "Sở A".into()),
            ("2".into(), "Sở B".into()),
            ("4".into(), "Sở E".into()),
        ]
    );
    let table = crate::common::blocks(&r)
        .into_iter()
        .find(|b| b["id"] == "ranking766")
        .unwrap();
    let notes = table["notes"].to_string();
    assert!(notes.contains("dưới 30 hồ sơ trong kỳ: Sở D (5 hồ sơ)"), "{notes}");
    let intro = table["intro"].to_string();
    assert!(intro.contains("không phải điểm chính thức"), "{intro}");
    assert!(
        intro.contains("chưa đủ số liệu để so sánh với tháng 5 năm 2023"),
        "{intro}"
    );
    // A group with nothing scorable from the data has no score ("—"), not 0.
    assert!(rows[1].contains(&"—".to_string()), "{:?}", rows[1]);
    assert!(
        rows[1..].iter().all(|r| r.last().unwrap() == "—"),
        "no change of rank without May"
    );
}

#[test]
fn a_change_of_rank_is_given_against_a_fully_covered_period() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    export(
        d,
        "may.csv",
        ("15/04/2023", "14/05/2023"),
        "04",
        &[("Sở A", 40, 40, 40), ("Sở B", 40, 20, 30), ("Sở C", 40, 10, 30)],
    );
    export(
        d,
        "june.csv",
        ("15/05/2023", "14/06/2023"),
        "05",
        &[("Sở A", 40, 20, 30), ("Sở B", 40, 20, 30), ("Sở C", 40, 40, 40)],
    );
    let db = d.join("r.duckdb");
    let db = db.to_str().unwrap();
    for f in ["may.csv", "june.csv"] {
        let (code, _, err) = run(&["--db", db, "ingest", d.join(f).to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
    }
    let cfg = d.join("baocao.toml");
    std::fs::write(&cfg, issued("[report]\nrenderer = \"builtin\"\n")).unwrap();
    let r = report_json(db, &cfg, &d.join("out"));
    assert_eq!(r["kind"], "monthly");
    let rows = ranking(&r);
    let change = |u: &str| rows.iter().find(|c| c[1] == u).unwrap().last().unwrap().clone();
    // May: A 1, B 2, C 3. June: C 1, A 2, B 2.
    assert_eq!(change("Sở C"), "tăng 2");
    assert_eq!(change("Sở A"), "giảm 1");
    assert_eq!(change("Sở B"), "không đổi");
}
