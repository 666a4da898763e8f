-- Registers a file in ingest_files before its rows are stored (file_counts.sql fills in its counts after); returns its id.
INSERT INTO ingest_files (kind, path, sha256, bytes, format, compression, encoding, delimiter, sheet, header_line,
    export_at, file_mtime, rows_read, rows_loaded, rows_quarantined, rows_blank, rows_in_force, rows_replaced)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 0) RETURNING file_id
