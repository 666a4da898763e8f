//! Turns a raw row into a typed dossier, or into the list of reasons it is quarantined.

use super::fields::{Field, HeaderMap};
use super::values::*;
use crate::ingest::reading::record::{format_number, Cell, RawRow};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

/// A typed dossier row, as stored in `dossier_versions` and `dossiers`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Dossier {
    pub ma_ho_so: String,
    pub ma_tthc: Option<String>,
    pub ten_tthc: Option<String>,
    pub ma_linh_vuc: Option<String>,
    pub ten_linh_vuc: Option<String>,
    pub ma_don_vi: Option<String>,
    pub ten_don_vi: Option<String>,
    pub cap_don_vi: Option<String>,
    pub kenh: Option<i16>,
    pub muc_do: Option<String>,
    pub trang_thai: i16,
    pub ngay_nop: Option<NaiveDateTime>,
    pub ngay_tiep_nhan: Option<NaiveDateTime>,
    pub ngay_hen_tra: Option<NaiveDateTime>,
    pub ngay_ket_thuc: Option<NaiveDateTime>,
    pub ngay_tra: Option<NaiveDateTime>,
    pub ngay_yeu_cau_bo_sung: Option<NaiveDateTime>,
    pub so_lan_bo_sung: Option<i32>,
    pub le_phi: Option<f64>,
    pub thanh_toan_truc_tuyen: Option<i16>,
    pub so_hoa: Option<bool>,
    pub tai_su_dung: Option<bool>,
    pub ket_qua_dien_tu: Option<bool>,
    pub yeu_cau_ket_qua_giay: Option<bool>,
    pub da_dong_bo: Option<bool>,
    pub xac_thuc_vneid: Option<bool>,
    pub danh_gia: Option<String>,
    /// Unmatched columns, as a JSON object (never lost).
    pub extra: Option<String>,
}

/// Why a row (or one of its cells) cannot be loaded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub column: String,
    pub raw: String,
    pub reason: &'static str,
    pub message: String,
}

/// What the checks compare dates against.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    /// A date after this day is "in the future": the file's export date, else the run date.
    pub reference_day: NaiveDate,
    pub reference_is_export: bool,
}

/// Earliest plausible year for any date in an export.
const MIN_YEAR: i32 = 2000;

struct Row<'a> {
    map: &'a HeaderMap,
    cells: Vec<Cell>,
    problems: Vec<Problem>,
}

impl Row<'_> {
    /// The column index of a field present in the file.
    fn index(&self, f: Field) -> Option<usize> {
        self.map.index(f).filter(|i| *i < self.cells.len())
    }

    /// The raw cell of a field and its header, for messages.
    fn cell(&self, f: Field) -> Option<(&Cell, &str)> {
        let i = self.index(f)?;
        Some((&self.cells[i], self.map.names[i].as_str()))
    }

    fn problem(&mut self, column: &str, raw: String, reason: &'static str, message: String) {
        self.problems.push(Problem {
            column: column.to_string(),
            raw,
            reason,
            message,
        });
    }

    /// Records a problem when the cell could not be decoded; true when it is bad.
    fn is_bad(&mut self, i: usize) -> bool {
        if let Cell::Bad(why) = &self.cells[i] {
            let reason = if why.contains("Excel") {
                "invalid_value"
            } else {
                "invalid_encoding"
            };
            let (col, why) = (self.map.names[i].clone(), why.clone());
            self.problem(&col, String::new(), reason, why);
            return true;
        }
        false
    }

    /// Takes the cell's text out of the row (no copy).
    fn text(&mut self, f: Field) -> Option<String> {
        let i = self.index(f)?;
        if self.is_bad(i) {
            return None;
        }
        match std::mem::replace(&mut self.cells[i], Cell::Empty) {
            Cell::Text(s) => Some(s),
            Cell::Number(n) => Some(format_number(n)),
            Cell::Date(d) => Some(d.format("%Y-%m-%d %H:%M:%S").to_string()),
            Cell::Empty | Cell::Bad(_) => None,
        }
    }

    fn date(&mut self, f: Field) -> Option<NaiveDateTime> {
        let i = self.index(f)?;
        if self.is_bad(i) {
            return None;
        }
        let v = match &self.cells[i] {
            Cell::Date(d) => Some(*d),
            Cell::Number(n) if n.fract() == 0.0 && *n >= 1e7 => parse_date(&format_number(*n)),
            Cell::Number(n) => excel_serial(*n),
            Cell::Empty => return None,
            Cell::Text(t) => parse_date(t),
            Cell::Bad(_) => None,
        };
        if v.is_none() {
            let raw = self.cells[i].raw();
            let col = self.map.names[i].clone();
            let msg = format!("cannot read '{raw}' as a date (dd/mm/yyyy, ISO 8601 or yyyyMMddHHmmss)");
            self.problem(&col, raw, "invalid_date", msg);
        }
        v
    }

    fn coded<T>(&mut self, f: Field, parse: impl Fn(&str) -> Option<T>, reason: &'static str, what: &str) -> Option<T> {
        let i = self.index(f)?;
        if self.is_bad(i) {
            return None;
        }
        let v = match &self.cells[i] {
            Cell::Empty => return None,
            Cell::Text(t) => parse(t),
            Cell::Number(n) => parse(&format_number(*n)),
            Cell::Date(_) | Cell::Bad(_) => None,
        };
        if v.is_none() {
            let raw = self.cells[i].raw();
            let col = self.map.names[i].clone();
            let msg = format!("'{raw}' is not a known {what}");
            self.problem(&col, raw, reason, msg);
        }
        v
    }
}

