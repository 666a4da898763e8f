-- Biểu II.06a counts of the period in scope (period_cube, the sums of cube.sql), for the province,
-- per level, per agency and per field. grain: 'total' | 'level' | 'agency' | 'field'.
SELECT
    CASE
        WHEN grouping(cap_don_vi) = 1 AND grouping(ten_don_vi) = 1 AND grouping(ten_linh_vuc) = 1 THEN 'total'
        WHEN grouping(ten_linh_vuc) = 0 THEN 'field'
        WHEN grouping(ten_don_vi) = 0 THEN 'agency'
        ELSE 'level'
    END AS grain,
    cap_don_vi AS level,
    ten_don_vi AS unit,
    ten_linh_vuc AS field,
    coalesce(sum(received_online), 0) + coalesce(sum(received_offline), 0) + coalesce(sum(carried_over), 0) AS total_handled,
    coalesce(sum(received_online), 0) AS received_online,
    coalesce(sum(received_offline), 0) AS received_offline,
    coalesce(sum(carried_over), 0) AS carried_over,
    coalesce(sum(resolved), 0) AS resolved,
    coalesce(sum(resolved_early), 0) AS resolved_early,
    coalesce(sum(resolved_on_time), 0) AS resolved_on_time,
    coalesce(sum(resolved_late), 0) AS resolved_late,
    coalesce(sum(withdrawn), 0) AS withdrawn,
    coalesce(sum(in_progress), 0) AS in_progress,
    coalesce(sum(in_progress_processing), 0) AS in_progress_processing,
    coalesce(sum(waiting_supplement), 0) AS waiting_supplement,
    coalesce(sum(paused), 0) AS paused,
    coalesce(sum(in_progress_within), 0) AS in_progress_within,
    coalesce(sum(in_progress_overdue), 0) AS in_progress_overdue,
    coalesce(sum(refused), 0) AS refused
FROM (
    SELECT * REPLACE (coalesce(cap_don_vi, 'khac') AS cap_don_vi,
                      coalesce(ten_don_vi, '(không rõ đơn vị)') AS ten_don_vi,
                      coalesce(ten_linh_vuc, '(không rõ lĩnh vực)') AS ten_linh_vuc)
    FROM period_cube
)
GROUP BY GROUPING SETS ((), (cap_don_vi), (cap_don_vi, ten_don_vi), (ten_linh_vuc))
ORDER BY
    CASE grain WHEN 'total' THEN 0 WHEN 'level' THEN 1 WHEN 'agency' THEN 1 ELSE 2 END,
    CASE level WHEN 'tinh' THEN 1 WHEN 'huyen' THEN 2 WHEN 'xa' THEN 3 ELSE 4 END,
    grain = 'agency',
    unit, field;
