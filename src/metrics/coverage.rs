//! Data coverage (domain.md §12): which agencies' files cover a period, fully or in part.
//! A comparison is made only for agencies covered in both periods; an agency expected but
//! without data is named in the report.

use crate::period::Period;
use anyhow::{Context, Result};
use duckdb::Connection;
use serde::Serialize;

const SQL: &str = include_str!("../../sql/metrics/coverage.sql");

/// How much of a period an agency's data covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Covered,
    Partly,
    NotCovered,
}

impl Status {
    /// The Vietnamese word printed by `baocao coverage`.
    pub fn label(self) -> &'static str {
        match self {
            Status::Covered => "đủ số liệu",
            Status::Partly => "một phần",
            Status::NotCovered => "chưa có số liệu",
        }
    }
}

/// One agency's coverage of a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgencyCoverage {
    pub agency: String,
    pub status: Status,
    pub covered_days: i64,
    pub period_days: i64,
    /// True when a window behind it was inferred from the rows, not stated by the file.
    pub inferred: bool,
    pub files: String,
}

/// Every agency ever seen, with its coverage of `p`, by name.
pub fn of_period(conn: &Connection, p: &Period) -> Result<Vec<AgencyCoverage>> {
    let mut st = conn
        .prepare(&super::sql_text("coverage.sql", SQL))
        .context("preparing coverage.sql")?;
    let rows = st.query_map(duckdb::params![p.from.to_string(), p.to.to_string()], |r| {
        let covered: i64 = r.get(1)?;
        let days: i64 = r.get(2)?;
        let any_inferred: i32 = r.get(4)?;
        Ok(AgencyCoverage {
            agency: r.get(0)?,
            status: if covered >= days {
                Status::Covered
            } else if covered > 0 {
                Status::Partly
            } else {
                Status::NotCovered
            },
            covered_days: covered,
            period_days: days,
            inferred: any_inferred == 1,
            files: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<duckdb::Result<Vec<_>>>()?)
}

/// Agencies whose data fully covers both periods (the like-for-like set), by name.
pub fn covered_in_both(now: &[AgencyCoverage], then: &[AgencyCoverage]) -> Vec<String> {
    now.iter()
        .filter(|a| a.status == Status::Covered)
        .filter(|a| then.iter().any(|b| b.agency == a.agency && b.status == Status::Covered))
        .map(|a| a.agency.clone())
        .collect()
}

/// Agencies with any data in one of the two periods: what a full comparison must include.
pub fn with_data(now: &[AgencyCoverage], then: &[AgencyCoverage]) -> Vec<String> {
    let mut v: Vec<String> = now
        .iter()
        .chain(then)
        .filter(|a| a.status != Status::NotCovered)
        .map(|a| a.agency.clone())
        .collect();
    v.sort();
    v.dedup();
    v
}

/// The latest complete month (by `c`, as of `today`) that any file covers, if any.
pub fn latest_month(
    conn: &Connection,
    c: crate::period::Convention,
    today: chrono::NaiveDate,
) -> Result<Option<Period>> {
    use chrono::Datelike;
    let last: Option<chrono::NaiveDate> = conn.query_row("SELECT max(day_to) FROM coverage", [], |r| r.get(0))?;
    let Some(last) = last else { return Ok(None) };
    let mut best = None;
    for y in last.year() - 1..=last.year() + 1 {
        for m in 1..=12 {
            let p = Period::of(crate::period::Kind::Month(m), y, c)?;
            if p.is_complete(today) && p.from <= last && best.as_ref().is_none_or(|b: &Period| p.from > b.from) {
                best = Some(p);
            }
        }
    }
    Ok(best)
}

/// Agencies expected in the period (seen before it, or configured) that have no data in
/// it, in name order.
pub fn missing(conn: &Connection, p: &Period, now: &[AgencyCoverage], configured: &[String]) -> Result<Vec<String>> {
    let mut seen_before: Vec<String> = {
        let mut st =
            conn.prepare("SELECT DISTINCT agency FROM coverage WHERE day_from < CAST(? AS DATE) ORDER BY 1")?;
        let rows = st.query_map(duckdb::params![p.from.to_string()], |r| r.get::<_, String>(0))?;
        rows.collect::<duckdb::Result<Vec<_>>>()?
    };
    seen_before.extend(configured.iter().cloned());
    seen_before.sort();
    seen_before.dedup();
    Ok(seen_before
        .into_iter()
        .filter(|a| !a.is_empty())
        .filter(|a| !now.iter().any(|c| &c.agency == a && c.status != Status::NotCovered))
        .collect())
}

/// The agency a person names (`--unit`), as the data names it: the same name after NFC,
/// case and white space among the agencies of the loaded files and the configured ones;
/// an unknown name is a usage error listing the closest.
pub fn resolve_agency(conn: &Connection, typed: &str, configured: &[String]) -> Result<String> {
    let mut names: Vec<String> = {
        let mut st = conn.prepare("SELECT DISTINCT agency FROM coverage WHERE agency <> '' ORDER BY 1")?;
        let rows = st.query_map([], |r| r.get::<_, String>(0))?;
        rows.collect::<duckdb::Result<Vec<_>>>()?
    };
    names.extend(configured.iter().cloned());
    names.sort();
    names.dedup();
    if let Some(n) = crate::names::find(typed, &names) {
        return Ok(n.clone());
    }
    let near = crate::names::closest(typed, &names, 5);
    let hint = if near.is_empty() {
        format!(
            "{} agencies are loaded (`baocao coverage --period …` lists them)",
            names.len()
        )
    } else {
        format!("closest: {}", near.join("; "))
    };
    Err(anyhow::Error::new(crate::error::Failure::new(
        crate::error::Exit::Usage,
        format!("--unit {typed:?} is no agency of the loaded data or of [metrics] expected_units; {hint}"),
    )))
}
