//! Data coverage (docs/rules.md, Coverage): which agencies' files cover a period, fully or in part.
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
            let p = Period::of(crate::period::PeriodKind::Month(m), y, c)?;
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

/// How far a whole province's data covers a period: a province is covered only when every
/// agency it has ever reported for covers every day of the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub status: Status,
    /// Agencies ever seen (those with no data in the period included).
    pub units: i64,
    /// Agencies whose data covers every day of the period.
    pub units_covered: i64,
    /// Agencies with no data in the period.
    pub units_missing: i64,
    /// The fewest and the most days covered by an agency covered in part (0 when none is).
    pub fewest_days: i64,
    pub most_days: i64,
    pub period_days: i64,
}

/// The province's coverage of a period from its agencies'; with no agency at all, nothing
/// is covered.
pub fn summarise(agencies: &[AgencyCoverage], period_days: i64) -> Summary {
    let count = |s: Status| agencies.iter().filter(|a| a.status == s).count() as i64;
    let partly = agencies
        .iter()
        .filter(|a| a.status == Status::Partly)
        .map(|a| a.covered_days);
    let units = agencies.len() as i64;
    let (units_covered, units_missing) = (count(Status::Covered), count(Status::NotCovered));
    let status = if units > 0 && units_covered == units {
        Status::Covered
    } else if units_missing == units {
        Status::NotCovered
    } else {
        Status::Partly
    };
    Summary {
        status,
        units,
        units_covered,
        units_missing,
        fewest_days: partly.clone().min().unwrap_or(0),
        most_days: partly.max().unwrap_or(0),
        period_days,
    }
}

impl Summary {
    /// Why a province's data does not cover the period, in words; None when it does.
    pub fn shortfall(&self) -> Option<String> {
        if self.status == Status::Covered {
            return None;
        }
        if self.status == Status::NotCovered {
            return Some("chưa có số liệu của kỳ".into());
        }
        let n = self.period_days;
        let partly = self.units - self.units_covered - self.units_missing;
        let days = if self.fewest_days == self.most_days {
            format!("{}/{n} ngày", self.fewest_days)
        } else {
            format!("từ {} đến {}/{n} ngày", self.fewest_days, self.most_days)
        };
        if partly == self.units {
            return Some(format!("số liệu chỉ bao phủ {days} của kỳ"));
        }
        let mut parts = Vec::new();
        if partly > 0 {
            parts.push(format!(
                "số liệu của {partly}/{} cơ quan, đơn vị chỉ bao phủ {days} của kỳ",
                self.units
            ));
        }
        if self.units_missing > 0 {
            parts.push(format!(
                "{}/{} cơ quan, đơn vị chưa có số liệu kỳ này",
                self.units_missing, self.units
            ));
        }
        Some(parts.join(", "))
    }
}

impl Status {
    /// The status as stored in the lake and the JSON: covered, partly, not_covered.
    pub fn key(self) -> &'static str {
        match self {
            Status::Covered => "covered",
            Status::Partly => "partly",
            Status::NotCovered => "not_covered",
        }
    }

    /// The status a lake stores (see `key`).
    pub fn from_key(s: &str) -> Option<Status> {
        [Status::Covered, Status::Partly, Status::NotCovered]
            .into_iter()
            .find(|x| x.key() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agency(name: &str, days: i64, of: i64) -> AgencyCoverage {
        let status = match days {
            0 => Status::NotCovered,
            d if d >= of => Status::Covered,
            _ => Status::Partly,
        };
        AgencyCoverage {
            agency: name.into(),
            status,
            covered_days: days,
            period_days: of,
            inferred: false,
            files: String::new(),
        }
    }

    #[test]
    fn a_province_is_covered_only_when_every_agency_covers_every_day() {
        let all = [agency("A", 31, 31), agency("B", 31, 31)];
        assert_eq!(summarise(&all, 31).shortfall(), None);
        let month = [agency("A", 14, 31), agency("B", 14, 31)];
        assert_eq!(
            summarise(&month, 31).shortfall().unwrap(),
            "số liệu chỉ bao phủ 14/31 ngày của kỳ"
        );
        let mixed = [agency("A", 31, 31), agency("B", 14, 31), agency("C", 0, 31)];
        assert_eq!(
            summarise(&mixed, 31).shortfall().unwrap(),
            "số liệu của 1/3 cơ quan, đơn vị chỉ bao phủ 14/31 ngày của kỳ, 1/3 cơ quan, đơn vị chưa có số liệu kỳ này"
        );
        assert_eq!(summarise(&[], 31).status, Status::NotCovered);
    }
}
