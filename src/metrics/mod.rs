//! Metrics: runs the SQL of sql/metrics/ and shapes the results. SQL counts; Rust shapes.

pub mod explain;
pub mod ii06a;
pub mod index766;
pub mod rates;
pub mod scope;
pub mod table;
pub mod targets;

use crate::period::Period;
use anyhow::{Context, Result};
use duckdb::Connection;
use scope::Scope;
use serde::Serialize;

/// The SQL macros the metric queries build on, in dependency order.
pub const MACROS: &[(&str, &str)] = &[("ii06a_flags", include_str!("../../sql/metrics/ii06a_flags.sql"))];

/// Installs the metric macros on a connection (temporary macros: nothing is written).
pub fn install(conn: &Connection) -> Result<()> {
    for (name, sql) in MACROS {
        conn.execute_batch(sql)
            .with_context(|| format!("installing SQL macro {name}"))?;
    }
    Ok(())
}

/// How a period is shown in every output: its exact dates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodOut {
    pub from: String,
    pub to: String,
    pub convention: String,
    pub key: String,
    pub label: String,
}

impl From<&Period> for PeriodOut {
    fn from(p: &Period) -> Self {
        PeriodOut {
            from: p.from.to_string(),
            to: p.to.to_string(),
            convention: p.convention.name().to_string(),
            key: p.key(),
            label: p.label_vi(),
        }
    }
}

/// A comparison period: its totals and rates, and the change of each rate in points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub period: PeriodOut,
    pub ii06a: ii06a::Counts,
    pub rates: rates::Rates,
    /// Current percent minus this period's percent; None when either has no data.
    pub change_pp: std::collections::BTreeMap<String, Option<f64>>,
}

/// An input file behind the figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Input {
    pub file: String,
    pub sha256: String,
    pub rows_loaded: i64,
}

/// Everything `baocao metrics` reports for a period (the JSON contract, see README).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    pub period: PeriodOut,
    pub ii06a: ii06a::Table,
    pub rates: rates::Rates,
    pub rates_by_unit: std::collections::BTreeMap<String, rates::Rates>,
    pub targets: Vec<targets::TargetResult>,
    pub targets_summary: Vec<targets::Summary>,
    pub index766: index766::Index766,
    pub previous_period: Comparison,
    pub previous_year: Comparison,
    pub inputs: Vec<Input>,
}

/// Options that change how figures are counted.
#[derive(Debug, Clone)]
pub struct Options {
    /// The form's note on column (9): withdrawn dossiers count as resolved on time.
    pub withdrawn_in_resolved: bool,
    pub index766: index766::Config,
    pub targets: Option<targets::TargetsFile>,
    /// Restrict every figure to one agency (department-level reports).
    pub unit: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            withdrawn_in_resolved: true,
            index766: index766::parse_config(index766::DEFAULT_CONFIG).expect("built-in 766 configuration"),
            targets: None,
            unit: None,
        }
    }
}

/// The totals and rates of a comparison period, and the change of each rate in points.
fn comparison(conn: &Connection, p: &Period, current: &rates::Rates, o: &Options) -> Result<Comparison> {
    let scope = Scope::new(p, o.unit.as_deref());
    let t = ii06a::compute(conn, &scope, o.withdrawn_in_resolved)?;
    let r = rates::compute(conn, &scope)?.total;
    let change_pp = crate::registry::RATES
        .iter()
        .map(|e| {
            let now = current.get(e.key).and_then(|x| x.percent);
            let then = r.get(e.key).and_then(|x| x.percent);
            (e.key.to_string(), now.zip(then).map(|(a, b)| a - b))
        })
        .collect();
    Ok(Comparison {
        period: p.into(),
        ii06a: t.total.counts,
        rates: r,
        change_pp,
    })
}

/// The files whose rows are in force, in load order (where they were archived, if they were).
pub fn inputs(conn: &Connection) -> Result<Vec<Input>> {
    let mut st = conn.prepare(
        "SELECT coalesce(archived_path, path), sha256, rows_loaded FROM ingest_files f
         WHERE EXISTS (SELECT 1 FROM dossier_versions v WHERE v.file_id = f.file_id AND v.superseded_by IS NULL)
            OR EXISTS (SELECT 1 FROM feedback_versions v WHERE v.file_id = f.file_id AND v.superseded_by IS NULL)
            OR EXISTS (SELECT 1 FROM catalogue_versions v WHERE v.file_id = f.file_id AND v.superseded_by IS NULL)
         ORDER BY file_id",
    )?;
    let rows = st.query_map([], |r| {
        Ok(Input {
            file: r.get(0)?,
            sha256: r.get(1)?,
            rows_loaded: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<duckdb::Result<Vec<_>>>()?)
}

/// Computes every metric for a period, with its comparisons.
pub fn compute(conn: &Connection, p: &Period, o: &Options) -> Result<Metrics> {
    let scope = Scope::new(p, o.unit.as_deref());
    let table = ii06a::compute(conn, &scope, o.withdrawn_in_resolved)?;
    let rt = rates::compute(conn, &scope)?;
    let idx = index766::score(&o.index766, &rt.total);
    let targets = o
        .targets
        .as_ref()
        .map(|f| targets::evaluate(f, &rt.total))
        .unwrap_or_default();
    let summary = if targets.is_empty() {
        Vec::new()
    } else {
        targets::summarise(&targets)
    };
    let previous_period = comparison(conn, &p.previous(), &rt.total, o)?;
    // For a nine-month or yearly period both comparisons are the year before: compute it once.
    let previous_year = if p.previous_year() == p.previous() {
        previous_period.clone()
    } else {
        comparison(conn, &p.previous_year(), &rt.total, o)?
    };
    Ok(Metrics {
        period: p.into(),
        previous_period,
        previous_year,
        ii06a: table,
        rates: rt.total,
        rates_by_unit: rt.by_unit,
        targets,
        targets_summary: summary,
        index766: idx,
        inputs: inputs(conn)?,
    })
}
