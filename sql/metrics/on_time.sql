-- On-time and late rates (domain.md §6): early + on time over resolved (withdrawn not
-- included), late over resolved; for the province (unit NULL) and per agency.
SELECT metric, unit, numerator, denominator FROM (
    SELECT 'on_time' AS metric, ten_don_vi AS unit, grouping(ten_don_vi) AS g,
           coalesce(sum(resolved_early + resolved_on_time), 0) AS numerator, coalesce(sum(resolved), 0) AS denominator
    FROM period_flags
    GROUP BY GROUPING SETS ((), (ten_don_vi))
    UNION ALL
    SELECT 'late', ten_don_vi, grouping(ten_don_vi),
           coalesce(sum(resolved_late), 0), coalesce(sum(resolved), 0)
    FROM period_flags
    GROUP BY GROUPING SETS ((), (ten_don_vi))
)
WHERE g = 1 OR unit IS NOT NULL;
