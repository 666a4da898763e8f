-- A code repeated inside one file: the earlier rows, just quarantined, leave the versions; the last one stays.
DELETE FROM {table} v WHERE v.file_id = ?
  AND v.source_row < (SELECT max(w.source_row) FROM {table} w WHERE w.file_id = v.file_id AND w.{key} = v.{key})
