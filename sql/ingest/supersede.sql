-- Newest export wins: the new file's codes replace the versions in force in other files (see supersede_unless_newer.sql).
UPDATE {table} AS o SET superseded_by = $1
WHERE o.file_id <> $1 AND o.superseded_by IS NULL
  AND o.{key} IN (SELECT {key} FROM {table} WHERE file_id = $1)
  {unless_newer}
