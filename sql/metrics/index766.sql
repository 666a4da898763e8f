-- Decision 766/QĐ-TTg on-time rule (domain.md §7): dossiers handled in the period that were
-- resolved early or on time, withdrawn, or are still in progress within their deadline,
-- over all dossiers handled in the period (II.06a total_handled). Supplement time is not
-- counted against the agency: a dossier waiting for a supplement (status 5) is within its
-- deadline. The export carries no resubmission date, so the waiting time of a resolved
-- dossier cannot be subtracted; a dossier asked for supplements more than once is late.
-- Two points the decision leaves open are settings (sql/index766.toml [choices]), bound as
-- $5: a dossier withdrawn after its due date counts as late; $6: statuses 6 (waiting for
-- payment) and 8 (stopped) count as within deadline.
-- Also the 766 reading of satisfaction: resolved dossiers neither late nor rated
-- dissatisfied, over resolved dossiers. For the province (unit NULL) and per agency.
SELECT metric, unit, numerator, denominator FROM (
    SELECT
        'on_time_766' AS metric, ten_don_vi AS unit, grouping(ten_don_vi) AS g,
        coalesce(sum(CASE WHEN coalesce(so_lan_bo_sung, 0) <= 1
                           AND (resolved_early + resolved_on_time
                                + CASE WHEN CAST($5 AS BOOLEAN) AND due IS NOT NULL AND fin > due THEN 0 ELSE withdrawn END
                                + CASE WHEN NOT CAST($6 AS BOOLEAN) AND trang_thai IN (6, 8)
                                            AND due IS NOT NULL AND due < (SELECT t1 FROM scope)
                                       THEN 0 ELSE in_progress_within END) = 1
                          THEN 1 ELSE 0 END), 0) AS numerator,
        coalesce(sum(received_online + received_offline + carried_over), 0) AS denominator
    FROM period_flags
    GROUP BY GROUPING SETS ((), (ten_don_vi))
    UNION ALL
    SELECT 'satisfaction_766', ten_don_vi, grouping(ten_don_vi),
           count(*) FILTER (WHERE resolved_late = 0 AND danh_gia IS DISTINCT FROM 'khong_hai_long'),
           count(*)
    FROM period_flags
    WHERE resolved = 1
    GROUP BY GROUPING SETS ((), (ten_don_vi))
)
WHERE g = 1 OR unit IS NOT NULL;
