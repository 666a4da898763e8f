-- The lake's flags.parquet: the period's II.06a flags of each dossier (lake_flags, set-aside ones included with `consistent` false). The braced placeholder is the province's name, quoted as a SQL literal by lake.rs.
SELECT {province} AS province, * FROM lake_flags ORDER BY file_id, source_row
