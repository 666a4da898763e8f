//! Metrics: runs the SQL of sql/metrics/ and shapes the results. SQL counts; Rust shapes.

pub mod coverage;
pub mod explain;
pub mod ii06a;
pub mod ii06b;
pub mod ii07b;
pub mod index766;
pub mod letters;
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
        conn.execute_batch(&sql_text(&format!("{name}.sql"), sql))
            .with_context(|| format!("installing SQL macro {name}"))?;
    }
    Ok(())
}

/// The text of a metric SQL file: the embedded one, or — for the mutation check only
/// (`make mutants`) — the file of that name in the folder `BAOCAO_SQL_DIR` names.
pub fn sql_text(file: &str, embedded: &'static str) -> std::borrow::Cow<'static, str> {
    match std::env::var_os("BAOCAO_SQL_DIR") {
        Some(dir) => std::fs::read_to_string(std::path::Path::new(&dir).join(file))
            .map(std::borrow::Cow::Owned)
            .unwrap_or(std::borrow::Cow::Borrowed(embedded)),
        None => std::borrow::Cow::Borrowed(embedded),
    }
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
            convention: p.convention.name(),
            key: p.key(),
            label: p.label_vi(),
        }
    }
}

/// How far a comparison is like for like (docs/rules.md, Comparisons like for like).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Every agency with data in either period is covered in both: the whole is compared.
    Full,
    /// Only the agencies covered in both periods (`units`) are compared.
    Partial,
    /// No agency is covered in both periods: no comparison is made.
    None,
}

/// A comparison period: its totals and rates over the agencies covered in both periods,
/// the current figures over the same agencies, and the change of each rate in points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub period: PeriodOut,
    pub basis: Basis,
    /// Why the comparison is limited or not made; None when it is full.
    pub reason: Option<String>,
    /// The agencies compared (covered in both periods), by name.
    pub units: Vec<String>,
    /// How many agencies have data in either period.
    pub units_with_data: usize,
    /// The agencies with data in either period that are not compared (not covered in both).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub left_out: Vec<String>,
    /// The comparison period's counts and rates over `units`; None when not comparable.
    pub ii06a: Option<ii06a::Counts>,
    pub rates: Option<rates::Rates>,
    /// This period's counts and rates over the same agencies.
    pub current_ii06a: Option<ii06a::Counts>,
    pub current_rates: Option<rates::Rates>,
    /// The change of each printed rate, in points; None when either side has no data.
    pub change_pp: std::collections::BTreeMap<String, Option<f64>>,
    /// The 766 index of each unit in the comparison period, only when the comparison is
    /// full (every unit covered in both periods): what a change of rank needs.
    pub index766_by_unit: std::collections::BTreeMap<String, index766::Index766>,
    /// The on-time rate (%) of each agency compared, in the other period (for the report's
    /// shortcomings; not part of the JSON contract).
    #[serde(skip)]
    pub on_time_by_unit: std::collections::BTreeMap<String, f64>,
}

impl Comparison {
    /// The change of one rate, in points (None when not comparable or nothing to rate).
    pub fn change(&self, key: &str) -> Option<f64> {
        self.change_pp.get(key).copied().flatten()
    }
}

/// A dossier left out of the counts because its dates contradict the II.06a identity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SetAside {
    pub ma_ho_so: String,
    pub unit: String,
    pub file: String,
    pub row: i64,
}

/// An input file behind the figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Input {
    pub file: String,
    pub sha256: String,
    pub rows_loaded: i64,
    /// The export window given with `ingest --covers` ("2023-05-15..2023-06-14"), which the
    /// file itself does not say (so `regenerate` can give it again).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub covers: Option<String>,
}

