//! The Parquet lake (`baocao export --parquet DIR`): per province and month, the dossiers
//! the period touches (in force, without `extra`), their II.06a flags, and the metrics per
//! unit, hive-partitioned `province=<slug>/year=YYYY/month=MM/`, with a `_manifest.json`.
//! File contents are deterministic (ordered rows, no clock); a re-export of a partition
//! replaces it in one rename.

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
    pub period: crate::metrics::PeriodOut,
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
        crate::period::Kind::Month(m) => format!("month={m:02}"),
        _ => format!("period={}", p.key()),
    }
}

/// The columns of metrics.parquet: what names a row, the II.06a counts, each rate's two
/// counts and its dossiers without the columns it needs, and the 766 score with its
/// scorable maximum.
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
    c
}

/// The metric rows of a period: the province, each level, each unit.
fn metric_rows(m: &Metrics, province: &str) -> Vec<Vec<Value>> {
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

/// Exports one period (a month, a year…) of one province into the lake; returns the
/// partition written.
pub fn export_month(conn: &Connection, lake: &Path, province: &str, p: &Period, o: &Options) -> Result<PathBuf> {
    let m = crate::metrics::compute(conn, p, o)?;
    let part = partition(lake, province, p);
    let parent = part.parent().expect("a partition has a parent");
    std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let tmp = crate::fsx::temp_path(&part);
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp)?;
    }
    std::fs::create_dir(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    let res = write_partition(conn, &tmp, province, p, &m);
    if let Err(e) = res {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    swap_into_place(&tmp, &part)?;
    Ok(part)
}

fn write_partition(conn: &Connection, dir: &Path, province: &str, p: &Period, m: &Metrics) -> Result<()> {
    // The period's II.06a flags (set-aside dossiers included, with `consistent` false).
    Scope::new(p, None).create_temp(conn, "lake_flags", "SELECT * FROM all_flags")?;
    let prov = quote(province);
    let mut files = vec![
        copy(
            conn,
            &format!(
                "SELECT {prov} AS province, d.* EXCLUDE (extra) FROM dossiers d
                 WHERE (d.file_id, d.source_row) IN (SELECT file_id, source_row FROM lake_flags)
                 ORDER BY d.ma_ho_so, d.file_id"
            ),
            &dir.join("dossiers.parquet"),
        )?,
        copy(
            conn,
            &format!("SELECT {prov} AS province, * FROM lake_flags ORDER BY file_id, source_row"),
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
        for row in metric_rows(m, province) {
            let refs: Vec<&dyn duckdb::ToSql> = row.iter().map(|v| v as &dyn duckdb::ToSql).collect();
            app.append_row(refs.as_slice())?;
        }
    }
    files.push(copy(
        conn,
        "SELECT * FROM lake_metrics ORDER BY CASE grain WHEN 'total' THEN 0 WHEN 'level' THEN 1 ELSE 2 END, level, unit",
        &dir.join("metrics.parquet"),
    )?);
    conn.execute_batch("DROP TABLE lake_flags; DROP TABLE lake_metrics;")?;
    let manifest = PartitionManifest {
        province: province.to_string(),
        period: p.into(),
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

/// Puts a finished partition in place of the old one in one step: an atomic exchange of
/// the two folders (renameat2 RENAME_EXCHANGE), then the old one is removed; a reader sees
/// the old partition or the new one, never a mix.
fn swap_into_place(tmp: &Path, part: &Path) -> Result<()> {
    if !part.exists() {
        return crate::fsx::rename_into_place(tmp, part);
    }
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(tmp.as_os_str().as_bytes())?;
    let b = CString::new(part.as_os_str().as_bytes())?;
    // SAFETY: two valid NUL-terminated paths; the call only renames.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc != 0 {
        return Err(std::io::Error::last_os_error())
            .with_context(|| format!("replacing {} with {}", part.display(), tmp.display()));
    }
    std::fs::remove_dir_all(tmp).with_context(|| format!("removing the old partition {}", tmp.display()))
}
