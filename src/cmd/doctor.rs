//! `baocao doctor`: checks what a report needs — the pinned Typst, the fonts, the DuckDB
//! library (version and file) and the database — and says what is missing.

use super::Global;
use crate::error::Exit;
use anyhow::Result;
use std::io::Write;

const EXAMPLES: &str = "Examples:
  baocao doctor
  baocao --db data/nghe-an.duckdb --config baocao.toml doctor";

/// No arguments.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct Args {}

/// Runs `doctor`: exit 0 when everything is there, 5 when a report could not be rendered,
/// 2 when the database does not exist.
pub fn run(_a: &Args, g: &Global) -> Result<Exit> {
    let mut ok = true;
    let cfg = g.config()?;
    let mut out = std::io::stdout().lock();
    match crate::output::pdf::typst::find() {
        Ok((bin, v)) => writeln!(out, "typst: {v} ({})", bin.display())?,
        Err(e) => {
            ok = false;
            writeln!(out, "typst: MISSING — {e:#}")?;
        }
    }
    match crate::output::pdf::fonts::dir(cfg.report.fonts_dir.as_deref()) {
        Ok(dir) => {
            let origin = if cfg.report.fonts_dir.is_some() {
                "configured"
            } else {
                "built in"
            };
            for f in crate::output::pdf::fonts::file_names() {
                writeln!(out, "font: {} ({origin})", dir.join(f).display())?;
            }
        }
        Err(e) => {
            ok = false;
            writeln!(out, "fonts: MISSING — {e:#}")?;
        }
    }
    match crate::store::library() {
        Ok(lib) => writeln!(
            out,
            "duckdb: {} ({})",
            lib.version,
            lib.path
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "compiled into the binary".into())
        )?,
        Err(e) => {
            ok = false;
            writeln!(out, "duckdb: WRONG VERSION — {e:#}")?;
        }
    }
    let path = g.db();
    if path.exists() {
        let conn = crate::store::open(&path)?;
        let (ver, files, dossiers, quarantined): (i64, i64, i64, i64) = conn.query_row(
            "SELECT (SELECT max(version) FROM schema_version), (SELECT count(*) FROM ingest_files),
                    (SELECT count(*) FROM dossiers), (SELECT count(*) FROM quarantine)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        writeln!(
            out,
            "database: {} (schema {ver}; {files} files, {dossiers} dossiers in force, {quarantined} quarantine rows)",
            path.display()
        )?;
    } else {
        // A report needs a store: say which file is missing and how one is made (exit 2).
        writeln!(out, "database: MISSING — {:#}", crate::store::missing(&path))?;
        return Ok(Exit::Usage);
    }
    Ok(if ok { Exit::Ok } else { Exit::Render })
}
