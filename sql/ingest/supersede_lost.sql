-- Newest export wins: where a code is still in force in another (later-dated) file, the new file's version goes to the history.
UPDATE {table} AS n SET superseded_by = o.file_id
FROM {table} AS o
WHERE n.file_id = $1 AND o.{key} = n.{key} AND o.file_id <> $1 AND o.superseded_by IS NULL
