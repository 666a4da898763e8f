//! The rates of domain.md §6, one SQL file per family, as numerator / denominator / percent.

use crate::period::Period;
use anyhow::{Context, Result};
use duckdb::Connection;
use serde::Serialize;
use std::collections::BTreeMap;

/// The SQL files behind the rates, one per family.
pub const FAMILIES: &[(&str, &str)] = &[
    ("on_time", include_str!("../../sql/metrics/on_time.sql")),
    ("online", include_str!("../../sql/metrics/online.sql")),
    ("payment", include_str!("../../sql/metrics/payment.sql")),
    ("digitisation", include_str!("../../sql/metrics/digitisation.sql")),
    ("satisfaction", include_str!("../../sql/metrics/satisfaction.sql")),
    ("feedback", include_str!("../../sql/metrics/feedback.sql")),
];

/// One rate. `percent` is None when the denominator is zero ("không phát sinh").
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Rate {
    pub numerator: i64,
    pub denominator: i64,
    pub percent: Option<f64>,
}

impl Rate {
    /// A rate from its two counts.
    pub fn new(numerator: i64, denominator: i64) -> Self {
        let percent = (denominator > 0).then(|| numerator as f64 * 100.0 / denominator as f64);
        Rate {
            numerator,
            denominator,
            percent,
        }
    }
}

/// Every rate, in a fixed order (the JSON contract).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Rates {
    pub on_time: Rate,
    pub late: Rate,
    pub online_intake: Rate,
    pub full_online: Rate,
    pub online_payment: Rate,
    pub digitised: Rate,
    pub e_result: Rate,
    pub reuse: Rate,
    pub synced: Rate,
    pub satisfaction: Rate,
    pub feedback_on_time: Rate,
}

/// Names of the rates, as used by targets, `explain` and the 766 configuration.
pub const NAMES: &[&str] = &[
    "on_time",
    "late",
    "online_intake",
    "full_online",
    "online_payment",
    "digitised",
    "e_result",
    "reuse",
    "synced",
    "satisfaction",
    "feedback_on_time",
];

impl Rates {
    /// A rate by name.
    pub fn get(&self, name: &str) -> Option<Rate> {
        Some(match name {
            "on_time" => self.on_time,
            "late" => self.late,
            "online_intake" => self.online_intake,
            "full_online" => self.full_online,
            "online_payment" => self.online_payment,
            "digitised" => self.digitised,
            "e_result" => self.e_result,
            "reuse" => self.reuse,
            "synced" => self.synced,
            "satisfaction" => self.satisfaction,
            "feedback_on_time" => self.feedback_on_time,
            _ => return None,
        })
    }

    fn slot(&mut self, name: &str) -> Option<&mut Rate> {
        Some(match name {
            "on_time" => &mut self.on_time,
            "late" => &mut self.late,
            "online_intake" => &mut self.online_intake,
            "full_online" => &mut self.full_online,
            "online_payment" => &mut self.online_payment,
            "digitised" => &mut self.digitised,
            "e_result" => &mut self.e_result,
            "reuse" => &mut self.reuse,
            "synced" => &mut self.synced,
            "satisfaction" => &mut self.satisfaction,
            "feedback_on_time" => &mut self.feedback_on_time,
            _ => return None,
        })
    }
}

/// The province's rates and each agency's.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RateTable {
    pub total: Rates,
    pub by_unit: BTreeMap<String, Rates>,
}

/// Computes every rate for a period.
pub fn compute(conn: &Connection, p: &Period) -> Result<RateTable> {
    super::prepare(conn, p)?;
    from_prepared(conn)
}

/// Computes every rate for the period last prepared with `metrics::prepare`.
pub fn from_prepared(conn: &Connection) -> Result<RateTable> {
    let mut t = RateTable::default();
    for (family, sql) in FAMILIES {
        let mut st = conn
            .prepare(sql)
            .with_context(|| format!("preparing sql/metrics/{family}.sql"))?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        for row in rows {
            let (metric, unit, n, d) = row?;
            let rates = match unit {
                None => &mut t.total,
                Some(u) => t.by_unit.entry(u).or_default(),
            };
            if let Some(slot) = rates.slot(&metric) {
                *slot = Rate::new(n, d);
            }
        }
    }
    Ok(t)
}
