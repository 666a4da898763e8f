-- Dossiers set aside from the period's counts because their flags break the II.06a identity
-- (received + carried over ≠ resolved + withdrawn + in progress: dates that contradict each
-- other), with the file and row that hold them, so the report can name them.
SELECT d.ma_ho_so, coalesce(x.ten_don_vi, '') AS unit, coalesce(f.archived_path, f.path, '') AS file, x.source_row
FROM all_flags x
JOIN dossier_versions d ON d.file_id = x.file_id AND d.source_row = x.source_row
LEFT JOIN ingest_files f ON f.file_id = x.file_id
WHERE NOT x.consistent
ORDER BY d.ma_ho_so
