//! Figures against counts made by hand on a few dossiers (docs/rules.md, Rates): every rate,
//! the 766 choices, the catalogue's fee and level, dossiers never accepted, a department's feedback.

use super::common::run;
use super::honest::{insert, june};
use baocao::metrics::{self, Options};

/// Every rate of docs/rules.md (Rates) and the 766 on-time rule, counted by hand on ten dossiers.
#[test]
fn every_rate_matches_a_hand_count() {
    let conn = baocao::store::open_in_memory().unwrap();
    // The file's header carried every optional column (as an ingest records it).
    conn.execute_batch(
        "INSERT INTO ingest_file_columns SELECT 1, unnest(['MucDo', 'LePhi', 'DuocThanhToanTrucTuyen',
             'HoSoCoThanhPhanSoHoa', 'TaiSuDungDuLieu', 'CoKetQuaDienTu', 'YeuCauKetQuaGiay', 'DaDongBoDVCQG',
             'DanhGia'])",
    )
    .unwrap();
    conn.execute_batch(
        "INSERT INTO dossier_versions (file_id, source_row, ma_ho_so, ten_don_vi, cap_don_vi, kenh, muc_do, trang_thai,
             ngay_tiep_nhan, ngay_hen_tra, ngay_ket_thuc, so_lan_bo_sung, le_phi, thanh_toan_truc_tuyen, so_hoa,
             tai_su_dung, ket_qua_dien_tu, yeu_cau_ket_qua_giay, da_dong_bo, danh_gia) VALUES
         -- received in June (15/5–14/6): 1–7; carried over: 8, 9; refused: 10
         (1, 1, 'D1', 'A', 'tinh', 2, 'toan_trinh', 10, '2023-05-16', '2023-05-20', '2023-05-19', 0, 50000, 1, true,  true,  true,  true,  true,  'rat_hai_long'),
         (1, 2, 'D2', 'A', 'tinh', 2, 'mot_phan',   10, '2023-05-17', '2023-05-20', '2023-05-20', 1, 50000, 0, true,  false, false, true,  true,  'hai_long'),
         (1, 3, 'D3', 'A', 'tinh', 1, 'toan_trinh',  9, '2023-05-18', '2023-05-20', '2023-05-22', 0, 0,     0, false, false, true,  true,  false, 'khong_hai_long'),
         (1, 4, 'D4', 'A', 'tinh', 3, NULL,          4, '2023-05-19', '2023-06-30', NULL,         0, 20000, 2, true,  true,  NULL,  NULL,  true,  NULL),
         (1, 5, 'D5', 'A', 'tinh', NULL, NULL,       5, '2023-05-20', '2023-05-25', NULL,         2, NULL,  NULL, NULL, NULL, NULL,  NULL,  NULL,  NULL),
         (1, 6, 'D6', 'A', 'tinh', 1, NULL,          7, '2023-05-21', '2023-05-30', '2023-05-22', 0, 0,     0, false, false, false, false, false, NULL),
         (1, 7, 'D7', 'A', 'tinh', 2, 'toan_trinh',  4, '2023-05-22', '2023-06-01', NULL,         0, 0,     1, true,  false, NULL,  NULL,  true,  NULL),
         (1, 8, 'D8', 'A', 'tinh', 1, NULL,         10, '2023-05-01', '2023-05-10', '2023-05-16', 0, 0,     0, false, false, true,  false, false, 'hai_long'),
         (1, 9, 'D9', 'A', 'tinh', 1, NULL,          4, '2023-05-02', '2023-05-30', NULL,         0, 0,     0, false, false, NULL,  NULL,  false, NULL),
         (1, 10, 'D10', 'A', 'tinh', 2, NULL,        3, '2023-05-23', NULL, NULL,                 0, 0,     0, false, false, NULL,  NULL,  false, NULL);",
    )
    .unwrap();
    let m = metrics::compute(&conn, &june(), &Options::default()).unwrap();
    let t = m.ii06a.total.counts;
    // II.06a: received 7 (online D1 D2 D7; offline D3 D4 D5 D6 — D5 has no channel: in person),
    // carried over 2 (D8 D9), refused 1 (D10, in no other count).
    assert_eq!(
        (t.received_online, t.received_offline, t.carried_over, t.refused),
        (3, 4, 2, 1)
    );
    // Resolved D1 (early) D2 (on time) D3 (late) D8 (late); withdrawn D6; in progress D4 D5 D7 D9.
    assert_eq!(
        (t.resolved, t.resolved_early, t.resolved_on_time, t.resolved_late),
        (4, 1, 1, 2)
    );
    assert_eq!((t.withdrawn, t.in_progress, t.waiting_supplement), (1, 4, 1));
    // Columns (12)/(13) on 14/6: D4 due 30/6 within; D5 waiting within; D7 due 1/6 overdue; D9 due 30/5 overdue.
    assert_eq!((t.in_progress_within, t.in_progress_overdue), (2, 2));
    let r = m.rates;
    let nd = |x: baocao::registry::Rate| (x.numerator, x.denominator);
    assert_eq!(nd(r.on_time), (2, 4));
    assert_eq!(nd(r.late), (2, 4));
    assert_eq!(nd(r.online_intake), (3, 7));
    assert_eq!(
        nd(r.full_online),
        (2, 7),
        "D1 and D7: online for a full-online procedure"
    );
    assert_eq!(
        nd(r.online_payment),
        (2, 3),
        "fee > 0: D1 D2 D4; paid online D1 D4 (D7 is marked paid online with no fee: in neither)"
    );
    // Digitised: D1 (document result issued electronically), D4 and D7 (no document result);
    // not D2, whose document result is on paper.
    assert_eq!(nd(r.digitised), (3, 7));
    assert_eq!(
        nd(r.e_result),
        (2, 3),
        "resolved with a document result: D1 D2 D3 (D8's result is not a document); electronic D1 D3"
    );
    assert_eq!(nd(r.reuse), (2, 7));
    assert_eq!(nd(r.synced), (4, 7));
    assert_eq!(nd(r.satisfaction), (3, 4), "rated: D1 D2 D3 D8; satisfied D1 D2 D8");
    // 766: early/on time D1 D2 (asked once for a supplement: still on time), withdrawn D6,
    // within D4 (D5 asked twice: late) over 9 handled.
    assert_eq!(nd(r.on_time_766), (4, 9));
    // Feedback (PAKN) received in the period: F1 handled by its due date, F2 after it, F3 not
    // yet handled, F4 handled with no due date; F5 was received in April.
    conn.execute_batch(
        "INSERT INTO feedback_versions (file_id, source_row, ma_pakn, ten_don_vi, ngay_tiep_nhan, ngay_hen_xu_ly, ngay_xu_ly) VALUES
         (2, 1, 'F1', 'A', '2023-05-16', '2023-05-30', '2023-05-30 16:30'),
         (2, 2, 'F2', 'A', '2023-05-17', '2023-05-30', '2023-05-31'),
         (2, 3, 'F3', 'A', '2023-05-18', '2023-05-30', NULL),
         (2, 4, 'F4', 'A', '2023-05-19', NULL, '2023-06-01'),
         (2, 5, 'F5', 'A', '2023-04-19', '2023-04-30', '2023-04-20');",
    )
    .unwrap();
    let m = metrics::compute(&conn, &june(), &Options::default()).unwrap();
    assert_eq!(nd(m.rates.feedback_on_time), (2, 4));
}

