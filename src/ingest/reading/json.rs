//! JSON reader: an array of objects, `{"data": [...]}`, or NDJSON (one object per line).

use super::record::{limits, Cell, Layout, RawRow, Table};
use crate::ingest::checking::values::{clean_text, parse_date};
use anyhow::{anyhow, Context, Result};
use serde_json::{Map, Value};
use std::io::{BufRead, Read};

const EXPORT_KEYS: &[&str] = &[
    "NgayXuat",
    "ngay_xuat",
    "exportDate",
    "export_date",
    "exported_at",
    "ThoiGianXuat",
];

fn to_cell(v: Option<&Value>) -> Cell {
    match v {
        None | Some(Value::Null) => Cell::Empty,
        Some(Value::String(s)) if s.len() > limits::FIELD_BYTES => Cell::too_long(s.len()),
        Some(Value::String(s)) => clean_text(s).map(Cell::Text).unwrap_or(Cell::Empty),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) => Cell::Number(f),
            None => Cell::Bad(format!("number out of range: {n}")),
        },
        Some(Value::Bool(b)) => Cell::Number(if *b { 1.0 } else { 0.0 }),
        Some(other) => Cell::Text(other.to_string()),
    }
}

fn export_at(obj: &Map<String, Value>) -> Option<chrono::NaiveDateTime> {
    EXPORT_KEYS.iter().find_map(|k| match obj.get(*k) {
        Some(Value::String(s)) => parse_date(s),
        Some(Value::Number(n)) => parse_date(&n.to_string()),
        _ => None,
    })
}

/// The export window of a `{"data": [...]}` document: `TuNgay` and `DenNgay`.
fn window_of(obj: &Map<String, Value>) -> Option<super::record::Window> {
    let date = |keys: &[&str]| {
        keys.iter().find_map(|k| match obj.get(*k) {
            Some(Value::String(s)) => parse_date(s).map(|d| d.date()),
            Some(Value::Number(n)) => parse_date(&n.to_string()).map(|d| d.date()),
            _ => None,
        })
    };
    let from = date(&["TuNgay", "tu_ngay", "fromDate"])?;
    let to = date(&["DenNgay", "den_ngay", "toDate"])?;
    (from <= to).then_some(super::record::Window {
        from,
        to,
        source: "file",
    })
}

/// Header = keys in order of first appearance over all records.
fn header_of<'a>(records: impl Iterator<Item = &'a Value>) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for r in records {
        if let Value::Object(o) = r {
            for k in o.keys() {
                if seen.insert(k.clone()) {
                    keys.push(k.clone());
                }
            }
        }
    }
    keys
}

