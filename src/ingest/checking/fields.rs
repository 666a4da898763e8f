//! Canonical dossier fields and the header aliases that vendors use for them (docs/rules.md, input fields).

use super::values::fold;

/// One canonical field of the national sync payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    MaHoSo,
    MaTthc,
    TenTthc,
    MaLinhVuc,
    TenLinhVuc,
    MaDonVi,
    TenDonVi,
    CapDonVi,
    KenhThucHien,
    MucDo,
    TrangThaiHoSo,
    NgayNopHoSo,
    NgayTiepNhan,
    NgayHenTra,
    NgayKetThucXuLy,
    NgayTra,
    NgayYeuCauBoSung,
    SoLanBoSung,
    LePhi,
    DuocThanhToanTrucTuyen,
    HoSoCoThanhPhanSoHoa,
    TaiSuDungDuLieu,
    CoKetQuaDienTu,
    YeuCauKetQuaGiay,
    DaDongBoDvcqg,
    XacThucVneid,
    DanhGia,
}

/// Every field with its canonical name and accepted header spellings (folded).
pub const FIELDS: &[(Field, &str, &[&str])] = &[
    (Field::MaHoSo, "MaHoSo", &["mahoso", "sohoso", "mahs", "madossier"]),
    (Field::MaTthc, "MaTTHC", &["matthc", "mathutuc", "mathutuchanhchinh"]),
    (
        Field::TenTthc,
        "TenTTHC",
        &["tentthc", "tenthutuc", "tenthutuchanhchinh", "thutuc"],
    ),
    (Field::MaLinhVuc, "MaLinhVuc", &["malinhvuc"]),
    (Field::TenLinhVuc, "TenLinhVuc", &["tenlinhvuc", "linhvuc"]),
    (Field::MaDonVi, "MaDonVi", &["madonvi", "macoquan"]),
    (
        Field::TenDonVi,
        "TenDonVi",
        &[
            "tendonvi",
            "donvi",
            "coquangiaiquyet",
            "donvigiaiquyet",
            "coquan",
            "tencoquan",
        ],
    ),
    (Field::CapDonVi, "CapDonVi", &["capdonvi", "cap", "capcoquan"]),
    (
        Field::KenhThucHien,
        "KenhThucHien",
        &["kenhthuchien", "hinhthucnop", "kenh", "kenhnop"],
    ),
    (Field::MucDo, "MucDo", &["mucdo", "mucdodvc", "mucdodichvucong"]),
    (Field::TrangThaiHoSo, "TrangThaiHoSo", &["trangthaihoso", "trangthai"]),
    (Field::NgayNopHoSo, "NgayNopHoSo", &["ngaynophoso", "ngaynop"]),
    (Field::NgayTiepNhan, "NgayTiepNhan", &["ngaytiepnhan"]),
    (Field::NgayHenTra, "NgayHenTra", &["ngayhentra", "ngayhentraketqua"]),
    (
        Field::NgayKetThucXuLy,
        "NgayKetThucXuLy",
        &["ngayketthucxuly", "ngaycoketqua"],
    ),
    (Field::NgayTra, "NgayTra", &["ngaytra", "ngaytraketqua"]),
    (Field::NgayYeuCauBoSung, "NgayYeuCauBoSung", &["ngayyeucaubosung"]),
    (Field::SoLanBoSung, "SoLanBoSung", &["solanbosung"]),
    (Field::LePhi, "LePhi", &["lephi", "philephi", "phi"]),
    (
        Field::DuocThanhToanTrucTuyen,
        "DuocThanhToanTrucTuyen",
        &["duocthanhtoantructuyen", "thanhtoantructuyen"],
    ),
    (
        Field::HoSoCoThanhPhanSoHoa,
        "HoSoCoThanhPhanSoHoa",
        &["hosocothanhphansohoa", "sohoathanhphan"],
    ),
    (
        Field::TaiSuDungDuLieu,
        "TaiSuDungDuLieu",
        &["taisudungdulieu", "taisudungdulieusohoa"],
    ),
    (
        Field::CoKetQuaDienTu,
        "CoKetQuaDienTu",
        &["coketquadientu", "ketquadientu"],
    ),
    (
        Field::YeuCauKetQuaGiay,
        "YeuCauKetQuaGiay",
        &["yeucauketquagiay", "tthccoketquagiayto"],
    ),
    (Field::DaDongBoDvcqg, "DaDongBoDVCQG", &["dadongbodvcqg", "dongbodvcqg"]),
    (Field::XacThucVneid, "XacThucVNeID", &["xacthucvneid"]),
    (Field::DanhGia, "DanhGia", &["danhgia", "mucdohailong"]),
];

