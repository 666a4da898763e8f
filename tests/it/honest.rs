//! Every sentence true (docs/rules.md, What a report may state): coverage, like-for-like comparisons, agencies
//! without data, dossiers set aside, the newest export (rates against hand counts: hand_counts.rs).

use super::common::{counts, fixture, ingest, run};
use baocao::metrics::{self, Basis, Options};
use baocao::period::{Convention, Period};
use duckdb::Connection;

/// One dossier: code, agency, channel, status, accepted, due, finished (ISO dates).
pub(super) type D<'a> = (
    &'a str,
    &'a str,
    Option<i16>,
    i16,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
);

pub(super) fn insert(conn: &Connection, file_id: i32, rows: &[D]) {
    for (i, (code, unit, kenh, st, acc, due, fin)) in rows.iter().enumerate() {
        conn.execute(
            "INSERT INTO dossier_versions (file_id, source_row, ma_ho_so, ten_don_vi, cap_don_vi, kenh, trang_thai,
                                           ngay_tiep_nhan, ngay_hen_tra, ngay_ket_thuc)
             VALUES (?, ?, ?, ?, 'tinh', ?, ?, CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP))",
            duckdb::params![file_id, i as i64 + 2, code, unit, kenh, st, acc, due, fin],
        )
        .unwrap();
    }
}

/// The file `file_id` covers `agency` from `from` to `to` (as a stated window would).
fn covers(conn: &Connection, file_id: i32, agency: &str, from: &str, to: &str) {
    conn.execute(
        "INSERT INTO ingest_files (file_id, kind, path, sha256, bytes, format, encoding, rows_read, rows_loaded,
                                   rows_quarantined, rows_blank, rows_in_force, rows_replaced)
         SELECT ?, 'dossiers', 'f' || ?, 'sha' || ?, 0, 'csv', 'utf-8', 0, 0, 0, 0, 0, 0
         WHERE NOT EXISTS (SELECT 1 FROM ingest_files WHERE file_id = ?)",
        duckdb::params![file_id, file_id, file_id, file_id],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO coverage VALUES (?, ?, CAST(? AS DATE), CAST(? AS DATE), 'file')",
        duckdb::params![file_id, agency, from, to],
    )
    .unwrap();
}

pub(super) fn june() -> Period {
    Period::parse("2023-06", Convention::Cutoff15).unwrap()
}

/// May (15/4–14/5) and June (15/5–14/6) for agencies A and B.
fn two_months(conn: &Connection) {
    insert(
        conn,
        1,
        &[
            (
                "A1",
                "Sở A",
                Some(2),
                10,
                "2023-04-20",
                Some("2023-04-25"),
                Some("2023-04-24"),
            ),
            (
                "A2",
                "Sở A",
                Some(1),
                10,
                "2023-04-21",
                Some("2023-04-25"),
                Some("2023-04-28"),
            ),
            (
                "B1",
                "Sở B",
                Some(1),
                10,
                "2023-04-22",
                Some("2023-04-30"),
                Some("2023-04-29"),
            ),
        ],
    );
    insert(
        conn,
        2,
        &[
            (
                "A3",
                "Sở A",
                Some(2),
                10,
                "2023-05-20",
                Some("2023-05-25"),
                Some("2023-05-24"),
            ),
            (
                "A4",
                "Sở A",
                Some(2),
                10,
                "2023-05-21",
                Some("2023-05-25"),
                Some("2023-05-25"),
            ),
            (
                "B2",
                "Sở B",
                Some(1),
                10,
                "2023-05-22",
                Some("2023-05-30"),
                Some("2023-06-02"),
            ),
        ],
    );
}

