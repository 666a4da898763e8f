-- Coverage of a period [$1, $2] per agency (docs/rules.md, Coverage): how many of its days the
-- agency's files cover (the union of their windows), and by which files. An agency is
-- covered when every day is, partly covered when some are, not covered otherwise. Every
-- agency ever seen in a file is listed, so one with no data in the period shows as 0 days.
WITH p AS (SELECT CAST($1 AS DATE) AS t0, CAST($2 AS DATE) AS t1),
days AS (
    SELECT c.agency, c.file_id, CAST(d.day AS DATE) AS day
    FROM coverage c, p,
         LATERAL (SELECT unnest(generate_series(CAST(greatest(c.day_from, p.t0) AS TIMESTAMP),
                                                CAST(least(c.day_to, p.t1) AS TIMESTAMP),
                                                INTERVAL 1 DAY)) AS day) d
    WHERE c.day_to >= p.t0 AND c.day_from <= p.t1
),
agencies AS (SELECT DISTINCT agency FROM coverage)
SELECT a.agency,
       CAST(count(DISTINCT d.day) AS BIGINT) AS covered_days,
       CAST(date_diff('day', any_value(p.t0), any_value(p.t1)) + 1 AS BIGINT) AS period_days,
       coalesce(string_agg(DISTINCT coalesce(f.archived_path, f.path), '; ' ORDER BY coalesce(f.archived_path, f.path)), '') AS files,
       CAST(max(CASE WHEN c.source = 'inferred' THEN 1 ELSE 0 END) AS INTEGER) AS any_inferred
FROM agencies a CROSS JOIN p
LEFT JOIN days d ON d.agency = a.agency
LEFT JOIN ingest_files f ON f.file_id = d.file_id
LEFT JOIN coverage c ON c.file_id = d.file_id AND c.agency = a.agency
GROUP BY a.agency
ORDER BY a.agency;
