-- A code repeated inside one file: the last row wins, every earlier one goes to the quarantine as duplicate_in_file.
INSERT INTO quarantine
SELECT file_id, ?, source_row, ?, {key}, 'duplicate_in_file',
       '{key_name} ' || {key} || ' appears again at row ' || last_row || ' of the same file, which supersedes this row'
FROM (SELECT file_id, source_row, {key}, max(source_row) OVER (PARTITION BY {key}) AS last_row
      FROM {table} WHERE file_id = ?)
WHERE source_row < last_row
