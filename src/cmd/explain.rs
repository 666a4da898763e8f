//! `baocao explain`: the dossiers behind one count of a period, each with the file and
//! row it came from — how an official traces a figure back to the exports.

use super::{Global, PeriodArgs};
use crate::error::Exit;
use crate::metrics::{self, table};
use anyhow::Result;
use std::io::Write;

const EXAMPLES: &str = "Examples:
  baocao explain --period 2023-06 --metric resolved_late
  baocao explain --period 2023-06 --metric in_progress_overdue --unit \"Sở Y tế\" | head -5";

/// The count and the period.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    #[command(flatten)]
    pub period: PeriodArgs,
    /// A count: resolved_late, carried_over, in_progress_overdue, …
    #[arg(long)]
    pub metric: String,
    /// Only this agency (exact name).
    #[arg(long)]
    pub unit: Option<String>,
}

/// Runs `explain`.
pub fn run(a: &Args, g: &Global) -> Result<Exit> {
    let cfg = g.config()?;
    let p = a.period.period(&cfg)?;
    let conn = g.open_db()?;
    let lines = metrics::explain::explain(&conn, &p, &a.metric, a.unit.as_deref())?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}, {p}:", a.metric)?;
    write!(out, "{}", table::explain(&lines))?;
    Ok(Exit::Ok)
}