/// Validates one row. Ok is the dossier; Err lists every problem found in it.
pub fn validate(map: &HeaderMap, raw: RawRow, ctx: &Context) -> Result<Dossier, Vec<Problem>> {
    let problem = |reason, raw: String, message| {
        vec![Problem {
            column: String::new(),
            raw,
            reason,
            message,
        }]
    };
    if let Some(p) = raw.problem {
        return Err(problem("malformed_record", String::new(), p));
    }
    if raw.cells.len() != map.names.len() {
        let msg = format!("row has {} fields, the header has {}", raw.cells.len(), map.names.len());
        let joined: String = raw.cells.iter().map(Cell::raw).collect::<Vec<_>>().join("|");
        return Err(problem("field_count", joined.chars().take(200).collect(), msg));
    }
    if let Some(i) = raw.cells.iter().position(Cell::is_too_long) {
        let column = map.names.get(i).cloned().unwrap_or_default();
        let Cell::Bad(why) = &raw.cells[i] else { unreachable!() };
        return Err(vec![Problem {
            column,
            raw: String::new(),
            reason: "field_too_long",
            message: why.clone(),
        }]);
    }
    let extra = extras(map, &raw.cells);
    let mut r = Row {
        map,
        cells: raw.cells,
        problems: Vec::new(),
    };
    let ma_ho_so = r.text(Field::MaHoSo);
    if ma_ho_so.is_none() && r.problems.is_empty() {
        let col = r.cell(Field::MaHoSo).map(|x| x.1.to_string()).unwrap_or_default();
        r.problem(
            &col,
            String::new(),
            "missing_key",
            "MaHoSo (dossier code) is empty".into(),
        );
    }
    let trang_thai = match r.cell(Field::TrangThaiHoSo).map(|c| c.0.is_blank()) {
        Some(true) | None => {
            let col = r
                .cell(Field::TrangThaiHoSo)
                .map(|x| x.1.to_string())
                .unwrap_or_default();
            r.problem(
                &col,
                String::new(),
                "unknown_status",
                "status (TrangThaiHoSo) is empty".into(),
            );
            None
        }
        Some(false) => r.coded(
            Field::TrangThaiHoSo,
            parse_status,
            "unknown_status",
            "status code (1–10 or its name)",
        ),
    };
    let mut d = Dossier {
        ma_ho_so: ma_ho_so.unwrap_or_default(),
        ma_tthc: r.text(Field::MaTthc),
        ten_tthc: r.text(Field::TenTthc),
        ma_linh_vuc: r.text(Field::MaLinhVuc),
        ten_linh_vuc: r.text(Field::TenLinhVuc),
        ma_don_vi: r.text(Field::MaDonVi),
        ten_don_vi: r.text(Field::TenDonVi),
        cap_don_vi: r
            .coded(
                Field::CapDonVi,
                parse_agency_level,
                "unknown_code",
                "agency level (tinh, huyen, xa)",
            )
            .map(str::to_string),
        kenh: r.coded(
            Field::KenhThucHien,
            parse_channel,
            "unknown_channel",
            "channel code (1 in person, 2 online, 3 post)",
        ),
        muc_do: r
            .coded(
                Field::MucDo,
                parse_level_of_service,
                "unknown_code",
                "online-service level",
            )
            .map(str::to_string),
        trang_thai: trang_thai.unwrap_or(0),
        ngay_nop: r.date(Field::NgayNopHoSo),
        ngay_tiep_nhan: r.date(Field::NgayTiepNhan),
        ngay_hen_tra: r.date(Field::NgayHenTra),
        ngay_ket_thuc: r.date(Field::NgayKetThucXuLy),
        ngay_tra: r.date(Field::NgayTra),
        ngay_yeu_cau_bo_sung: r.date(Field::NgayYeuCauBoSung),
        so_lan_bo_sung: None,
        le_phi: None,
        thanh_toan_truc_tuyen: r.coded(
            Field::DuocThanhToanTrucTuyen,
            parse_payment,
            "unknown_code",
            "online-payment code (0, 1, 2)",
        ),
        so_hoa: r.coded(Field::HoSoCoThanhPhanSoHoa, parse_flag, "invalid_flag", "0/1 flag"),
        tai_su_dung: r.coded(Field::TaiSuDungDuLieu, parse_flag, "invalid_flag", "0/1 flag"),
        ket_qua_dien_tu: r.coded(Field::CoKetQuaDienTu, parse_flag, "invalid_flag", "0/1 flag"),
        yeu_cau_ket_qua_giay: r.coded(Field::YeuCauKetQuaGiay, parse_flag, "invalid_flag", "0/1 flag"),
        da_dong_bo: r.coded(Field::DaDongBoDvcqg, parse_flag, "invalid_flag", "0/1 flag"),
        xac_thuc_vneid: r.coded(Field::XacThucVneid, parse_flag, "invalid_flag", "0/1 flag"),
        danh_gia: r
            .coded(Field::DanhGia, parse_rating, "unknown_code", "satisfaction rating")
            .map(str::to_string),
        extra: None,
    };
    if let Some(t) = r.text(Field::SoLanBoSung) {
        match parse_number(&t) {
            Some(n) if n >= 0.0 && n.fract() == 0.0 && n < 1000.0 => d.so_lan_bo_sung = Some(n as i32),
            _ => {
                let col = r.cell(Field::SoLanBoSung).map(|x| x.1.to_string()).unwrap_or_default();
                r.problem(
                    &col,
                    t.clone(),
                    "invalid_number",
                    format!("'{t}' is not a whole number of supplement requests"),
                );
            }
        }
    }
    if let Some(t) = r.text(Field::LePhi) {
        let col = r.cell(Field::LePhi).map(|x| x.1.to_string()).unwrap_or_default();
        match parse_number(&t) {
            Some(n) if n < 0.0 => r.problem(&col, t.clone(), "negative_fee", format!("fee {t} is negative")),
            Some(n) => d.le_phi = Some(n),
            None => r.problem(&col, t.clone(), "invalid_number", format!("'{t}' is not a number")),
        }
    }
    if d.cap_don_vi.is_none() {
        d.cap_don_vi = d.ten_don_vi.as_deref().and_then(agency_level_of).map(str::to_string);
    }
    // An empty channel means in person (docs/rules.md, input fields).
    d.kenh = d.kenh.or(Some(1));
    check_dates(&mut r, &d, ctx);
    d.extra = extra;
    if r.problems.is_empty() {
        Ok(d)
    } else {
        Err(r.problems)
    }
}

