//! Columnar (Arrow) batches of dossier versions, which the feed (`storing/feed.rs`) hands
//! to DuckDB's INSERT a batch at a time instead of a value at a time.

use crate::ingest::checking::fields::{Field as F, HeaderMap};
use crate::ingest::checking::validate::Dossier;
use chrono::{NaiveDate, NaiveDateTime};
use duckdb::arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, Float64Builder, Int16Builder, Int32Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use duckdb::arrow::datatypes::{DataType, Date32Type, Field, Schema, TimeUnit};
use duckdb::arrow::record_batch::RecordBatch;
use std::sync::Arc;

/// Rows per batch handed to the appender.
pub const BATCH_ROWS: usize = 16 * 1024;

/// Rows of versions without an end (see `unbounded`) gathered before they are appended
/// together: one DuckDB row group.
pub const UNBOUNDED_ROWS: usize = 122_880;

/// Builders for every column of `dossier_versions`, in table order.
pub struct VersionBatch {
    file_id: Int32Builder,
    source_row: Int64Builder,
    text: [StringBuilder; 8],
    kenh: Int16Builder,
    muc_do: StringBuilder,
    trang_thai: Int16Builder,
    dates: [TimestampMicrosecondBuilder; 6],
    so_lan_bo_sung: Int32Builder,
    le_phi: Float64Builder,
    thanh_toan: Int16Builder,
    flags: [BooleanBuilder; 6],
    danh_gia: StringBuilder,
    extra: StringBuilder,
    superseded_by: Int32Builder,
    span_from: Date32Builder,
    span_to: Date32Builder,
    rows: usize,
    /// Which columns (in table order) the batches carry; None for all of them.
    keep: Option<Vec<bool>>,
}

/// The columns of `dossier_versions`, in table order, each with where its values come from
/// (`Source`): which header fields can give it one.
const COLUMNS: &[(&str, Source)] = &[
    ("file_id", Source::Always),
    ("source_row", Source::Always),
    ("ma_ho_so", Source::Always),
    ("ma_tthc", Source::Field(F::MaTthc)),
    ("ten_tthc", Source::Field(F::TenTthc)),
    ("ma_linh_vuc", Source::Field(F::MaLinhVuc)),
    ("ten_linh_vuc", Source::Field(F::TenLinhVuc)),
    ("ma_don_vi", Source::Field(F::MaDonVi)),
    ("ten_don_vi", Source::Field(F::TenDonVi)),
    // Inferred from the agency's name when the file has no level column.
    ("cap_don_vi", Source::Either(F::CapDonVi, F::TenDonVi)),
    // An empty channel means in person: always a value.
    ("kenh", Source::Always),
    ("muc_do", Source::Field(F::MucDo)),
    ("trang_thai", Source::Always),
    ("ngay_nop", Source::Field(F::NgayNopHoSo)),
    ("ngay_tiep_nhan", Source::Field(F::NgayTiepNhan)),
    ("ngay_hen_tra", Source::Field(F::NgayHenTra)),
    ("ngay_ket_thuc", Source::Field(F::NgayKetThucXuLy)),
    ("ngay_tra", Source::Field(F::NgayTra)),
    ("ngay_yeu_cau_bo_sung", Source::Field(F::NgayYeuCauBoSung)),
    ("so_lan_bo_sung", Source::Field(F::SoLanBoSung)),
    ("le_phi", Source::Field(F::LePhi)),
    ("thanh_toan_truc_tuyen", Source::Field(F::DuocThanhToanTrucTuyen)),
    ("so_hoa", Source::Field(F::HoSoCoThanhPhanSoHoa)),
    ("tai_su_dung", Source::Field(F::TaiSuDungDuLieu)),
    ("ket_qua_dien_tu", Source::Field(F::CoKetQuaDienTu)),
    ("yeu_cau_ket_qua_giay", Source::Field(F::YeuCauKetQuaGiay)),
    ("da_dong_bo", Source::Field(F::DaDongBoDvcqg)),
    ("xac_thuc_vneid", Source::Field(F::XacThucVneid)),
    ("danh_gia", Source::Field(F::DanhGia)),
    ("extra", Source::Unmatched),
    ("superseded_by", Source::Never),
    ("span_from", Source::Always),
    ("span_to", Source::Always),
];

/// Where a column's values come from.
#[derive(Clone, Copy)]
enum Source {
    Always,
    Field(F),
    Either(F, F),
    /// The columns no field matches (`extra`).
    Unmatched,
    Never,
}

