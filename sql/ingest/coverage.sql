-- Records the window of days a dossier file covers, for every agency in it.
INSERT INTO coverage (file_id, agency, day_from, day_to, source)
SELECT ?, agency, CAST(? AS DATE), greatest(CAST(? AS DATE), CAST(? AS DATE)), ?
FROM (SELECT DISTINCT coalesce(ten_don_vi, '') AS agency FROM dossier_versions WHERE file_id = ?)