fn check_dates(r: &mut Row, d: &Dossier, ctx: &Context) {
    let dates = [
        (Field::NgayNopHoSo, d.ngay_nop, true),
        (Field::NgayTiepNhan, d.ngay_tiep_nhan, true),
        (Field::NgayHenTra, d.ngay_hen_tra, false), // a due date may lie after the export
        (Field::NgayKetThucXuLy, d.ngay_ket_thuc, true),
        (Field::NgayTra, d.ngay_tra, true),
        (Field::NgayYeuCauBoSung, d.ngay_yeu_cau_bo_sung, true),
    ];
    for (f, v, past_only) in dates {
        let Some(v) = v else { continue };
        let early = v.date().year_ce().1 < MIN_YEAR as u32;
        let future = past_only && v.date() > ctx.reference_day;
        if !(early || future) {
            continue; // the common case: nothing to say, nothing to copy
        }
        let (col, raw) = r.cell(f).map(|x| (x.1.to_string(), x.0.raw())).unwrap_or_default();
        if early {
            r.problem(
                &col,
                raw.clone(),
                "date_before_2000",
                format!("{} is before the year {MIN_YEAR}", v.date()),
            );
        } else if future {
            let what = if ctx.reference_is_export {
                "the file's export date"
            } else {
                "the run date"
            };
            r.problem(
                &col,
                raw,
                "future_date",
                format!("{} is after {what} {}", v.date(), ctx.reference_day),
            );
        }
    }
    // The finish date the metrics use: NgayKetThucXuLy, or NgayTra when it is empty on a
    // final status (sql/metrics/ii06a_flags.sql) — both must not precede acceptance.
    let (fin, fin_field) = match (d.ngay_ket_thuc, d.ngay_tra) {
        (Some(f), _) => (Some(f), Field::NgayKetThucXuLy),
        (None, Some(t)) if matches!(d.trang_thai, 7 | 9 | 10) => (Some(t), Field::NgayTra),
        _ => (None, Field::NgayKetThucXuLy),
    };
    if let (Some(acc), Some(fin)) = (d.ngay_tiep_nhan, fin) {
        if fin.date() < acc.date() {
            let (col, raw) = r
                .cell(fin_field)
                .map(|x| (x.1.to_string(), x.0.raw()))
                .unwrap_or_default();
            r.problem(
                &col,
                raw,
                "finish_before_accept",
                format!("finished {} before it was accepted {}", fin.date(), acc.date()),
            );
        }
    }
    if matches!(d.trang_thai, 7 | 9 | 10)
        && d.ngay_ket_thuc.is_none()
        && d.ngay_tra.is_none()
        && !r.problems.iter().any(|p| p.reason == "invalid_date")
    {
        let col = r
            .cell(Field::NgayKetThucXuLy)
            .map(|x| x.1.to_string())
            .unwrap_or_else(|| "NgayKetThucXuLy".into());
        r.problem(
            &col,
            String::new(),
            "missing_date",
            format!(
                "status {} is final but has no finish date (NgayKetThucXuLy or NgayTra)",
                d.trang_thai
            ),
        );
    }
    if d.ngay_tiep_nhan.is_none()
        && d.trang_thai >= 2
        && d.trang_thai != 3
        && !r.problems.iter().any(|p| p.reason == "invalid_date")
    {
        let col = r.cell(Field::NgayTiepNhan).map(|x| x.1.to_string()).unwrap_or_default();
        r.problem(
            &col,
            String::new(),
            "missing_date",
            format!("status {} needs an acceptance date (NgayTiepNhan)", d.trang_thai),
        );
    }
}

