-- Biểu II.06a membership rules (docs/rules.md, Biểu II.06a; form II.06a/VPCP/KSTT, Circular 01/2020/TT-VPCP),
-- one row per dossier with one 0/1 flag per count, for the period [t0, t1] (DATEs).
-- Dates are compared by calendar day. A dossier is "finished" when its status is final
-- (7 withdrawn, 9 finished, 10 delivered) and it has a finish date (NgayKetThucXuLy, or
-- NgayTra when the export leaves the former empty). Status 1 is excluded from every count;
-- status 3 (refused at intake) only counts as refused.
CREATE OR REPLACE TEMP MACRO ii06a_flags(t0, t1) AS TABLE
WITH base AS (
    SELECT
        -- The procedure catalogue fills the service level and fee an export leaves empty.
        d.* EXCLUDE (superseded_by, span_from, span_to)
            REPLACE (coalesce(d.muc_do, c.muc_do) AS muc_do, coalesce(d.le_phi, c.le_phi) AS le_phi),
        CAST(d.ngay_tiep_nhan AS DATE) AS acc,
        CAST(d.ngay_hen_tra AS DATE) AS due,
        CASE WHEN d.trang_thai IN (7, 9, 10) THEN CAST(coalesce(d.ngay_ket_thuc, d.ngay_tra) AS DATE) END AS fin
    -- The versions in force (the `dossiers` view) whose span meets the period: a dossier
    -- outside its span has no flag (0007_spans.sql). Only the span columns are read for the
    -- rest of the history; a version without a span is always read.
    FROM dossier_versions d
    LEFT JOIN catalogue c ON c.ma_tthc = d.ma_tthc
    WHERE d.superseded_by IS NULL AND d.trang_thai <> 1
      AND (d.span_from IS NULL OR d.span_from <= t1) AND (d.span_to IS NULL OR d.span_to >= t0)
),
f AS (
    SELECT
        *,
        (trang_thai <> 3 AND acc IS NOT NULL) AS live,
        (fin IS NOT NULL AND fin < t0) AS done_before,
        (fin IS NOT NULL AND fin <= t1) AS done_by_end
    FROM base
),
g AS (
    SELECT
        *,
        (live AND acc BETWEEN t0 AND t1 AND kenh = 2) AS received_online,
        (live AND acc BETWEEN t0 AND t1 AND kenh IS DISTINCT FROM 2) AS received_offline,  -- 1, 3 or empty
        (live AND acc < t0 AND NOT done_before) AS carried_over,
        (live AND trang_thai IN (9, 10) AND fin BETWEEN t0 AND t1) AS resolved,
        (live AND trang_thai = 7 AND fin BETWEEN t0 AND t1) AS withdrawn,
        (live AND acc <= t1 AND NOT done_by_end) AS in_progress,
        (trang_thai = 3 AND CAST(coalesce(ngay_ket_thuc, ngay_tiep_nhan, ngay_nop) AS DATE) BETWEEN t0 AND t1) AS refused
    FROM f
),
h AS (
SELECT
    -- (file_id, source_row) identifies the version: explain joins back for codes and times.
    file_id, source_row, ten_don_vi, cap_don_vi, ten_linh_vuc, ma_tthc, ten_tthc, trang_thai, kenh, muc_do,
    so_lan_bo_sung, acc, due, fin,
    le_phi, thanh_toan_truc_tuyen, so_hoa, tai_su_dung, ket_qua_dien_tu, yeu_cau_ket_qua_giay, da_dong_bo,
    danh_gia,
    -- NULL-safe in one place: an unknown channel, status or date makes a flag 0, never NULL
    -- (a NULL would drop the dossier from a rate's denominator while II.06a counts it);
    -- so `fin < due` with no due date is simply not early.
    coalesce(received_online, false)::INT AS received_online,
    coalesce(received_offline, false)::INT AS received_offline,
    coalesce(carried_over, false)::INT AS carried_over,
    coalesce(resolved, false)::INT AS resolved,
    coalesce(resolved AND fin < due, false)::INT AS resolved_early,
    coalesce(resolved AND (due IS NULL OR fin = due), false)::INT AS resolved_on_time,
    coalesce(resolved AND fin > due, false)::INT AS resolved_late,
    coalesce(withdrawn, false)::INT AS withdrawn,
    coalesce(in_progress, false)::INT AS in_progress,
    coalesce(in_progress AND trang_thai NOT IN (5, 6, 8), false)::INT AS in_progress_processing,
    coalesce(in_progress AND trang_thai = 5, false)::INT AS waiting_supplement,
    coalesce(in_progress AND trang_thai IN (6, 8), false)::INT AS paused,
    coalesce(in_progress AND (due IS NULL OR due >= t1 OR trang_thai IN (5, 6, 8)), false)::INT AS in_progress_within,
    coalesce(in_progress AND due < t1 AND trang_thai NOT IN (5, 6, 8), false)::INT AS in_progress_overdue,
    coalesce(refused, false)::INT AS refused
FROM g
WHERE received_online OR received_offline OR carried_over OR resolved OR withdrawn OR in_progress OR refused
)
-- The identity of Biểu II.06a (docs/rules.md) for this one dossier: what came in (received or carried over) is what
-- went out or stays (resolved, withdrawn, in progress). False only for contradictory dates
-- (finished before accepted); scope.sql sets such dossiers aside.
SELECT *, (received_online + received_offline + carried_over = resolved + withdrawn + in_progress) AS consistent
FROM h;