#[test]
fn status_names_the_agencies_without_data_in_the_latest_month() {
    let dir = tempfile::tempdir().unwrap();
    let may = dir.path().join("may.csv");
    std::fs::write(
        &may,
        "Từ ngày 15/04/2023 đến ngày 14/05/2023\nMaHoSo,TenDonVi,TrangThaiHoSo,NgayTiepNhan\nM1,Sở A,4,20/04/2023\nM2,Sở B,4,21/04/2023\n",
    )
    .unwrap();
    let june = dir.path().join("june.csv");
    std::fs::write(
        &june,
        "Từ ngày 15/05/2023 đến ngày 14/06/2023\nMaHoSo,TenDonVi,TrangThaiHoSo,NgayTiepNhan\nJ1,Sở A,4,20/05/2023\n",
    )
    .unwrap();
    let db = dir.path().join("s.duckdb");
    let dbs = db.to_str().unwrap();
    for f in [&may, &june] {
        let (code, _, err) = run(&["--db", dbs, "ingest", f.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
    }
    let (code, out, err) = run(&["--db", dbs, "status"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Các đơn vị chưa có số liệu tháng 6 năm 2023: Sở B"),
        "{out}"
    );
    let (code, out, _) = run(&["--db", dbs, "coverage", "--period", "2023-06"]);
    assert_eq!(code, 1, "an agency expected without data is a warning: {out}");
}

#[test]
fn the_open_766_choices_change_what_they_say_and_are_printed() {
    use baocao::metrics::index766::{SatisfactionRule, WithdrawnAfterDue};
    let conn = baocao::store::open_in_memory().unwrap();
    conn.execute_batch(
        "INSERT INTO ingest_file_columns VALUES (1, 'DanhGia'); -- the export's header had DanhGia
         INSERT INTO dossier_versions (file_id, source_row, ma_ho_so, ten_don_vi, cap_don_vi, kenh, trang_thai,
             ngay_tiep_nhan, ngay_hen_tra, ngay_ket_thuc, danh_gia) VALUES
         (1, 1, 'W', 'A', 'tinh', 1, 7, '2023-05-16', '2023-05-20', '2023-05-25', NULL),            -- withdrawn after due
         (1, 6, 'V', 'A', 'tinh', 1, 7, '2023-05-16', '2023-05-20', '2023-05-20', NULL),            -- withdrawn on its due date
         (1, 7, 'M', 'A', 'tinh', 1, 10, '2023-05-18', '2023-05-20', '2023-05-22', NULL),           -- late, unrated
         (1, 8, 'S', 'A', 'tinh', 1, 5, '2023-05-18', '2023-05-25', NULL, NULL),                    -- waiting for a supplement, due passed
         (1, 9, 'Q', 'A', 'tinh', 1, 8, '2023-05-18', '2023-05-30', NULL, NULL),                    -- stopped, due passed
         (1, 10, 'R', 'A', 'tinh', 1, 6, '2023-05-18', '2023-06-14', NULL, NULL),                   -- waiting for payment, due on the last day
         (1, 11, 'U', 'A', 'tinh', 1, 6, '2023-05-18', '2023-06-30', NULL, NULL),                   -- waiting for payment, due later
         (1, 2, 'P', 'A', 'tinh', 1, 6, '2023-05-17', '2023-05-30', NULL, NULL),                    -- waiting for payment, due passed
         (1, 3, 'L', 'A', 'tinh', 1, 10, '2023-05-18', '2023-05-20', '2023-05-22', 'hai_long'),     -- late, rated satisfied
         (1, 4, 'K', 'A', 'tinh', 1, 10, '2023-05-18', '2023-05-30', '2023-05-22', 'khong_hai_long'), -- on time, dissatisfied
         (1, 5, 'G', 'A', 'tinh', 1, 10, '2023-05-18', '2023-05-30', '2023-05-22', NULL);           -- on time, unrated",
    )
    .unwrap();
    let mut o = Options::default();
    let m = metrics::compute(&conn, &june(), &o).unwrap();
    let nd = |x: baocao::registry::Rate| (x.numerator, x.denominator);
    // Defaults: W and V on time; P, Q, R, U (6/8) and S (5) within; K and G on time; L and
    // M late → 9 of 11.
    assert_eq!(nd(m.rates.on_time_766), (9, 11));
    assert_eq!(nd(m.rates.satisfaction), (1, 2));
    assert_eq!(
        nd(m.rates.satisfaction_766),
        (1, 4),
        "only G: resolved, not late, not dissatisfied"
    );
    o.index766.choices.withdrawn_after_due = WithdrawnAfterDue::Late;
    o.index766.choices.paused_within = false;
    o.index766.choices.satisfaction = SatisfactionRule::Handled;
    let m2 = metrics::compute(&conn, &june(), &o).unwrap();
    // W late (V, withdrawn on its due date, is not); P and Q overdue; R (due on the last day),
    // U (due later) and S (waiting for a supplement) still within.
    assert_eq!(nd(m2.rates.on_time_766), (6, 11));
    let sat = |m: &metrics::Metrics| {
        m.index766
            .indicators
            .iter()
            .find(|i| i.id == "hai_long_giai_quyet")
            .unwrap()
            .rate
            .map(nd)
    };
    assert_eq!((sat(&m), sat(&m2)), (Some((1, 2)), Some((1, 4))));
    let words = m2.index766.choices.words();
    assert!(words.contains("rút sau ngày hẹn trả tính là quá hạn"), "{words}");
}

#[test]
fn the_catalogue_fills_fee_and_level_only_for_its_own_procedure() {
    let conn = baocao::store::open_in_memory().unwrap();
    // The export has no MucDo or LePhi column (the catalogue fills them), but says how each
    // dossier was paid.
    conn.execute_batch(
        "INSERT INTO ingest_file_columns VALUES (1, 'DuocThanhToanTrucTuyen');
         INSERT INTO catalogue_versions (file_id, source_row, ma_tthc, le_phi, muc_do) VALUES
             (9, 1, 'P1', 50000, 'toan_trinh'), (9, 2, 'P2', 0, 'mot_phan'), (9, 3, 'P3', 10000, 'khac');
         INSERT INTO dossier_versions (file_id, source_row, ma_ho_so, ma_tthc, ten_don_vi, cap_don_vi, kenh, trang_thai,
             ngay_tiep_nhan, thanh_toan_truc_tuyen) VALUES
             (1, 1, 'A', 'P1', 'Sở A', 'tinh', 2, 4, '2023-05-20', 1),
             (1, 2, 'B', 'P2', 'Sở A', 'tinh', 2, 4, '2023-05-21', 0),
             (1, 3, 'C', NULL, 'Sở A', 'tinh', 1, 4, '2023-05-22', 0);",
    )
    .unwrap();
    let m = metrics::compute(&conn, &june(), &Options::default()).unwrap();
    let nd = |x: baocao::registry::Rate| (x.numerator, x.denominator);
    assert_eq!(
        m.ii06a.total.counts.total_handled, 3,
        "each dossier once, whatever the catalogue holds"
    );
    assert_eq!(
        (nd(m.rates.full_online), m.rates.full_online.missing),
        ((1, 2), 1),
        "A: online, and P1 is full-online in the catalogue; B's level is the catalogue's too; \
         C's is known neither from its file nor from the catalogue: missing, not 'not full online'"
    );
    assert_eq!(
        (nd(m.rates.online_payment), m.rates.online_payment.missing),
        ((1, 1), 1),
        "only A has a fee (P1's), B has none; C's fee is unknown: missing"
    );
}

#[test]
fn a_dossier_never_accepted_is_in_no_count() {
    let conn = baocao::store::open_in_memory().unwrap();
    insert(
        &conn,
        1,
        &[(
            "OK",
            "Sở A",
            Some(1),
            10,
            "2023-05-20",
            Some("2023-05-25"),
            Some("2023-05-24"),
        )],
    );
    // No acceptance date (loaded without validation): not received, so not resolved either.
    conn.execute_batch(
        "INSERT INTO dossier_versions (file_id, source_row, ma_ho_so, ten_don_vi, cap_don_vi, kenh, trang_thai,
             ngay_hen_tra, ngay_ket_thuc) VALUES (1, 9, 'NA', 'Sở A', 'tinh', 1, 10, '2023-05-25', '2023-05-24')",
    )
    .unwrap();
    let m = metrics::compute(&conn, &june(), &Options::default()).unwrap();
    let t = m.ii06a.total.counts;
    assert_eq!((t.total_handled, t.resolved), (1, 1));
    assert!(m.set_aside.is_empty());
}

#[test]
fn a_department_report_rates_only_its_own_feedback() {
    let conn = baocao::store::open_in_memory().unwrap();
    conn.execute_batch(
        "INSERT INTO feedback_versions (file_id, source_row, ma_pakn, ten_don_vi, ngay_tiep_nhan, ngay_hen_xu_ly, ngay_xu_ly) VALUES
         (2, 1, 'F1', 'Sở A', '2023-05-16', '2023-05-30', '2023-05-20'),
         (2, 2, 'F2', 'Sở B', '2023-05-17', '2023-05-30', '2023-06-05'),
         (2, 3, 'F3', 'Sở B', '2023-05-18', '2023-05-30', NULL);",
    )
    .unwrap();
    let nd = |x: baocao::registry::Rate| (x.numerator, x.denominator);
    let all = metrics::compute(&conn, &june(), &Options::default()).unwrap();
    assert_eq!(nd(all.rates.feedback_on_time), (1, 3));
    let o = Options {
        unit: Some("Sở A".into()),
        ..Options::default()
    };
    let a = metrics::compute(&conn, &june(), &o).unwrap();
    assert_eq!(nd(a.rates.feedback_on_time), (1, 1));
}