/// Everything `baocao metrics` reports for a period (the JSON contract, see README).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    pub period: PeriodOut,
    /// The agency of a department-level report; absent for the province.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub ii06a: ii06a::Table,
    /// Biểu II.06b: per procedure, grouped by field.
    pub ii06b: Vec<ii06b::Row>,
    /// Biểu II.07b, from the procedure catalogue (empty when none is loaded).
    pub ii07b: Vec<ii07b::Row>,
    pub rates: rates::Rates,
    pub rates_by_unit: std::collections::BTreeMap<String, rates::Rates>,
    pub targets: Vec<targets::TargetResult>,
    pub targets_summary: Vec<targets::Summary>,
    pub index766: index766::Index766,
    /// The 766 index of each unit with data in the period.
    pub index766_by_unit: std::collections::BTreeMap<String, index766::Index766>,
    pub previous_period: Comparison,
    pub previous_year: Comparison,
    /// Every agency ever seen, with its coverage of this period.
    pub coverage: Vec<coverage::AgencyCoverage>,
    /// Agencies expected (seen before, or configured) with no data in this period.
    pub missing_units: Vec<String>,
    /// Dossiers left out of every count, with where they are.
    pub set_aside: Vec<SetAside>,
    /// Apology letters of the period; absent when no letter loaded is dated in it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub letters: Option<letters::Letters>,
    /// The dossiers resolved late, for the late-dossier appendix (only when it is asked for).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub late_list: Vec<letters::LateDossier>,
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
    /// Agencies expected to report every period, besides those seen before.
    pub expected_units: Vec<String>,
    /// Compute the per-procedure and catalogue forms (II.06b, II.07b) and the 766 index per
    /// unit; a roll-up reading a province's store needs neither.
    pub forms: bool,
    /// List the dossiers resolved late (the late-dossier appendix, `late_list`).
    pub late_list: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            withdrawn_in_resolved: true,
            index766: index766::parse_config(index766::DEFAULT_CONFIG).expect("built-in 766 configuration"),
            targets: None,
            unit: None,
            expected_units: Vec::new(),
            forms: true,
            late_list: false,
        }
    }
}

/// The current period's figures, as a comparison needs them.
struct Current<'a> {
    period: &'a Period,
    coverage: &'a [coverage::AgencyCoverage],
    counts: &'a ii06a::Counts,
    rates: &'a rates::Rates,
}

/// Coverage restricted to the agency of a department-level report.
fn coverage_for(c: Vec<coverage::AgencyCoverage>, o: &Options) -> Vec<coverage::AgencyCoverage> {
    match &o.unit {
        Some(u) => c.into_iter().filter(|a| &a.agency == u).collect(),
        None => c,
    }
}

