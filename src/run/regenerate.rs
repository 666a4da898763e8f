//! `regenerate`: rebuilds a report from the archived inputs in its manifest, in a fresh
//! database, through the same pipeline, and compares the PDF byte for byte. Manifests that
//! name the same inputs (the reports of one run) share one replay of them (`Replays`).

use super::manifest::{self, Hashed, Manifest};
use crate::choice::{RendererChoice, ReportKind};
use crate::ingest::{self, IngestOptions, Outcome};
use crate::output::pdf::typst;
use crate::period::{Convention, Period};
use crate::pipeline::{self, Request, Settings};
use anyhow::{anyhow, Result};
use std::path::Path;

/// The verdict on one manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub matches: bool,
    /// Which ingredients differ from the manifest: inputs, SQL, template, typst, fonts.
    pub differs: Vec<String>,
}

fn diff(kind: &str, then: &[Hashed], now: &[Hashed]) -> Vec<String> {
    let mut out = Vec::new();
    for h in then {
        match now.iter().find(|n| n.name == h.name) {
            Some(n) if n.sha256 == h.sha256 => {}
            Some(_) => out.push(format!("{kind} {} changed", h.name)),
            None => out.push(format!("{kind} {} no longer exists", h.name)),
        }
    }
    out
}

/// What differs between the manifest's ingredients and this installation's.
fn ingredients(m: &Manifest, s: &Settings) -> Vec<String> {
    let mut differs = Vec::new();
    for i in &m.inputs {
        match crate::fsx::sha256_file(Path::new(&i.path)) {
            Ok((sha, _)) if sha == i.sha256 => {}
            Ok(_) => differs.push(format!("input {} changed (sha256 differs)", i.path)),
            Err(_) => differs.push(format!("input {} is missing", i.path)),
        }
    }
    differs.extend(diff("SQL", &m.sql, &manifest::sql_hashes()));
    differs.extend(diff("template", &m.templates, &manifest::template_hashes()));
    if m.renderer == "typst" {
        match typst::find() {
            Ok((_, v)) if v.split_whitespace().nth(1) == Some(m.typst_version.as_str()) => {}
            Ok((_, v)) => differs.push(format!("typst is {v}, the manifest used {}", m.typst_version)),
            Err(e) => differs.push(format!("typst: {e:#}")),
        }
    }
    match manifest::font_hashes(s.config.report.fonts_dir.as_deref()) {
        Ok(now) => differs.extend(diff("font", &m.fonts, &now)),
        Err(e) => differs.push(format!("fonts: {e:#}")),
    }
    differs
}

/// The last replay of a set of inputs: an in-memory store loaded from them, kept for the
/// next manifest naming the very same inputs under the same ingest settings.
#[derive(Default)]
pub struct Replays {
    last: Option<(String, duckdb::Connection, Vec<String>)>,
    /// How many replays were made (for the summary line).
    pub made: usize,
}

impl Replays {
    /// The store loaded from a manifest's inputs (made, or the previous one when the inputs,
    /// their windows, the run date and the column policy are the same), and what no longer loads.
    fn of(&mut self, m: &Manifest, s: &Settings) -> Result<(&duckdb::Connection, Vec<String>)> {
        let key = serde_json::to_string(&(
            m.inputs
                .iter()
                .map(|i| (&i.path, &i.sha256, &i.covers))
                .collect::<Vec<_>>(),
            &s.config.ingest.extra,
            s.run_date.to_string(),
        ))?;
        if self.last.as_ref().map(|l| &l.0) != Some(&key) {
            self.last = None; // free the previous store before loading the next
            let conn = crate::store::open_in_memory()?;
            let mut differs = Vec::new();
            for i in &m.inputs {
                let opts = IngestOptions {
                    read: Default::default(),
                    extra: s.config.ingest.extra.clone(),
                    today: s.run_date,
                    progress: false,
                    position: None,
                    covers: i.covers.as_deref().map(ingest::parse_covers).transpose()?,
                };
                let r = ingest::ingest_file(&conn, Path::new(&i.path), &opts)?;
                if let Outcome::Rejected { reason } = &r.outcome {
                    differs.push(format!("input {} no longer loads: {reason}", i.path));
                }
            }
            self.made += 1;
            self.last = Some((key, conn, differs));
        }
        let (_, conn, differs) = self.last.as_ref().expect("just made");
        Ok((conn, differs.clone()))
    }
}

/// Regenerates the report of one manifest, with the manifest's renderer unless one is given
/// (never "auto": a fallback would not reproduce it).
pub fn regenerate(manifest_path: &Path, renderer: Option<RendererChoice>) -> Result<Verdict> {
    regenerate_with(&mut Replays::default(), manifest_path, renderer)
}

/// Same as `regenerate`, reusing the replay of the previous manifest when it names the
/// same inputs.
pub fn regenerate_with(
    replays: &mut Replays,
    manifest_path: &Path,
    renderer: Option<RendererChoice>,
) -> Result<Verdict> {
    let m: Manifest = manifest::read(manifest_path)?;
    let mut s = Settings::from_manifest(&m)?;
    let mut differs = ingredients(&m, &s);
    if differs.iter().any(|d| d.starts_with("input")) {
        return Ok(Verdict {
            matches: false,
            differs,
        });
    }
    let (conn, no_longer) = replays.of(&m, &s)?;
    differs.extend(no_longer);
    let kind = ReportKind::parse(&m.kind).ok_or_else(|| anyhow!("the manifest names an unknown kind '{}'", m.kind))?;
    let conv = Convention::parse(&m.convention)
        .map_err(|_| anyhow!("the manifest names an unknown convention '{}'", m.convention))?;
    let req = Request {
        kind,
        period: Period::parse(&m.period, conv)?,
        unit: m.unit.clone(),
    };
    s.config.report.renderer = match renderer {
        Some(r) => r,
        None => <RendererChoice as clap::ValueEnum>::from_str(&m.renderer, false)
            .map_err(|_| anyhow!("the manifest names an unknown renderer '{}'", m.renderer))?,
    };
    let (report, _) = pipeline::model(conn, &req, &s)?;
    let tmp = tempfile_dir()?;
    let stem = m.pdf.name.trim_end_matches(".pdf").to_string();
    let made = pipeline::render_outputs(&report, s.run_date, &s.renderer()?, &s.formats(), tmp.path(), &stem)?;
    if crate::fsx::sha256_file(&made.json)?.0 != m.report_json.sha256 {
        differs.push("the report data (report.json) differs".into());
    }
    let mut matches = crate::fsx::sha256_file(&made.pdf)?.0 == m.pdf.sha256;
    // Every other output the manifest lists must come out byte for byte the same.
    for h in &m.outputs {
        let now = made
            .others
            .iter()
            .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy() == h.name));
        match now {
            Some(p) if crate::fsx::sha256_file(p)?.0 == h.sha256 => {}
            Some(_) => {
                matches = false;
                differs.push(format!("output {} differs", h.name));
            }
            None => {
                matches = false;
                differs.push(format!("output {} was not made again", h.name));
            }
        }
    }
    if !matches && differs.is_empty() {
        differs.push("the PDF differs although every recorded ingredient is the same".into());
    }
    Ok(Verdict { matches, differs })
}

/// A private temporary folder, removed when dropped.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempfile_dir() -> Result<TempDir> {
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let d = std::env::temp_dir().join(format!("baocao-regenerate-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&d)?;
    Ok(TempDir(d))
}
