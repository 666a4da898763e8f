-- Ingest store: files, every dossier version, the versions in force, and quarantined rows.

-- One row per file loaded. seq orders files for the newest-export-wins rule.
CREATE SEQUENCE IF NOT EXISTS ingest_file_id START 1;
CREATE TABLE ingest_files (
    file_id           INTEGER PRIMARY KEY DEFAULT nextval('ingest_file_id'),
    kind              VARCHAR NOT NULL,          -- dossiers (later: feedback, catalogue)
    path              VARCHAR NOT NULL,
    sha256            VARCHAR NOT NULL UNIQUE,
    bytes             BIGINT NOT NULL,
    format            VARCHAR NOT NULL,          -- csv, xlsx, json, ndjson
    compression       VARCHAR,                   -- gzip or NULL
    encoding          VARCHAR NOT NULL,
    delimiter         VARCHAR,
    sheet             VARCHAR,
    header_line       BIGINT,
    export_at         TIMESTAMP,                 -- explicit export date found in the file
    file_mtime        TIMESTAMP,
    rows_read         BIGINT NOT NULL,
    rows_loaded       BIGINT NOT NULL,
    rows_quarantined  BIGINT NOT NULL,
    rows_blank        BIGINT NOT NULL,
    rows_in_force     BIGINT NOT NULL,           -- loaded rows that became the version in force
    rows_replaced     BIGINT NOT NULL,           -- earlier versions this file superseded
    superseded_by     INTEGER,                   -- set when none of its rows is in force any more
    archived_path     VARCHAR,                   -- where `baocao run` moved the file
    loaded_at         TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Every valid row of every file: the history of which file said what.
CREATE TABLE dossier_versions (
    file_id                INTEGER NOT NULL,
    source_row             BIGINT NOT NULL,
    ma_ho_so               VARCHAR NOT NULL,
    ma_tthc                VARCHAR,
    ten_tthc               VARCHAR,
    ma_linh_vuc            VARCHAR,
    ten_linh_vuc           VARCHAR,
    ma_don_vi              VARCHAR,
    ten_don_vi             VARCHAR,
    cap_don_vi             VARCHAR,
    kenh                   SMALLINT,
    muc_do                 VARCHAR,
    trang_thai             SMALLINT NOT NULL,
    ngay_nop               TIMESTAMP,
    ngay_tiep_nhan         TIMESTAMP,
    ngay_hen_tra           TIMESTAMP,
    ngay_ket_thuc          TIMESTAMP,
    ngay_tra               TIMESTAMP,
    ngay_yeu_cau_bo_sung   TIMESTAMP,
    so_lan_bo_sung         INTEGER,
    le_phi                 DOUBLE,
    thanh_toan_truc_tuyen  SMALLINT,
    so_hoa                 BOOLEAN,
    tai_su_dung            BOOLEAN,
    ket_qua_dien_tu        BOOLEAN,
    yeu_cau_ket_qua_giay   BOOLEAN,
    da_dong_bo             BOOLEAN,
    xac_thuc_vneid         BOOLEAN,
    danh_gia               VARCHAR,
    extra                  VARCHAR,              -- JSON object of unmatched columns
    superseded_by          INTEGER               -- file whose version replaced this one
);

-- The version in force per dossier code (newest export wins): the history row that no
-- later export superseded. A view, so versions are stored once.
CREATE VIEW dossiers AS
SELECT * EXCLUDE (superseded_by) FROM dossier_versions WHERE superseded_by IS NULL;

-- Rows set aside, one row per problem found (a row may have several).
CREATE TABLE quarantine (
    file_id      INTEGER,
    path         VARCHAR NOT NULL,
    source_row   BIGINT NOT NULL,
    column_name  VARCHAR NOT NULL,
    raw_value    VARCHAR NOT NULL,
    reason       VARCHAR NOT NULL,
    message      VARCHAR NOT NULL
);