#[test]
fn two_complete_months_are_compared_and_a_month_without_its_predecessor_is_not() {
    let conn = baocao::store::open_in_memory().unwrap();
    two_months(&conn);
    // Only June is covered: no comparison, and no figure for the previous period.
    covers(&conn, 2, "Sở A", "2023-05-15", "2023-06-14");
    covers(&conn, 2, "Sở B", "2023-05-15", "2023-06-14");
    let m = metrics::compute(&conn, &june(), &Options::default()).unwrap();
    assert_eq!(m.previous_period.basis, Basis::None);
    assert!(m.previous_period.change("on_time").is_none());
    assert!(m.previous_period.ii06a.is_none());
    let text = baocao::report::narrative::comparison(&m);
    assert!(text.contains("chưa đủ số liệu để so sánh"), "{text}");
    assert!(!text.contains("điểm"), "{text}");

    // May covered too: the real comparison, of the printed rates.
    covers(&conn, 1, "Sở A", "2023-04-15", "2023-05-14");
    covers(&conn, 1, "Sở B", "2023-04-15", "2023-05-14");
    let m = metrics::compute(&conn, &june(), &Options::default()).unwrap();
    // May's dossiers, finished before June, and June's, accepted after May, are in no count
    // of the other month and set nothing aside.
    assert!(m.set_aside.is_empty());
    let may = metrics::compute(&conn, &june().previous(), &Options::default()).unwrap();
    assert!(may.set_aside.is_empty());
    assert_eq!(may.ii06a.total.counts.total_handled, 3);
    let c = &m.previous_period;
    assert_eq!(c.basis, Basis::Full);
    assert_eq!(c.ii06a.unwrap().resolved, 3);
    // May: 2 of 3 on time (66,67%); June: 2 of 3 (66,67%) → unchanged; online 1/3 → 2/3.
    assert_eq!(c.change("on_time"), Some(0.0));
    // The difference of the printed rates: 66,67 − 33,33.
    assert_eq!(c.change("online_intake"), Some(33.34));
    let text = baocao::report::narrative::comparison(&m);
    assert!(
        text.contains("tỷ lệ giải quyết đúng hạn, trước hạn không đổi"),
        "{text}"
    );
    assert!(
        text.contains("tăng\u{a0}33,34\u{a0}điểm\u{a0}phần\u{a0}trăm (kỳ so sánh 33,33%, kỳ này 66,67%)"),
        "{text}"
    );
    // The year before has no data at all.
    assert_eq!(m.previous_year.basis, Basis::None);
    assert!(m.previous_year.reason.as_deref().unwrap().contains("chưa đủ số liệu"));
}

#[test]
fn only_agencies_covered_in_both_periods_are_compared_and_the_text_says_which() {
    let conn = baocao::store::open_in_memory().unwrap();
    two_months(&conn);
    covers(&conn, 1, "Sở A", "2023-04-15", "2023-05-14");
    covers(&conn, 2, "Sở A", "2023-05-15", "2023-06-14");
    covers(&conn, 2, "Sở B", "2023-05-15", "2023-06-14");
    let m = metrics::compute(&conn, &june(), &Options::default()).unwrap();
    let c = &m.previous_period;
    assert_eq!(c.basis, Basis::Partial);
    assert_eq!(c.units, vec!["Sở A".to_string()]);
    // Both sides over Sở A alone: May 1/2 on time, June 2/2.
    assert_eq!(c.ii06a.unwrap().resolved, 2);
    assert_eq!(c.current_ii06a.unwrap().resolved, 2);
    assert_eq!(c.change("on_time"), Some(50.0));
    let text = baocao::report::narrative::comparison(&m);
    assert!(
        text.contains("tính trên 1/2 cơ quan, đơn vị, không tính Sở B do chưa có đủ số liệu cả hai kỳ"),
        "{text}"
    );
    // Sở B reported in May's files? No: it has June data, so it is not missing.
    assert!(m.missing_units.is_empty());
}

#[test]
fn an_agency_seen_before_without_data_this_period_is_named() {
    let conn = baocao::store::open_in_memory().unwrap();
    two_months(&conn);
    covers(&conn, 1, "Sở A", "2023-04-15", "2023-05-14");
    covers(&conn, 1, "Sở B", "2023-04-15", "2023-05-14");
    covers(&conn, 2, "Sở A", "2023-05-15", "2023-06-14");
    let o = Options {
        expected_units: vec!["Sở C".into()],
        ..Options::default()
    };
    let m = metrics::compute(&conn, &june(), &o).unwrap();
    assert_eq!(m.missing_units, vec!["Sở B".to_string(), "Sở C".to_string()]);
    assert_eq!(
        baocao::report::narrative::missing_units(&m).unwrap(),
        "Các đơn vị chưa có số liệu kỳ này: Sở B, Sở C."
    );
}

