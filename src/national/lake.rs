//! The Parquet lake (`baocao export --parquet DIR`): per province and month, the dossiers
//! the period touches (in force, without `extra`), their II.06a flags, and the metrics per
//! unit with its coverage of the period, hive-partitioned `province=<slug>/year=YYYY/month=MM/`,
//! with a `_manifest.json` naming the province and the store it came from. File contents are
//! deterministic (ordered rows, no clock); a re-export of a partition (same province, same
//! store) replaces it in one rename, and any other export into it is refused.

use crate::error::{Exit, Failure};
use crate::metrics::coverage::{self, AgencyCoverage, Summary};
use crate::metrics::scope::Scope;
use crate::metrics::{Metrics, Options};
use crate::period::Period;
use crate::registry::{COUNTS, RATES};
use anyhow::{Context, Result};
use duckdb::types::Value;
use duckdb::Connection;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// One file of a partition, as the manifest lists it.
#[derive(Debug, Clone, Serialize)]
pub struct LakeFile {
    pub name: String,
    pub rows: i64,
    pub sha256: String,
}

/// `_manifest.json` of a partition.
#[derive(Debug, Clone, Serialize)]
pub struct PartitionManifest {
    pub province: String,
    /// The store the partition was exported from (its database file, absolute path): a
    /// partition holds one province's data from one store.
    pub store: String,
    pub period: crate::metrics::PeriodOut,
    /// The province's coverage of the period: covered only when every agency covers every day.
    pub coverage: Summary,
    /// Every agency ever seen in the store, with its coverage of the period.
    pub coverage_by_unit: Vec<AgencyCoverage>,
    pub index766_version: String,
    pub inputs: Vec<crate::metrics::Input>,
    pub sql: Vec<crate::run::manifest::Hashed>,
    pub files: Vec<LakeFile>,
}

/// The partition folder of a period: `province=nghe-an/year=2023/month=06` for a month,
/// `…/year=2023/period=2023` for a year (or a quarter, a half-year).
pub fn partition(lake: &Path, province: &str, p: &Period) -> PathBuf {
    lake.join(format!("province={}", crate::pipeline::slug(province)))
        .join(format!("year={}", p.year))
        .join(leaf(p))
}

/// The last folder of a period's partition: `month=06`, `period=2023`.
pub fn leaf(p: &Period) -> String {
    match p.kind {
        crate::period::PeriodKind::Month(m) => format!("month={m:02}"),
        _ => format!("period={}", p.key()),
    }
}

/// The columns of metrics.parquet: what names a row, the II.06a counts, each rate's two
/// counts and its dossiers without the columns it needs, the 766 score with its scorable
/// maximum, and the coverage of the period (an agency's days; for the province, how many
/// agencies cover it fully, in part or not).
fn metric_columns() -> Vec<(String, &'static str)> {
    let mut c = vec![
        ("province".to_string(), "VARCHAR"),
        ("period".to_string(), "VARCHAR"),
        ("period_from".to_string(), "VARCHAR"),
        ("period_to".to_string(), "VARCHAR"),
        ("grain".to_string(), "VARCHAR"),
        ("level".to_string(), "VARCHAR"),
        ("unit".to_string(), "VARCHAR"),
    ];
    c.extend(COUNTS.iter().map(|e| (e.key.to_string(), "BIGINT")));
    for e in RATES {
        c.push((format!("{}_num", e.key), "BIGINT"));
        c.push((format!("{}_den", e.key), "BIGINT"));
        c.push((format!("{}_missing", e.key), "BIGINT"));
    }
    c.push(("index766_total".into(), "DOUBLE"));
    c.push(("index766_max_scorable".into(), "DOUBLE"));
    c.push(("coverage_status".into(), "VARCHAR"));
    for n in [
        "covered_days",
        "period_days",
        "coverage_units",
        "coverage_units_covered",
        "coverage_units_missing",
        "coverage_fewest_days",
        "coverage_most_days",
    ] {
        c.push((n.into(), "BIGINT"));
    }
    c
}

