-- Records a file's counts in ingest_files once its rows are stored and reconciled.
UPDATE ingest_files SET rows_read = ?, rows_loaded = ?, rows_quarantined = ?, rows_blank = ?,
    rows_in_force = ?, rows_replaced = ? WHERE file_id = ?
