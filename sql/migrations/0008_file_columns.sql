-- Which canonical columns (DVCQG names, src/ingest/checking/fields.rs) each dossier file's header
-- carried: a file without a column says nothing about it, so a rate that needs the column
-- is counted over the dossiers of the files that carried it (sql/metrics/cube.sql).
-- A table of its own, not a column of ingest_files (see src/store/mod.rs on ALTER).
CREATE TABLE ingest_file_columns (
    file_id      INTEGER NOT NULL,
    column_name  VARCHAR NOT NULL,      -- canonical name, e.g. HoSoCoThanhPhanSoHoa
    PRIMARY KEY (file_id, column_name)
);
-- Files loaded before this table existed: a column counts as carried when some row of the
-- file gives it a value (a column left entirely empty cannot be told from an absent one,
-- and says nothing either). Only the optional columns the rates read are recorded.
INSERT INTO ingest_file_columns
SELECT file_id, column_name FROM (
    SELECT file_id,
           bool_or(muc_do IS NOT NULL) AS "MucDo",
           bool_or(le_phi IS NOT NULL) AS "LePhi",
           bool_or(thanh_toan_truc_tuyen IS NOT NULL) AS "DuocThanhToanTrucTuyen",
           bool_or(so_hoa IS NOT NULL) AS "HoSoCoThanhPhanSoHoa",
           bool_or(tai_su_dung IS NOT NULL) AS "TaiSuDungDuLieu",
           bool_or(ket_qua_dien_tu IS NOT NULL) AS "CoKetQuaDienTu",
           bool_or(yeu_cau_ket_qua_giay IS NOT NULL) AS "YeuCauKetQuaGiay",
           bool_or(da_dong_bo IS NOT NULL) AS "DaDongBoDVCQG",
           bool_or(danh_gia IS NOT NULL) AS "DanhGia"
    FROM dossier_versions GROUP BY file_id
) UNPIVOT (carried FOR column_name IN (
    "MucDo", "LePhi", "DuocThanhToanTrucTuyen", "HoSoCoThanhPhanSoHoa", "TaiSuDungDuLieu",
    "CoKetQuaDienTu", "YeuCauKetQuaGiay", "DaDongBoDVCQG", "DanhGia"))
WHERE carried;
