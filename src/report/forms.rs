//! The appendix forms of a report: Biểu II.06a (per level and unit, and per field), II.06b
//! (per procedure, grouped by field) and II.07b (the procedure catalogue per managing unit),
//! each as a model any renderer lays out (no SQL here); the late-dossier list is in `late_list`.

use super::format::int;
use super::model::{Appendix, AppendixRow, FormColumn, HeadCell};
use super::narrative;
use crate::choice::AppendixKind;
use crate::config::{FormText, ReportConfig};
use crate::metrics::ii06a::Form;
use crate::metrics::ii07b::ByLevel;
use crate::metrics::Metrics;

/// The forms the configuration asks for, in its order; II.07b only when a catalogue is
/// loaded (the caller says so when it is left out).
pub fn appendices(m: &Metrics, cfg: &ReportConfig) -> Vec<Appendix> {
    cfg.appendices
        .iter()
        .filter_map(|k| match k {
            AppendixKind::Ii06a => Some(ii06a(m, cfg)),
            AppendixKind::Ii06b => Some(ii06b(m, cfg)),
            AppendixKind::Ii07b => ii07b(m, cfg),
            AppendixKind::LateList => Some(super::late_list::appendix(m, cfg)),
        })
        .collect()
}

/// I, II, III … for level and field headings.
pub fn roman(mut n: usize) -> String {
    const R: &[(usize, &str)] = &[
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (v, r) in R {
        while n >= *v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

fn form_counts(f: &Form) -> Vec<i64> {
    vec![f.c3, f.c4, f.c5, f.c6, f.c7, f.c8, f.c9, f.c10, f.c11, f.c12, f.c13]
}

fn row(stt: String, name: String, strong: bool, counts: Vec<i64>) -> AppendixRow {
    AppendixRow {
        stt,
        name,
        strong,
        cells: counts.iter().map(|c| int(*c)).collect(),
        counts,
    }
}

pub(super) fn cell(row: usize, col: usize, rowspan: usize, colspan: usize, text: &str) -> HeadCell {
    HeadCell {
        row,
        col,
        rowspan,
        colspan,
        text: text.to_string(),
    }
}

/// STT, the name column (the rest of the line), then `figures` numeric columns.
fn columns(figures: usize, width_mm: f32) -> Vec<FormColumn> {
    let mut c = vec![
        FormColumn {
            width_mm: Some(9.0),
            align: "center".into(),
        },
        FormColumn {
            width_mm: None,
            align: "left".into(),
        },
    ];
    c.extend((0..figures).map(|_| FormColumn {
        width_mm: Some(width_mm),
        align: "right".into(),
    }));
    c
}

/// The shared three-level header of II.06a and II.06b, with the column numbers (1)…(13).
fn dossier_head(name: &str) -> Vec<HeadCell> {
    let mut h = vec![
        cell(0, 0, 3, 1, "STT"),
        cell(0, 1, 3, 1, name),
        cell(0, 2, 1, 4, "Số hồ sơ nhận giải quyết"),
        cell(0, 6, 1, 7, "Kết quả giải quyết"),
        cell(1, 2, 2, 1, "Tổng số"),
        cell(1, 3, 1, 3, "Trong đó"),
        cell(1, 6, 1, 4, "Số hồ sơ đã giải quyết"),
        cell(1, 10, 1, 3, "Số hồ sơ đang giải quyết"),
    ];
    let leaves = [
        "Số mới tiếp nhận trực tuyến",
        "Số mới tiếp nhận trực tiếp hoặc qua BCCI",
        "Số kỳ trước chuyển qua",
        "Tổng số",
        "Trả trước hạn",
        "Trả đúng hạn",
        "Trả quá hạn",
        "Tổng số",
        "Chưa đến hạn",
        "Quá hạn",
    ];
    h.extend(leaves.iter().enumerate().map(|(i, t)| cell(2, 3 + i, 1, 1, t)));
    h.extend((0..13).map(|i| cell(3, i, 1, 1, &format!("({})", i + 1))));
    h
}

/// The header block every form shares, its code and title from the configuration.
#[allow(clippy::too_many_arguments)]
pub(super) fn frame(
    id: &str,
    sheet: &str,
    text: &FormText,
    code: &str,
    title: &str,
    m: &Metrics,
    cfg: &ReportConfig,
    unit_note: &str,
) -> Appendix {
    Appendix {
        id: id.into(),
        sheet: sheet.into(),
        form: text.code.clone().unwrap_or_else(|| code.into()),
        title: text.title.clone().unwrap_or_else(|| title.into()),
        period_line: format!(
            "Kỳ báo cáo: {} ({})",
            m.period.label,
            narrative::period_line(m).to_lowercase()
        ),
        reporting_unit: format!("Đơn vị báo cáo: {}", cfg.reporting_unit),
        receiving_unit: format!("Đơn vị nhận báo cáo: {}", cfg.receiving_unit),
        unit_note: unit_note.into(),
        columns: Vec::new(),
        head: Vec::new(),
        head_heights: Vec::new(),
        rows: Vec::new(),
        note: String::new(),
    }
}

const WITHDRAWN_NOTE: &str = "Ghi chú: Cột (7) và cột (9) bao gồm cả hồ sơ công dân rút, theo hướng dẫn của biểu mẫu.";

/// Biểu II.06a: the province, each level with its units, then the fields.
pub fn ii06a(m: &Metrics, cfg: &ReportConfig) -> Appendix {
    let t = &m.ii06a;
    let mut rows = vec![row(String::new(), "TỔNG CỘNG".into(), true, form_counts(&t.total.form))];
    let mut level_no = 0;
    let mut unit_no = 0;
    for r in &t.rows {
        match r.grain.as_str() {
            "level" => {
                level_no += 1;
                unit_no = 0;
                rows.push(row(
                    roman(level_no),
                    super::units::level_name(r.level.as_deref().unwrap_or(""), &m.period.from).into(),
                    true,
                    form_counts(&r.form),
                ));
            }
            "agency" => {
                unit_no += 1;
                rows.push(row(
                    unit_no.to_string(),
                    r.unit.clone().unwrap_or_default(),
                    false,
                    form_counts(&r.form),
                ));
            }
            _ => {}
        }
    }
    let fields: Vec<_> = t.rows.iter().filter(|r| r.grain == "field").collect();
    if !fields.is_empty() {
        rows.push(AppendixRow {
            stt: roman(level_no + 1),
            name: "Theo lĩnh vực".into(),
            strong: true,
            cells: vec![String::new(); 11],
            counts: Vec::new(),
        });
        for (i, r) in fields.iter().enumerate() {
            rows.push(row(
                (i + 1).to_string(),
                r.field.clone().unwrap_or_default(),
                false,
                form_counts(&r.form),
            ));
        }
    }
    Appendix {
        columns: columns(11, 16.0),
        head: dossier_head("Tên đơn vị / lĩnh vực"),
        head_heights: vec![14.0, 14.0, 44.0, 12.0],
        rows,
        note: if withdrawn_in_columns(m) {
            WITHDRAWN_NOTE.into()
        } else {
            String::new()
        },
        ..frame(
            "ii06a",
            "II.06a",
            &cfg.forms.ii06a,
            "Biểu số II.06a/VPCP/KSTT",
            "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
            m,
            cfg,
            "Đơn vị tính: Số hồ sơ TTHC",
        )
    }
}

/// Whether withdrawn dossiers are in columns (7) and (9) (the form's note), read from the
/// figures themselves so the note can never disagree with them.
fn withdrawn_in_columns(m: &Metrics) -> bool {
    let t = &m.ii06a.total;
    t.counts.withdrawn == 0 || t.form.c7 == t.counts.resolved + t.counts.withdrawn
}

/// Biểu II.06b: the total, then each field (its subtotal) with its procedures.
pub fn ii06b(m: &Metrics, cfg: &ReportConfig) -> Appendix {
    let mut rows = vec![row(
        String::new(),
        "TỔNG CỘNG".into(),
        true,
        form_counts(&m.ii06a.total.form),
    )];
    let (mut field_no, mut proc_no) = (0, 0);
    for r in &m.ii06b {
        if r.grain == "field" {
            field_no += 1;
            proc_no = 0;
            rows.push(row(
                roman(field_no),
                // "(không rõ lĩnh vực)" stands alone, not as "Lĩnh vực (không rõ lĩnh vực)".
                if r.field.starts_with('(') {
                    r.field.clone()
                } else {
                    format!("Lĩnh vực {}", r.field)
                },
                true,
                form_counts(&r.form),
            ));
        } else {
            proc_no += 1;
            let code = r.code.clone().unwrap_or_default();
            let name = match &r.name {
                Some(n) if n != &code => format!("{n} ({code})"),
                _ => code,
            };
            rows.push(row(proc_no.to_string(), name, false, form_counts(&r.form)));
        }
    }
    Appendix {
        columns: columns(11, 16.0),
        head: dossier_head("Tên thủ tục hành chính (mã) / lĩnh vực"),
        head_heights: vec![14.0, 14.0, 44.0, 12.0],
        rows,
        note: if withdrawn_in_columns(m) {
            WITHDRAWN_NOTE.into()
        } else {
            String::new()
        },
        ..frame(
            "ii06b",
            "II.06b",
            &cfg.forms.ii06b,
            "Biểu số II.06b/VPCP/KSTT",
            "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH THEO TỪNG THỦ TỤC",
            m,
            cfg,
            "Đơn vị tính: Số hồ sơ TTHC",
        )
    }
}

/// A level column of II.07b: its title and the count it takes.
type Level = (&'static str, fn(&ByLevel) -> i64);

/// Biểu II.07b from the catalogue; None when no catalogue is loaded. Periods from 1/7/2025
/// have no district level, so its columns are left out.
pub fn ii07b(m: &Metrics, cfg: &ReportConfig) -> Option<Appendix> {
    if m.ii07b.is_empty() {
        return None;
    }
    let districts = m.period.from.as_str() < "2025-07-01";
    let levels: Vec<Level> = if districts {
        vec![
            ("Cấp tỉnh", |b| b.tinh),
            ("Cấp huyện", |b| b.huyen),
            ("Cấp xã", |b| b.xa),
        ]
    } else {
        vec![("Cấp tỉnh", |b| b.tinh), ("Cấp xã", |b| b.xa)]
    };
    let g = levels.len() + 1;
    let mut head = vec![cell(0, 0, 3, 1, "STT"), cell(0, 1, 3, 1, "Tên cơ quan, đơn vị")];
    let groups = [
        "Số TTHC thuộc thẩm quyền giải quyết",
        "Số TTHC thực hiện tại Bộ phận Một cửa",
        "Số TTHC nội bộ được ban hành",
    ];
    for (k, t) in groups.iter().enumerate() {
        head.push(cell(0, 2 + k * g, 1, g, t));
    }
    for k in 0..groups.len() {
        head.push(cell(1, 2 + k * g, 2, 1, "Tổng số"));
        head.push(cell(1, 3 + k * g, 1, levels.len(), "Trong đó"));
    }
    for k in 0..groups.len() {
        for (i, (name, _)) in levels.iter().enumerate() {
            head.push(cell(2, 3 + k * g + i, 1, 1, name));
        }
    }
    let n = 2 + groups.len() * g;
    head.extend((0..n).map(|i| cell(3, i, 1, 1, &format!("({})", i + 1))));
    head.sort_by_key(|c| (c.row, c.col));
    let figures = |r: &crate::metrics::ii07b::Row| -> Vec<i64> {
        [&r.authority, &r.one_stop, &r.internal]
            .iter()
            .flat_map(|b| std::iter::once(b.total).chain(levels.iter().map(|(_, f)| f(b))))
            .collect()
    };
    let mut rows = Vec::new();
    let mut unit_no = 0;
    for r in &m.ii07b {
        if r.grain == "total" {
            rows.push(row(String::new(), "TỔNG CỘNG".into(), true, figures(r)));
        } else {
            unit_no += 1;
            rows.push(row(
                unit_no.to_string(),
                r.unit.clone().unwrap_or_default(),
                false,
                figures(r),
            ));
        }
    }
    let procedures = m
        .ii07b
        .iter()
        .find(|r| r.grain == "total")
        .map(|r| r.authority.total + r.internal.total);
    let mut note = "Ghi chú: Số liệu theo danh mục thủ tục hành chính đã nạp".to_string();
    if let Some(p) = procedures {
        note.push_str(&format!(" ({} thủ tục)", int(p)));
    }
    note.push_str("; thủ tục nội bộ không tính vào cột thẩm quyền giải quyết.");
    Some(Appendix {
        columns: columns(n - 2, if districts { 15.0 } else { 19.0 }),
        head,
        head_heights: vec![30.0, 14.0, 26.0, 12.0],
        rows,
        note,
        ..frame(
            "ii07b",
            "II.07b",
            &cfg.forms.ii07b,
            "Biểu số II.07b/VPCP/KSTT",
            "TỔNG HỢP SỐ LƯỢNG THỦ TỤC HÀNH CHÍNH",
            m,
            cfg,
            "Đơn vị tính: Số TTHC",
        )
    })
}
