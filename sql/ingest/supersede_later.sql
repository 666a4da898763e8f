-- Newest export wins: whether a file of this kind exported later than the new file is already loaded.
SELECT EXISTS (SELECT 1 FROM ingest_files
               WHERE kind = $2 AND file_id <> $1
                 AND export_at > (SELECT export_at FROM ingest_files WHERE file_id = $1))
