//! `baocao site --out DIR`: the public HTML archive — an index of every report produced
//! (each version, with its PDF, XLSX, DOCX and manifest), a page per report with its key
//! figures, targets, 766 ranking and a 12-month trend chart (inline SVG), in plain HTML
//! and CSS. The list comes from `report_runs`; the pages from each report's
//! `<stem>.report.json` beside its PDF (`src/output/site/`). Relative file paths in the
//! database are read from the working directory, as `run` wrote them.

use super::Global;
use crate::error::Exit;
use crate::output::site::{self, Entry};
use anyhow::{Context, Result};
use std::path::PathBuf;

const EXAMPLES: &str = "Examples:
  baocao site --out public
  baocao --db data/nghe-an.duckdb site --out /srv/www/bao-cao
  baocao site --out public --watch out              # and the newest out/canh-bao-<date>/";

/// Where the site is written.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The site folder: new, empty, or a site written before by this command (replaced as a whole).
    #[arg(long)]
    pub out: PathBuf,
    /// Where the daily warning lists are (`canh-bao-<date>/`, written by `run` with
    /// `[run] watch` or `watch --out`): the newest is published (default: `[run] out`).
    #[arg(long)]
    pub watch: Option<PathBuf>,
}

/// Runs `site`: exit 0, or 1 when some recorded file is missing or changed (not published).
pub fn run(a: &Args, g: &Global) -> Result<Exit> {
    let conn = g.open_db()?;
    let entries = entries(&conn)?;
    let watch = match &a.watch {
        Some(d) => d.clone(),
        None => g.config()?.run.out,
    };
    let w = site::write(&entries, Some(&watch), &a.out)
        .with_context(|| format!("writing the site to {}", a.out.display()))?;
    println!(
        "{} ({} report pages, {} versions)",
        w.index.display(),
        w.pages,
        entries.len()
    );
    if w.problems.is_empty() {
        return Ok(Exit::Ok);
    }
    println!("Cần xử lý (needs attention):");
    for p in &w.problems {
        println!("  - {p}");
    }
    Ok(Exit::Warnings)
}

/// Every report version recorded, oldest first.
fn entries(conn: &duckdb::Connection) -> Result<Vec<Entry>> {
    let mut st = conn.prepare(
        "SELECT r.run_id, r.kind, r.period, r.convention, r.version, u.unit, r.pdf_path, r.pdf_sha256, r.manifest_path
         FROM report_runs r LEFT JOIN report_run_units u USING (run_id)
         WHERE r.outcome = 'ok' ORDER BY r.run_id",
    )?;
    let rows = st.query_map([], |r| {
        Ok(Entry {
            run_id: r.get(0)?,
            kind: r.get(1)?,
            period: r.get(2)?,
            convention: r.get(3)?,
            version: r.get(4)?,
            unit: r.get(5)?,
            pdf: PathBuf::from(r.get::<_, String>(6)?),
            pdf_sha256: r.get(7)?,
            manifest: PathBuf::from(r.get::<_, String>(8)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
