//! XLSX reader (calamine): chosen sheet, header found below a title block, date cells.

use super::legacy::{self, Legacy};
use super::record::{export_date_in, limits, window_in, Cell, Layout, RawRow, Table};
use crate::ingest::checking::columns::header_score;
use crate::ingest::checking::values::clean_text;
use anyhow::{anyhow, Result};
use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use std::path::Path;

const HEADER_SCAN: usize = 30;

/// Rows sampled to tell whether the strings are in a legacy font's encoding.
const LEGACY_SAMPLE_ROWS: usize = 200;

fn cell(d: &Data, enc: Option<Legacy>) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) if s.len() > limits::FIELD_BYTES => Cell::too_long(s.len()),
        Data::String(s) => {
            let s = match enc {
                Some(l) => std::borrow::Cow::Owned(legacy::convert_string(s, l)),
                None => std::borrow::Cow::Borrowed(s.as_str()),
            };
            match clean_text(&s) {
                Some(t) => Cell::Text(t),
                None => Cell::Empty,
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => match clean_text(s) {
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

fn u16_at(b: &[u8], i: usize) -> u64 {
    u16::from_le_bytes([b[i], b[i + 1]]) as u64
}

fn u32_at(b: &[u8], i: usize) -> u64 {
    u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as u64
}

/// Refuses a workbook whose entries decompress to more than the limit (a zip bomb), by
/// inflating each entry once and counting, never holding it: declared sizes can lie.
fn check_unpacked_size(path: &Path) -> Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(path)?;
    let len = f.metadata()?.len();
    let tail_len = len.min(65_557);
    f.seek(SeekFrom::Start(len - tail_len))?;
    let mut tail = vec![0u8; tail_len as usize];
    f.read_exact(&mut tail)?;
    let Some(eocd) = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| tail[i..].starts_with(b"PK\x05\x06"))
    else {
        anyhow::bail!("not a readable XLSX workbook: no zip directory (truncated file?)");
    };
    let (cd_size, cd_off) = (u32_at(&tail, eocd + 12), u32_at(&tail, eocd + 16));
    if cd_off + cd_size > len {
        anyhow::bail!("not a readable XLSX workbook: the zip directory points past the end of the file");
    }
    f.seek(SeekFrom::Start(cd_off))?;
    let mut cd = vec![0u8; cd_size as usize];
    f.read_exact(&mut cd)?;
    let limit = limits::XLSX_UNPACKED_BYTES;
    let too_big = |n: u64| {
        anyhow!(
            "XLSX entries decompress to more than {} MiB ({n} bytes or more): refused as a possible zip bomb",
            limit >> 20
        )
    };
    let (mut i, mut total) = (0usize, 0u64);
    while i + 46 <= cd.len() && cd[i..].starts_with(b"PK\x01\x02") {
        let method = u16_at(&cd, i + 10);
        let (csize, usize_) = (u32_at(&cd, i + 20), u32_at(&cd, i + 24));
        let (n, e, c) = (u16_at(&cd, i + 28), u16_at(&cd, i + 30), u16_at(&cd, i + 32));
        let local = u32_at(&cd, i + 42);
        i += 46 + (n + e + c) as usize;
        total = total.saturating_add(usize_);
        if total > limit || usize_ == 0xFFFF_FFFF {
            return Err(too_big(total));
        }
        // The real size: inflate the entry and count what comes out.
        let mut head = [0u8; 30];
        f.seek(SeekFrom::Start(local))?;
        if f.read_exact(&mut head).is_err() || !head.starts_with(b"PK\x03\x04") {
            anyhow::bail!("not a readable XLSX workbook: a zip entry's header is missing");
        }
        f.seek(SeekFrom::Start(local + 30 + u16_at(&head, 26) + u16_at(&head, 28)))?;
        let data = std::io::Read::by_ref(&mut f).take(csize);
        let budget = limit - (total - usize_) + 1;
        let out = match method {
            0 => std::io::copy(&mut data.take(budget), &mut std::io::sink())?,
            8 => std::io::copy(
                &mut flate2::read::DeflateDecoder::new(data).take(budget),
                &mut std::io::sink(),
            )
            .map_err(|e| anyhow!("not a readable XLSX workbook: a zip entry does not inflate: {e}"))?,
            m => anyhow::bail!("not a readable XLSX workbook: zip compression method {m} is not supported"),
        };
        total = total - usize_ + out;
        if total > limit {
            return Err(too_big(total));
        }
    }
    Ok(())
}

/// Reads one sheet (the first, or `sheet`) of an XLSX workbook. Strings typed in a TCVN3 or
/// VNI font (`forced`, else detected on the first rows) are converted to Unicode.
pub fn read(path: &Path, sheet: Option<&str>, forced: Option<Legacy>) -> Result<Table> {
    check_unpacked_size(path)?;
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
    let enc = forced.or_else(|| {
        legacy::guess_strings(rows.iter().take(LEGACY_SAMPLE_ROWS).flatten().filter_map(|d| match d {
            Data::String(s) => Some(s.as_str()),
            _ => None,
        }))
    });

    let mut title = Vec::new();
    let mut header_at = None;
    for (i, r) in rows.iter().enumerate().take(HEADER_SCAN) {
        let cells: Vec<String> = r.iter().map(|d| cell(d, enc).raw()).collect();
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
        encoding: match enc {
            Some(Legacy::Tcvn3) => "tcvn3".into(),
            Some(Legacy::Vni) => "vni".into(),
            None => "xlsx".into(),
        },
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
            cells: r.iter().map(|d| cell(d, enc)).collect(),
            problem: None,
        })
    });
    Ok(Table {
        layout,
        rows: Box::new(iter),
    })
}
