//! The rates of domain.md §6 (and the 766 on-time rule), one SQL file per family, all read
//! in one statement as (metric, unit, numerator, denominator) rows, by registered name.

use super::scope::{union_all, Scope};
use crate::registry::{self, RATES};
use anyhow::Result;
use duckdb::Connection;
use std::collections::BTreeMap;

pub use crate::registry::{Rate, Rates};

/// The SQL files behind the rates, one per family.
pub const FAMILIES: &[(&str, &str)] = &[
    ("on_time", include_str!("../../sql/metrics/on_time.sql")),
    ("online", include_str!("../../sql/metrics/online.sql")),
    ("payment", include_str!("../../sql/metrics/payment.sql")),
    ("digitisation", include_str!("../../sql/metrics/digitisation.sql")),
    ("satisfaction", include_str!("../../sql/metrics/satisfaction.sql")),
    ("feedback", include_str!("../../sql/metrics/feedback.sql")),
    ("index766", include_str!("../../sql/metrics/index766.sql")),
];

/// The province's rates and each agency's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RateTable {
    pub total: Rates,
    pub by_unit: BTreeMap<String, Rates>,
}

/// Computes every rate for a scope, in one statement over one materialised set of flags.
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
        *slot = Rate::new(r.get(2)?, r.get(3)?);
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
