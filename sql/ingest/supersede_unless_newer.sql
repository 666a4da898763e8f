-- Added to supersede.sql when a later-dated export is loaded: the codes it already gave are not replaced.
AND o.{key} NOT IN (
    SELECT v.{key} FROM {table} v JOIN ingest_files f USING (file_id)
    WHERE v.file_id <> $1 AND f.export_at > (SELECT export_at FROM ingest_files WHERE file_id = $1)
      AND v.{key} IN (SELECT {key} FROM {table} WHERE file_id = $1))
