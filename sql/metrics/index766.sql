-- Decision 766/QĐ-TTg on-time rule (domain.md §7): dossiers handled in the period that were
-- resolved early or on time, withdrawn, or are still in progress within their deadline,
-- over all dossiers handled in the period (II.06a total_handled). Supplement time is not
-- counted against the agency: a dossier waiting for a supplement (status 5) is within its
-- deadline. The export carries no resubmission date, so the waiting time of a resolved
-- dossier cannot be subtracted; a dossier asked for supplements more than once is late.
-- For the province (unit NULL) and per agency.
SELECT metric, unit, numerator, denominator FROM (
    SELECT
        'on_time_766' AS metric, ten_don_vi AS unit, grouping(ten_don_vi) AS g,
        coalesce(sum(CASE WHEN coalesce(so_lan_bo_sung, 0) <= 1
                           AND (resolved_early + resolved_on_time + withdrawn + in_progress_within) = 1
                          THEN 1 ELSE 0 END), 0) AS numerator,
        coalesce(sum(received_online + received_offline + carried_over), 0) AS denominator
    FROM period_flags
    GROUP BY GROUPING SETS ((), (ten_don_vi))
)
WHERE g = 1 OR unit IS NOT NULL;
