-- DuckDB's own load of the narrow CSV into the store's table (issue 12's second floor): read_csv,
-- the typed casts and the derived columns ingest stores, no checks. `{csv}` is the file.
INSERT INTO dossier_versions BY NAME
SELECT 1 AS file_id,
       2 AS source_row,
       MaHoSo AS ma_ho_so,
       TenDonVi AS ten_don_vi,
       CASE WHEN TenDonVi LIKE 'S%' THEN 'tinh' WHEN TenDonVi LIKE 'UBND huy%' THEN 'huyen' ELSE 'xa' END AS cap_don_vi,
       coalesce(TRY_CAST(KenhThucHien AS SMALLINT), 1) AS kenh,
       TRY_CAST(TrangThaiHoSo AS SMALLINT) AS trang_thai,
       TRY_CAST(NgayTiepNhan AS TIMESTAMP) AS ngay_tiep_nhan,
       TRY_CAST(NgayHenTra AS TIMESTAMP) AS ngay_hen_tra,
       TRY_CAST(NgayKetThucXuLy AS TIMESTAMP) AS ngay_ket_thuc,
       CAST(TRY_CAST(NgayTiepNhan AS TIMESTAMP) AS DATE) AS span_from,
       CAST(TRY_CAST(NgayKetThucXuLy AS TIMESTAMP) AS DATE) AS span_to
FROM read_csv('{csv}', all_varchar = true);
