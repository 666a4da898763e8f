//! `baocao status`: per period and kind the newest draft and whether it was issued (with its
//! number), the quarantined rows and rejected files awaiting attention, and the agencies
//! without data in the latest complete month.

use super::Global;
use crate::error::Exit;
use crate::metrics::coverage;
use anyhow::Result;
use std::io::Write;

const EXAMPLES: &str = "Examples:
  baocao status
  baocao --db data/nghe-an.duckdb status";

/// No arguments.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct Args {}

/// Runs `status`.
pub fn run(_a: &Args, g: &Global) -> Result<Exit> {
    let conn = g.open_db()?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "Reports (the newest draft of each period and kind):")?;
    let all = crate::issue::state::all(&conn)?;
    if all.is_empty() {
        writeln!(out, "  none yet")?;
    }
    for s in all.iter().take(20) {
        writeln!(out, "  {}", standing(s))?;
    }
    let (files, q): (i64, i64) = conn.query_row(
        "SELECT (SELECT count(*) FROM ingest_files), (SELECT count(DISTINCT (file_id, source_row)) FROM quarantine)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    writeln!(
        out,
        "Files ingested: {files}; quarantined rows awaiting attention: {q} (baocao quarantine list)"
    )?;
    let cfg = g.config()?;
    // The same list a report of the latest complete month prints (docs/rules.md, Agencies without data).
    if let Some(p) = coverage::latest_month(&conn, cfg.metrics.convention, crate::ingest::run_date())? {
        let rows = coverage::of_period(&conn, &p)?;
        let missing = coverage::missing(&conn, &p, &rows, &cfg.metrics.expected_units)?;
        if !missing.is_empty() {
            writeln!(
                out,
                "Các đơn vị chưa có số liệu {}: {}",
                p.label_vi(),
                missing.join(", ")
            )?;
        }
    }
    let rejected = rejected_files(&cfg.run.rejected);
    if !rejected.is_empty() {
        writeln!(out, "Rejected files (fix and put back in the inbox):")?;
        for (file, reason) in rejected {
            writeln!(out, "  {} — {reason}", file.display())?;
        }
    }
    Ok(Exit::Ok)
}

/// One report's line: its newest draft, and its issue or the issued version it would supersede.
fn standing(s: &crate::issue::state::Standing) -> String {
    let d = &s.newest;
    let unit = d.unit.as_ref().map(|u| format!(" [{u}]")).unwrap_or_default();
    let head = format!("{} {}{unit} v{} {}", d.kind, d.period, d.version, d.id);
    match &s.issued {
        Some(i) if i.run_id == d.run_id => format!("{head}: issued as {} on {} ({})", i.number, i.date, i.signed_path),
        Some(i) => format!(
            "{head}: draft, not issued ({}); would supersede v{} issued as {} on {}",
            d.pdf.display(),
            i.version,
            i.number,
            i.date
        ),
        None => format!("{head}: draft, not issued ({})", d.pdf.display()),
    }
}

/// The files `run` moved to the rejected folder, each with the first line of its reason.
fn rejected_files(dir: &std::path::Path) -> Vec<(std::path::PathBuf, String)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            let file = name.strip_suffix(".reason.txt")?;
            let text = std::fs::read_to_string(e.path()).ok()?;
            let reason = text.lines().nth(1).unwrap_or("").to_string();
            Some((e.path().with_file_name(file), reason))
        })
        .collect()
}
