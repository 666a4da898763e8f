-- The dossiers resolved late in the period in scope (the late-dossier appendix, docs/rules.md, Apology letters), by agency then code: procedure, due and finish days, and the dossier's first letter issued by the period's end (date, number, new return date); no personal data.
SELECT
    coalesce(f.ten_don_vi, '') AS agency,
    v.ma_ho_so AS code,
    coalesce(c.ten_tthc, v.ten_tthc, v.ma_tthc, '') AS procedure,
    f.due,
    f.fin,
    l.letter_date,
    l.letter_number,
    l.letter_new_due
FROM period_flags f
JOIN dossier_versions v USING (file_id, source_row)
LEFT JOIN catalogue c ON c.ma_tthc = v.ma_tthc
LEFT JOIN (
    SELECT ma_ho_so,
           min(CAST(ngay_xin_loi AS DATE)) AS letter_date,
           arg_min(so_van_ban, ngay_xin_loi) AS letter_number,
           CAST(arg_min(ngay_hen_tra_moi, ngay_xin_loi) AS DATE) AS letter_new_due
    FROM letters
    WHERE CAST(ngay_xin_loi AS DATE) <= (SELECT t1 FROM scope)
    GROUP BY ma_ho_so
) AS l ON l.ma_ho_so = v.ma_ho_so
WHERE f.resolved_late = 1
ORDER BY agency, code
