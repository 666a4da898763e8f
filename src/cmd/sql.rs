//! `baocao sql STATEMENT` (hidden): runs one SQL statement on the database, for
//! benchmarks and debugging.

use super::Global;
use crate::error::Exit;
use anyhow::Result;
use std::io::Write;

/// The statement to run.
#[derive(clap::Args, Debug)]
pub struct Args {
    pub statement: String,
}

/// Runs `sql`.
pub fn run(a: &Args, g: &Global) -> Result<Exit> {
    let conn = g.open_db()?;
    let t = std::time::Instant::now();
    conn.execute_batch(&a.statement)?;
    writeln!(std::io::stdout().lock(), "ok in {:.3} s", t.elapsed().as_secs_f64())?;
    Ok(Exit::Ok)
}
