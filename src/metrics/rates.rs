//! The rates (and the 766 on-time rule) of docs/rules.md, Rates, read in one statement as (metric,
//! unit, numerator, denominator, missing) rows, by registered name.

use super::scope::{union_all, Scope};
use crate::registry::{self, RATES};
use anyhow::Result;
use duckdb::Connection;
use std::collections::BTreeMap;

pub use crate::registry::{Rate, Rates};

/// The SQL files behind the rates: every rate over the period's dossiers in one pass
/// (rates.sql), and the PAKN rate, which reads the feedback table.
pub const FAMILIES: &[(&str, &str)] = &[
    ("rates", include_str!("../../sql/metrics/rates.sql")),
    ("feedback", include_str!("../../sql/metrics/feedback.sql")),
];

/// The province's rates and each agency's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RateTable {
    pub total: Rates,
    pub by_unit: BTreeMap<String, Rates>,
}

/// Computes every rate for a scope, in one statement over the period's cube (and feedback).
pub fn compute(conn: &Connection, scope: &Scope) -> Result<RateTable> {
    let mut t = RateTable::default();
    let mut seen = Vec::new();
    let texts: Vec<(&str, std::borrow::Cow<str>)> = FAMILIES
        .iter()
        .map(|(n, b)| (*n, super::sql_text(&format!("{n}.sql"), b)))
        .collect();
    let bodies: Vec<(&str, &str)> = texts.iter().map(|(n, b)| (*n, b.as_ref())).collect();
    scope.query(conn, "sql/metrics (rates)", &union_all(&bodies), |r, _| {
        let metric: String = r.get(0)?;
        let unit: Option<String> = r.get(1)?;
        let rates = match &unit {
            None => &mut t.total,
            Some(u) => t.by_unit.entry(u.clone()).or_default(),
        };
        let slot = rates
            .slot(&metric)
            .ok_or_else(|| registry::mismatch(format!("sql/metrics: rate '{metric}' is not in the registry")))?;
        *slot = Rate::with_missing(r.get(2)?, r.get(3)?, r.get(4)?);
        if unit.is_none() {
            seen.push(metric);
        }
        Ok(())
    })?;
    // Every registered rate has its province row, even over no data (a zero denominator).
    if let Some(e) = RATES.iter().find(|e| !seen.iter().any(|s| s == e.key)) {
        return Err(registry::mismatch(format!(
            "sql/metrics: registered rate '{}' is not returned",
            e.key
        )));
    }
    Ok(t)
}
