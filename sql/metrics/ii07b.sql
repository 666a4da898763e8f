-- Biểu II.07b from the procedure catalogue in force (not from dossiers): per managing unit,
-- the procedures under its authority, those handled through the one-stop desk (Bộ phận Một
-- cửa) and the internal procedures issued, each by the level that carries them out.
-- grain: 'total' | 'unit'. Internal procedures (noi_bo) are counted apart from the others.
SELECT
    CASE WHEN grouping(unit) = 1 THEN 'total' ELSE 'unit' END AS grain,
    unit,
    count(*) FILTER (WHERE NOT noi_bo) AS authority_total,
    count(*) FILTER (WHERE NOT noi_bo AND cap = 'tinh') AS authority_tinh,
    count(*) FILTER (WHERE NOT noi_bo AND cap = 'huyen') AS authority_huyen,
    count(*) FILTER (WHERE NOT noi_bo AND cap = 'xa') AS authority_xa,
    count(*) FILTER (WHERE NOT noi_bo AND mot_cua) AS one_stop_total,
    count(*) FILTER (WHERE NOT noi_bo AND mot_cua AND cap = 'tinh') AS one_stop_tinh,
    count(*) FILTER (WHERE NOT noi_bo AND mot_cua AND cap = 'huyen') AS one_stop_huyen,
    count(*) FILTER (WHERE NOT noi_bo AND mot_cua AND cap = 'xa') AS one_stop_xa,
    count(*) FILTER (WHERE noi_bo) AS internal_total,
    count(*) FILTER (WHERE noi_bo AND cap = 'tinh') AS internal_tinh,
    count(*) FILTER (WHERE noi_bo AND cap = 'huyen') AS internal_huyen,
    count(*) FILTER (WHERE noi_bo AND cap = 'xa') AS internal_xa
FROM (
    SELECT
        coalesce(co_quan, '(không rõ cơ quan)') AS unit,
        cap_thuc_hien AS cap,
        coalesce(mot_cua, false) AS mot_cua,
        coalesce(noi_bo, false) AS noi_bo
    FROM catalogue
)
GROUP BY GROUPING SETS ((), (unit))
ORDER BY grain = 'unit', unit;
