//! A generated dossier as the cells of one export row: the columns and their three header
//! styles, and the values in the export's conventions (dates, names or codes, NFD).

use super::model::{Dossier, Province};
use super::GenerateArgs;
use anyhow::{bail, Result};
use chrono::NaiveDateTime;
use unicode_normalization::UnicodeNormalization;

/// Columns: canonical, Vietnamese and snake_case headers.
pub(super) const COLUMNS: &[(&str, &str, &str)] = &[
    ("MaHoSo", "Mã hồ sơ", "ma_ho_so"),
    ("MaTTHC", "Mã TTHC", "ma_tthc"),
    ("TenTTHC", "Tên thủ tục", "ten_tthc"),
    ("MaLinhVuc", "Mã lĩnh vực", "ma_linh_vuc"),
    ("TenLinhVuc", "Lĩnh vực", "ten_linh_vuc"),
    ("MaDonVi", "Mã đơn vị", "ma_don_vi"),
    ("TenDonVi", "Cơ quan giải quyết", "ten_don_vi"),
    ("CapDonVi", "Cấp", "cap_don_vi"),
    ("KenhThucHien", "Hình thức nộp", "kenh_thuc_hien"),
    ("MucDo", "Mức độ DVC", "muc_do"),
    ("TrangThaiHoSo", "Trạng thái", "trang_thai_ho_so"),
    ("NgayNopHoSo", "Ngày nộp", "ngay_nop_ho_so"),
    ("NgayTiepNhan", "Ngày tiếp nhận", "ngay_tiep_nhan"),
    ("NgayHenTra", "Ngày hẹn trả", "ngay_hen_tra"),
    ("NgayKetThucXuLy", "Ngày có kết quả", "ngay_ket_thuc_xu_ly"),
    ("NgayTra", "Ngày trả kết quả", "ngay_tra"),
    ("NgayYeuCauBoSung", "Ngày yêu cầu bổ sung", "ngay_yeu_cau_bo_sung"),
    ("SoLanBoSung", "Số lần bổ sung", "so_lan_bo_sung"),
    ("LePhi", "Phí, lệ phí", "le_phi"),
    (
        "DuocThanhToanTrucTuyen",
        "Thanh toán trực tuyến",
        "duoc_thanh_toan_truc_tuyen",
    ),
    (
        "HoSoCoThanhPhanSoHoa",
        "Số hóa thành phần",
        "ho_so_co_thanh_phan_so_hoa",
    ),
    ("TaiSuDungDuLieu", "Tái sử dụng dữ liệu số hóa", "tai_su_dung_du_lieu"),
    ("CoKetQuaDienTu", "Kết quả điện tử", "co_ket_qua_dien_tu"),
    ("YeuCauKetQuaGiay", "TTHC có kết quả giấy tờ", "yeu_cau_ket_qua_giay"),
    ("DaDongBoDVCQG", "Đồng bộ DVCQG", "da_dong_bo_dvcqg"),
    ("XacThucVNeID", "Xác thực VNeID", "xac_thuc_vneid"),
    ("DanhGia", "Đánh giá", "danh_gia"),
    ("GhiChu", "Ghi chú", "ghi_chu"),
];

pub(super) const C_KEY: usize = 0;
pub(super) const C_TEN_TTHC: usize = 2;
pub(super) const C_KENH: usize = 8;
pub(super) const C_STATUS: usize = 10;
pub(super) const C_NOP: usize = 11;
pub(super) const C_TIEP_NHAN: usize = 12;
pub(super) const C_KET_THUC: usize = 14;
pub(super) const C_LE_PHI: usize = 18;

/// A cell value before encoding.
#[derive(Debug, Clone)]
pub(super) enum Val {
    Empty,
    Text(String),
    Num(i64),
    Date(NaiveDateTime),
    /// Text preceded by a byte sequence invalid in the file's encoding.
    Invalid(String),
}

/// Header, value and date conventions of one export.
pub struct Style {
    pub(super) header: usize,
    pub(super) dates: String,
    pub(super) names: bool,
    pub(super) nfd: bool,
}

