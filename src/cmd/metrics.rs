//! `baocao metrics`: the official figures of a period — Biểu II.06a, rates, comparisons,
//! targets and the 766 index — as a table, JSON (the documented contract) or CSV.

use super::{Global, PeriodArgs};
use crate::choice::OutputFormat;
use crate::error::Exit;
use crate::metrics::{self, table};
use anyhow::Result;
use std::io::Write;
use std::path::PathBuf;

const EXAMPLES: &str = "Examples:
  baocao metrics --period 2023-06 --by level
  baocao metrics --period 2023 --convention calendar --targets targets-2023.toml
  baocao metrics --period 2023-06 --format json | jq .rates.on_time";

/// Which II.06a rows to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ByArg {
    Agency,
    Level,
    Field,
}

/// The period, the rows and the format.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Rows of Biểu II.06a to show (default all).
    #[arg(long, value_enum)]
    pub by: Option<ByArg>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    /// Targets file of the year (TOML).
    #[arg(long)]
    pub targets: Option<PathBuf>,
}

/// Runs `metrics`.
pub fn run(a: &Args, g: &Global) -> Result<Exit> {
    let cfg = g.config()?;
    let p = a.period.period(&cfg)?;
    let by = match a.by {
        None => table::By::All,
        Some(ByArg::Agency) => table::By::Agency,
        Some(ByArg::Level) => table::By::Level,
        Some(ByArg::Field) => table::By::Field,
    };
    let s = g.settings(&cfg, a.targets.clone())?;
    let conn = g.open_db()?;
    let mut m = metrics::compute(&conn, &p, &s.metrics)?;
    let mut out = std::io::stdout().lock();
    match a.format {
        OutputFormat::Json => {
            if by != table::By::All {
                m.ii06a.rows.retain(|r| by.shows(&r.grain));
            }
            writeln!(out, "{}", serde_json::to_string_pretty(&m)?)?
        }
        OutputFormat::Csv => write!(out, "{}", table::csv(&m, by))?,
        OutputFormat::Table => write!(out, "{}", table::render(&m, by))?,
    }
    Ok(Exit::Ok)
}
