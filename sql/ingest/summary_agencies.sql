-- Dossiers in force per agency, ordered by level then name (the end of ingest's summary).
SELECT coalesce(cap_don_vi, '?') AS cap, coalesce(ten_don_vi, '(không rõ đơn vị)') AS unit, count(*) AS n
FROM dossiers GROUP BY 1, 2
ORDER BY CASE cap WHEN 'tinh' THEN 1 WHEN 'huyen' THEN 2 WHEN 'xa' THEN 3 ELSE 4 END, unit
