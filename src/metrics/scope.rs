//! A period scope as a value: the dates and an optional agency, bound into each query with
//! the CTEs of sql/metrics/scope.sql. A period's II.06a flags are computed once per
//! connection and state of the data (`flags_cache`, a temporary table), not once per query;
//! the cache is keyed by the period's dates and by the state of `ingest_files`, so whatever
//! order periods are computed in, a figure is computed from the same rows.

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
        ensure_flags(conn, self.from, self.to)?;
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
        ensure_flags(conn, self.from, self.to)?;
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

/// How many periods' flags the cache holds at most: a report reads the current period, then
/// each comparison period, then the current one again; more would only cost memory.
const CACHED_PERIODS: i64 = 2;

/// Makes sure `flags_cache` holds the II.06a flags of the period [from, to] over the data as
/// it is now: computed by the `ii06a_flags` macro (with every agency: the scope's agency
/// filters apply when reading), and dropped as soon as `ingest_files` changes, so no figure
/// is ever read from flags of earlier data.
fn ensure_flags(conn: &Connection, from: chrono::NaiveDate, to: chrono::NaiveDate) -> Result<()> {
    let (from, to) = (from.to_string(), to.to_string());
    let t = std::time::Instant::now();
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS flags_periods (p_from DATE, p_to DATE, data VARCHAR, used BIGINT);
         CREATE TEMP TABLE IF NOT EXISTS flags_cache AS
             SELECT DATE '1970-01-01' AS p_from, DATE '1970-01-01' AS p_to, *
             FROM ii06a_flags(DATE '1970-01-01', DATE '1970-01-01') LIMIT 0;",
    )
    .context("creating the flags cache")?;
    // Every load, replacement or archiving of a file changes one of these.
    let data: String = conn.query_row(
        "SELECT count(*) || ':' || coalesce(max(file_id), 0) || ':' || coalesce(sum(rows_in_force), 0)
                || ':' || count(superseded_by) || ':' || coalesce(sum(rows_loaded), 0)
         FROM ingest_files",
        [],
        |r| r.get(0),
    )?;
    let stale: i64 = conn.query_row("SELECT count(*) FROM flags_periods WHERE data <> ?", [&data], |r| {
        r.get(0)
    })?;
    if stale > 0 {
        conn.execute_batch("DELETE FROM flags_cache; DELETE FROM flags_periods;")?;
    }
    let touched = conn.execute(
        "UPDATE flags_periods SET used = (SELECT max(used) + 1 FROM flags_periods)
         WHERE p_from = CAST(? AS DATE) AND p_to = CAST(? AS DATE)",
        [&from, &to],
    )?;
    if touched > 0 {
        return Ok(());
    }
    // Make room: forget the least recently used periods.
    let keep = CACHED_PERIODS - 1;
    conn.execute_batch(&format!(
        "DELETE FROM flags_cache c USING (
             SELECT p_from, p_to FROM flags_periods ORDER BY used DESC OFFSET {keep}) o
         WHERE c.p_from = o.p_from AND c.p_to = o.p_to;
         DELETE FROM flags_periods WHERE used NOT IN (SELECT used FROM flags_periods ORDER BY used DESC LIMIT {keep});"
    ))?;
    conn.execute(
        "INSERT INTO flags_cache SELECT CAST($1 AS DATE), CAST($2 AS DATE), * FROM ii06a_flags(CAST($1 AS DATE), CAST($2 AS DATE))",
        [&from, &to],
    )
    .with_context(|| format!("computing the II.06a flags of {from}..{to}"))?;
    conn.execute(
        "INSERT INTO flags_periods SELECT CAST(? AS DATE), CAST(? AS DATE), ?, coalesce((SELECT max(used) FROM flags_periods), 0) + 1",
        [&from, &to, &data],
    )?;
    tracing::debug!("II.06a flags of {from}..{to}: {:.3}s", t.elapsed().as_secs_f64());
    Ok(())
}

/// Joins query bodies with the same columns into one statement (one scan of the store).
pub fn union_all(bodies: &[(&str, &str)]) -> String {
    bodies
        .iter()
        .map(|(_, b)| format!("SELECT * FROM (\n{}\n)", b.trim().trim_end_matches(';')))
        .collect::<Vec<_>>()
        .join("\nUNION ALL\n")
}
