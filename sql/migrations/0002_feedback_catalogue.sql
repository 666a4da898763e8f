-- Feedback (phản ánh, kiến nghị — PAKN) and the procedure catalogue, for the feedback
-- on-time rate, the 766 feedback indicators and fee / full-online denominators.

CREATE TABLE feedback_versions (
    file_id        INTEGER NOT NULL,
    source_row     BIGINT NOT NULL,
    ma_pakn        VARCHAR NOT NULL,
    ten_don_vi     VARCHAR,
    linh_vuc       VARCHAR,
    ngay_tiep_nhan TIMESTAMP NOT NULL,
    ngay_hen_xu_ly TIMESTAMP,
    ngay_xu_ly     TIMESTAMP,
    danh_gia       VARCHAR,
    extra          VARCHAR,
    superseded_by  INTEGER
);
CREATE VIEW feedback AS
SELECT * EXCLUDE (superseded_by) FROM feedback_versions WHERE superseded_by IS NULL;

CREATE TABLE catalogue_versions (
    file_id          INTEGER NOT NULL,
    source_row       BIGINT NOT NULL,
    ma_tthc          VARCHAR NOT NULL,
    ten_tthc         VARCHAR,
    cap_thuc_hien    VARCHAR,
    le_phi           DOUBLE,
    muc_do           VARCHAR,
    extra            VARCHAR,
    superseded_by    INTEGER
);
CREATE VIEW catalogue AS
SELECT * EXCLUDE (superseded_by) FROM catalogue_versions WHERE superseded_by IS NULL;