/// Compares the current period with `p`, like for like: only the agencies whose data covers
/// both periods are compared, on both sides; with none, no figure is given.
fn comparison(conn: &Connection, p: &Period, now: &Current, o: &Options) -> Result<Comparison> {
    let then_cov = coverage_for(coverage::of_period(conn, p)?, o);
    let units = coverage::covered_in_both(now.coverage, &then_cov);
    let with_data = coverage::with_data(now.coverage, &then_cov);
    let units_with_data = with_data.len();
    let left_out: Vec<String> = with_data.into_iter().filter(|u| !units.contains(u)).collect();
    let none = |reason: String| Comparison {
        period: p.into(),
        basis: Basis::None,
        reason: Some(reason),
        units: Vec::new(),
        units_with_data,
        left_out: left_out.clone(),
        ii06a: None,
        rates: None,
        current_ii06a: None,
        current_rates: None,
        change_pp: crate::registry::RATES
            .iter()
            .map(|e| (e.key.to_string(), None))
            .collect(),
        index766_by_unit: Default::default(),
        on_time_by_unit: Default::default(),
    };
    if units.is_empty() {
        return Ok(none(format!(
            "chưa đủ số liệu để so sánh: số liệu đã nạp không bao phủ đủ {} của cùng cơ quan, đơn vị",
            p.label_vi()
        )));
    }
    let basis = if units.len() == units_with_data {
        Basis::Full
    } else {
        Basis::Partial
    };
    let then_scope = Scope::new(p, o.unit.as_deref())
        .with_choices(&o.index766.choices)
        .only(&units);
    let then_counts = ii06a::compute(conn, &then_scope, o.withdrawn_in_resolved)?.total.counts;
    let then_rt = rates::compute(conn, &then_scope)?;
    let then_rates = then_rt.total;
    let on_time_by_unit = then_rt
        .by_unit
        .iter()
        .filter_map(|(u, r)| Some((u.clone(), r.on_time.percent?)))
        .collect();
    let index766_by_unit = if basis == Basis::Full && o.forms {
        index766::by_unit(&o.index766, &then_rt.by_unit)
    } else {
        Default::default()
    };
    let (cur_counts, cur_rates) = match basis {
        Basis::Full => (*now.counts, *now.rates),
        _ => {
            let s = Scope::new(now.period, o.unit.as_deref())
                .with_choices(&o.index766.choices)
                .only(&units);
            (
                ii06a::compute(conn, &s, o.withdrawn_in_resolved)?.total.counts,
                rates::compute(conn, &s)?.total,
            )
        }
    };
    let change_pp = crate::registry::RATES
        .iter()
        .map(|e| {
            let a = cur_rates.get(e.key).and_then(|x| x.percent);
            let b = then_rates.get(e.key).and_then(|x| x.percent);
            (
                e.key.to_string(),
                a.zip(b).map(|(a, b)| crate::registry::points_between(a, b)),
            )
        })
        .collect();
    let reason = (basis == Basis::Partial).then(|| {
        format!(
            "so sánh trên {}/{} cơ quan, đơn vị có đủ số liệu cả hai kỳ",
            units.len(),
            units_with_data
        )
    });
    Ok(Comparison {
        period: p.into(),
        basis,
        reason,
        units,
        units_with_data,
        left_out,
        ii06a: Some(then_counts),
        rates: Some(then_rates),
        current_ii06a: Some(cur_counts),
        current_rates: Some(cur_rates),
        change_pp,
        index766_by_unit,
        on_time_by_unit,
    })
}

/// The dossiers set aside from the counts of a scope (see scope.sql).
fn set_aside(conn: &Connection, scope: &Scope) -> Result<Vec<SetAside>> {
    let mut v = Vec::new();
    let mut any = 0i64;
    scope.query(
        conn,
        "sql/metrics/set_aside_any.sql",
        &sql_text("set_aside_any.sql", SET_ASIDE_ANY_SQL),
        |r, _| {
            any = r.get(0)?;
            Ok(())
        },
    )?;
    if any == 0 {
        return Ok(v);
    }
    scope.query(
        conn,
        "sql/metrics/set_aside.sql",
        &sql_text("set_aside.sql", SET_ASIDE_SQL),
        |r, _| {
            v.push(SetAside {
                ma_ho_so: r.get(0)?,
                unit: r.get(1)?,
                file: r.get(2)?,
                row: r.get(3)?,
            });
            Ok(())
        },
    )?;
    Ok(v)
}

const SET_ASIDE_SQL: &str = include_str!("../../sql/metrics/set_aside.sql");
const SET_ASIDE_ANY_SQL: &str = include_str!("../../sql/metrics/set_aside_any.sql");

