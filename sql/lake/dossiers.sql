-- The lake's dossiers.parquet: the dossiers the period touches (lake_flags), as stored but without `extra`, in a fixed order. The braced placeholder is the province's name, quoted as a SQL literal by lake.rs.
SELECT {province} AS province, d.* EXCLUDE (extra) FROM dossiers d
WHERE (d.file_id, d.source_row) IN (SELECT file_id, source_row FROM lake_flags)
ORDER BY d.ma_ho_so, d.file_id
