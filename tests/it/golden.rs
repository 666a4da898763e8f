//! Golden figures of docs/rules.md (Published figures the fixtures reproduce) on the calibrated fixtures, and the JSON contract.

use crate::common::*;
use baocao::metrics::{self, explain};
use baocao::period::{Convention, Period};
use baocao::report::format::{int, percent};
use baocao::store;

fn nghe_an() -> (duckdb::Connection, metrics::Metrics) {
    let conn = store::open_in_memory().unwrap();
    counts(&ingest(&conn, &fixture("nghe-an-2023-06/dossiers.csv.gz")));
    let p = Period::parse("2023-06", Convention::Cutoff15).unwrap();
    let m = metrics::compute(&conn, &p, &metrics::Options::default()).unwrap();
    (conn, m)
}

#[test]
fn nghe_an_june_2023_prints_the_published_figures() {
    let (_conn, m) = nghe_an();
    assert_eq!(
        (m.period.from.as_str(), m.period.to.as_str()),
        ("2023-05-15", "2023-06-14")
    );
    let t = m.ii06a.total.counts;
    assert_eq!(int(t.total_handled), "21.969");
    assert_eq!(int(t.received_online + t.received_offline), "17.789");
    assert_eq!(int(t.carried_over), "4.180");
    assert_eq!(int(t.resolved), "16.840");
    assert_eq!(int(t.resolved_early + t.resolved_on_time), "16.263");
    assert_eq!(percent(m.rates.on_time.percent), "96,57%");
    assert_eq!(int(t.resolved_late), "577");
    assert_eq!(percent(m.rates.late.percent), "3,43%");
    assert_eq!(int(t.in_progress_processing), "4.707");
    assert_eq!(int(t.waiting_supplement), "51");
    assert_eq!(int(t.withdrawn), "101");
    assert_eq!(int(t.paused), "270");
    assert_eq!(int(t.received_online), "3.993");
    assert_eq!(percent(m.rates.online_intake.percent), "22,45%");
    for (unit, num, den, pct) in [
        ("Sở Công Thương", 1978, 1997, "99,05%"),
        ("Sở Y tế", 281, 800, "35,13%"),
        ("Sở Tài chính", 231, 237, "97,47%"),
        ("Sở Kế hoạch và Đầu tư", 1018, 1254, "81,18%"),
    ] {
        let r = m.rates_by_unit[unit].online_intake;
        assert_eq!(
            (r.numerator, r.denominator, percent(r.percent).as_str()),
            (num, den, pct),
            "{unit}"
        );
    }
    // The early / on-time split of the calibrated fixture (spec.toml: the press gives only
    // their sum), and the form's columns: (7) and (9) include the 101 withdrawn dossiers.
    assert_eq!((t.resolved_early, t.resolved_on_time), (12410, 3853));
    let f = m.ii06a.total.form;
    assert_eq!(
        (f.c3, f.c4, f.c5, f.c6, f.c7, f.c8, f.c9, f.c10, f.c11, f.c12, f.c13),
        (21969, 3993, 13796, 4180, 16941, 12410, 3954, 577, 5028, 2719, 2309)
    );
    // Nothing rated in this export: no data, never 0 %.
    assert_eq!(m.rates.satisfaction.percent, None);
    assert_eq!(m.inputs.len(), 1);
}

#[test]
fn explain_lists_exactly_the_dossiers_behind_a_count() {
    let (conn, m) = nghe_an();
    let p = Period::parse("2023-06", Convention::Cutoff15).unwrap();
    let late = explain::explain(&conn, &p, "resolved_late", None).unwrap();
    assert_eq!(late.len(), 577);
    let yte = explain::explain(&conn, &p, "resolved_late", Some("Sở Y tế")).unwrap();
    let row = m
        .ii06a
        .rows
        .iter()
        .find(|r| r.grain == "agency" && r.unit.as_deref() == Some("Sở Y tế"))
        .unwrap();
    assert_eq!(yte.len() as i64, row.counts.resolved_late);
    // Each line points at the row of the export that holds the dossier.
    let text = {
        use std::io::Read;
        let mut s = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(fixture("nghe-an-2023-06/dossiers.csv.gz")).unwrap())
            .read_to_string(&mut s)
            .unwrap();
        s
    };
    let lines: Vec<&str> = text.lines().collect();
    for l in late.iter().step_by(50) {
        assert!(
            lines[l.row as usize - 1].starts_with(&l.ma_ho_so),
            "{} at row {}",
            l.ma_ho_so,
            l.row
        );
        assert!(l.finished.unwrap() > l.due.unwrap());
    }
    assert!(explain::explain(&conn, &p, "drop table dossiers", None).is_err());
}

