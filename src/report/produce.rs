//! Producing one report: metrics → model → report JSON → PDF, files written atomically.

use super::build;
use super::model::Report;
use crate::config::ReportConfig;
use crate::metrics::{self, Options};
use crate::period::{Kind, Period};
use crate::render::Renderer;
use anyhow::{Context, Result};
use chrono::NaiveTime;
use duckdb::Connection;
use std::path::{Path, PathBuf};

/// What a report run wrote.
#[derive(Debug, Clone)]
pub struct Produced {
    pub pdf: PathBuf,
    pub json: PathBuf,
    pub report: Report,
}

/// Builds the model of a report ("monthly" or "annual") for a period.
pub fn model(conn: &Connection, kind: &str, p: &Period, o: &Options, cfg: &ReportConfig) -> Result<Report> {
    let m = metrics::compute(conn, p, o)?;
    let mut r = if kind == "annual" {
        let months = p
            .months_within()
            .iter()
            .map(|mp| metrics::compute(conn, mp, o))
            .collect::<Result<Vec<_>>>()?;
        build::annual(&m, &months, p, cfg)
    } else {
        build::monthly(&m, p, cfg)
    };
    if let Some(u) = &o.unit {
        r.header.subject = format!("{} của {u}", r.header.subject);
    }
    Ok(r)
}

/// The PDF's creation time: from the period and the data version, never the wall clock.
pub fn creation_timestamp(p: &Period, data_version: &str) -> i64 {
    let day = p.to.succ_opt().unwrap_or(p.to);
    let base = day.and_time(NaiveTime::MIN).and_utc().timestamp();
    let offset = i64::from_str_radix(&data_version[..4.min(data_version.len())], 16).unwrap_or(0) % 36_000;
    base + offset
}

/// Writes `<out>/<kind>-<period>.report.json` and renders `<out>/<kind>-<period>.pdf`.
pub fn produce(
    conn: &Connection,
    kind: &str,
    p: &Period,
    o: &Options,
    cfg: &ReportConfig,
    renderer: &Renderer,
    out: &Path,
) -> Result<Produced> {
    let report = model(conn, kind, p, o, cfg)?;
    let stem = match &o.unit {
        None => format!("{kind}-{}", p.key()),
        Some(u) => format!("{kind}-{}-{}", p.key(), slug(u)),
    };
    render_model(report, p, renderer, out, &stem)
}

/// Writes a built model as `<out>/<stem>.report.json` and renders `<out>/<stem>.pdf`.
pub fn render_model(report: Report, p: &Period, renderer: &Renderer, out: &Path, stem: &str) -> Result<Produced> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let json = out.join(format!("{stem}.report.json"));
    crate::fsx::write_atomic(&json, (serde_json::to_string_pretty(&report)? + "\n").as_bytes())?;
    let pdf = out.join(format!("{stem}.pdf"));
    let ts = creation_timestamp(p, &report.data_version);
    renderer.render(&report, &json, &pdf, ts)?;
    Ok(Produced { pdf, json, report })
}

/// The hash of what a report says (its model without the data version): a new version is
/// rendered only when this changes.
pub fn content_hash(report: &Report) -> Result<String> {
    let mut r = report.clone();
    r.data_version = String::new();
    let bytes = serde_json::to_vec(&r)?;
    Ok(crate::fsx::sha256(&bytes))
}

/// A file-name form of an agency name: "Sở Y tế" → "so-y-te".
pub fn slug(name: &str) -> String {
    let folded: String = unicode_normalization::UnicodeNormalization::nfd(name)
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| if c == 'đ' || c == 'Đ' { 'd' } else { c })
        .collect();
    let mut out = String::new();
    for c in folded.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The period of an annual report for `year`.
pub fn year_period(year: i32, c: crate::period::Convention) -> Result<Period> {
    Period::of(Kind::Year, year, c)
}