#[test]
fn a_dossier_whose_dates_contradict_is_set_aside_named_and_the_report_still_made() {
    let conn = baocao::store::open_in_memory().unwrap();
    insert(
        &conn,
        1,
        &[
            (
                "OK1",
                "Sở A",
                Some(1),
                10,
                "2023-05-20",
                Some("2023-05-25"),
                Some("2023-05-24"),
            ),
            // Finished before it was accepted (a row loaded before validation caught it).
            (
                "BAD",
                "Sở A",
                Some(1),
                10,
                "2023-06-10",
                Some("2023-06-20"),
                Some("2023-05-01"),
            ),
            // Accepted after the period, finished inside it: resolved but never received.
            (
                "BAE",
                "Sở A",
                Some(1),
                10,
                "2023-06-20",
                Some("2023-06-25"),
                Some("2023-06-01"),
            ),
            // The same for a withdrawal: withdrawn but never received.
            (
                "BAW",
                "Sở A",
                Some(1),
                7,
                "2023-06-20",
                Some("2023-06-25"),
                Some("2023-06-02"),
            ),
        ],
    );
    let m = metrics::compute(&conn, &june(), &Options::default()).unwrap();
    assert_eq!(m.ii06a.total.counts.total_handled, 1);
    assert_eq!((m.ii06a.total.counts.resolved, m.ii06a.total.counts.withdrawn), (1, 0));
    assert_eq!(m.set_aside.len(), 3);
    assert_eq!((m.set_aside[0].ma_ho_so.as_str(), m.set_aside[0].row), ("BAD", 3));
    let text = baocao::report::narrative::set_aside(&m).unwrap();
    assert!(
        text.contains("Có 3 hồ sơ") && text.contains("BAD (dòng 3); BAE (dòng 4); BAW (dòng 5)"),
        "{text}"
    );
    // With the file known, the report names it.
    covers(&conn, 1, "Sở A", "2023-05-15", "2023-06-14");
    let m = metrics::compute(&conn, &june(), &Options::default()).unwrap();
    let text = baocao::report::narrative::set_aside(&m).unwrap();
    assert!(text.contains("BAD (f1, dòng 3)"), "{text}");
}

#[test]
fn a_final_row_returned_before_acceptance_is_quarantined() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("tra.csv");
    std::fs::write(
        &f,
        "MaHoSo,TenDonVi,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy,NgayTra\n\
         X1,Sở A,10,10/06/2023,20/06/2023,,01/06/2023\n\
         X2,Sở A,10,10/06/2023,20/06/2023,,12/06/2023\n",
    )
    .unwrap();
    let conn = baocao::store::open_in_memory().unwrap();
    let r = ingest(&conn, &f);
    let c = counts(&r);
    assert_eq!((c.rows_loaded, c.rows_quarantined), (1, 1));
    assert_eq!(c.reasons.get("finish_before_accept"), Some(&1));
}

fn dated(dir: &std::path::Path, name: &str, export: Option<&str>, status: i32) -> std::path::PathBuf {
    let f = dir.join(name);
    let title = export
        .map(|d| format!("DANH SÁCH HỒ SƠ\nNgày xuất: {d}\n"))
        .unwrap_or_default();
    std::fs::write(
        &f,
        format!("{title}MaHoSo,TenDonVi,TrangThaiHoSo,NgayTiepNhan\nK1,Sở A,{status},10/05/2023\n"),
    )
    .unwrap();
    f
}

