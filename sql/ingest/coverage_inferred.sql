-- The window of days a dossier file that states none covers, inferred from its rows (src/ingest/storing/coverage.rs says how).
WITH d AS (SELECT CAST(ngay_tiep_nhan AS DATE) AS acc, trang_thai,
                  CAST(coalesce(ngay_ket_thuc, ngay_tra) AS DATE) AS fin
           FROM dossier_versions WHERE file_id = ?)
, e AS (SELECT coalesce(min(fin) FILTER (WHERE trang_thai IN (7, 9, 10)), min(acc)) AS first,
              coalesce(CAST(? AS DATE), max(greatest(acc, coalesce(fin, acc)))) AS last
        FROM d)
SELECT greatest(first, CAST(last - INTERVAL (? - 1) DAY AS DATE)), last FROM e