/// The columns of `dossier_versions` a file with this header can give a value: the others
/// are left to their default (NULL), so DuckDB is not handed columns of nothing but NULLs.
pub fn present_columns(map: &HeaderMap) -> Vec<&'static str> {
    let has = |f: F| map.index(f).is_some();
    COLUMNS
        .iter()
        .filter(|(_, src)| match *src {
            Source::Always => true,
            Source::Field(f) => has(f),
            Source::Either(a, b) => has(a) || has(b),
            Source::Unmatched => map.fields.iter().any(Option::is_none),
            Source::Never => false,
        })
        .map(|c| c.0)
        .collect()
}

/// The days a version can count in (sql/migrations/0007_spans.sql gives the rule; the two
/// are checked against each other in tests): None for a version II.06a never counts.
pub fn span(d: &Dossier) -> Option<(NaiveDate, NaiveDate)> {
    let day = |t: Option<NaiveDateTime>| t.map(|x| x.date());
    match d.trang_thai {
        1 => None,
        3 => day(d.ngay_ket_thuc.or(d.ngay_tiep_nhan).or(d.ngay_nop)).map(|r| (r, r)),
        s => {
            let acc = day(d.ngay_tiep_nhan)?;
            let fin = if matches!(s, 7 | 9 | 10) {
                day(d.ngay_ket_thuc.or(d.ngay_tra))
            } else {
                None
            };
            Some(match fin {
                Some(f) => (acc.min(f), acc.max(f)),
                None => (acc, OPEN_END),
            })
        }
    }
}

/// The end of the span of a dossier not finished yet.
/// A version a period's II.06a flags must read whatever the period: unfinished (its span is
/// open-ended) or without a span. Ingest stores such versions apart from the others, in
/// row groups of their own, so that DuckDB's per-row-group min/max of the spans lets a
/// period skip the rest of the history: scattered among finished dossiers, they made every
/// row group of every year match every later period (see docs/decisions.md).
pub fn unbounded(d: &Dossier) -> bool {
    span(d).is_none_or(|(_, to)| to == OPEN_END)
}

const OPEN_END: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(d) => d,
    None => unreachable!(),
};

fn ts(d: Option<NaiveDateTime>) -> Option<i64> {
    d.map(|x| x.and_utc().timestamp_micros())
}

impl Default for VersionBatch {
    fn default() -> Self {
        VersionBatch {
            file_id: Int32Builder::new(),
            source_row: Int64Builder::new(),
            text: std::array::from_fn(|_| StringBuilder::new()),
            kenh: Int16Builder::new(),
            muc_do: StringBuilder::new(),
            trang_thai: Int16Builder::new(),
            dates: std::array::from_fn(|_| TimestampMicrosecondBuilder::new()),
            so_lan_bo_sung: Int32Builder::new(),
            le_phi: Float64Builder::new(),
            thanh_toan: Int16Builder::new(),
            flags: std::array::from_fn(|_| BooleanBuilder::new()),
            danh_gia: StringBuilder::new(),
            extra: StringBuilder::new(),
            superseded_by: Int32Builder::new(),
            span_from: Date32Builder::new(),
            span_to: Date32Builder::new(),
            rows: 0,
            keep: None,
        }
    }
}

impl VersionBatch {
    /// Batches that carry only these columns (names in table order, from `present_columns`).
    pub fn with_columns(columns: &[&str]) -> Self {
        VersionBatch {
            keep: Some(COLUMNS.iter().map(|c| columns.contains(&c.0)).collect()),
            ..VersionBatch::default()
        }
    }

    /// Adds one row.
    pub fn push(&mut self, file_id: i32, line: u64, d: &Dossier) {
        self.file_id.append_value(file_id);
        self.source_row.append_value(line as i64);
        let texts = [
            Some(d.ma_ho_so.as_str()),
            d.ma_tthc.as_deref(),
            d.ten_tthc.as_deref(),
            d.ma_linh_vuc.as_deref(),
            d.ten_linh_vuc.as_deref(),
            d.ma_don_vi.as_deref(),
            d.ten_don_vi.as_deref(),
            d.cap_don_vi.as_deref(),
        ];
        for (b, v) in self.text.iter_mut().zip(texts) {
            b.append_option(v);
        }
        self.kenh.append_option(d.kenh);
        self.muc_do.append_option(d.muc_do.as_deref());
        self.trang_thai.append_value(d.trang_thai);
        let dates = [
            d.ngay_nop,
            d.ngay_tiep_nhan,
            d.ngay_hen_tra,
            d.ngay_ket_thuc,
            d.ngay_tra,
            d.ngay_yeu_cau_bo_sung,
        ];
        for (b, v) in self.dates.iter_mut().zip(dates) {
            b.append_option(ts(v));
        }
        self.so_lan_bo_sung.append_option(d.so_lan_bo_sung);
        self.le_phi.append_option(d.le_phi);
        self.thanh_toan.append_option(d.thanh_toan_truc_tuyen);
        let flags = [
            d.so_hoa,
            d.tai_su_dung,
            d.ket_qua_dien_tu,
            d.yeu_cau_ket_qua_giay,
            d.da_dong_bo,
            d.xac_thuc_vneid,
        ];
        for (b, v) in self.flags.iter_mut().zip(flags) {
            b.append_option(v);
        }
        self.danh_gia.append_option(d.danh_gia.as_deref());
        self.extra.append_option(d.extra.as_deref());
        self.superseded_by.append_null();
        let sp = span(d);
        self.span_from
            .append_option(sp.map(|s| Date32Type::from_naive_date(s.0)));
        self.span_to.append_option(sp.map(|s| Date32Type::from_naive_date(s.1)));
        self.rows += 1;
    }

