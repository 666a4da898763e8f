-- The days a dossier version can count in (sql/migrations/0007_spans.sql explains them):
-- fills span_from/span_to of the versions that have none. The migration runs it over the
-- whole store; src/ingest/storing/batch.rs computes the same for new rows (tests compare the two).
UPDATE dossier_versions SET
    span_from = CASE
        WHEN trang_thai = 1 THEN NULL
        WHEN trang_thai = 3 THEN CAST(coalesce(ngay_ket_thuc, ngay_tiep_nhan, ngay_nop) AS DATE)
        WHEN ngay_tiep_nhan IS NULL THEN NULL
        WHEN trang_thai IN (7, 9, 10) AND coalesce(ngay_ket_thuc, ngay_tra) IS NOT NULL
            THEN least(CAST(ngay_tiep_nhan AS DATE), CAST(coalesce(ngay_ket_thuc, ngay_tra) AS DATE))
        ELSE CAST(ngay_tiep_nhan AS DATE)
    END,
    span_to = CASE
        WHEN trang_thai = 1 THEN NULL
        WHEN trang_thai = 3 THEN CAST(coalesce(ngay_ket_thuc, ngay_tiep_nhan, ngay_nop) AS DATE)
        WHEN ngay_tiep_nhan IS NULL THEN NULL
        WHEN trang_thai IN (7, 9, 10) AND coalesce(ngay_ket_thuc, ngay_tra) IS NOT NULL
            THEN greatest(CAST(ngay_tiep_nhan AS DATE), CAST(coalesce(ngay_ket_thuc, ngay_tra) AS DATE))
        ELSE DATE '9999-12-31'
    END
WHERE span_from IS NULL AND span_to IS NULL;
