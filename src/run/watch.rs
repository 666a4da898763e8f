//! The day's warning list as `run` (`[run] watch = true`) and `watch --out` write it:
//! `canh-bao-<date>/` with a `manifest.json` recording what it was made from (the inputs,
//! the query, the calendar, template, fonts and renderer, each with its hash) and the hash
//! of every file. A list whose content and ingredients have not changed touches no file.

use super::manifest::{font_hashes, Hashed, Input};
use crate::config::WatchConfig;
use crate::output::pdf::Renderer;
use crate::watch::Watch;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The manifest of a day's folder, `canh-bao-<date>/manifest.json`. No timing in it: the
/// folder is the same bytes for the same data, date and renderer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WatchManifest {
    pub format: u32,
    pub kind: String,
    pub date: String,
    pub renderer: String,
    pub typst_version: String,
    /// `[watch]` in force.
    pub config: WatchConfig,
    pub inputs: Vec<Input>,
    /// The query, the scope it reads and the holiday calendar.
    pub sql: Vec<Hashed>,
    pub templates: Vec<Hashed>,
    pub fonts: Vec<Hashed>,
    /// Every other file of the folder, by name.
    pub files: Vec<Hashed>,
    /// The hash of the list (the `Watch` model) and of everything above but the inputs and
    /// files: what decides whether the folder must be written again.
    pub content_sha256: String,
}

/// What writing a day's list did.
#[derive(Debug)]
pub struct Day {
    pub dir: PathBuf,
    /// False when the folder was already there with the same content (nothing touched).
    pub written: bool,
}

const MANIFEST: &str = "manifest.json";

fn hashed(name: &str, text: &str) -> Hashed {
    Hashed {
        name: name.into(),
        sha256: crate::fsx::sha256(text.as_bytes()),
    }
}

/// The manifest of `w` without its files, with its content hash.
fn manifest(
    conn: &duckdb::Connection,
    w: &Watch,
    cfg: &WatchConfig,
    renderer: &str,
    fonts_dir: Option<&Path>,
) -> Result<WatchManifest> {
    let mut m = WatchManifest {
        format: 1,
        kind: "watch".into(),
        date: w.date.to_string(),
        renderer: renderer.into(),
        typst_version: crate::output::pdf::typst::TYPST_VERSION.into(),
        config: cfg.clone(),
        inputs: crate::run::manifest::inputs(conn)?,
        sql: vec![
            hashed("watch/in_progress.sql", crate::watch::IN_PROGRESS_SQL),
            hashed("metrics/scope.sql", crate::metrics::scope::SCOPE_SQL),
            hashed("reference/holidays.csv", crate::calendar::HOLIDAYS_CSV),
        ],
        templates: crate::output::pdf::typst::WATCH_TEMPLATES
            .iter()
            .map(|(n, t)| hashed(n, t))
            .collect(),
        fonts: font_hashes(fonts_dir)?,
        files: Vec::new(),
        content_sha256: String::new(),
    };
    let key = serde_json::json!({
        "list": w,
        "renderer": m.renderer,
        "typst_version": m.typst_version,
        "config": m.config,
        "sql": m.sql,
        "templates": m.templates,
        "fonts": m.fonts,
        "writer": env!("CARGO_PKG_VERSION"),
    });
    m.content_sha256 = crate::fsx::sha256(key.to_string().as_bytes());
    Ok(m)
}

/// True when `dir` holds a manifest of the same content and every file it names, unchanged.
fn up_to_date(dir: &Path, content: &str) -> bool {
    let Ok(text) = std::fs::read_to_string(dir.join(MANIFEST)) else {
        return false;
    };
    let Ok(old) = serde_json::from_str::<WatchManifest>(&text) else {
        return false;
    };
    old.content_sha256 == content
        && old.files.iter().all(|f| {
            crate::fsx::sha256_file(&dir.join(&f.name))
                .map(|(sha, _)| sha == f.sha256)
                .unwrap_or(false)
        })
}

/// The settings a day's list is written with.
pub struct Settings<'a> {
    pub watch: &'a WatchConfig,
    pub renderer: &'a Renderer,
    pub fonts_dir: Option<&'a Path>,
}

/// Writes `w` into `out/canh-bao-<date>/` with its manifest, unless the folder already holds
/// the same list made the same way. `dry_run`: says whether it would be written, writes nothing.
pub fn write_day(conn: &duckdb::Connection, w: &Watch, s: &Settings, out: &Path, dry_run: bool) -> Result<Day> {
    let dir = crate::output::watch::day_dir(out, w.date);
    let mut m = manifest(conn, w, s.watch, s.renderer.name(), s.fonts_dir)?;
    if up_to_date(&dir, &m.content_sha256) {
        return Ok(Day { dir, written: false });
    }
    if dry_run {
        return Ok(Day { dir, written: true });
    }
    let seal = |tmp: &Path| -> Result<()> {
        let mut names: Vec<String> = std::fs::read_dir(tmp)?
            .map(|e| Ok(e?.file_name().to_string_lossy().to_string()))
            .collect::<Result<_>>()?;
        names.sort();
        for n in names {
            let (sha256, _) = crate::fsx::sha256_file(&tmp.join(&n))?;
            m.files.push(Hashed { name: n, sha256 });
        }
        crate::fsx::write_atomic(
            &tmp.join(MANIFEST),
            (serde_json::to_string_pretty(&m)? + "\n").as_bytes(),
        )
    };
    let dir = crate::output::watch::write(w, out, s.renderer, seal)
        .with_context(|| format!("writing the warning list into {}", out.display()))?;
    Ok(Day { dir, written: true })
}
