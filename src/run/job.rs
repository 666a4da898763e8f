//! `baocao run`: the cron entry point. Lock, ingest the inbox, archive, render every due or
//! changed report with its manifest. Unattended and idempotent.

use super::lock::Lock;
use super::manifest::{self, Hashed, Input, Manifest};
use crate::config::Config;
use crate::error::Exit;
use crate::ingest::{self, FileReport, IngestOptions, Outcome};
use crate::metrics::{self, Options};
use crate::period::{Convention, Kind, Period};
use crate::render::{typst, Renderer};
use crate::report::produce;
use anyhow::{Context, Result};
use chrono::{Datelike, NaiveDate};
use duckdb::Connection;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What a run did.
#[derive(Debug, Default)]
pub struct Summary {
    pub files: Vec<FileReport>,
    pub archived: Vec<(PathBuf, PathBuf)>,
    pub rendered: Vec<PathBuf>,
    pub up_to_date: usize,
}

impl Summary {
    /// 3 when a file was rejected, 1 when rows were quarantined, else 0.
    pub fn exit(&self) -> Exit {
        ingest::exit_for(&self.files)
    }
}

/// Moves a processed file to `archive/YYYY/MM/`, never overwriting: a name taken by
/// different bytes gets a numbered suffix; the same bytes already there are not copied twice.
pub fn archive_file(file: &Path, archive: &Path, today: NaiveDate) -> Result<PathBuf> {
    let dir = archive.join(format!("{:04}/{:02}", today.year(), today.month()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "input".into());
    let (sha, _) = crate::fsx::sha256_file(file)?;
    for n in 1.. {
        let candidate = if n == 1 {
            dir.join(&name)
        } else {
            dir.join(format!("{n}-{name}"))
        };
        if candidate.exists() {
            if crate::fsx::sha256_file(&candidate)?.0 == sha {
                std::fs::remove_file(file).ok();
                return Ok(candidate);
            }
            continue;
        }
        // Copy then remove: the input survives a crash between the two.
        crate::fsx::copy_atomic(file, &candidate).with_context(|| format!("archiving {}", file.display()))?;
        std::fs::remove_file(file).with_context(|| format!("removing {} after archiving", file.display()))?;
        return Ok(candidate);
    }
    unreachable!()
}

/// Removes the temporary files a killed run left under `dir`.
fn remove_temp_files(dir: &Path) {
    for e in walkdir::WalkDir::new(dir).into_iter().filter_map(|e| e.ok()) {
        if e.file_type().is_file() && crate::fsx::is_temp_name(&e.file_name().to_string_lossy()) {
            tracing::warn!("removing {} left by an interrupted run", e.path().display());
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// The completed periods that have data, per kind.
fn due_periods(
    conn: &Connection,
    kind: &str,
    c: Convention,
    today: NaiveDate,
    first: Option<&Period>,
) -> Result<Vec<Period>> {
    let span: (Option<NaiveDate>, Option<NaiveDate>) = conn.query_row(
        "SELECT CAST(min(ngay_tiep_nhan) AS DATE), CAST(max(coalesce(ngay_ket_thuc, ngay_tiep_nhan)) AS DATE) FROM dossiers",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let (Some(lo), Some(hi)) = span else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for y in lo.year()..=hi.year() + 1 {
        let periods: Vec<Period> = match kind {
            "annual" => vec![Period::of(Kind::Year, y, c)?],
            _ => (1..=12)
                .map(|m| Period::of(Kind::Month(m), y, c))
                .collect::<Result<_>>()?,
        };
        for p in periods {
            let complete = p.is_complete(today);
            let has_data = p.to >= lo && p.from <= hi;
            let after_first = first.is_none_or(|f| p.from >= f.from);
            if complete && has_data && after_first {
                out.push(p);
            }
        }
    }
    Ok(out)
}

/// Options for the metrics from the configuration (targets and 766 read from their files).
pub fn metric_options(cfg: &Config) -> Result<(Options, Option<String>, String)> {
    let mut o = Options {
        withdrawn_in_resolved: cfg.metrics.withdrawn_in_resolved,
        ..Default::default()
    };
    let index766 = match &cfg.metrics.index766 {
        Some(p) => std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?,
        None => metrics::index766::DEFAULT_CONFIG.to_string(),
    };
    o.index766 = metrics::index766::parse_config(&index766)?;
    let targets = match &cfg.metrics.targets {
        Some(p) => Some(std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?),
        None => None,
    };
    if let Some(t) = &targets {
        o.targets = Some(metrics::targets::parse(t)?);
    }
    Ok((o, targets, index766))
}

/// The archived inputs behind the figures, in load order.
fn inputs(conn: &Connection) -> Result<Vec<Input>> {
    Ok(metrics::inputs(conn)?
        .into_iter()
        .map(|i| Input {
            path: i.file,
            sha256: i.sha256,
            rows_loaded: i.rows_loaded,
        })
        .collect())
}

/// Runs the job. `dry_run` says what would be ingested and rendered, touching nothing.
pub fn run(db: &Path, cfg: &Config, dry_run: bool) -> Result<Summary> {
    let _lock = Lock::take(db)?;
    // Test hook: hold the lock a while, so a second run can be started against it.
    if let Some(ms) = std::env::var("BAOCAO_TEST_HOLD_LOCK_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
    let today = ingest::run_date();
    let mut s = Summary::default();
    // Holding the lock, no other run is writing: temporary files are a killed run's leftovers.
    if !dry_run {
        remove_temp_files(&cfg.run.out);
        remove_temp_files(&cfg.run.archive);
    }
    let files = if cfg.run.inbox.is_dir() {
        ingest::collect_files(std::slice::from_ref(&cfg.run.inbox))?
    } else {
        Vec::new()
    };
    if dry_run {
        for f in &files {
            println!("would ingest and archive {}", f.display());
        }
    }
    let conn = if dry_run && !db.exists() {
        crate::store::open_in_memory()?
    } else {
        crate::store::open(db)?
    };
    if !dry_run {
        let opts = IngestOptions {
            read: Default::default(),
            today,
            progress: true,
            position: None,
        };
        for f in &files {
            let report = ingest::ingest_file(&conn, f, &opts)?;
            let keep = !matches!(report.outcome, Outcome::Rejected { .. });
            if keep {
                let archived = archive_file(f, &cfg.run.archive, today)?;
                let (sha, _) = crate::fsx::sha256_file(&archived)?;
                conn.execute(
                    "UPDATE ingest_files SET archived_path = ? WHERE sha256 = ? AND archived_path IS NULL",
                    duckdb::params![archived.to_string_lossy().to_string(), sha],
                )?;
                s.archived.push((f.clone(), archived));
            }
            s.files.push(report);
        }
    }
    let conv = cfg.metrics.convention;
    let first = cfg
        .run
        .first_period
        .as_deref()
        .map(|p| Period::parse(p, conv))
        .transpose()?;
    let (opts, targets_toml, index766_toml) = metric_options(cfg)?;
    let renderer = if dry_run {
        None
    } else {
        Some(Renderer::choose(
            cfg.report.renderer,
            &cfg.report.fonts_dir,
            std::time::Duration::from_secs(cfg.report.render_timeout_s),
        )?)
    };
    for kind in cfg.run.reports.iter().map(|k| k.name()) {
        for p in due_periods(&conn, kind, conv, today, first.as_ref())? {
            let report = produce::model(&conn, kind, &p, &opts, &cfg.report)?;
            let content = produce::content_hash(&report)?;
            let last: Option<(i64, String)> = conn
                .query_row(
                    "SELECT version, content_sha256 FROM report_runs WHERE kind = ? AND period = ? AND convention = ? AND outcome = 'ok'
                     ORDER BY version DESC LIMIT 1",
                    duckdb::params![kind, p.key(), conv.name()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .ok();
            let version = match &last {
                Some((_, c)) if *c == content => {
                    s.up_to_date += 1;
                    continue;
                }
                Some((v, _)) => v + 1,
                None => 1,
            };
            let stem = if version == 1 {
                format!("{kind}-{}", p.key())
            } else {
                format!("{kind}-{}-v{version}", p.key())
            };
            if dry_run {
                println!("would render {}", cfg.run.out.join(format!("{stem}.pdf")).display());
                continue;
            }
            let renderer = renderer.as_ref().expect("a renderer outside dry runs");
            let t = Instant::now();
            let made = produce::render_model(report, &p, renderer, &cfg.run.out, &stem)?;
            let seconds = t.elapsed().as_secs_f64();
            let ctx = ManifestContext {
                cfg,
                targets_toml: &targets_toml,
                index766_toml: &index766_toml,
                run_date: today,
                unit: None,
                renderer: renderer.name(),
            };
            let (m, mpath) = write_manifest(&conn, &ctx, kind, &p, version, &made, &content, seconds)?;
            conn.execute(
                "INSERT INTO report_runs (kind, period, convention, version, content_sha256, pdf_path, pdf_sha256, manifest_path, renderer, seconds, outcome)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ok')",
                duckdb::params![
                    kind,
                    p.key(),
                    conv.name(),
                    version,
                    content,
                    made.pdf.to_string_lossy().to_string(),
                    m.pdf.sha256,
                    mpath.to_string_lossy().to_string(),
                    m.renderer.clone(),
                    m.seconds
                ],
            )?;
            s.rendered.push(made.pdf);
        }
    }
    Ok(s)
}

/// What a manifest records besides the report itself.
pub struct ManifestContext<'a> {
    pub cfg: &'a Config,
    pub targets_toml: &'a Option<String>,
    pub index766_toml: &'a str,
    pub run_date: NaiveDate,
    pub unit: Option<String>,
    /// "typst" or "builtin".
    pub renderer: &'static str,
}

/// Writes `<stem>.manifest.json` beside a rendered report; returns it and its path.
#[allow(clippy::too_many_arguments)]
pub fn write_manifest(
    conn: &Connection,
    ctx: &ManifestContext,
    kind: &str,
    p: &Period,
    version: i64,
    made: &produce::Produced,
    content: &str,
    seconds: f64,
) -> Result<(Manifest, PathBuf)> {
    let pdf_bytes = std::fs::read(&made.pdf)?;
    let json_bytes = std::fs::read(&made.json)?;
    let config = serde_json::to_value(ctx.cfg)?;
    let m = Manifest {
        format: 1,
        kind: kind.to_string(),
        period: p.key(),
        convention: p.convention.name().into(),
        version,
        unit: ctx.unit.clone(),
        renderer: ctx.renderer.into(),
        typst_version: typst::TYPST_VERSION.into(),
        run_date: ctx.run_date.to_string(),
        config_sha256: crate::fsx::sha256(config.to_string().as_bytes()),
        config,
        targets_toml: ctx.targets_toml.clone(),
        index766_toml: ctx.index766_toml.to_string(),
        inputs: inputs(conn)?,
        sql: manifest::sql_hashes(),
        templates: manifest::template_hashes(),
        fonts: manifest::font_hashes(&ctx.cfg.report.fonts_dir)?,
        report_json: Hashed {
            name: file_name(&made.json),
            sha256: crate::fsx::sha256(&json_bytes),
        },
        pdf: Hashed {
            name: file_name(&made.pdf),
            sha256: crate::fsx::sha256(&pdf_bytes),
        },
        content_sha256: content.to_string(),
        seconds: (seconds * 1000.0).round() / 1000.0,
        outcome: "ok".into(),
    };
    let stem = m.pdf.name.trim_end_matches(".pdf").to_string();
    let mpath = made.pdf.with_file_name(format!("{stem}.manifest.json"));
    crate::fsx::write_atomic(&mpath, (serde_json::to_string_pretty(&m)? + "\n").as_bytes())?;
    Ok((m, mpath))
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}
