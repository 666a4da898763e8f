-- The dossiers in force still in progress on one day (`baocao watch`): the II.06a flags of the one-day period of that date (scope.sql, in watch_flags), with what the warning list prints and no personal data.
SELECT
    coalesce(d.ten_don_vi, '') AS agency,
    d.ma_ho_so AS code,
    coalesce(d.ten_tthc, '') AS procedure,
    CAST(d.ngay_tiep_nhan AS DATE) AS received,
    CAST(d.ngay_hen_tra AS DATE) AS due,
    d.trang_thai AS status
FROM watch_flags f
JOIN dossiers d USING (file_id, source_row)
WHERE f.in_progress = 1
ORDER BY agency, due NULLS LAST, code