impl Style {
    /// The style asked for on the command line.
    pub fn new(a: &GenerateArgs) -> Result<Self> {
        let header = match a.headers.as_str() {
            "canonical" => 0,
            "vietnamese" => 1,
            "snake" => 2,
            h => bail!("unknown --headers '{h}' (vietnamese, canonical, snake)"),
        };
        let dates = a
            .dates
            .clone()
            .unwrap_or_else(|| ["dvcqg", "vn", "iso"][header].to_string());
        if !["vn", "iso", "dvcqg"].contains(&dates.as_str()) {
            bail!("unknown --dates '{dates}' (vn, iso, dvcqg)");
        }
        Ok(Style {
            header,
            dates,
            names: header == 1,
            nfd: a.nfd,
        })
    }

    pub(super) fn header(&self, c: usize) -> String {
        let h = [COLUMNS[c].0, COLUMNS[c].1, COLUMNS[c].2][self.header];
        self.text(h)
    }

    pub(super) fn text(&self, s: &str) -> String {
        if self.nfd {
            s.nfd().collect()
        } else {
            s.to_string()
        }
    }

    pub(super) fn date_text(&self, d: NaiveDateTime) -> String {
        match self.dates.as_str() {
            "vn" => d.format("%d/%m/%Y %H:%M:%S").to_string(),
            "iso" => d.format("%Y-%m-%dT%H:%M:%S").to_string(),
            _ => d.format("%Y%m%d%H%M%S").to_string(),
        }
    }
}

pub(super) fn fee_text(fee: i64, names: bool) -> String {
    if !names {
        return fee.to_string();
    }
    let digits = fee.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    if fee < 0 {
        format!("-{out}")
    } else {
        out
    }
}

pub(super) fn values(p: &Province, d: &Dossier, s: &Style) -> Vec<Val> {
    let proc = &p.procedures[d.procedure];
    let unit = &p.units[proc.unit];
    let t = |x: &str| Val::Text(s.text(x));
    let date = |x: Option<NaiveDateTime>| x.map(Val::Date).unwrap_or(Val::Empty);
    let flag = |b: bool| Val::Num(b as i64);
    let status = if s.names {
        let names = [
            "",
            "Mới đăng ký",
            "Được tiếp nhận",
            "Không được tiếp nhận",
            "Đang xử lý",
            "Yêu cầu bổ sung giấy tờ",
            "Yêu cầu thực hiện nghĩa vụ tài chính",
            "Công dân yêu cầu rút hồ sơ",
            "Dừng xử lý",
            "Đã xử lý xong",
            "Đã trả kết quả",
        ];
        t(names[d.status as usize])
    } else {
        Val::Num(d.status as i64)
    };
    let channel = match (s.names, d.channel) {
        (true, 1) if d.ma_ho_so.ends_with('7') => Val::Empty, // empty = in person
        (true, c) => t(["", "Trực tiếp", "Trực tuyến", "Bưu chính công ích"][c as usize]),
        (false, c) => Val::Num(c as i64),
    };
    let level = if s.names {
        t(["Cấp tỉnh", "Cấp huyện", "Cấp xã"][["tinh", "huyen", "xa"]
            .iter()
            .position(|x| *x == unit.level)
            .unwrap_or(0)])
    } else {
        t(unit.level)
    };
    let muc_do = if s.names {
        t(match proc.level {
            "toan_trinh" => "4",
            "mot_phan" => "3",
            _ => "khac",
        })
    } else {
        t(proc.level)
    };
    vec![
        t(&d.ma_ho_so),
        t(&proc.code),
        t(&proc.name),
        t(&proc.field_code),
        t(&proc.field_name),
        t(&unit.code),
        t(&unit.name),
        level,
        channel,
        muc_do,
        status,
        date(d.submitted),
        date(d.accepted),
        date(d.due),
        date(d.finished),
        date(d.delivered),
        date(d.supplement_at),
        Val::Num(d.supplements as i64),
        if s.names {
            t(&fee_text(d.fee as i64, true))
        } else {
            Val::Num(d.fee as i64)
        },
        Val::Num(d.paid_online as i64),
        flag(d.digitised),
        flag(d.reused),
        flag(d.e_result),
        flag(proc.paper_result),
        flag(d.synced),
        flag(d.vneid),
        d.rating.map(t).unwrap_or(Val::Empty),
        d.note.map(t).unwrap_or(Val::Empty),
    ]
}