    /// Rows waiting in the builders.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// True when no row is waiting.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Turns the builders into a record batch (columns in `dossier_versions` order, only
    /// the kept ones). A value in a column left out is an error, never dropped silently.
    pub fn finish(&mut self) -> anyhow::Result<RecordBatch> {
        let text_names = [
            "ma_ho_so",
            "ma_tthc",
            "ten_tthc",
            "ma_linh_vuc",
            "ten_linh_vuc",
            "ma_don_vi",
            "ten_don_vi",
            "cap_don_vi",
        ];
        let date_names = [
            "ngay_nop",
            "ngay_tiep_nhan",
            "ngay_hen_tra",
            "ngay_ket_thuc",
            "ngay_tra",
            "ngay_yeu_cau_bo_sung",
        ];
        let flag_names = [
            "so_hoa",
            "tai_su_dung",
            "ket_qua_dien_tu",
            "yeu_cau_ket_qua_giay",
            "da_dong_bo",
            "xac_thuc_vneid",
        ];
        let ts_type = DataType::Timestamp(TimeUnit::Microsecond, None);
        let mut fields = vec![
            Field::new("file_id", DataType::Int32, true),
            Field::new("source_row", DataType::Int64, true),
        ];
        let mut cols: Vec<ArrayRef> = vec![Arc::new(self.file_id.finish()), Arc::new(self.source_row.finish())];
        for (n, b) in text_names.iter().zip(self.text.iter_mut()) {
            fields.push(Field::new(*n, DataType::Utf8, true));
            cols.push(Arc::new(b.finish()));
        }
        fields.push(Field::new("kenh", DataType::Int16, true));
        cols.push(Arc::new(self.kenh.finish()));
        fields.push(Field::new("muc_do", DataType::Utf8, true));
        cols.push(Arc::new(self.muc_do.finish()));
        fields.push(Field::new("trang_thai", DataType::Int16, true));
        cols.push(Arc::new(self.trang_thai.finish()));
        for (n, b) in date_names.iter().zip(self.dates.iter_mut()) {
            fields.push(Field::new(*n, ts_type.clone(), true));
            cols.push(Arc::new(b.finish()));
        }
        fields.push(Field::new("so_lan_bo_sung", DataType::Int32, true));
        cols.push(Arc::new(self.so_lan_bo_sung.finish()));
        fields.push(Field::new("le_phi", DataType::Float64, true));
        cols.push(Arc::new(self.le_phi.finish()));
        fields.push(Field::new("thanh_toan_truc_tuyen", DataType::Int16, true));
        cols.push(Arc::new(self.thanh_toan.finish()));
        for (n, b) in flag_names.iter().zip(self.flags.iter_mut()) {
            fields.push(Field::new(*n, DataType::Boolean, true));
            cols.push(Arc::new(b.finish()));
        }
        fields.push(Field::new("danh_gia", DataType::Utf8, true));
        cols.push(Arc::new(self.danh_gia.finish()));
        fields.push(Field::new("extra", DataType::Utf8, true));
        cols.push(Arc::new(self.extra.finish()));
        fields.push(Field::new("superseded_by", DataType::Int32, true));
        cols.push(Arc::new(self.superseded_by.finish()));
        fields.push(Field::new("span_from", DataType::Date32, true));
        cols.push(Arc::new(self.span_from.finish()));
        fields.push(Field::new("span_to", DataType::Date32, true));
        cols.push(Arc::new(self.span_to.finish()));
        self.rows = 0;
        debug_assert_eq!(fields.len(), COLUMNS.len());
        if let Some(keep) = &self.keep {
            let mut kept_fields = Vec::with_capacity(fields.len());
            let mut kept_cols = Vec::with_capacity(cols.len());
            for ((f, c), k) in fields.into_iter().zip(cols).zip(keep) {
                if *k {
                    kept_fields.push(f);
                    kept_cols.push(c);
                } else if c.null_count() != c.len() {
                    anyhow::bail!("internal: column {} has values but was left out of the batch", f.name());
                }
            }
            fields = kept_fields;
            cols = kept_cols;
        }
        Ok(RecordBatch::try_new(Arc::new(Schema::new(fields)), cols)?)
    }
}
