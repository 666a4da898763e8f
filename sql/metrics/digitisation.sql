-- Digitisation family (domain.md §6), over dossiers received in the period unless noted:
-- digitised: components digitised, and an electronic result where the result is a document;
-- e_result: electronic result over resolved dossiers whose procedure's result is a document;
-- reuse: digitised data reused; synced: synchronised to the national portal (DVCQG).
SELECT metric, unit, numerator, denominator FROM (
    SELECT 'digitised' AS metric, ten_don_vi AS unit, grouping(ten_don_vi) AS g,
           count(*) FILTER (WHERE so_hoa AND (yeu_cau_ket_qua_giay IS NOT TRUE OR ket_qua_dien_tu)) AS numerator,
           count(*) AS denominator
    FROM period_flags
    WHERE received_online + received_offline = 1
    GROUP BY GROUPING SETS ((), (ten_don_vi))
    UNION ALL
    SELECT 'e_result', ten_don_vi, grouping(ten_don_vi),
           count(*) FILTER (WHERE ket_qua_dien_tu), count(*)
    FROM period_flags
    WHERE resolved = 1 AND yeu_cau_ket_qua_giay
    GROUP BY GROUPING SETS ((), (ten_don_vi))
    UNION ALL
    SELECT 'reuse', ten_don_vi, grouping(ten_don_vi),
           count(*) FILTER (WHERE tai_su_dung), count(*)
    FROM period_flags
    WHERE received_online + received_offline = 1
    GROUP BY GROUPING SETS ((), (ten_don_vi))
    UNION ALL
    SELECT 'synced', ten_don_vi, grouping(ten_don_vi),
           count(*) FILTER (WHERE da_dong_bo), count(*)
    FROM period_flags
    WHERE received_online + received_offline = 1
    GROUP BY GROUPING SETS ((), (ten_don_vi))
)
WHERE g = 1 OR unit IS NOT NULL;