#[test]
fn metrics_cli_json_contract() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("g.duckdb");
    let db_s = db.to_str().unwrap();
    let (code, _, err) = run(&["--db", db_s, "ingest", fixture("nghe-an-2023-06").to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(&["--db", db_s, "metrics", "--period", "2023-06", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j["period"]["from"], "2023-05-15");
    assert_eq!(j["period"]["to"], "2023-06-14");
    assert_eq!(j["period"]["convention"], "cutoff15");
    let total = &j["ii06a"]["total"];
    for key in [
        "total_handled",
        "received_online",
        "received_offline",
        "carried_over",
        "resolved",
        "resolved_early",
        "resolved_on_time",
        "resolved_late",
        "withdrawn",
        "in_progress",
        "in_progress_processing",
        "waiting_supplement",
        "paused",
        "in_progress_within",
        "in_progress_overdue",
        "refused",
    ] {
        assert!(total[key].is_i64(), "ii06a.total.{key}");
    }
    assert_eq!(total["total_handled"], 21969);
    for c in 3..=13 {
        assert!(total["form"][format!("c{c}")].is_i64(), "form c{c}");
    }
    let row = j["ii06a"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit"] == "Sở Y tế")
        .unwrap();
    assert_eq!(row["level"], "tinh");
    for key in [
        "on_time",
        "online_intake",
        "online_payment",
        "digitised",
        "e_result",
        "reuse",
        "synced",
        "satisfaction",
        "feedback_on_time",
    ] {
        let r = &j["rates"][key];
        assert!(r["numerator"].is_i64() && r["denominator"].is_i64(), "rates.{key}");
    }
    assert!((j["rates"]["on_time"]["percent"].as_f64().unwrap() - 96.5736).abs() < 1e-3);
    assert!(j["rates"]["satisfaction"]["percent"].is_null());
    assert!(j["index766"]["total"].is_f64());
    assert_eq!(j["previous_period"]["period"]["from"], "2023-04-15");
    assert_eq!(j["previous_year"]["period"]["from"], "2022-05-15");
    // The folder's files load in modification-time order, which a checkout does not keep.
    let dossiers = j["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["file"].as_str().unwrap().ends_with("dossiers.csv.gz"))
        .expect("the dossier export is an input");
    assert_eq!(dossiers["rows_loaded"], 23053);
    assert_eq!(dossiers["sha256"].as_str().unwrap().len(), 64);
    // Same data, same bytes.
    let (_, again, _) = run(&["--db", db_s, "metrics", "--period", "2023-06", "--format", "json"]);
    assert_eq!(out, again);
    let (code, table, _) = run(&["--db", db_s, "metrics", "--period", "2023-06", "--by", "agency"]);
    assert_eq!(code, 0);
    assert!(
        table.contains("21.969") && table.contains("96,57%") && table.contains("99,05% (1.978/1.997)"),
        "{table}"
    );
    assert!(table.contains("từ ngày 15/5/2023 đến ngày 14/6/2023"));
    let (code, _, _) = run(&["--db", db_s, "metrics", "--period", "2023-13"]);
    assert_eq!(code, 2);
    let (code, out, _) = run(&["--db", db_s, "explain", "--period", "2023-06", "--metric", "withdrawn"]);
    assert_eq!(code, 0);
    assert!(out.contains("101 hồ sơ"), "{out}");
}

#[test]
fn ba_ria_vung_tau_2023_year_end_figures_and_targets() {
    let conn = store::open_in_memory().unwrap();
    for f in [
        "ba-ria-vung-tau-2023/dossiers.csv.gz",
        "ba-ria-vung-tau-2023/feedback.csv",
    ] {
        let c = counts(&ingest(&conn, &fixture(f))).clone();
        assert_eq!(c.rows_quarantined, 0, "{f}: {:?}", c.reasons);
    }
    let p = Period::parse("2023", Convention::Calendar).unwrap();
    assert_eq!(
        (p.from.to_string(), p.to.to_string()),
        ("2023-01-01".into(), "2023-12-31".into())
    );
    let targets = metrics::targets::read(&fixture("ba-ria-vung-tau-2023/targets-2023.toml")).unwrap();
    let o = metrics::Options {
        targets: Some(targets),
        ..Default::default()
    };
    let m = metrics::compute(&conn, &p, &o).unwrap();
    assert_eq!(percent(m.rates.on_time.percent), "98,80%");
    assert_eq!(percent(m.rates.satisfaction.percent), "87,06%");
    assert_eq!(percent(m.rates.online_intake.percent), "95,50%");
    assert_eq!(percent(m.rates.online_payment.percent), "78,90%");
    assert_eq!(
        (m.rates.feedback_on_time.numerator, m.rates.feedback_on_time.denominator),
        (333, 333)
    );
    assert_eq!(percent(m.rates.feedback_on_time.percent), "100,00%");
    let verdict = |id: &str| m.targets.iter().find(|t| t.id == id).unwrap().verdict;
    use metrics::targets::Verdict::*;
    assert_eq!(verdict("CCHC-01"), Met); // on time 98,8% ≥ 98%
    assert_eq!(verdict("CCHC-02"), Met); // satisfaction 87,06% ≥ 87%
    let website = m.targets.iter().find(|t| t.id == "CDS-07").unwrap();
    assert_eq!(
        (website.origin, website.numerator, website.denominator),
        ("reported", Some(82), Some(82))
    );
    assert!(website.source.is_some());
    let einv = m.targets.iter().find(|t| t.label.contains("hóa đơn điện tử")).unwrap();
    assert_eq!((einv.actual, einv.verdict), (Some(100.0), Met));
    let cds = m
        .targets_summary
        .iter()
        .find(|s| s.group.as_deref() == Some("CĐS"))
        .unwrap();
    assert_eq!((cds.met, cds.total), (35, 39));
}

#[test]
fn targets_without_data_say_so() {
    let conn = store::open_in_memory().unwrap();
    let p = Period::parse("2023", Convention::Calendar).unwrap();
    let targets = metrics::targets::read(&fixture("ba-ria-vung-tau-2023/targets-2023.toml")).unwrap();
    let o = metrics::Options {
        targets: Some(targets),
        ..Default::default()
    };
    let m = metrics::compute(&conn, &p, &o).unwrap();
    let on_time = m.targets.iter().find(|t| t.id == "CCHC-01").unwrap();
    assert_eq!(
        (on_time.actual, on_time.verdict),
        (None, metrics::targets::Verdict::NoData)
    );
    assert!(m.rates.on_time.percent.is_none() && m.ii06a.total.counts.total_handled == 0);
    // The 766 index marks every dossier-derived indicator as not scorable, never 0 points.
    assert!(m.index766.indicators.iter().all(|i| i.points.is_none()));
}
