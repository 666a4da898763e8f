-- Apology letters for late dossiers (phiếu xin lỗi và hẹn lại ngày trả kết quả; from 15/9/2025
-- văn bản xin lỗi và đề nghị gia hạn): one row per letter, keyed by the dossier's code. A dossier
-- may have several letters, so a row is told apart inside a file by `ma_thu` (the code and the
-- letter's date, filled in by sql/ingest/letters_key.sql); across files the newest export of a
-- dossier's letters wins (docs/rules.md, Apology letters).
CREATE TABLE letter_versions (
    file_id          INTEGER NOT NULL,
    source_row       BIGINT NOT NULL,
    ma_ho_so         VARCHAR NOT NULL,
    ngay_xin_loi     TIMESTAMP NOT NULL,
    ngay_hen_tra_moi TIMESTAMP NOT NULL,
    so_van_ban       VARCHAR,
    extra            VARCHAR,
    superseded_by    INTEGER,
    ma_thu           VARCHAR
);
CREATE VIEW letters AS
SELECT * EXCLUDE (superseded_by, ma_thu) FROM letter_versions WHERE superseded_by IS NULL;
