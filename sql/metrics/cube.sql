-- The period's dossiers (all_flags, see scope.sql) summed per agency, level, field, procedure
-- and `consistent` (false: set aside, see scope.sql), in one pass: the II.06a flags (docs/rules.md, Biểu II.06a) and the per-dossier conditions of
-- the rates (docs/rules.md, Rates and Decision 766 index). ii06a.sql, ii06b.sql and rates.sql re-aggregate this small table
-- (`period_cube` in scope.sql): every figure they give is a sum of 0/1 per dossier, so a sum
-- of these sums is exact. Computed for the whole province ($3 $4 NULL; the agency filters
-- apply to the cube) with the 766 choices $5 $6; src/metrics/scope.rs keeps each period's
-- cube in a temporary table for the length of one computation: one pass over the dossiers
-- per period instead of one per query (docs/decisions.md, the cube).
-- `rec`: received in the period (online or not). Conditional counts are sums of CASE, not
-- count(*) FILTER: with grouping sets DuckDB 1.5 runs the FILTER form slower (docs/decisions.md).
SELECT
    ten_don_vi, cap_don_vi, ten_linh_vuc, ma_tthc, consistent,
    min(ten_tthc) AS ten_tthc,
    -- Biểu II.06a (docs/rules.md).
    sum(received_online) AS received_online,
    sum(received_offline) AS received_offline,
    sum(carried_over) AS carried_over,
    sum(resolved) AS resolved,
    sum(resolved_early) AS resolved_early,
    sum(resolved_on_time) AS resolved_on_time,
    sum(resolved_late) AS resolved_late,
    sum(withdrawn) AS withdrawn,
    sum(in_progress) AS in_progress,
    sum(in_progress_processing) AS in_progress_processing,
    sum(waiting_supplement) AS waiting_supplement,
    sum(paused) AS paused,
    sum(in_progress_within) AS in_progress_within,
    sum(in_progress_overdue) AS in_progress_overdue,
    sum(refused) AS refused,

    -- The rates that read optional columns (docs/rules.md, Absent is not zero). Each counts
    -- its numerator and denominator over the dossiers whose file carried the columns it
    -- needs (`has_*`, from ingest_file_columns, below), and as `*_missing` the dossiers that
    -- would be candidates for its denominator but whose file did not carry them.
    -- Full online: received online for a full-online procedure (MucDo = toan_trinh), over
    -- received; needs MucDo (from the file, or the procedure catalogue, see ii06a_flags.sql).
    sum(CASE WHEN has_muc_do AND muc_do = 'toan_trinh' THEN received_online ELSE 0 END) AS full_online,
    sum(CASE WHEN rec AND has_muc_do THEN 1 ELSE 0 END) AS full_online_base,
    sum(CASE WHEN rec AND NOT has_muc_do THEN 1 ELSE 0 END) AS full_online_missing,
    -- Online payment: received with a fee > 0, and of those paid online
    -- (DuocThanhToanTrucTuyen 1 = DVCQG, 2 = provincial gateway); needs LePhi (file or
    -- catalogue) and DuocThanhToanTrucTuyen. Missing: received without them, with a fee > 0
    -- or a fee nobody stated (such a dossier may be in the denominator).
    sum(CASE WHEN rec AND has_payment AND le_phi > 0 THEN 1 ELSE 0 END) AS with_fee,
    sum(CASE WHEN rec AND has_payment AND le_phi > 0 AND thanh_toan_truc_tuyen IN (1, 2) THEN 1 ELSE 0 END) AS paid_online,
    sum(CASE WHEN rec AND NOT has_payment AND (NOT has_le_phi OR le_phi > 0) THEN 1 ELSE 0 END) AS with_fee_missing,
    -- Digitisation family. digitised: received, components digitised, and an electronic
    -- result where the result is a document; needs HoSoCoThanhPhanSoHoa, and CoKetQuaDienTu
    -- for a dossier its file says has a document result (a file without YeuCauKetQuaGiay
    -- is read as it says nothing of a document result). e_result: resolved, the procedure's
    -- result is a document (paper_result) and it was given electronically; needs
    -- YeuCauKetQuaGiay and CoKetQuaDienTu (missing: resolved without them whose result is,
    -- or may be, a document). reused: received, digitised data reused; needs
    -- TaiSuDungDuLieu. synced: received, synchronised to the national portal (DVCQG); needs
    -- DaDongBoDVCQG.
    sum(CASE WHEN rec AND has_digitised AND so_hoa AND (yeu_cau_ket_qua_giay IS NOT TRUE OR ket_qua_dien_tu) THEN 1 ELSE 0 END) AS digitised,
    sum(CASE WHEN rec AND has_digitised THEN 1 ELSE 0 END) AS digitised_base,
    sum(CASE WHEN rec AND NOT has_digitised THEN 1 ELSE 0 END) AS digitised_missing,
    sum(CASE WHEN resolved = 1 AND has_e_result AND yeu_cau_ket_qua_giay THEN 1 ELSE 0 END) AS paper_result,
    sum(CASE WHEN resolved = 1 AND has_e_result AND yeu_cau_ket_qua_giay AND ket_qua_dien_tu THEN 1 ELSE 0 END) AS e_result,
    sum(CASE WHEN resolved = 1 AND NOT has_e_result AND (NOT has_ket_qua_giay OR yeu_cau_ket_qua_giay) THEN 1 ELSE 0 END) AS paper_result_missing,
    sum(CASE WHEN rec AND has_tai_su_dung AND tai_su_dung THEN 1 ELSE 0 END) AS reused,
    sum(CASE WHEN rec AND has_tai_su_dung THEN 1 ELSE 0 END) AS reuse_base,
    sum(CASE WHEN rec AND NOT has_tai_su_dung THEN 1 ELSE 0 END) AS reuse_missing,
    sum(CASE WHEN rec AND has_da_dong_bo AND da_dong_bo THEN 1 ELSE 0 END) AS synced,
    sum(CASE WHEN rec AND has_da_dong_bo THEN 1 ELSE 0 END) AS synced_base,
    sum(CASE WHEN rec AND NOT has_da_dong_bo THEN 1 ELSE 0 END) AS synced_missing,
    -- Satisfaction: resolved and rated, and of those rated "Rất hài lòng" or "Hài lòng";
    -- needs DanhGia (missing: resolved dossiers of files without it, which may have been
    -- rated).
    sum(CASE WHEN resolved = 1 AND has_danh_gia AND danh_gia IS NOT NULL THEN 1 ELSE 0 END) AS rated,
    sum(CASE WHEN resolved = 1 AND has_danh_gia AND danh_gia IN ('rat_hai_long', 'hai_long') THEN 1 ELSE 0 END) AS satisfied,
    sum(CASE WHEN resolved = 1 AND NOT has_danh_gia THEN 1 ELSE 0 END) AS resolved_unrated_missing,
    -- Decision 766/QĐ-TTg on-time rule (docs/rules.md, Decision 766 index): handled in the period and resolved early or on
    -- time, withdrawn, or still in progress within the deadline. A dossier waiting for a
    -- supplement (status 5) is within its deadline; the export carries no resubmission date,
    -- so the waiting time of a resolved dossier cannot be subtracted: one asked for
    -- supplements more than once is late. The two points the decision leaves open are
    -- settings (reference/index766.toml [choices]): $5, a dossier withdrawn after its due date
    -- counts as late; $6, statuses 6 (waiting for payment) and 8 (stopped) count as within
    -- the deadline.
    sum(CASE WHEN coalesce(so_lan_bo_sung, 0) <= 1
              AND (resolved_early + resolved_on_time
                   + CASE WHEN CAST($5 AS BOOLEAN) AND due IS NOT NULL AND fin > due THEN 0 ELSE withdrawn END
                   + CASE WHEN NOT CAST($6 AS BOOLEAN) AND trang_thai IN (6, 8)
                               AND due IS NOT NULL AND due < (SELECT t1 FROM scope)
                          THEN 0 ELSE in_progress_within END) = 1
             THEN 1 ELSE 0 END) AS on_time_766,
    -- The 766 reading of satisfaction: resolved, neither late nor rated dissatisfied, over
    -- resolved; needs DanhGia (without it "not rated dissatisfied" says nothing).
    sum(CASE WHEN resolved = 1 AND has_danh_gia AND resolved_late = 0 AND danh_gia IS DISTINCT FROM 'khong_hai_long' THEN 1 ELSE 0 END) AS satisfied_766,
    sum(CASE WHEN resolved = 1 AND has_danh_gia THEN 1 ELSE 0 END) AS satisfaction_766_base
