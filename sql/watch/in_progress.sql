-- The dossiers in force still in progress on one day (`baocao watch`): the II.06a flags of the one-day period of that date (scope.sql, in watch_flags), with what the warning list prints and no personal data; with each its latest apology letter issued by that day ($1), whose new return date is the one now promised.
SELECT
    coalesce(d.ten_don_vi, '') AS agency,
    d.ma_ho_so AS code,
    coalesce(d.ten_tthc, '') AS procedure,
    CAST(d.ngay_tiep_nhan AS DATE) AS received,
    CAST(d.ngay_hen_tra AS DATE) AS due,
    d.trang_thai AS status,
    l.letter_date,
    l.letter_number,
    l.letter_new_due
FROM watch_flags f
JOIN dossiers d USING (file_id, source_row)
LEFT JOIN (
    SELECT ma_ho_so,
           max(CAST(ngay_xin_loi AS DATE)) AS letter_date,
           arg_max(so_van_ban, ngay_xin_loi) AS letter_number,
           CAST(arg_max(ngay_hen_tra_moi, ngay_xin_loi) AS DATE) AS letter_new_due
    FROM letters
    WHERE CAST(ngay_xin_loi AS DATE) <= CAST($1 AS DATE)
    GROUP BY ma_ho_so
) l ON l.ma_ho_so = d.ma_ho_so
WHERE f.in_progress = 1
ORDER BY agency, due NULLS LAST, code