/// Fields without which a file cannot be loaded at all.
pub const REQUIRED: &[Field] = &[Field::MaHoSo, Field::TrangThaiHoSo, Field::NgayTiepNhan];

impl Field {
    /// The canonical (DVCQG) name of the field.
    pub fn name(self) -> &'static str {
        FIELDS.iter().find(|f| f.0 == self).map(|f| f.1).unwrap_or("?")
    }

    /// The header spellings accepted for this field, for error messages.
    pub fn aliases(self) -> &'static [&'static str] {
        FIELDS.iter().find(|f| f.0 == self).map(|f| f.2).unwrap_or(&[])
    }
}

/// Matches one header cell to a canonical field.
pub fn match_header(header: &str) -> Option<Field> {
    let f = fold(header);
    FIELDS.iter().find(|(_, _, al)| al.contains(&f.as_str())).map(|x| x.0)
}

/// How the columns of a file map to fields; unmatched columns are kept as extras.
#[derive(Debug, Clone)]
pub struct HeaderMap {
    pub names: Vec<String>,
    pub fields: Vec<Option<Field>>,
    /// Column of each field, indexed by `Field as usize`.
    pos: Vec<Option<usize>>,
}

impl HeaderMap {
    /// Builds the map; a field named twice keeps its first column, the second becomes an extra.
    pub fn new(names: Vec<String>) -> Self {
        let mut seen = Vec::new();
        let fields = names
            .iter()
            .map(|n| {
                let f = match_header(n)?;
                if seen.contains(&f) {
                    return None;
                }
                seen.push(f);
                Some(f)
            })
            .collect::<Vec<_>>();
        let mut pos = vec![None; FIELDS.len()];
        for (i, f) in fields.iter().enumerate() {
            if let Some(f) = f {
                pos[*f as usize] = Some(i);
            }
        }
        HeaderMap { names, fields, pos }
    }

    /// The required fields that no column provides.
    pub fn missing_required(&self) -> Vec<Field> {
        REQUIRED
            .iter()
            .copied()
            .filter(|r| !self.fields.contains(&Some(*r)))
            .collect()
    }

    /// Column index of a field.
    pub fn index(&self, f: Field) -> Option<usize> {
        self.pos[f as usize]
    }
}

/// How many cells of a candidate row name dossier fields (0 without the key MaHoSo):
/// used to find the header row below an export's title block.
pub fn header_score(cells: &[String]) -> usize {
    let has_key = cells.iter().any(|c| match_header(c) == Some(Field::MaHoSo));
    let n = cells.iter().filter(|c| match_header(c).is_some()).count();
    if has_key {
        n
    } else {
        0
    }
}

/// The message for a file that lacks required columns.
pub fn missing_message(missing: &[Field], found: &[String]) -> String {
    let mut m = String::new();
    for f in missing {
        m.push_str(&format!(
            "required column {} is missing (accepted headers, ignoring case, accents, spaces and underscores: {}); ",
            f.name(),
            f.aliases().join(", ")
        ));
    }
    m.push_str(&format!("headers found: [{}]", found.join(", ")));
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_vietnamese_and_canonical_headers() {
        assert_eq!(match_header("Ngày hẹn trả"), Some(Field::NgayHenTra));
        assert_eq!(match_header("NgayHenTra"), Some(Field::NgayHenTra));
        assert_eq!(match_header("ngay_hen_tra"), Some(Field::NgayHenTra));
        assert_eq!(match_header(" MÃ HỒ SƠ "), Some(Field::MaHoSo));
        assert_eq!(match_header("Cơ quan giải quyết"), Some(Field::TenDonVi));
        assert_eq!(match_header("Ghi chú"), None);
    }

    #[test]
    fn every_alias_is_unique() {
        let mut all: Vec<&str> = FIELDS.iter().flat_map(|f| f.2.iter().copied()).collect();
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n);
    }
}
