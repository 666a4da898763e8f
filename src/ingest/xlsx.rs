//! XLSX reader (calamine): chosen sheet, header found below a title block, date cells.

use super::kinds::header_score;
use super::record::{export_date_in, window_in, Cell, Layout, RawRow, Table};
use super::values::clean_text;
use anyhow::{anyhow, Result};
use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use std::path::Path;

const HEADER_SCAN: usize = 30;

fn cell(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => match clean_text(s) {
            Some(t) => Cell::Text(t),
            None => Cell::Empty,
        },
        Data::Float(f) => Cell::Number(*f),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Bool(b) => Cell::Number(if *b { 1.0 } else { 0.0 }),
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            match NaiveDate::from_ymd_opt(y as i32, mo as u32, d as u32)
                .and_then(|x| x.and_hms_opt(h as u32, mi as u32, s as u32))
            {
                Some(v) => Cell::Date(v),
                None => Cell::Bad(format!("invalid Excel date serial {}", dt.as_f64())),
            }
        }
        Data::Error(e) => Cell::Bad(format!("Excel error value {e:?}")),
    }
}

/// Reads one sheet (the first, or `sheet`) of an XLSX workbook.
pub fn read(path: &Path, sheet: Option<&str>) -> Result<Table> {
    let mut wb: Xlsx<_> = calamine::open_workbook(path).map_err(|e| anyhow!("not a readable XLSX workbook: {e}"))?;
    let names = wb.sheet_names().to_owned();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| anyhow!("sheet '{s}' not found; the workbook has: {}", names.join(", ")))?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| anyhow!("the workbook has no sheets"))?,
    };
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| anyhow!("cannot read sheet '{name}': {e}"))?;
    let first_row = range.start().map(|s| s.0 as u64).unwrap_or(0);
    let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    drop(range);

    let mut title = Vec::new();
    let mut header_at = None;
    for (i, r) in rows.iter().enumerate().take(HEADER_SCAN) {
        let cells: Vec<String> = r.iter().map(|d| cell(d).raw()).collect();
        if header_score(&cells) >= 2 {
            header_at = Some((i, cells));
            break;
        }
        title.extend(cells);
    }
    let (hi, header) = header_at.ok_or_else(|| {
        anyhow!("no header row found in the first {HEADER_SCAN} rows of sheet '{name}' (looked for a row naming MaHoSo / \"Mã hồ sơ\")")
    })?;
    let layout = Layout {
        format: "xlsx".into(),
        encoding: "xlsx".into(),
        delimiter: None,
        sheet: Some(name),
        export_at: export_date_in(&title),
        window: window_in(&title),
        header,
        header_line: first_row + hi as u64 + 1,
    };
    let iter = rows.into_iter().enumerate().skip(hi + 1).map(move |(i, r)| {
        Ok(RawRow {
            line: first_row + i as u64 + 1,
            cells: r.iter().map(cell).collect(),
            problem: None,
        })
    });
    Ok(Table {
        layout,
        rows: Box::new(iter),
    })
}
