//! The workbook (rust_xlsxwriter): sheet `II.06a` laid out as the official form, sheet
//! `Theo lĩnh vực`, and one sheet per table of the report. Figures of the form are
//! numbers (`#,##0`), taken from the model's counts; the other tables print the model's
//! words. Fixed document properties, so the same model gives the same bytes.

use crate::report::model::{Appendix, AppendixRow, Block, Chart, Report, Table};
use anyhow::{Context, Result};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

const FONT: &str = "Times New Roman";

/// The sheet name of a body table, by its id.
fn sheet_name(id: &str) -> &'static str {
    match id {
        "key_figures" => "Số liệu chính",
        "targets" => "Chỉ tiêu",
        "index766" => "Chỉ số 766",
        "ranking" => "Xếp hạng đơn vị",
        "ranking766" => "Xếp hạng 766",
        _ => "Bảng",
    }
}

fn base() -> Format {
    Format::new().set_font_name(FONT).set_font_size(11)
}

fn cell(strong: bool) -> Format {
    let f = base().set_border(FormatBorder::Thin);
    if strong {
        f.set_bold()
    } else {
        f
    }
}

fn head() -> Format {
    cell(true)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
        .set_font_size(10)
}

/// Writes the workbook of a report; `creation_timestamp` (from the report data, never the
/// clock) fixes its properties.
pub fn write(r: &Report, creation_timestamp: i64) -> Result<Vec<u8>> {
    build(r, creation_timestamp).context("writing the workbook")
}

fn build(r: &Report, creation_timestamp: i64) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let date = ExcelDateTime::from_timestamp(creation_timestamp)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(&r.header.subject)
            .set_subject(r.appendices.first().map(|a| a.title.as_str()).unwrap_or(""))
            .set_author("baocao")
            .set_comment(format!("data version {}", r.data_version))
            .set_creation_datetime(&date),
    );
    for a in &r.appendices {
        // II.06a's field rows follow a heading row without figures ("Theo lĩnh vực"): a sheet of their own.
        let split = a
            .rows
            .iter()
            .position(|row| a.id == "ii06a" && row.counts.is_empty())
            .unwrap_or(a.rows.len());
        form(wb.add_worksheet(), &a.sheet, a, &a.rows[..split])?;
        if split < a.rows.len() {
            let name = a.rows[split].name.clone();
            form(wb.add_worksheet(), &name, a, &a.rows[split + 1..])?;
        }
    }
    let mut charts = 0;
    for b in r.blocks() {
        match b {
            Block::Table(t) => table(wb.add_worksheet(), t)?,
            Block::Chart(c) => {
                charts += 1;
                chart(wb.add_worksheet(), charts, c)?
            }
        }
    }
    wb.save_to_buffer()
}

/// An appendix form: header block, the multi-level header with column numbers, the rows.
fn form(ws: &mut Worksheet, name: &str, a: &Appendix, rows: &[AppendixRow]) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    let last = (a.columns.len().max(3) - 1) as u16;
    ws.set_column_width(0, 6)?;
    ws.set_column_width(1, 38)?;
    for c in 2..=last {
        ws.set_column_width(c, 12)?;
    }
    // A list of text cells (the late-dossier list): widths from the printed columns.
    let text = rows.iter().any(|r| r.counts.len() != r.cells.len());
    if text {
        for (c, col) in a.columns.iter().enumerate().skip(1) {
            ws.set_column_width(
                c as u16,
                col.width_mm.map(|w| f64::from(w) / 2.0).unwrap_or(48.0).max(10.0),
            )?;
        }
    }
    let right = last.saturating_sub(3).max(4);
    let bold = base().set_bold();
    let italic_center = base().set_italic().set_align(FormatAlign::Center);
    ws.merge_range(0, 0, 0, 3, &a.form, &bold)?;
    ws.merge_range(0, right, 0, last, &a.reporting_unit, &base())?;
    ws.merge_range(1, right, 1, last, &a.receiving_unit, &base())?;
    ws.merge_range(
        2,
        0,
        2,
        last,
        &a.title,
        &bold.clone().set_font_size(13).set_align(FormatAlign::Center),
    )?;
    ws.merge_range(3, 0, 3, last, &a.period_line, &italic_center)?;
    ws.merge_range(
        4,
        right,
        4,
        last,
        &a.unit_note,
        &base().set_italic().set_align(FormatAlign::Right),
    )?;

    let hd = head();
    let r0 = 5u32;
    let r3 = r0 + a.head_heights.len().max(1) as u32 - 1;
    for (i, h) in a.head_heights.iter().enumerate() {
        // Points to the workbook's row height, a little taller for the wrapped titles.
        ws.set_row_height(r0 + i as u32, f64::from(*h) * 1.3)?;
    }
    for h in &a.head {
        let (top, left) = (r0 + h.row as u32, h.col as u16);
        let (bottom, end) = (top + h.rowspan as u32 - 1, left + h.colspan as u16 - 1);
        if bottom > top || end > left {
            ws.merge_range(top, left, bottom, end, &h.text, &hd)?;
        } else {
            ws.write_string_with_format(top, left, &h.text, &hd)?;
        }
    }

    let mut y = r3 + 1;
    for row in rows {
        let f = cell(row.strong);
        ws.write_string_with_format(y, 0, &row.stt, &f.clone().set_align(FormatAlign::Center))?;
        ws.write_string_with_format(y, 1, &row.name, &f.clone().set_text_wrap())?;
        if text {
            let wrap = f.clone().set_text_wrap();
            for (i, v) in row.cells.iter().enumerate() {
                ws.write_string_with_format(y, 2 + i as u16, v, &wrap)?;
            }
            y += 1;
            continue;
        }
        let num = f.set_num_format("#,##0");
        for (i, v) in row.counts.iter().enumerate() {
            ws.write_number_with_format(y, 2 + i as u16, *v as f64, &num)?;
        }
        y += 1;
    }
    ws.write_string_with_format(y + 1, 0, &a.note, &base().set_italic())?;

    ws.set_freeze_panes(r3 + 1, 2)?;
    print_setup(ws, r0, r3)?;
    Ok(())
}

