//! The registry of counts and rates against the SQL, and metrics without hidden state.

use super::common::{fixture, ingest};
use baocao::metrics::{self, Options};
use baocao::period::{Convention, Period};
use baocao::registry::{check_columns, Counts, Rates, COUNTS, RATES};

#[test]
fn json_keys_follow_the_registry_in_order() {
    let keys = |v: serde_json::Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    let counts = keys(serde_json::to_value(Counts::default()).unwrap());
    assert_eq!(counts, COUNTS.iter().map(|e| e.key).collect::<Vec<_>>());
    let rates = keys(serde_json::to_value(Rates::default()).unwrap());
    assert_eq!(rates, RATES.iter().map(|e| e.key).collect::<Vec<_>>());
    assert!(COUNTS.iter().chain(RATES).all(|e| !e.label.is_empty()));
}

#[test]
fn a_column_outside_the_registry_or_a_missing_one_is_an_internal_error() {
    let mut cols: Vec<String> = ["grain"]
        .iter()
        .chain(COUNTS.iter().map(|e| &e.key))
        .map(|s| s.to_string())
        .collect();
    check_columns("q", &cols, &["grain"], COUNTS).unwrap();
    cols.push("resolved_sideways".into());
    let e = check_columns("q", &cols, &["grain"], COUNTS).unwrap_err();
    assert_eq!(baocao::error::exit_code(&e), baocao::error::Exit::Internal);
    assert!(e.to_string().contains("resolved_sideways"), "{e}");
    cols.pop();
    cols.retain(|c| c != "paused");
    let e = check_columns("q", &cols, &["grain"], COUNTS).unwrap_err();
    assert!(e.to_string().contains("paused"), "{e}");
}

#[test]
fn every_metric_query_runs_and_returns_every_registered_figure() {
    // On an empty store (every rate "không phát sinh") and on a real one.
    let empty = baocao::store::open_in_memory().unwrap();
    let p = Period::parse("2023-06", Convention::Cutoff15).unwrap();
    let m = metrics::compute(&empty, &p, &Options::default()).unwrap();
    assert!(RATES.iter().all(|e| m.rates.get(e.key).unwrap().percent.is_none()));
    let conn = baocao::store::open_in_memory().unwrap();
    ingest(&conn, &fixture("nghe-an-2023-06/dossiers.csv.gz"));
    let m = metrics::compute(&conn, &p, &Options::default()).unwrap();
    assert_eq!(m.ii06a.total.counts.total_handled, 21_969);
    assert!(m.rates.on_time_766.denominator > 0);
    assert_eq!(m.rates.on_time_766.denominator, m.ii06a.total.counts.total_handled);
}

#[test]
fn the_order_in_which_periods_are_computed_changes_nothing() {
    let conn = baocao::store::open_in_memory().unwrap();
    ingest(&conn, &fixture("nghe-an-2023-06/dossiers.csv.gz"));
    let june = Period::parse("2023-06", Convention::Cutoff15).unwrap();
    let may = june.previous();
    let o = Options::default();
    let (may_first, june_second) = (
        metrics::compute(&conn, &may, &o).unwrap(),
        metrics::compute(&conn, &june, &o).unwrap(),
    );
    let (june_first, may_second) = (
        metrics::compute(&conn, &june, &o).unwrap(),
        metrics::compute(&conn, &may, &o).unwrap(),
    );
    assert_eq!(june_first, june_second);
    assert_eq!(may_first, may_second);
    assert_ne!(june_first.ii06a.total, may_first.ii06a.total, "two different periods");
    // A department-level scope in between leaves the province's figures alone.
    let one = Options {
        unit: Some("Sở Y tế".into()),
        ..Options::default()
    };
    let health = metrics::compute(&conn, &june, &one).unwrap();
    assert!(health.ii06a.total.counts.total_handled < june_first.ii06a.total.counts.total_handled);
    assert_eq!(metrics::compute(&conn, &june, &o).unwrap(), june_first);
}

#[test]
fn a_dossier_with_no_channel_counts_in_every_denominator() {
    // One online dossier and one whose export had no channel column (NULL): II.06a counts
    // both, so every rate must too (before the fix: online intake 100%, 766 on-time 200%).
    // The export carried the digitised and synced columns (empty cells: not digitised).
    let conn = baocao::store::open_in_memory().unwrap();
    conn.execute_batch(
        "INSERT INTO ingest_file_columns VALUES (1, 'HoSoCoThanhPhanSoHoa'), (1, 'DaDongBoDVCQG');
         INSERT INTO dossier_versions (file_id, source_row, ma_ho_so, ten_don_vi, cap_don_vi, kenh, trang_thai,
                                       ngay_tiep_nhan, ngay_hen_tra, ngay_ket_thuc)
         VALUES (1, 2, 'A', 'Sở Y tế', 'tinh', 2, 10, '2023-05-20', '2023-05-30', '2023-05-25'),
                (1, 3, 'B', 'Sở Y tế', 'tinh', NULL, 10, '2023-05-21', '2023-05-30', '2023-05-26');",
    )
    .unwrap();
    let p = Period::parse("2023-06", Convention::Cutoff15).unwrap();
    let m = metrics::compute(&conn, &p, &Options::default()).unwrap();
    let t = m.ii06a.total.counts;
    assert_eq!((t.total_handled, t.received_online, t.received_offline), (2, 1, 1));
    assert_eq!(
        (m.rates.online_intake.numerator, m.rates.online_intake.denominator),
        (1, 2)
    );
    assert_eq!((m.rates.on_time_766.numerator, m.rates.on_time_766.denominator), (2, 2));
    assert_eq!((m.rates.digitised.denominator, m.rates.synced.denominator), (2, 2));
    assert_eq!((m.rates.on_time.numerator, m.rates.on_time.denominator), (2, 2));
}
