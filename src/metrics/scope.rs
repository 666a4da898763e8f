//! A period scope as a value: the dates and an optional agency, bound into each query with
//! the CTEs of sql/metrics/scope.sql. The one state between queries is the period's cube
//! (sql/metrics/cube.sql), a pure function of the period and the 766 choices over a store no
//! query changes: kept while a `CubeCache` lives (one computation), else made afresh for
//! each query, so the order in which periods are computed cannot change a figure.

use crate::period::Period;
use anyhow::{Context, Result};
use duckdb::Connection;

/// The CTEs (`scope`, `period_flags`, `period_cube`) every metric query starts with.
pub const SCOPE_SQL: &str = include_str!("../../sql/metrics/scope.sql");
/// The period's flags summed per agency, level, field and procedure (`period_cube`).
pub const CUBE_SQL: &str = include_str!("../../sql/metrics/cube.sql");

/// The dates and agency a figure is computed for.
#[derive(Debug, Clone, PartialEq)]
pub struct Scope {
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    pub unit: Option<String>,
    /// Only these agencies (the like-for-like set of a comparison); None: all.
    pub units: Option<Vec<String>>,
    /// The open choices of the 766 on-time rule (rates.sql).
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

    /// Runs `body` (a query over `scope`, `period_flags` or `period_cube`) in this scope,
    /// calling `row` with each result row and the result's column names. A body that reads
    /// `period_cube` has the period's cube made first (or reused, under a `CubeCache`).
    pub fn query(
        &self,
        conn: &Connection,
        name: &str,
        body: &str,
        mut row: impl FnMut(&duckdb::Row, &[String]) -> Result<()>,
    ) -> Result<()> {
        super::install(conn)?;
        if body.contains("period_cube") {
            self.ensure_cube(conn)?;
        }
        let scope = super::sql_text("scope.sql", SCOPE_SQL);
        let sql = format!("{scope}\n{}", body.trim().trim_end_matches(';'));
        let mut st = conn.prepare(&sql).with_context(|| format!("preparing {name}"))?;
        let texts = self.texts();
        let t = std::time::Instant::now();
        let mut rows = st
            .query(self.params(&st, &texts))
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
        let texts = self.texts();
        st.execute(self.params(&st, &texts))
            .with_context(|| format!("creating {table}"))?;
        Ok(())
    }
}

impl Scope {
    /// The dates and the agency list as the SQL binds them.
    fn texts(&self) -> (String, String, Option<String>) {
        let units = self.units.as_ref().map(|u| u.join("\u{1f}"));
        (self.from.to_string(), self.to.to_string(), units)
    }

    /// The 766 choice bound as $5: a dossier withdrawn after its due date counts as late.
    fn late(&self) -> bool {
        self.choices.withdrawn_after_due == super::index766::WithdrawnAfterDue::Late
    }

    /// $1…$6 of scope.sql, as many as the statement uses (DuckDB counts only those the
    /// statement reads; each SQL file reads a prefix of them).
    fn params<'a>(
        &'a self,
        st: &duckdb::Statement,
        texts: &'a (String, String, Option<String>),
    ) -> duckdb::ParamsFromIter<Vec<&'a dyn duckdb::ToSql>> {
        let late = if self.late() { &true } else { &false };
        let (from, to, units) = texts;
        let all: [&dyn duckdb::ToSql; 6] = [from, to, &self.unit, units, late, &self.choices.paused_within];
        let n = st.parameter_count().min(all.len());
        duckdb::params_from_iter(all[..n].to_vec())
    }

    /// Makes the period's cube in `period_cubes` unless a live `CubeCache` holds it already.
    /// The cube depends on the period and the 766 choices, not on the agency (which filters
    /// it when it is read).
    fn ensure_cube(&self, conn: &Connection) -> Result<()> {
        let caching = temp_table_exists(conn, CUBE_KEYS)?;
        let (from, to) = (self.from.to_string(), self.to.to_string());
        let key = duckdb::params![from, to, self.late(), self.choices.paused_within];
        if caching {
            let n: i64 = conn.query_row(
                &format!(
                    "SELECT count(*) FROM {CUBE_KEYS}
                     WHERE c_t0 = CAST(? AS DATE) AND c_t1 = CAST(? AS DATE) AND c_late = ? AND c_paused = ?"
                ),
                key,
                |r| r.get(0),
            )?;
            if n > 0 {
                return Ok(());
            }
        } else {
            conn.execute_batch(&format!("DROP TABLE IF EXISTS temp.{CUBES}"))?;
        }
        let scope = super::sql_text("scope.sql", SCOPE_SQL);
        let cube = super::sql_text("cube.sql", CUBE_SQL);
        let select = format!(
            "{scope}\nSELECT CAST($1 AS DATE) AS c_t0, CAST($2 AS DATE) AS c_t1, CAST($5 AS BOOLEAN) AS c_late,
                    CAST($6 AS BOOLEAN) AS c_paused, * FROM (\n{cube}\n)"
        );
        let sql = if temp_table_exists(conn, CUBES)? {
            format!("INSERT INTO {CUBES} {select}")
        } else {
            format!("CREATE TEMP TABLE {CUBES} AS {select}")
        };
        // The cube is the province's: the agency filters apply when it is read.
        let whole = Scope {
            unit: None,
            units: None,
            ..self.clone()
        };
        let t = std::time::Instant::now();
        let mut st = conn.prepare(&sql).context("preparing sql/metrics/cube.sql")?;
        st.execute(whole.params(&st, &whole.texts()))
            .context("running sql/metrics/cube.sql")?;
        if caching {
            conn.execute(
                &format!("INSERT INTO {CUBE_KEYS} VALUES (CAST(? AS DATE), CAST(? AS DATE), ?, ?)"),
                key,
            )?;
        }
        tracing::debug!(
            "sql/metrics/cube.sql {}..{}: {:.3}s",
            self.from,
            self.to,
            t.elapsed().as_secs_f64()
        );
        Ok(())
    }
}

const CUBES: &str = "period_cubes";
const CUBE_KEYS: &str = "period_cube_keys";

fn temp_table_exists(conn: &Connection, name: &str) -> Result<bool> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?",
        [name],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

/// Keeps each period's cube, once made, until it is dropped: for one computation over a
/// store nothing writes to meanwhile (metrics::compute). Nested caches share the outer one.
pub struct CubeCache<'a> {
    conn: &'a Connection,
    owner: bool,
}

impl<'a> CubeCache<'a> {
    /// Starts keeping cubes on this connection (or joins the cache already open).
    pub fn open(conn: &'a Connection) -> Result<Self> {
        let exists = temp_table_exists(conn, CUBE_KEYS)?;
        if !exists {
            conn.execute_batch(&format!(
                "DROP TABLE IF EXISTS temp.{CUBES};
                 CREATE TEMP TABLE {CUBE_KEYS} (c_t0 DATE, c_t1 DATE, c_late BOOLEAN, c_paused BOOLEAN)"
            ))?;
        }
        Ok(CubeCache { conn, owner: !exists })
    }
}

impl Drop for CubeCache<'_> {
    fn drop(&mut self) {
        if self.owner {
            // Best effort: a temporary table also ends with its connection.
            let _ = self.conn.execute_batch(&format!(
                "DROP TABLE IF EXISTS temp.{CUBES}; DROP TABLE IF EXISTS temp.{CUBE_KEYS}"
            ));
        }
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
