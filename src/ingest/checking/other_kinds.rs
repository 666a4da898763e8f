//! Checking a row of the smaller inputs — feedback (PAKN), the procedure catalogue, apology letters —
//! against its kind's column table: each cell parsed by its type, or a problem for quarantine.

use crate::ingest::checking::columns::{InputKind, Ty};
use crate::ingest::checking::validate::{Context, Problem};
use crate::ingest::checking::values::{
    excel_serial, parse_agency_level, parse_date, parse_flag, parse_level_of_service, parse_number, parse_rating,
};
use crate::ingest::reading::record::{format_number, Cell, RawRow};
use chrono::{Datelike, NaiveDateTime};
use duckdb::types::{TimeUnit, Value};

fn cell_text(c: &Cell) -> Option<String> {
    match c {
        Cell::Text(s) => Some(s.clone()),
        Cell::Number(n) => Some(format_number(*n)),
        Cell::Date(d) => Some(d.format("%Y-%m-%d %H:%M:%S").to_string()),
        _ => None,
    }
}

fn ts(d: NaiveDateTime) -> Value {
    Value::Timestamp(TimeUnit::Microsecond, d.and_utc().timestamp_micros())
}

/// Validates one row into the table's values (without file_id, source_row, superseded_by).
pub fn check(
    kind: &InputKind,
    map: &[Option<usize>],
    names: &[String],
    row: &RawRow,
    ctx: &Context,
) -> Result<Vec<Value>, Vec<Problem>> {
    let mut problems: Vec<Problem> = Vec::new();
    fn push(v: &mut Vec<Problem>, col: &str, raw: String, reason: &'static str, message: String) {
        v.push(Problem {
            column: col.to_string(),
            raw,
            reason,
            message,
        });
    }
    if let Some(why) = &row.problem {
        push(&mut problems, "", String::new(), "malformed_record", why.clone());
        return Err(problems);
    }
    if row.cells.len() != names.len() {
        let joined: String = row.cells.iter().map(Cell::raw).collect::<Vec<_>>().join("|");
        let msg = format!("row has {} fields, the header has {}", row.cells.len(), names.len());
        push(
            &mut problems,
            "",
            joined.chars().take(200).collect(),
            "field_count",
            msg,
        );
        return Err(problems);
    }
    let mut values = vec![Value::Null; kind.cols.len()];
    let mut dates: Vec<(usize, NaiveDateTime)> = Vec::new();
    let mut extra = serde_json::Map::new();
    for (i, cell) in row.cells.iter().enumerate() {
        let Some(ci) = map[i] else {
            if let (true, Cell::Bad(why)) = (cell.is_too_long(), cell) {
                push(&mut problems, &names[i], String::new(), "field_too_long", why.clone());
            }
            if let Some(t) = cell_text(cell) {
                extra.insert(names[i].clone(), serde_json::Value::String(t));
            }
            continue;
        };
        let ty = kind.cols[ci].ty;
        let col = names[i].as_str();
        if let Cell::Bad(why) = cell {
            let reason = if cell.is_too_long() {
                "field_too_long"
            } else {
                "invalid_encoding"
            };
            push(&mut problems, col, String::new(), reason, why.clone());
            continue;
        }
        let Some(text) = cell_text(cell) else { continue };
        values[ci] = match ty {
            Ty::Key | Ty::Text => Value::Text(text),
            Ty::Date | Ty::Due => {
                let d = match cell {
                    Cell::Date(d) => Some(*d),
                    Cell::Number(n) if *n < 1e7 => excel_serial(*n),
                    _ => parse_date(&text),
                };
                match d {
                    Some(d) if d.year() < 2000 => {
                        push(
                            &mut problems,
                            col,
                            text,
                            "date_before_2000",
                            format!("{} is before the year 2000", d.date()),
                        );
                        Value::Null
                    }
                    Some(d) if ty == Ty::Date && d.date() > ctx.reference_day => {
                        push(
                            &mut problems,
                            col,
                            text,
                            "future_date",
                            format!("{} is after {}", d.date(), ctx.reference_day),
                        );
                        Value::Null
                    }
                    Some(d) => {
                        dates.push((ci, d));
                        ts(d)
                    }
                    None => {
                        push(
                            &mut problems,
                            col,
                            text.clone(),
                            "invalid_date",
                            format!("cannot read '{text}' as a date"),
                        );
                        Value::Null
                    }
                }
            }
            Ty::Fee => match parse_number(&text) {
                Some(n) if n < 0.0 => {
                    push(
                        &mut problems,
                        col,
                        text.clone(),
                        "negative_fee",
                        format!("fee {text} is negative"),
                    );
                    Value::Null
                }
                Some(n) => Value::Double(n),
                None => {
                    push(
                        &mut problems,
                        col,
                        text.clone(),
                        "invalid_number",
                        format!("'{text}' is not a number"),
                    );
                    Value::Null
                }
            },
            Ty::Flag => match parse_flag(&text) {
                Some(b) => Value::Boolean(b),
                None => {
                    push(
                        &mut problems,
                        col,
                        text.clone(),
                        "invalid_flag",
                        format!("'{text}' is not 0/1 (Có/Không)"),
                    );
                    Value::Null
                }
            },
            Ty::Level | Ty::Service | Ty::Rating => {
                let v = match ty {
                    Ty::Level => parse_agency_level(&text),
                    Ty::Service => parse_level_of_service(&text),
                    _ => parse_rating(&text),
                };
                match v {
                    Some(v) => Value::Text(v.to_string()),
                    None => {
                        push(
                            &mut problems,
                            col,
                            text.clone(),
                            "unknown_code",
                            format!("'{text}' is not a known code"),
                        );
                        Value::Null
                    }
                }
            }
        };
    }
    for (ci, c) in kind.cols.iter().enumerate() {
        let col = map
            .iter()
            .position(|m| *m == Some(ci))
            .map(|i| names[i].clone())
            .unwrap_or_default();
        if c.required && values[ci] == Value::Null && !problems.iter().any(|x| x.column == col) {
            let reason = if c.ty == Ty::Key { "missing_key" } else { "missing_date" };
            push(
                &mut problems,
                &col,
                String::new(),
                reason,
                format!("{} is empty", c.name),
            );
        }
    }
    let get = |name: &str| {
        kind.cols
            .iter()
            .position(|c| c.column == name)
            .and_then(|i| dates.iter().find(|d| d.0 == i))
            .map(|d| d.1)
    };
    // A date before the one it follows cannot be right: a dossier handled before it was
    // received, a letter's new return date before the letter itself.
    let pairs = [
        (
            "ngay_tiep_nhan",
            "ngay_xu_ly",
            "finish_before_accept",
            "handled",
            "before it was received",
        ),
        (
            "ngay_xin_loi",
            "ngay_hen_tra_moi",
            "new_date_before_letter",
            "new return date",
            "is before the letter",
        ),
    ];
    for (first, then, reason, what, before) in pairs {
        if let (Some(a), Some(b)) = (get(first), get(then)) {
            if b.date() < a.date() {
                let col = map
                    .iter()
                    .position(|m| m.is_some_and(|ci| kind.cols[ci].column == then))
                    .map(|i| names[i].clone())
                    .unwrap_or_default();
                let message = format!("{what} {} {before} {}", b.date(), a.date());
                push(&mut problems, &col, b.to_string(), reason, message);
            }
        }
    }
    values.push(if extra.is_empty() {
        Value::Null
    } else {
        Value::Text(serde_json::Value::Object(extra).to_string())
    });
    if problems.is_empty() {
        Ok(values)
    } else {
        Err(problems)
    }
}
