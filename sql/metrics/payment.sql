-- Online payment (domain.md §6): dossiers received in the period with a fee > 0 that were
-- paid online (DuocThanhToanTrucTuyen 1 = DVCQG, 2 = provincial gateway), over those with
-- a fee > 0.
SELECT metric, unit, numerator, denominator FROM (
    SELECT 'online_payment' AS metric, ten_don_vi AS unit, grouping(ten_don_vi) AS g,
           count(*) FILTER (WHERE thanh_toan_truc_tuyen IN (1, 2)) AS numerator,
           count(*) AS denominator
    FROM period_flags
    WHERE received_online + received_offline = 1 AND le_phi > 0
    GROUP BY GROUPING SETS ((), (ten_don_vi))
)
WHERE g = 1 OR unit IS NOT NULL;
