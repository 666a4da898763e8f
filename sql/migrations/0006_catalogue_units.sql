-- The procedure catalogue for Biểu II.07b: the managing unit of each procedure, its field,
-- whether it is handled through the one-stop desk (Bộ phận Một cửa), and whether it is an
-- internal procedure (TTHC nội bộ). The table is rebuilt so its columns keep the loader's
-- order (declared columns, then extra, then superseded_by).
DROP VIEW catalogue;
CREATE TABLE catalogue_versions_0006 (
    file_id          INTEGER NOT NULL,
    source_row       BIGINT NOT NULL,
    ma_tthc          VARCHAR NOT NULL,
    ten_tthc         VARCHAR,
    cap_thuc_hien    VARCHAR,
    le_phi           DOUBLE,
    muc_do           VARCHAR,
    co_quan          VARCHAR,
    linh_vuc         VARCHAR,
    mot_cua          BOOLEAN,
    noi_bo           BOOLEAN,
    extra            VARCHAR,
    superseded_by    INTEGER
);
INSERT INTO catalogue_versions_0006
SELECT file_id, source_row, ma_tthc, ten_tthc, cap_thuc_hien, le_phi, muc_do,
       NULL, NULL, NULL, NULL, extra, superseded_by
FROM catalogue_versions;
DROP TABLE catalogue_versions;
ALTER TABLE catalogue_versions_0006 RENAME TO catalogue_versions;
CREATE VIEW catalogue AS
SELECT * EXCLUDE (superseded_by) FROM catalogue_versions WHERE superseded_by IS NULL;
