//! `baocao site --out DIR [--drafts]`: the public HTML archive — an index of every report
//! issued (`baocao issue`: its signed PDF, number and date, XLSX, DOCX and manifest), a page
//! per report with its key figures, targets, 766 ranking and a 12-month trend chart of the
//! issued reports (inline SVG), in plain HTML and CSS; drafts only in a preview (`--drafts`),
//! marked "dự thảo". The list comes from `report_versions`; the pages from each report's
//! `<stem>.report.json` beside its PDF (`src/output/site/`). Relative file paths in the
//! database are read from the working directory, as `run` wrote them.

use super::Global;
use crate::error::Exit;
use crate::output::site::{self, Entry, Issued};
use anyhow::{Context, Result};
use std::path::PathBuf;

const EXAMPLES: &str = "Examples:
  baocao site --out public
  baocao site --out preview --drafts
  baocao --db data/nghe-an.duckdb site --out /srv/www/bao-cao
  baocao site --out public --watch out              # and the newest out/canh-bao-<date>/";

/// Where the site is written.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The site folder: new, empty, or a site written before by this command (replaced as a whole).
    #[arg(long)]
    pub out: PathBuf,
    /// Also the drafts not issued, each page marked "dự thảo": a preview for the office, not
    /// for publication.
    #[arg(long)]
    pub drafts: bool,
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
    let w = site::write(&entries, Some(&watch), &a.out, a.drafts)
        .with_context(|| format!("writing the site to {}", a.out.display()))?;
    let issued = entries.iter().filter(|e| e.issued.is_some()).count();
    let drafts = entries.len() - issued;
    print!("{} ({} report pages, {issued} issued", w.index.display(), w.pages);
    match (a.drafts, drafts) {
        (true, _) => println!(", {drafts} drafts)"),
        (false, 0) => println!(")"),
        (false, _) => println!("; {drafts} drafts not published: --drafts to preview them)"),
    }
    if w.problems.is_empty() {
        return Ok(Exit::Ok);
    }
    println!("Cần xử lý (needs attention):");
    for p in &w.problems {
        println!("  - {p}");
    }
    Ok(Exit::Warnings)
}

/// Every report version recorded, oldest first, with its issue when issued.
fn entries(conn: &duckdb::Connection) -> Result<Vec<Entry>> {
    let mut st = conn.prepare(
        "SELECT run_id, kind, period, convention, version, unit, pdf_path, pdf_sha256, manifest_path,
                number, issued_on, signed_path, signed_sha256
         FROM report_versions WHERE outcome = 'ok' ORDER BY run_id",
    )?;
    let rows = st.query_map([], |r| {
        let number: Option<String> = r.get(9)?;
        let issued = match number {
            Some(number) => Some(Issued {
                number,
                date: r.get(10)?,
                signed: PathBuf::from(r.get::<_, String>(11)?),
                signed_sha256: r.get(12)?,
            }),
            None => None,
        };
        Ok(Entry {
            issued,
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
