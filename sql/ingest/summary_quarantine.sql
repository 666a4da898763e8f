-- Quarantined rows, of every file or of the files whose path contains the text given (`baocao quarantine`).
SELECT path, source_row, column_name, reason, message, raw_value FROM quarantine
WHERE ? IS NULL OR contains(path, ?)
ORDER BY path, source_row, column_name, reason