#[test]
fn a_stale_dated_export_never_comes_back_in_force_after_an_undated_one() {
    let dir = tempfile::tempdir().unwrap();
    let conn = baocao::store::open_in_memory().unwrap();
    ingest(&conn, &dated(dir.path(), "july.csv", Some("15/07/2023"), 5));
    ingest(&conn, &dated(dir.path(), "undated.csv", None, 4));
    ingest(&conn, &dated(dir.path(), "may.csv", Some("02/06/2023"), 2));
    let status: i64 = conn
        .query_row("SELECT trang_thai FROM dossiers WHERE ma_ho_so = 'K1'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(
        status, 4,
        "the undated file loaded after July stays in force, not stale May"
    );
    let versions: i64 = conn
        .query_row("SELECT count(*) FROM dossier_versions WHERE ma_ho_so = 'K1'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(versions, 3, "every version stays in the history");
    // A later dated export still wins over all of them.
    ingest(&conn, &dated(dir.path(), "aug.csv", Some("15/08/2023"), 6));
    let status: i64 = conn
        .query_row("SELECT trang_thai FROM dossiers WHERE ma_ho_so = 'K1'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(status, 6);
}

#[test]
fn a_file_states_its_window_or_the_operator_does_or_it_is_inferred() {
    let dir = tempfile::tempdir().unwrap();
    let body = "MaHoSo,TenDonVi,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy\n\
                C1,Sở A,10,01/04/2023,20/05/2023,16/05/2023\n\
                C2,Sở A,4,20/05/2023,30/06/2023,\n";
    let stated = dir.path().join("stated.csv");
    std::fs::write(
        &stated,
        format!("BÁO CÁO\nTừ ngày 15/5/2023 đến ngày 14/6/2023\n{body}"),
    )
    .unwrap();
    let plain = dir.path().join("plain.csv");
    std::fs::write(&plain, format!("{body}C3,Sở B,10,21/05/2023,30/05/2023,25/05/2023\n")).unwrap();
    let db = dir.path().join("c.duckdb");
    let dbs = db.to_str().unwrap();
    let (code, _, err) = run(&["--db", dbs, "ingest", stated.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(&["--db", dbs, "ingest", plain.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(&["--db", dbs, "coverage", "--period", "2023-06", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let status = |a: &str| {
        v["agencies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["agency"] == a)
            .map(|x| x["status"].as_str().unwrap().to_string())
    };
    assert_eq!(status("Sở A").as_deref(), Some("covered"));
    // Sở B's plain file is inferred from its first finish date (16/5) on: partly covered.
    assert_eq!(status("Sở B").as_deref(), Some("partly"));
    let conn = Connection::open(&db).unwrap();
    let sources: Vec<(String, String, String)> = conn
        .prepare("SELECT agency, source, strftime(day_from, '%Y-%m-%d') FROM coverage ORDER BY file_id, agency")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(sources[0], ("Sở A".into(), "file".into(), "2023-05-15".into()));
    // The carried-over row accepted on 1/4 does not widen the inferred window.
    assert_eq!(sources[1], ("Sở A".into(), "inferred".into(), "2023-05-16".into()));
    drop(conn);
    // The operator's window.
    let third = dir.path().join("third.csv");
    std::fs::write(
        &third,
        "MaHoSo,TenDonVi,TrangThaiHoSo,NgayTiepNhan\nC9,Sở C,4,20/05/2023\n",
    )
    .unwrap();
    let (code, _, err) = run(&[
        "--db",
        dbs,
        "ingest",
        "--covers",
        "2023-05-15..2023-06-14",
        third.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = run(&["--db", dbs, "coverage", "--period", "2023-06"]);
    assert!(
        out.lines().any(|l| l.contains("Sở C") && l.contains("đủ số liệu")),
        "{out}"
    );
    let (code, _, err) = run(&[
        "--db",
        dbs,
        "ingest",
        "--covers",
        "2023-06-14..2023-05-15",
        third.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "a window that ends before it starts is a usage error: {err}");
}

#[test]
fn the_fixture_reports_compare_nothing_their_data_cannot_support() {
    let conn = baocao::store::open_in_memory().unwrap();
    ingest(&conn, &fixture("nghe-an-2023-06/dossiers.csv.gz"));
    let m = metrics::compute(&conn, &june(), &Options::default()).unwrap();
    assert_eq!(m.previous_period.basis, Basis::None);
    assert_eq!(m.previous_year.basis, Basis::None);
    let text = baocao::report::narrative::comparison(&m);
    assert!(
        text.contains("chưa đủ số liệu để so sánh") && !text.contains("điểm"),
        "{text}"
    );
}

#[test]
fn a_targets_file_of_another_year_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.duckdb");
    let csv = fixture("small/csv-utf8-vietnamese/dossiers.csv");
    let (code, _, err) = run(&["--db", db.to_str().unwrap(), "ingest", csv.to_str().unwrap()]);
    assert!(code <= 1, "{err}");
    let targets = fixture("ba-ria-vung-tau-2023/targets-2023.toml");
    let (code, _, err) = run(&[
        "--db",
        db.to_str().unwrap(),
        "metrics",
        "--period",
        "2024-06",
        "--targets",
        targets.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("2023") && err.contains("2024"), "{err}");
}
