-- Biểu II.06b counts of the period in scope (period_cube, the sums of cube.sql): the II.06a counts
-- per procedure, grouped by field, with a subtotal per field. grain: 'field' | 'procedure'.
-- The procedure's name comes from the catalogue when it is loaded, else from the export.
SELECT
    g.grain, g.field, g.code,
    CASE WHEN g.grain = 'procedure' THEN coalesce(c.ten_tthc, g.export_name, g.code) END AS name,
    g.* EXCLUDE (grain, field, code, export_name)
FROM (
    SELECT
        CASE WHEN grouping(ma_tthc) = 1 THEN 'field' ELSE 'procedure' END AS grain,
        ten_linh_vuc AS field,
        ma_tthc AS code,
        min(ten_tthc) AS export_name,
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
        SELECT * REPLACE (coalesce(ten_linh_vuc, '(không rõ lĩnh vực)') AS ten_linh_vuc,
                          coalesce(ma_tthc, '(không rõ mã thủ tục)') AS ma_tthc)
        FROM period_cube
    )
    GROUP BY GROUPING SETS ((ten_linh_vuc), (ten_linh_vuc, ma_tthc))
) AS g
LEFT JOIN catalogue c ON g.grain = 'procedure' AND c.ma_tthc = g.code
ORDER BY g.field, g.grain = 'procedure', g.code;