/// The coverage columns of a row: the province's summary for the total, an agency's own
/// days for an agency, nothing for a level (its agencies without data are not known).
fn coverage_values(m: &Metrics, days: i64, grain: &str, unit: Option<&str>) -> Vec<Value> {
    let summary = match grain {
        "total" => Some((coverage::summarise(&m.coverage, days), None)),
        "agency" => m
            .coverage
            .iter()
            .find(|a| Some(a.agency.as_str()) == unit)
            .map(|a| (coverage::summarise(std::slice::from_ref(a), days), Some(a.covered_days))),
        _ => None,
    };
    let Some((s, own)) = summary else {
        return vec![Value::Null; 8];
    };
    let int = |x: i64| Value::BigInt(x);
    vec![
        Value::Text(s.status.key().to_string()),
        own.map(int).unwrap_or(Value::Null),
        int(s.period_days),
        int(s.units),
        int(s.units_covered),
        int(s.units_missing),
        int(s.fewest_days),
        int(s.most_days),
    ]
}

/// The metric rows of a period: the province, each level, each unit.
fn metric_rows(m: &Metrics, p: &Period, province: &str) -> Vec<Vec<Value>> {
    let days = (p.to - p.from).num_days() + 1;
    let mut out = Vec::new();
    let text = |s: Option<&str>| s.map(|x| Value::Text(x.to_string())).unwrap_or(Value::Null);
    for r in std::iter::once(&m.ii06a.total).chain(m.ii06a.rows.iter().filter(|r| r.grain != "field")) {
        let (rates, idx) = match r.grain.as_str() {
            "total" => (Some(&m.rates), Some(&m.index766)),
            "agency" => {
                let u = r.unit.as_deref().unwrap_or("");
                (m.rates_by_unit.get(u), m.index766_by_unit.get(u))
            }
            _ => (None, None),
        };
        let mut row = vec![
            Value::Text(province.to_string()),
            Value::Text(m.period.key.clone()),
            Value::Text(m.period.from.clone()),
            Value::Text(m.period.to.clone()),
            Value::Text(r.grain.clone()),
            text(r.level.as_deref()),
            text(r.unit.as_deref()),
        ];
        row.extend(COUNTS.iter().map(|e| Value::BigInt(r.counts.get(e.key).unwrap_or(0))));
        for e in RATES {
            match rates.and_then(|x| x.get(e.key)) {
                Some(rate) => {
                    row.push(Value::BigInt(rate.numerator));
                    row.push(Value::BigInt(rate.denominator));
                    row.push(Value::BigInt(rate.missing));
                }
                None => row.extend([Value::Null, Value::Null, Value::Null]),
            }
        }
        match idx {
            Some(i) => row.extend([Value::Double(i.total), Value::Double(i.max_scorable)]),
            None => row.extend([Value::Null, Value::Null]),
        }
        row.extend(coverage_values(m, days, &r.grain, r.unit.as_deref()));
        out.push(row);
    }
    // An agency seen in the store but without a row this period still has its coverage
    // (none, or days without a dossier): its counts are left empty, not written as zeros.
    for a in m.coverage.iter().filter(|a| {
        !m.ii06a
            .rows
            .iter()
            .any(|r| r.grain == "agency" && r.unit.as_deref() == Some(a.agency.as_str()))
    }) {
        let mut row = vec![
            Value::Text(province.to_string()),
            Value::Text(m.period.key.clone()),
            Value::Text(m.period.from.clone()),
            Value::Text(m.period.to.clone()),
            Value::Text("agency".into()),
            Value::Null,
            Value::Text(a.agency.clone()),
        ];
        row.extend(std::iter::repeat_n(Value::Null, COUNTS.len() + 3 * RATES.len() + 2));
        row.extend(coverage_values(m, days, "agency", Some(&a.agency)));
        out.push(row);
    }
    out
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Writes one query's rows to a Parquet file (zstd, one file), returning its manifest entry.
fn copy(conn: &Connection, query: &str, path: &Path) -> Result<LakeFile> {
    let name = path.file_name().unwrap_or_default().to_string_lossy().to_string();
    conn.execute_batch(&format!(
        "COPY ({query}) TO {} (FORMAT parquet, COMPRESSION zstd)",
        quote(&path.to_string_lossy())
    ))
    .with_context(|| format!("writing {}", path.display()))?;
    let rows: i64 = conn.query_row(&format!("SELECT count(*) FROM ({query})"), [], |r| r.get(0))?;
    std::fs::File::open(path)?.sync_all()?;
    let (sha256, _) = crate::fsx::sha256_file(path)?;
    Ok(LakeFile { name, rows, sha256 })
}

/// Who a partition already holds, as its manifest says (the store is absent from
/// partitions written before it was recorded).
#[derive(serde::Deserialize)]
struct Holder {
    province: String,
    #[serde(default)]
    store: Option<String>,
}

/// Refuses (exit 2) to export a province or a store into a partition that holds another's:
/// provinces whose names share a folder, or stores exported under one name, would silently
/// replace each other's figures.
pub fn check_partition(lake: &Path, province: &str, store: &str, p: &Period) -> Result<()> {
    let part = partition(lake, province, p);
    let path = part.join("_manifest.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(());
    };
    let held: Holder = serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))?;
    let other_store = held.store.as_deref().filter(|s| *s != store);
    if held.province == province && other_store.is_none() {
        return Ok(());
    }
    let was = match &held.store {
        Some(s) => format!("province \"{}\" from the store {s}", held.province),
        None => format!("province \"{}\"", held.province),
    };
    Err(Failure::new(
        Exit::Usage,
        format!(
            "{} holds {was}; this export is province \"{province}\" from the store {store}: \
             refusing to replace it (export into another lake folder, or give the right --province; \
             remove the partition first only if its data is meant to go)",
            part.display()
        ),
    )
    .into())
}

