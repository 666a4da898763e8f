-- Satisfaction (domain.md §6): dossiers resolved in the period rated "Rất hài lòng" or
-- "Hài lòng", over the rated ones.
SELECT metric, unit, numerator, denominator FROM (
    SELECT 'satisfaction' AS metric, ten_don_vi AS unit, grouping(ten_don_vi) AS g,
           count(*) FILTER (WHERE danh_gia IN ('rat_hai_long', 'hai_long')) AS numerator,
           count(*) AS denominator
    FROM period_flags
    WHERE resolved = 1 AND danh_gia IS NOT NULL
    GROUP BY GROUPING SETS ((), (ten_don_vi))
)
WHERE g = 1 OR unit IS NOT NULL;
