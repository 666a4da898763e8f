//! A period scope as a value: the dates and an optional agency, bound into each query with
//! the CTEs of sql/metrics/scope.sql. No query reads state another query left behind, so
//! the order in which periods are computed cannot change a figure.

use crate::period::Period;
use anyhow::{Context, Result};
use duckdb::Connection;

/// The CTEs (`scope`, `period_flags`) every metric query starts with.
pub const SCOPE_SQL: &str = include_str!("../../sql/metrics/scope.sql");

/// The dates and agency a figure is computed for.
#[derive(Debug, Clone, PartialEq)]
pub struct Scope {
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    pub unit: Option<String>,
    /// Only these agencies (the like-for-like set of a comparison); None: all.
    pub units: Option<Vec<String>>,
    /// The open choices of the 766 on-time rule (index766.sql).
    pub choices: super::index766::Choices,
}

impl Scope {
    /// The scope of a period, for the whole province or one agency.
    pub fn new(p: &Period, unit: Option<&str>) -> Self {
        Scope {
            from: p.from,
            to: p.to,
            unit: unit.map(str::to_string),
            units: None,
            choices: Default::default(),
        }
    }

    /// The same scope with the 766 choices of a configuration.
    pub fn with_choices(mut self, c: &super::index766::Choices) -> Self {
        self.choices = c.clone();
        self
    }

    /// The same scope restricted to some agencies.
    pub fn only(mut self, units: &[String]) -> Self {
        self.units = Some(units.to_vec());
        self
    }

    /// Runs `body` (a query over `scope` and `period_flags`) in this scope, calling `row`
    /// with each result row and the result's column names.
    pub fn query(
        &self,
        conn: &Connection,
        name: &str,
        body: &str,
        mut row: impl FnMut(&duckdb::Row, &[String]) -> Result<()>,
    ) -> Result<()> {
        super::install(conn)?;
        let scope = super::sql_text("scope.sql", SCOPE_SQL);
        let sql = format!("{scope}\n{}", body.trim().trim_end_matches(';'));
        let mut st = conn.prepare(&sql).with_context(|| format!("preparing {name}"))?;
        let (from, to) = (self.from.to_string(), self.to.to_string());
        let units = self.units.as_ref().map(|u| u.join("\u{1f}"));
        let late = self.choices.withdrawn_after_due == super::index766::WithdrawnAfterDue::Late;
        // $1…$4 for every query; $5 $6 only for those that use them (index766.sql).
        let all: [&dyn duckdb::ToSql; 6] = [&from, &to, &self.unit, &units, &late, &self.choices.paused_within];
        let n = st.parameter_count().min(all.len());
        let t = std::time::Instant::now();
        let mut rows = st
            .query(duckdb::params_from_iter(&all[..n]))
            .with_context(|| format!("running {name}"))?;
        let names: Vec<String> = rows.as_ref().map(|s| s.column_names()).unwrap_or_default();
        while let Some(r) = rows.next()? {
            row(r, &names)?;
        }
        tracing::debug!("{name} {}..{}: {:.3}s", self.from, self.to, t.elapsed().as_secs_f64());
        Ok(())
    }
}

impl Scope {
    /// Creates (or replaces) a temporary table from a query body in this scope (the
    /// Parquet export reads the period's flags this way, without a trip through Rust).
    pub fn create_temp(&self, conn: &Connection, table: &str, body: &str) -> Result<()> {
        super::install(conn)?;
        let scope = super::sql_text("scope.sql", SCOPE_SQL);
        let sql = format!(
            "CREATE OR REPLACE TEMP TABLE {table} AS {scope}\n{}",
            body.trim().trim_end_matches(';')
        );
        let mut st = conn.prepare(&sql).with_context(|| format!("preparing {table}"))?;
        let (from, to) = (self.from.to_string(), self.to.to_string());
        let units = self.units.as_ref().map(|u| u.join("\u{1f}"));
        let all: [&dyn duckdb::ToSql; 4] = [&from, &to, &self.unit, &units];
        let n = st.parameter_count().min(all.len());
        st.execute(duckdb::params_from_iter(&all[..n]))
            .with_context(|| format!("creating {table}"))?;
        Ok(())
    }
}

/// Joins query bodies with the same columns into one statement (one scan of the store).
pub fn union_all(bodies: &[(&str, &str)]) -> String {
    bodies
        .iter()
        .map(|(_, b)| format!("SELECT * FROM (\n{}\n)", b.trim().trim_end_matches(';')))
        .collect::<Vec<_>>()
        .join("\nUNION ALL\n")
}
