-- Newest export wins: a file none of whose rows is in force any more is superseded, by the newest file that replaced its rows.
UPDATE ingest_files f
SET superseded_by = (SELECT max(v.superseded_by) FROM {table} v WHERE v.file_id = f.file_id)
WHERE f.kind = $2 AND f.superseded_by IS NULL
  AND (f.file_id = $1 OR f.file_id IN (SELECT file_id FROM {table} WHERE superseded_by = $1))
  AND EXISTS (SELECT 1 FROM {table} v WHERE v.file_id = f.file_id)
  AND NOT EXISTS (SELECT 1 FROM {table} v WHERE v.file_id = f.file_id AND v.superseded_by IS NULL)
