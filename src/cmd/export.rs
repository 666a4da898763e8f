//! `baocao export --parquet DIR --period P`: writes the province's period (a month; a year
//! as each of its months and the year; a quarter, a half-year) to a Parquet lake — the
//! dossiers the period touches (in force, without the unmatched columns), their II.06a
//! flags and the metrics per unit — hive-partitioned
//! `province=<slug>/year=YYYY/month=MM/` with a `_manifest.json`; a re-export replaces the
//! partition in one step. `baocao rollup` reads many provinces' lakes.

use super::{Global, PeriodArgs};
use crate::error::Exit;
use crate::period::Kind;
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
    /// The province the data is of (default `[report] province`).
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
        Kind::Year => {
            let mut v = p.months_within();
            v.push(p);
            v
        }
        _ => vec![p],
    };
    let province = a.province.clone().unwrap_or_else(|| cfg.report.province.clone());
    let s = g.settings(&cfg, None)?;
    let conn = g.open_db()?;
    for m in &months {
        let part = crate::output::lake::export_month(&conn, &a.parquet, &province, m, &s.metrics)?;
        println!("{}", part.display());
    }
    Ok(Exit::Ok)
}
