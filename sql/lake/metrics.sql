-- The lake's metrics.parquet: the metric rows appended to lake_metrics, the province total first, then by level, then by unit.
SELECT * FROM lake_metrics ORDER BY CASE grain WHEN 'total' THEN 0 WHEN 'level' THEN 1 ELSE 2 END, level, unit