/// Exports one period (a month, a year…) of one province from a store (its database path)
/// into the lake; returns the partition written.
pub fn export_month(
    conn: &Connection,
    lake: &Path,
    province: &str,
    store: &str,
    p: &Period,
    o: &Options,
) -> Result<PathBuf> {
    check_partition(lake, province, store, p)?;
    let m = crate::metrics::compute(conn, p, o)?;
    let part = partition(lake, province, p);
    let parent = part.parent().expect("a partition has a parent");
    std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let tmp = crate::fsx::temp_path(&part);
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp)?;
    }
    std::fs::create_dir(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    let res = write_partition(conn, &tmp, province, store, p, &m);
    if let Err(e) = res {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    crate::fsx::swap_dir_into_place(&tmp, &part)?;
    Ok(part)
}

/// The three Parquet files' queries (sql/lake/).
const DOSSIERS_SQL: &str = include_str!("../../sql/lake/dossiers.sql");
const FLAGS_SQL: &str = include_str!("../../sql/lake/flags.sql");
const METRICS_SQL: &str = include_str!("../../sql/lake/metrics.sql");

fn write_partition(conn: &Connection, dir: &Path, province: &str, store: &str, p: &Period, m: &Metrics) -> Result<()> {
    // The period's II.06a flags (set-aside dossiers included, with `consistent` false).
    Scope::new(p, None).create_temp(conn, "lake_flags", "SELECT * FROM all_flags")?;
    let prov = quote(province);
    let mut files = vec![
        copy(
            conn,
            &DOSSIERS_SQL.replace("{province}", &prov),
            &dir.join("dossiers.parquet"),
        )?,
        copy(
            conn,
            &FLAGS_SQL.replace("{province}", &prov),
            &dir.join("flags.parquet"),
        )?,
    ];
    let cols = metric_columns();
    let ddl: Vec<String> = cols.iter().map(|(n, t)| format!("{n} {t}")).collect();
    conn.execute_batch(&format!(
        "CREATE OR REPLACE TEMP TABLE lake_metrics ({})",
        ddl.join(", ")
    ))?;
    {
        let mut app = conn.appender("lake_metrics")?;
        for row in metric_rows(m, p, province) {
            let refs: Vec<&dyn duckdb::ToSql> = row.iter().map(|v| v as &dyn duckdb::ToSql).collect();
            app.append_row(refs.as_slice())?;
        }
    }
    files.push(copy(conn, METRICS_SQL, &dir.join("metrics.parquet"))?);
    conn.execute_batch("DROP TABLE lake_flags; DROP TABLE lake_metrics;")?;
    let manifest = PartitionManifest {
        province: province.to_string(),
        store: store.to_string(),
        period: p.into(),
        coverage: coverage::summarise(&m.coverage, (p.to - p.from).num_days() + 1),
        coverage_by_unit: m.coverage.clone(),
        index766_version: m.index766.config_version.clone(),
        inputs: m.inputs.clone(),
        sql: crate::run::manifest::sql_hashes(),
        files,
    };
    crate::fsx::write_atomic(
        &dir.join("_manifest.json"),
        format!("{}\n", serde_json::to_string_pretty(&manifest)?).as_bytes(),
    )
}
