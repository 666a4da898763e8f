//! The bad input the messy generator injects, and on which rows: each fault with the
//! column and reason quarantine must report for it.

use super::row::{fee_text, Style, Val, C_KENH, C_KET_THUC, C_KEY, C_LE_PHI, C_NOP, C_STATUS, C_TEN_TTHC, C_TIEP_NHAN};
use super::GenerateArgs;
use chrono::NaiveDateTime;
use std::collections::BTreeMap;

/// The bad-input classes the messy generator injects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inject {
    MissingKey,
    Duplicate,
    BadDate,
    FinishBeforeAccept,
    FutureDate,
    Before2000,
    UnknownStatus,
    UnknownChannel,
    NegativeFee,
    FieldCount,
    BadEncoding,
}

/// Which rows (0-based data index) get which fault: spaced three apart so that a
/// duplicate's next row is clean.
pub fn injection_plan(a: &GenerateArgs) -> BTreeMap<u64, Inject> {
    use Inject::*;
    let mut kinds = vec![
        MissingKey,
        Duplicate,
        BadDate,
        FinishBeforeAccept,
        FutureDate,
        Before2000,
        UnknownStatus,
        UnknownChannel,
        NegativeFee,
    ];
    if a.format == "csv" {
        kinds.push(FieldCount);
        kinds.push(BadEncoding);
    }
    kinds
        .into_iter()
        .enumerate()
        .map(|(k, inj)| (4 + 3 * k as u64, inj))
        .collect()
}

/// Applies a fault; returns the (column, reason) quarantine must report, column as in the header.
pub(super) fn inject(
    vals: &mut Vec<Val>,
    inj: Inject,
    s: &Style,
    export: NaiveDateTime,
    has_export_date: bool,
) -> (String, &'static str) {
    use Inject::*;
    // Faults that need a finished, accepted dossier get one, so only the fault trips.
    let accepted = export - chrono::Duration::days(20);
    if matches!(inj, FinishBeforeAccept | FutureDate) {
        vals[C_STATUS] = if s.names {
            Val::Text(s.text("Đã trả kết quả"))
        } else {
            Val::Num(10)
        };
        vals[C_TIEP_NHAN] = Val::Date(accepted);
        vals[C_NOP] = Val::Date(accepted);
        vals[C_KET_THUC + 1] = Val::Empty;
    }
    match inj {
        MissingKey => {
            vals[C_KEY] = Val::Empty;
            (s.header(C_KEY), "missing_key")
        }
        Duplicate => (s.header(C_KEY), "duplicate_in_file"),
        BadDate => {
            vals[C_TIEP_NHAN] = Val::Text("32/13/2023".into());
            (s.header(C_TIEP_NHAN), "invalid_date")
        }
        FinishBeforeAccept => {
            vals[C_KET_THUC] = Val::Date(accepted - chrono::Duration::days(3));
            (s.header(C_KET_THUC), "finish_before_accept")
        }
        FutureDate => {
            let far = chrono::NaiveDate::from_ymd_opt(2099, 5, 15)
                .and_then(|d| d.and_hms_opt(8, 0, 0))
                .expect("date");
            let future = if has_export_date {
                export + chrono::Duration::days(30)
            } else {
                far
            };
            vals[C_KET_THUC] = Val::Date(future);
            (s.header(C_KET_THUC), "future_date")
        }
        Before2000 => {
            let old = chrono::NaiveDate::from_ymd_opt(1999, 5, 15)
                .and_then(|d| d.and_hms_opt(8, 0, 0))
                .expect("date");
            vals[C_NOP] = Val::Date(old);
            (s.header(C_NOP), "date_before_2000")
        }
        UnknownStatus => {
            vals[C_STATUS] = Val::Num(11);
            (s.header(C_STATUS), "unknown_status")
        }
        UnknownChannel => {
            vals[C_KENH] = Val::Num(7);
            (s.header(C_KENH), "unknown_channel")
        }
        NegativeFee => {
            vals[C_LE_PHI] = Val::Text(fee_text(-50_000, s.names));
            (s.header(C_LE_PHI), "negative_fee")
        }
        FieldCount => {
            vals.push(Val::Text("cột thừa".into()));
            (String::new(), "field_count")
        }
        BadEncoding => {
            let v = match &vals[C_TEN_TTHC] {
                Val::Text(t) => t.clone(),
                _ => String::new(),
            };
            vals[C_TEN_TTHC] = Val::Invalid(v);
            (s.header(C_TEN_TTHC), "invalid_encoding")
        }
    }
}
