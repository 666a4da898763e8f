//! `baocao quarantine list`: the rows ingest set aside, with file, row, column and reason.

use super::Global;
use crate::error::Exit;
use anyhow::Result;
use std::io::Write;

const EXAMPLES: &str = "Examples:
  baocao quarantine list
  baocao quarantine list --file 2023-06 | head -20";

/// What to do with quarantined rows.
#[derive(clap::Subcommand, Debug)]
pub enum Args {
    /// List quarantined rows (file, row, column, reason).
    #[command(after_help = EXAMPLES)]
    List {
        /// Only files whose path contains this text.
        #[arg(long)]
        file: Option<String>,
    },
}

/// Runs `quarantine list`.
pub fn run(a: &Args, g: &Global) -> Result<Exit> {
    let Args::List { file } = a;
    let conn = g.open_db()?;
    write!(
        std::io::stdout().lock(),
        "{}",
        crate::ingest::summary::quarantine_list(&conn, file.as_deref())?
    )?;
    Ok(Exit::Ok)
}
