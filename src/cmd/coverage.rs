//! `baocao coverage`: which agencies' data covers a period — fully, in part or not at all —
//! and from which files (docs/rules.md, Coverage). Reports compare periods only for agencies covered
//! in both, and name the agencies expected but without data.

use super::{Global, PeriodArgs};
use crate::error::Exit;
use crate::metrics::coverage;
use anyhow::Result;
use std::io::Write;

const EXAMPLES: &str = "Examples:
  baocao coverage --period 2023-06
  baocao coverage --period 2023 --convention calendar --json
  baocao ingest --covers 2023-05-15..2023-06-14 exports/2023-06/   # when a file does not state its window";

/// The period, and the format.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Runs `coverage`: one line per agency; exit 1 when an agency expected has no data.
pub fn run(a: &Args, g: &Global) -> Result<Exit> {
    let cfg = g.config()?;
    let p = a.period.period(&cfg)?;
    let conn = g.open_db()?;
    let rows = coverage::of_period(&conn, &p)?;
    let missing = coverage::missing(&conn, &p, &rows, &cfg.metrics.expected_units)?;
    let mut out = std::io::stdout().lock();
    if a.json {
        let doc =
            serde_json::json!({"period": crate::metrics::PeriodOut::from(&p), "agencies": rows, "missing": missing});
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
    } else {
        writeln!(out, "Số liệu {} ({} – {}):", p.label_vi(), p.from, p.to)?;
        for r in &rows {
            writeln!(
                out,
                "  {:<44} {:<16} {:>3}/{} ngày{}  {}",
                if r.agency.is_empty() {
                    "(không ghi đơn vị)"
                } else {
                    &r.agency
                },
                r.status.label(),
                r.covered_days,
                r.period_days,
                if r.inferred { " (suy ra từ dữ liệu)" } else { "" },
                r.files
            )?;
        }
        for u in cfg
            .metrics
            .expected_units
            .iter()
            .filter(|u| !rows.iter().any(|r| &r.agency == *u))
        {
            writeln!(out, "  {u:<44} {:<16}", coverage::Status::NotCovered.label())?;
        }
        if !missing.is_empty() {
            writeln!(out, "Các đơn vị chưa có số liệu kỳ này: {}", missing.join(", "))?;
        }
    }
    Ok(if missing.is_empty() { Exit::Ok } else { Exit::Warnings })
}
