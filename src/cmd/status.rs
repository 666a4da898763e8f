//! `baocao status`: the last reports produced, the quarantined rows and rejected files
//! awaiting attention, and the agencies without data in the latest complete month.

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
    let mut st = conn.prepare(
        "SELECT r.kind, r.period, r.version, u.unit, r.pdf_path, r.outcome, r.rendered_at
         FROM report_runs r LEFT JOIN report_run_units u USING (run_id) ORDER BY r.run_id DESC LIMIT 20",
    )?;
    let rows = st.query_map([], |r| {
        let unit: Option<String> = r.get(3)?;
        Ok(format!(
            "{} {}{} v{} {} {} ({})",
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            unit.map(|u| format!(" [{u}]")).unwrap_or_default(),
            r.get::<_, i64>(2)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, chrono::NaiveDateTime>(6)?
        ))
    })?;
    writeln!(out, "Last reports:")?;
    for r in rows {
        writeln!(out, "  {}", r?)?;
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
