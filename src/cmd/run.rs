//! `baocao run`: the cron entry point. Takes the run lock, ingests the inbox, archives it,
//! renders every due or changed report with its manifest. Unattended and idempotent.

use super::Global;
use crate::error::Exit;
use anyhow::Result;
use std::io::Write;

const EXAMPLES: &str = "Examples:
  baocao --config baocao.toml run
  baocao --config baocao.toml run --dry-run
  baocao --db data/baocao.duckdb --config baocao.toml --log-format json run >> /var/log/baocao.log 2>&1";

/// How to run the job.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Print what would be ingested and rendered; change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// Runs the job and prints what it did.
pub fn run(a: &Args, g: &Global) -> Result<Exit> {
    let cfg = g.config()?;
    // Refused before anything is ingested or moved: the job's reports would have no issuer.
    crate::config::require("report", &cfg.report.missing_identity(), cfg.source.as_deref())?;
    let s = g.settings(&cfg, None)?;
    let summary = crate::run::job::run(&g.db(), &s, a.dry_run)?;
    let mut out = std::io::stdout().lock();
    for f in &summary.would_ingest {
        writeln!(out, "would ingest and archive {}", f.display())?;
    }
    if !summary.files.is_empty() {
        write!(out, "{}", crate::ingest::summary::render(&summary.files))?;
    }
    for (from, to) in &summary.archived {
        writeln!(out, "archived {} → {}", from.display(), to.display())?;
    }
    for (from, to) in &summary.rejected {
        writeln!(out, "rejected {} → {}", from.display(), to.display())?;
    }
    for p in &summary.planned {
        writeln!(out, "would render {}", p.display())?;
    }
    for p in &summary.rendered {
        writeln!(out, "rendered {}", p.display())?;
    }
    let mut watch_written = false;
    if let Some(day) = &summary.watch {
        let what = match (day.written, a.dry_run) {
            (true, true) => "would write the warning list",
            (true, false) => "wrote the warning list",
            (false, _) => "warning list up to date:",
        };
        writeln!(out, "{what} {}", day.dir.display())?;
        watch_written = day.written;
    }
    if summary.files.is_empty() && summary.rendered.is_empty() && !watch_written && !a.dry_run {
        writeln!(
            out,
            "nothing to do: no new input, {} report(s) up to date",
            summary.up_to_date
        )?;
    }
    let mut attention = super::attention::Attention::default();
    attention.files(&summary.files);
    for (_, to) in &summary.rejected {
        attention.push(format!(
            "{} was moved there with its reason: fix it and put it back in the inbox",
            to.display()
        ));
    }
    for s in summary.skipped.iter().chain(&summary.notices) {
        attention.push(s.clone());
    }
    if let Some(r) = &summary.renderer {
        attention.renderer(s.config.report.renderer, r);
    }
    attention.print(&mut out)?;
    Ok(summary.exit())
}
