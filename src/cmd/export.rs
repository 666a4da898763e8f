//! `baocao export --parquet DIR --period P`: writes the province's period (a month; a year
//! as each of its months and the year; a quarter, a half-year) to a Parquet lake — the
//! dossiers the period touches (in force, without the unmatched columns), their II.06a
//! flags and the metrics per unit — hive-partitioned
//! `province=<slug>/year=YYYY/month=MM/` with a `_manifest.json` naming the province and the
//! store; a re-export replaces the partition in one step, an export of another province or
//! another store into it is refused. `baocao rollup` reads many provinces' lakes.

use super::{Global, PeriodArgs};
use crate::error::Exit;
use crate::period::PeriodKind;
use anyhow::Result;
use std::path::PathBuf;

const EXAMPLES: &str = "Examples:
  baocao export --parquet /srv/lake --period 2023-06
  baocao export --parquet /srv/lake --period 2023 --province \"Bà Rịa - Vũng Tàu\"
  baocao rollup /srv/lake --period 2023-06";

/// Where, which period, which province.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The lake's root folder (created if needed).
    #[arg(long)]
    pub parquet: PathBuf,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// The province the data is of (default `[report] province`; one of the two is needed).
    #[arg(long)]
    pub province: Option<String>,
}

/// Runs `export`: one partition per period, each printed as it is written.
pub fn run(a: &Args, g: &Global) -> Result<Exit> {
    let cfg = g.config()?;
    let p = a.period.period(&cfg)?;
    // A year is written as its twelve months and as the year itself (whose figures are not
    // the sum of the months': a dossier carried over counts in each month).
    let months = match p.kind {
        PeriodKind::Year => {
            let mut v = p.months_within();
            v.push(p);
            v
        }
        _ => vec![p],
    };
    let province = province(a, &cfg)?;
    let s = g.settings(&cfg, None)?;
    let conn = g.open_db()?;
    let store = store(&g.db());
    // Every partition is checked before any is written: a year is not left half replaced.
    for m in &months {
        crate::national::lake::check_partition(&a.parquet, &province, &store, m)?;
    }
    for m in &months {
        let part = crate::national::lake::export_month(&conn, &a.parquet, &province, &store, m, &s.metrics)?;
        println!("{}", part.display());
    }
    Ok(Exit::Ok)
}

/// The province the data is of: `--province`, else `[report] province`; never a guess, since
/// the partition's folder and every roll-up row are named by it.
fn province(a: &Args, cfg: &crate::config::Config) -> Result<String> {
    let given = [a.province.as_deref(), Some(cfg.report.province.as_str())]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|p| !p.is_empty());
    given.map(str::to_string).ok_or_else(|| {
        super::usage(
            "which province is the data of? no --province given and no [report] province in the configuration: give --province \"Tên tỉnh\" or set [report] province"
                .into(),
        )
    })
}

/// The store's identity written in each partition: its database file, absolute.
fn store(db: &std::path::Path) -> String {
    std::fs::canonicalize(db)
        .unwrap_or_else(|_| std::path::absolute(db).unwrap_or_else(|_| db.to_path_buf()))
        .to_string_lossy()
        .to_string()
}
