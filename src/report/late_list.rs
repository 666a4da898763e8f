//! The late-dossier appendix (`late_list`): every dossier resolved late in the period, grouped
//! by agency, with its due and finish days, the working days late and its apology letter
//! (docs/rules.md, Apology letters). Codes, procedures and dates only: no personal data.

use super::format::{int, short_date};
use super::forms::{cell, frame, roman};
use super::model::{Appendix, AppendixRow, FormColumn};
use crate::config::ReportConfig;
use crate::metrics::letters::{label_for, LateDossier};
use crate::metrics::Metrics;

/// A column of the list: width in mm (None: the rest of the line) and alignment.
fn col(width_mm: Option<f32>, align: &str) -> FormColumn {
    FormColumn {
        width_mm,
        align: align.into(),
    }
}

/// A heading row (the total, an agency): its count of dossiers beside the name.
fn heading(stt: String, name: &str, n: usize) -> AppendixRow {
    let mut cells = vec![String::new(); 5];
    cells[0] = format!("{} hồ sơ", int(n as i64));
    AppendixRow {
        stt,
        name: name.to_string(),
        strong: true,
        cells,
        counts: Vec::new(),
    }
}

/// One dossier's row.
fn dossier(no: usize, d: &LateDossier) -> AppendixRow {
    AppendixRow {
        stt: no.to_string(),
        name: d.code.clone(),
        strong: false,
        cells: vec![
            d.procedure.clone(),
            short_date(d.due),
            short_date(d.finished),
            // Outside the holiday calendar the working days are unknown, never 0.
            d.working_days_late.map(int).unwrap_or_else(|| "–".into()),
            d.letter.as_ref().map(|l| l.text()).unwrap_or_default(),
        ],
        counts: Vec::new(),
    }
}

/// Capitalised first letter ("phiếu xin lỗi" → "Phiếu xin lỗi").
fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The appendix: the total, then each agency (its count) with its dossiers by code.
pub fn appendix(m: &Metrics, cfg: &ReportConfig) -> Appendix {
    let from = m.period.from.parse().unwrap_or_default();
    let to = m.period.to.parse().unwrap_or_default();
    let label = label_for(from, to);
    let list = &m.late_list;
    let mut rows = vec![heading(String::new(), "TỔNG CỘNG", list.len())];
    let mut agency_no = 0;
    let mut i = 0;
    while i < list.len() {
        let agency = &list[i].agency;
        let n = list[i..].iter().take_while(|d| &d.agency == agency).count();
        agency_no += 1;
        let name = if agency.is_empty() {
            "(không rõ đơn vị)"
        } else {
            agency
        };
        rows.push(heading(roman(agency_no), name, n));
        rows.extend(list[i..i + n].iter().enumerate().map(|(k, d)| dossier(k + 1, d)));
        i += n;
    }
    let head = vec![
        cell(0, 0, 1, 1, "STT"),
        cell(0, 1, 1, 1, "Mã hồ sơ / cơ quan, đơn vị"),
        cell(0, 2, 1, 1, "Tên thủ tục hành chính"),
        cell(0, 3, 1, 1, "Ngày hẹn trả"),
        cell(0, 4, 1, 1, "Ngày có kết quả"),
        cell(0, 5, 1, 1, "Số ngày làm việc quá hạn"),
        cell(0, 6, 1, 1, &format!("{} (ngày, số)", capital(&label))),
    ]
    .into_iter()
    .chain((0..7).map(|i| cell(1, i, 1, 1, &format!("({})", i + 1))))
    .collect();
    let mut note = if list.is_empty() {
        "Trong kỳ không có hồ sơ giải quyết quá hạn.".to_string()
    } else {
        "Ghi chú: Cột (6) tính theo ngày làm việc (trừ thứ Bảy, Chủ nhật và ngày nghỉ lễ, Tết); \"–\": ngày nằm ngoài lịch nghỉ đã có.".to_string()
    };
    if !list.is_empty() {
        // "No file" is not "no letter": an empty column (7) says which it is.
        note.push_str(&match &m.letters {
            Some(_) => format!(" Cột (7): {label} đầu tiên đã ban hành đến hết kỳ; để trống: hồ sơ chưa có."),
            None => format!(
                " Cột (7): chưa có dữ liệu {label} ban hành trong kỳ; ô để trống không có nghĩa là hồ sơ chưa có {label}."
            ),
        });
    }
    Appendix {
        columns: vec![
            col(Some(9.0), "center"),
            col(Some(52.0), "left"),
            col(None, "left"),
            col(Some(22.0), "center"),
            col(Some(22.0), "center"),
            col(Some(20.0), "right"),
            col(Some(40.0), "left"),
        ],
        head,
        head_heights: vec![30.0, 12.0],
        rows,
        note,
        ..frame(
            "late_list",
            "Hồ sơ quá hạn",
            &cfg.forms.late_list,
            "Phụ lục",
            "DANH SÁCH HỒ SƠ GIẢI QUYẾT QUÁ HẠN",
            m,
            cfg,
            "Đơn vị tính: hồ sơ",
        )
    }
}