/// A4 landscape, one page wide, the header rows repeated on every page.
fn print_setup(ws: &mut Worksheet, first: u32, last: u32) -> Result<(), XlsxError> {
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_repeat_rows(first, last)?;
    Ok(())
}

/// The sheet name of the n-th chart (its title is longer than a sheet name may be).
pub fn chart_sheet_name(n: usize) -> String {
    format!("Biểu đồ {n}")
}

/// A chart as its figures: title, one row per bar (label and printed value), the note.
fn chart(ws: &mut Worksheet, n: usize, c: &Chart) -> Result<(), XlsxError> {
    ws.set_name(chart_sheet_name(n))?;
    ws.set_column_width(0, 48)?;
    ws.set_column_width(1, 16)?;
    ws.merge_range(0, 0, 0, 1, &c.title, &base().set_bold().set_text_wrap())?;
    ws.set_row_height(0, 32)?;
    let mut y = 1u32;
    for bar in &c.bars {
        ws.write_string_with_format(y, 0, &bar.label, &cell(false))?;
        ws.write_string_with_format(y, 1, &bar.value, &cell(false).set_align(FormatAlign::Right))?;
        y += 1;
    }
    ws.write_string_with_format(y + 1, 0, &c.note, &base().set_italic())?;
    print_setup(ws, 0, 0)?;
    Ok(())
}

/// A body table: heading, intro lines, column titles, rows (bold totals), notes.
fn table(ws: &mut Worksheet, t: &Table) -> Result<(), XlsxError> {
    ws.set_name(sheet_name(&t.id))?;
    let n = t.columns.len().max(1) as u16;
    let bold = base().set_bold();
    ws.merge_range(0, 0, 0, n - 1, &t.heading, &bold.clone().set_text_wrap())?;
    ws.set_row_height(0, 32)?;
    let mut y = 1u32;
    for p in &t.intro {
        ws.write_string_with_format(y, 0, p, &base())?;
        y += 1;
    }
    let head_row = y;
    for (i, c) in t.columns.iter().enumerate() {
        let width = c.width_mm.map(|mm| f64::from(mm) / 2.0).unwrap_or(48.0);
        ws.set_column_width(i as u16, width.max(10.0))?;
        ws.write_string_with_format(y, i as u16, &c.title, &head())?;
    }
    y += 1;
    for row in &t.rows {
        for (i, s) in row.cells.iter().enumerate() {
            let align = match t.columns.get(i).map(|c| c.align.as_str()) {
                Some("right") => FormatAlign::Right,
                Some("center") => FormatAlign::Center,
                _ => FormatAlign::Left,
            };
            ws.write_string_with_format(y, i as u16, s, &cell(row.strong).set_align(align).set_text_wrap())?;
        }
        y += 1;
    }
    for note in &t.notes {
        y += 1;
        ws.write_string_with_format(y, 0, note, &bold)?;
    }
    ws.set_freeze_panes(head_row + 1, 0)?;
    print_setup(ws, head_row, head_row)?;
    Ok(())
}
