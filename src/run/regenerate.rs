//! `baocao regenerate`: rebuilds a report from the archived inputs in its manifest, in a
//! fresh database, and compares the PDF byte for byte.

use super::manifest::{self, Hashed, Manifest};
use crate::choice::RendererChoice;
use crate::config::Config;
use crate::ingest::{self, IngestOptions, Outcome};
use crate::period::{Convention, Period};
use crate::render::{typst, Renderer};
use crate::report::produce;
use anyhow::{Context, Result};
use chrono::NaiveDate;
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

/// Regenerates the report of one manifest, with the manifest's renderer unless one is given.
pub fn regenerate(manifest_path: &Path, renderer: Option<RendererChoice>) -> Result<Verdict> {
    let m: Manifest = manifest::read(manifest_path)?;
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
    let cfg: Config = serde_json::from_value(m.config.clone()).context("the manifest's configuration")?;
    if m.renderer == "typst" {
        match typst::find() {
            Ok((_, v)) if v.split_whitespace().nth(1) == Some(m.typst_version.as_str()) => {}
            Ok((_, v)) => differs.push(format!("typst is {v}, the manifest used {}", m.typst_version)),
            Err(e) => differs.push(format!("typst: {e:#}")),
        }
    }
    match manifest::font_hashes(&cfg.report.fonts_dir) {
        Ok(now) => differs.extend(diff("font", &m.fonts, &now)),
        Err(e) => differs.push(format!("fonts: {e:#}")),
    }
    if differs.iter().any(|d| d.starts_with("input")) {
        return Ok(Verdict {
            matches: false,
            differs,
        });
    }
    let conn = crate::store::open_in_memory()?;
    let today = NaiveDate::parse_from_str(&m.run_date, "%Y-%m-%d").context("run_date")?;
    let opts = IngestOptions {
        read: Default::default(),
        today,
        progress: false,
        position: None,
    };
    for i in &m.inputs {
        let r = ingest::ingest_file(&conn, Path::new(&i.path), &opts)?;
        if let Outcome::Rejected { reason } = &r.outcome {
            differs.push(format!("input {} no longer loads: {reason}", i.path));
        }
    }
    let mut o = crate::metrics::Options {
        withdrawn_in_resolved: cfg.metrics.withdrawn_in_resolved,
        ..Default::default()
    };
    o.index766 = crate::metrics::index766::parse_config(&m.index766_toml)?;
    if let Some(t) = &m.targets_toml {
        o.targets = Some(crate::metrics::targets::parse(t)?);
    }
    o.unit = m.unit.clone();
    let conv = Convention::parse(&m.convention)?;
    let p = Period::parse(&m.period, conv)?;
    let report = produce::model(&conn, &m.kind, &p, &o, &cfg.report)?;
    let tmp = tempdir()?;
    // The renderer that made the PDF (never "auto": a fallback would not reproduce it),
    // unless --renderer says otherwise.
    let recorded = <RendererChoice as clap::ValueEnum>::from_str(&m.renderer, false)
        .map_err(|_| anyhow::anyhow!("the manifest names an unknown renderer '{}'", m.renderer))?;
    let renderer = Renderer::choose(
        renderer.unwrap_or(recorded),
        &cfg.report.fonts_dir,
        std::time::Duration::from_secs(cfg.report.render_timeout_s),
    )?;
    let stem = m.pdf.name.trim_end_matches(".pdf").to_string();
    let made = produce::render_model(report, &p, &renderer, &tmp, &stem)?;
    let pdf = crate::fsx::sha256(&std::fs::read(&made.pdf)?);
    let json = crate::fsx::sha256(&std::fs::read(&made.json)?);
    std::fs::remove_dir_all(&tmp).ok();
    if json != m.report_json.sha256 {
        differs.push("the report data (report.json) differs".into());
    }
    let matches = pdf == m.pdf.sha256;
    if !matches && differs.is_empty() {
        differs.push("the PDF differs although every recorded ingredient is the same".into());
    }
    Ok(Verdict { matches, differs })
}

fn tempdir() -> Result<std::path::PathBuf> {
    let d = std::env::temp_dir().join(format!("baocao-regenerate-{}-{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&d)?;
    Ok(d)
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}