/// The files whose rows are in force, in load order (where they were archived, if they were).
/// One grouped scan per table: a correlated EXISTS per file read the history once per
/// file (docs/decisions.md, the report's input files).
pub fn inputs(conn: &Connection) -> Result<Vec<Input>> {
    let mut st = conn.prepare(
        "SELECT coalesce(archived_path, path), sha256, rows_loaded,
                (SELECT any_value(strftime(c.day_from, '%Y-%m-%d') || '..' || strftime(c.day_to, '%Y-%m-%d'))
                 FROM coverage c WHERE c.file_id = f.file_id AND c.source = 'option') AS covers
         FROM ingest_files f
         WHERE file_id IN (SELECT DISTINCT file_id FROM dossier_versions WHERE superseded_by IS NULL
                           UNION SELECT DISTINCT file_id FROM feedback_versions WHERE superseded_by IS NULL
                           UNION SELECT DISTINCT file_id FROM catalogue_versions WHERE superseded_by IS NULL
                           UNION SELECT DISTINCT file_id FROM letter_versions WHERE superseded_by IS NULL)
         ORDER BY file_id",
    )?;
    let rows = st.query_map([], |r| {
        Ok(Input {
            file: r.get(0)?,
            sha256: r.get(1)?,
            rows_loaded: r.get(2)?,
            covers: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<duckdb::Result<Vec<_>>>()?)
}

/// Computes every metric for a period, with its comparisons.
/// One month of a year's trend: its rates only (the year-end review charts the on-time rate
/// by month; the month's counts, coverage and comparisons are not printed, so not computed).
pub fn trend_month(conn: &Connection, p: &Period, o: &Options) -> Result<(PeriodOut, rates::Rates)> {
    let scope = Scope::new(p, o.unit.as_deref()).with_choices(&o.index766.choices);
    Ok((p.into(), rates::compute(conn, &scope)?.total))
}

pub fn compute(conn: &Connection, p: &Period, o: &Options) -> Result<Metrics> {
    if let Some(f) = o.targets.as_ref().filter(|f| f.year != p.year) {
        anyhow::bail!(crate::error::Failure::new(
            crate::error::Exit::Usage,
            format!(
                "the targets file is for {} but the period {} is in {}: give the targets of {}",
                f.year,
                p.key(),
                p.year,
                p.year
            )
        ));
    }
    // Each period's cube is made once for all the figures below (II.06a, II.06b, the rates,
    // the like-for-like comparisons over some agencies).
    let _cubes = scope::CubeCache::open(conn)?;
    let scope = Scope::new(p, o.unit.as_deref()).with_choices(&o.index766.choices);
    let table = ii06a::compute(conn, &scope, o.withdrawn_in_resolved)?;
    let ii06b = if o.forms {
        ii06b::compute(conn, &scope, o.withdrawn_in_resolved)?
    } else {
        Vec::new()
    };
    let ii07b = match &o.unit {
        _ if !o.forms => Vec::new(),
        // A department's report lists its own procedures only.
        Some(u) => ii07b::compute(conn)?
            .into_iter()
            .filter(|r| r.unit.as_deref() == Some(u.as_str()))
            .collect(),
        None => ii07b::compute(conn)?,
    };
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
    let cov = coverage_for(coverage::of_period(conn, p)?, o);
    let now = Current {
        period: p,
        coverage: &cov,
        counts: &table.total.counts,
        rates: &rt.total,
    };
    let previous_period = comparison(conn, &p.previous(), &now, o)?;
    // For a nine-month or yearly period both comparisons are the year before: compute it once.
    let previous_year = if p.previous_year() == p.previous() {
        previous_period.clone()
    } else {
        comparison(conn, &p.previous_year(), &now, o)?
    };
    let missing_units = match &o.unit {
        // A department without data this period is named, like any agency.
        Some(u)
            if !cov
                .iter()
                .any(|c| &c.agency == u && c.status != coverage::Status::NotCovered) =>
        {
            vec![u.clone()]
        }
        Some(_) => Vec::new(),
        None => coverage::missing(conn, p, &cov, &o.expected_units)?,
    };
    let set_aside = set_aside(conn, &scope)?;
    let letters = letters::compute(conn, &scope)?;
    let late_list = if o.late_list && o.forms {
        letters::late_list(conn, &scope, &crate::calendar::Calendar::builtin())?
    } else {
        Vec::new()
    };
    let index766_by_unit = if o.forms {
        index766::by_unit(&o.index766, &rt.by_unit)
    } else {
        Default::default()
    };
    Ok(Metrics {
        period: p.into(),
        unit: o.unit.clone(),
        previous_period,
        previous_year,
        ii06a: table,
        ii06b,
        ii07b,
        rates: rt.total,
        rates_by_unit: rt.by_unit,
        targets,
        targets_summary: summary,
        index766_by_unit,
        index766: idx,
        coverage: cov,
        missing_units,
        set_aside,
        letters,
        late_list,
        inputs: inputs(conn)?,
    })
}
