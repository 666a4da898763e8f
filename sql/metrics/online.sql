-- Online intake (received online over received) and full-online dossiers (received online
-- for full-online procedures, MucDo = toan_trinh, over received) — domain.md §6.
SELECT metric, unit, numerator, denominator FROM (
    SELECT 'online_intake' AS metric, ten_don_vi AS unit, grouping(ten_don_vi) AS g,
           coalesce(sum(received_online), 0) AS numerator,
           coalesce(sum(received_online + received_offline), 0) AS denominator
    FROM period_flags
    GROUP BY GROUPING SETS ((), (ten_don_vi))
    UNION ALL
    SELECT 'full_online', ten_don_vi, grouping(ten_don_vi),
           coalesce(sum(CASE WHEN muc_do = 'toan_trinh' THEN received_online ELSE 0 END), 0),
           coalesce(sum(received_online + received_offline), 0)
    FROM period_flags
    GROUP BY GROUPING SETS ((), (ten_don_vi))
)
WHERE g = 1 OR unit IS NOT NULL;