use chrono::Datelike;

/// `infer_agency_level`, remembered per name on this thread: an export names few agencies,
/// and folding a name once per row was a tenth of an ingest.
fn agency_level_of(name: &str) -> Option<&'static str> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static LEVELS: RefCell<HashMap<String, Option<&'static str>>> = RefCell::new(HashMap::new());
    }
    LEVELS.with(|m| {
        let mut m = m.borrow_mut();
        if let Some(l) = m.get(name) {
            return *l;
        }
        let l = infer_agency_level(name);
        if m.len() >= 4096 {
            m.clear(); // bounded: a file of ever-new names does not grow it
        }
        m.insert(name.to_string(), l);
        l
    })
}

/// Unmatched columns as a JSON object, keys in file order; None when there are none.
fn extras(map: &HeaderMap, cells: &[Cell]) -> Option<String> {
    let mut obj = serde_json::Map::new();
    for (i, f) in map.fields.iter().enumerate() {
        if f.is_some() {
            continue;
        }
        let v = cells.get(i).map(Cell::raw).unwrap_or_default();
        if v.is_empty() {
            continue;
        }
        let name = if map.names[i].is_empty() {
            format!("column_{}", i + 1)
        } else {
            map.names[i].clone()
        };
        obj.insert(name, serde_json::Value::String(v));
    }
    (!obj.is_empty()).then(|| serde_json::Value::Object(obj).to_string())
}