fn row_of(line: u64, v: &Value, header: &[String]) -> RawRow {
    match v {
        Value::Object(o) => RawRow {
            line,
            cells: header.iter().map(|k| to_cell(o.get(k))).collect(),
            problem: None,
        },
        other => RawRow {
            line,
            cells: vec![Cell::Empty; header.len()],
            problem: Some(format!("record is not a JSON object: {}", truncate(&other.to_string()))),
        },
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(80).collect()
}

/// The byte where arrays and objects first nest deeper than `max`, if they do (strings skipped).
fn too_deep(text: &[u8], max: usize) -> Option<usize> {
    let (mut depth, mut in_str, mut esc) = (0usize, false, false);
    for (i, &b) in text.iter().enumerate() {
        if in_str {
            match (esc, b) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Some(i + 1);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Reads a JSON document. Rows are numbered by record (1 = first object of the array).
pub fn read_json(input: Box<dyn Read + Send>) -> Result<Table> {
    let mut text = String::new();
    input
        .take(limits::WHOLE_BYTES + 1)
        .read_to_string(&mut text)
        .context("JSON is not valid UTF-8")?;
    if text.len() as u64 > limits::WHOLE_BYTES {
        anyhow::bail!(
            "a JSON document over {} MiB: export NDJSON (one record a line) instead",
            limits::WHOLE_BYTES >> 20
        );
    }
    if let Some(at) = too_deep(text.as_bytes(), limits::JSON_DEPTH) {
        anyhow::bail!(
            "JSON nested deeper than {} levels (at byte {at}): not an export",
            limits::JSON_DEPTH
        );
    }
    let doc: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| anyhow!("invalid JSON at line {}, column {}: {e}", e.line(), e.column()))?;
    let (records, export, window) = match doc {
        Value::Array(a) => (a, None, None),
        Value::Object(mut o) => {
            let exp = export_at(&o);
            let window = window_of(&o);
            let key = ["data", "Data", "items", "records"]
                .into_iter()
                .find(|k| o.get(*k).is_some_and(Value::is_array));
            match key.and_then(|k| o.remove(k)) {
                Some(Value::Array(a)) => (a, exp, window),
                _ => anyhow::bail!("JSON object has no \"data\" array of records"),
            }
        }
        _ => anyhow::bail!("JSON must be an array of objects or {{\"data\": [...]}}"),
    };
    let header = header_of(records.iter());
    let layout = Layout {
        format: "json".into(),
        encoding: "utf-8".into(),
        header: header.clone(),
        header_line: 0,
        export_at: export,
        window,
        ..Default::default()
    };
    let rows = records
        .into_iter()
        .enumerate()
        .map(move |(i, v)| Ok(row_of(i as u64 + 1, &v, &header)));
    Ok(Table {
        layout,
        rows: Box::new(rows),
    })
}

/// Skips the rest of an over-long line without holding it.
fn skip_line(r: &mut impl BufRead) -> Result<()> {
    loop {
        let avail = r.fill_buf()?;
        if avail.is_empty() {
            return Ok(());
        }
        match avail.iter().position(|b| *b == b'\n') {
            Some(p) => {
                r.consume(p + 1);
                return Ok(());
            }
            None => {
                let n = avail.len();
                r.consume(n);
            }
        }
    }
}

/// Reads NDJSON. The header is the union of keys of all lines, so the file is read twice
/// in memory; rows are numbered by line.
pub fn read_ndjson(input: Box<dyn Read + Send>) -> Result<Table> {
    let mut parsed: Vec<(u64, Result<Value, String>)> = Vec::new();
    let mut r = std::io::BufReader::new(input);
    let mut buf = Vec::new();
    let mut i = 0u64;
    loop {
        buf.clear();
        let n = std::io::Read::by_ref(&mut r)
            .take(limits::LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf)?;
        if n == 0 {
            break;
        }
        i += 1;
        if buf.len() > limits::LINE_BYTES && !buf.ends_with(b"\n") {
            skip_line(&mut r)?;
            let msg = format!("line longer than {} MiB", limits::LINE_BYTES >> 20);
            parsed.push((i, Err(msg)));
            continue;
        }
        let line = std::str::from_utf8(&buf).with_context(|| format!("line {i}: not valid UTF-8"))?;
        let t = line.trim().trim_start_matches('\u{feff}');
        if t.is_empty() {
            continue;
        }
        let v = match too_deep(t.as_bytes(), limits::JSON_DEPTH) {
            Some(at) => Err(format!("nested deeper than {} levels at byte {at}", limits::JSON_DEPTH)),
            None => serde_json::from_str(t).map_err(|e| format!("invalid JSON: {e}")),
        };
        parsed.push((i, v));
    }
    let header = header_of(parsed.iter().filter_map(|(_, v)| v.as_ref().ok()));
    let layout = Layout {
        format: "ndjson".into(),
        encoding: "utf-8".into(),
        header: header.clone(),
        header_line: 0,
        ..Default::default()
    };
    let rows = parsed.into_iter().map(move |(line, v)| {
        Ok(match v {
            Ok(v) => row_of(line, &v, &header),
            Err(e) => RawRow {
                line,
                cells: vec![Cell::Empty; header.len()],
                problem: Some(e),
            },
        })
    });
    Ok(Table {
        layout,
        rows: Box::new(rows),
    })
}
