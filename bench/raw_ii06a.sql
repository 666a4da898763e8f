-- The floor for a period's metrics (issue 12): one II.06a-like aggregate, count(*) FILTER per
-- column, over the raw table DuckDB's read_csv made of the same file (bench/ingest.sh's
-- floor.duckdb, table t), for the period T0..T1 (bench/metrics.sh substitutes the dates).
WITH d AS (
    SELECT CAST(NgayTiepNhan AS DATE) AS acc, CAST(NgayHenTra AS DATE) AS due,
           CASE WHEN TrangThaiHoSo IN (7, 9, 10) THEN CAST(coalesce(NgayKetThucXuLy, NgayTra) AS DATE) END AS fin,
           TrangThaiHoSo AS st, KenhThucHien AS kenh
    FROM t WHERE TrangThaiHoSo NOT IN (1, 3)
)
SELECT
    count(*) FILTER (WHERE acc BETWEEN DATE 'T0' AND DATE 'T1' AND kenh = 2) AS received_online,
    count(*) FILTER (WHERE acc BETWEEN DATE 'T0' AND DATE 'T1' AND kenh IS DISTINCT FROM 2) AS received_offline,
    count(*) FILTER (WHERE acc < DATE 'T0' AND (fin IS NULL OR fin >= DATE 'T0')) AS carried_over,
    count(*) FILTER (WHERE st IN (9, 10) AND fin BETWEEN DATE 'T0' AND DATE 'T1') AS resolved,
    count(*) FILTER (WHERE st IN (9, 10) AND fin BETWEEN DATE 'T0' AND DATE 'T1' AND fin < due) AS resolved_early,
    count(*) FILTER (WHERE st IN (9, 10) AND fin BETWEEN DATE 'T0' AND DATE 'T1' AND fin > due) AS resolved_late,
    count(*) FILTER (WHERE st = 7 AND fin BETWEEN DATE 'T0' AND DATE 'T1') AS withdrawn,
    count(*) FILTER (WHERE acc <= DATE 'T1' AND (fin IS NULL OR fin > DATE 'T1')) AS in_progress,
    count(*) FILTER (WHERE acc <= DATE 'T1' AND (fin IS NULL OR fin > DATE 'T1') AND due < DATE 'T1') AS in_progress_overdue
FROM d;
