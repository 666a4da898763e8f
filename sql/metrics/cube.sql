-- The period's dossiers (all_flags, see scope.sql) summed per agency, level, field, procedure
-- and `consistent` (false: set aside, see scope.sql), in one pass: the II.06a flags (domain.md §5) and the per-dossier conditions of
-- the rates (§6, §7). ii06a.sql, ii06b.sql and rates.sql re-aggregate this small table
-- (`period_cube` in scope.sql): every figure they give is a sum of 0/1 per dossier, so a sum
-- of these sums is exact. Computed for the whole province ($3 $4 NULL; the agency filters
-- apply to the cube) with the 766 choices $5 $6; src/metrics/scope.rs keeps each period's
-- cube in a temporary table for the length of one computation (issue 12: one pass over the
-- dossiers per period instead of one per query).
-- `rec`: received in the period (online or not). Conditional counts are sums of CASE, not
-- count(*) FILTER: with grouping sets DuckDB 1.5 runs the FILTER form ~1.5x slower (measured).
SELECT
    ten_don_vi, cap_don_vi, ten_linh_vuc, ma_tthc, consistent,
    min(ten_tthc) AS ten_tthc,
    -- Biểu II.06a (§5).
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

    -- Full online: received online for a full-online procedure (MucDo = toan_trinh).
    sum(CASE WHEN muc_do = 'toan_trinh' THEN received_online ELSE 0 END) AS full_online,
    -- Online payment: received with a fee > 0, and of those paid online
    -- (DuocThanhToanTrucTuyen 1 = DVCQG, 2 = provincial gateway).
    sum(CASE WHEN rec AND le_phi > 0 THEN 1 ELSE 0 END) AS with_fee,
    sum(CASE WHEN rec AND le_phi > 0 AND thanh_toan_truc_tuyen IN (1, 2) THEN 1 ELSE 0 END) AS paid_online,
    -- Digitisation family. digitised: received, components digitised, and an electronic
    -- result where the result is a document; e_result: resolved, the procedure's result is
    -- a document (paper_result) and it was given electronically; reused: received, digitised
    -- data reused; synced: received, synchronised to the national portal (DVCQG).
    sum(CASE WHEN rec AND so_hoa AND (yeu_cau_ket_qua_giay IS NOT TRUE OR ket_qua_dien_tu) THEN 1 ELSE 0 END) AS digitised,
    sum(CASE WHEN resolved = 1 AND yeu_cau_ket_qua_giay THEN 1 ELSE 0 END) AS paper_result,
    sum(CASE WHEN resolved = 1 AND yeu_cau_ket_qua_giay AND ket_qua_dien_tu THEN 1 ELSE 0 END) AS e_result,
    sum(CASE WHEN rec AND tai_su_dung THEN 1 ELSE 0 END) AS reused,
    sum(CASE WHEN rec AND da_dong_bo THEN 1 ELSE 0 END) AS synced,
    -- Satisfaction: resolved and rated, and of those rated "Rất hài lòng" or "Hài lòng".
    sum(CASE WHEN resolved = 1 AND danh_gia IS NOT NULL THEN 1 ELSE 0 END) AS rated,
    sum(CASE WHEN resolved = 1 AND danh_gia IN ('rat_hai_long', 'hai_long') THEN 1 ELSE 0 END) AS satisfied,
    -- Decision 766/QĐ-TTg on-time rule (§7): handled in the period and resolved early or on
    -- time, withdrawn, or still in progress within the deadline. A dossier waiting for a
    -- supplement (status 5) is within its deadline; the export carries no resubmission date,
    -- so the waiting time of a resolved dossier cannot be subtracted: one asked for
    -- supplements more than once is late. The two points the decision leaves open are
    -- settings (sql/index766.toml [choices]): $5, a dossier withdrawn after its due date
    -- counts as late; $6, statuses 6 (waiting for payment) and 8 (stopped) count as within
    -- the deadline.
    sum(CASE WHEN coalesce(so_lan_bo_sung, 0) <= 1
              AND (resolved_early + resolved_on_time
                   + CASE WHEN CAST($5 AS BOOLEAN) AND due IS NOT NULL AND fin > due THEN 0 ELSE withdrawn END
                   + CASE WHEN NOT CAST($6 AS BOOLEAN) AND trang_thai IN (6, 8)
                               AND due IS NOT NULL AND due < (SELECT t1 FROM scope)
                          THEN 0 ELSE in_progress_within END) = 1
             THEN 1 ELSE 0 END) AS on_time_766,
    -- The 766 reading of satisfaction: resolved, neither late nor rated dissatisfied.
    sum(CASE WHEN resolved = 1 AND resolved_late = 0 AND danh_gia IS DISTINCT FROM 'khong_hai_long' THEN 1 ELSE 0 END) AS satisfied_766
FROM (SELECT *, received_online + received_offline = 1 AS rec FROM all_flags)
GROUP BY ten_don_vi, cap_don_vi, ten_linh_vuc, ma_tthc, consistent