FROM (
    -- Which columns each dossier's file carried (ingest_file_columns, one row per file and
    -- column; a file with none recorded carried none of them). MucDo and LePhi also count as
    -- known where the procedure catalogue filled them (the flags carry the filled value).
    SELECT f.*, f.received_online + f.received_offline = 1 AS rec,
           coalesce(c.muc_do, false) OR f.muc_do IS NOT NULL AS has_muc_do,
           coalesce(c.le_phi, false) OR f.le_phi IS NOT NULL AS has_le_phi,
           (coalesce(c.le_phi, false) OR f.le_phi IS NOT NULL) AND coalesce(c.thanh_toan, false) AS has_payment,
           coalesce(c.so_hoa, false)
               AND (coalesce(c.ket_qua_dien_tu, false) OR f.yeu_cau_ket_qua_giay IS NOT TRUE) AS has_digitised,
           coalesce(c.ket_qua_giay, false) AS has_ket_qua_giay,
           coalesce(c.ket_qua_giay AND c.ket_qua_dien_tu, false) AS has_e_result,
           coalesce(c.tai_su_dung, false) AS has_tai_su_dung,
           coalesce(c.da_dong_bo, false) AS has_da_dong_bo,
           coalesce(c.danh_gia, false) AS has_danh_gia
    FROM all_flags f
    LEFT JOIN (
        SELECT file_id,
               bool_or(column_name = 'MucDo') AS muc_do,
               bool_or(column_name = 'LePhi') AS le_phi,
               bool_or(column_name = 'DuocThanhToanTrucTuyen') AS thanh_toan,
               bool_or(column_name = 'HoSoCoThanhPhanSoHoa') AS so_hoa,
               bool_or(column_name = 'CoKetQuaDienTu') AS ket_qua_dien_tu,
               bool_or(column_name = 'YeuCauKetQuaGiay') AS ket_qua_giay,
               bool_or(column_name = 'TaiSuDungDuLieu') AS tai_su_dung,
               bool_or(column_name = 'DaDongBoDVCQG') AS da_dong_bo,
               bool_or(column_name = 'DanhGia') AS danh_gia
        FROM ingest_file_columns GROUP BY file_id
    ) AS c ON c.file_id = f.file_id
)
GROUP BY ten_don_vi, cap_don_vi, ten_linh_vuc, ma_tthc, consistent
