//! The scheduled job behind `baocao run`: lock, ingest the inbox, archive, then make every
//! due or changed report through the pipeline. Unattended and idempotent.

use super::lock::Lock;
use crate::choice::ReportKind;
use crate::error::Exit;
use crate::ingest::{self, FileReport, IngestOptions, Outcome};
use crate::period::{Convention, Period};
use crate::pipeline::{self, Request, Settings};
use anyhow::{Context, Result};
use chrono::{Datelike, NaiveDate};
use duckdb::Connection;
use std::path::{Path, PathBuf};

/// What a run did.
#[derive(Default)]
pub struct Summary {
    pub files: Vec<FileReport>,
    pub archived: Vec<(PathBuf, PathBuf)>,
    /// Files that could not be loaded, moved out of the inbox to the rejected folder.
    pub rejected: Vec<(PathBuf, PathBuf)>,
    /// Inbox entries not read, with why (links, special files, a missing inbox).
    pub skipped: Vec<String>,
    /// Dry run: the files a real run would ingest and archive.
    pub would_ingest: Vec<PathBuf>,
    /// Dry run: the PDFs a real run would write.
    pub planned: Vec<PathBuf>,
    pub rendered: Vec<PathBuf>,
    pub up_to_date: usize,
    /// The renderer used (None in a dry run).
    pub renderer: Option<crate::output::pdf::Renderer>,
    /// What the reports rendered found: dossiers set aside, agencies without data.
    pub notices: Vec<String>,
    /// True when a rendered report set dossiers aside (or, when configured, missed agencies).
    pub notice_warns: bool,
    /// `[run] watch`: the day's warning list folder, and whether it was (or, in a dry run,
    /// would be) written.
    pub watch: Option<super::watch::Day>,
}

impl Summary {
    /// 3 when a file was rejected, 1 when rows were quarantined or a report has notices, else 0.
    pub fn exit(&self) -> Exit {
        match ingest::exit_for(&self.files) {
            Exit::Ok if self.notice_warns => Exit::Warnings,
            e => e,
        }
    }
}

/// Copies a processed file to `<archive>/YYYY/MM/` (flushed, renamed into place), never
/// overwriting: a name taken by different bytes gets a numbered suffix; the same bytes
/// already there are not copied twice. The input is left for the caller to remove once the
/// database records the copy, so a kill at any point leaves the input or a recorded copy.
/// The rejected folder is filed the same way.
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
                return Ok(candidate);
            }
            continue;
        }
        // Copy, never rename: the archive may be another file system (rename fails with EXDEV).
        crate::fsx::copy_atomic(file, &candidate).with_context(|| format!("archiving {}", file.display()))?;
        return Ok(candidate);
    }
    unreachable!()
}

/// Removes an input from the inbox once its copy is filed.
fn remove_input(f: &Path) -> Result<()> {
    std::fs::remove_file(f).with_context(|| format!("removing {} after archiving", f.display()))
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

/// The completed periods of a report kind that have data.
fn due_periods(
    conn: &Connection,
    kind: ReportKind,
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
        let periods: Vec<Period> = kind
            .periods_of_year()
            .into_iter()
            .map(|k| Period::of(k, y, c))
            .collect::<Result<_>>()?;
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

/// The exports waiting in the inbox. Links and special files are skipped, each with why; an
/// inbox that is not a folder is a usage error (a job pointed at the wrong path).
fn inbox_files(inbox: &Path, sum: &mut Summary) -> Result<Vec<PathBuf>> {
    match std::fs::symlink_metadata(inbox) {
        Err(_) => {
            sum.skipped.push(format!(
                "inbox {} does not exist: nothing was ingested",
                inbox.display()
            ));
            return Ok(Vec::new());
        }
        // is_dir follows a link: an inbox that is a link to a folder is a folder.
        Ok(_) if !inbox.is_dir() => {
            anyhow::bail!(crate::error::Failure::new(
                Exit::Usage,
                format!("inbox {} is not a folder: check [run] inbox", inbox.display())
            ))
        }
        Ok(_) => {}
    }
    for e in walkdir::WalkDir::new(inbox).min_depth(1).sort_by_file_name() {
        let e = e?;
        let t = e.file_type();
        let what = if t.is_symlink() {
            "a symbolic link (not followed: an export must be a plain file in the inbox)"
        } else if !t.is_file() && !t.is_dir() {
            "not a regular file (a device, pipe or socket)"
        } else {
            continue;
        };
        sum.skipped.push(format!("skipped {}: {what}", e.path().display()));
    }
    ingest::collect_files(&[inbox.to_path_buf()])
}

/// Ingests the inbox's files and archives each one that loaded.
fn ingest_inbox(conn: &Connection, files: &[PathBuf], s: &Settings, sum: &mut Summary) -> Result<()> {
    let opts = IngestOptions {
        read: Default::default(),
        extra: s.config.ingest.extra.clone(),
        today: s.run_date,
        progress: true,
        position: None,
        covers: None,
    };
    for f in files {
        let report = ingest::ingest_file(conn, f, &opts)?;
        if let Outcome::Rejected { reason } = &report.outcome {
            let moved = archive_file(f, &s.config.run.rejected, s.run_date)?;
            let note = moved.with_file_name(format!(
                "{}.reason.txt",
                moved.file_name().unwrap_or_default().to_string_lossy()
            ));
            crate::fsx::write_atomic(&note, format!("{}\n{reason}\n", f.display()).as_bytes())?;
            remove_input(f)?;
            sum.rejected.push((f.clone(), moved));
        } else {
            let archived = archive_file(f, &s.config.run.archive, s.run_date)?;
            let (sha, _) = crate::fsx::sha256_file(&archived)?;
            conn.execute(
                "UPDATE ingest_files SET archived_path = ? WHERE sha256 = ? AND archived_path IS NULL",
                duckdb::params![archived.to_string_lossy().to_string(), sha],
            )?;
            // Only now: a kill before this leaves the input, and the next run records the copy.
            remove_input(f)?;
            sum.archived.push((f.clone(), archived));
        }
        sum.files.push(report);
    }
    Ok(())
}

/// Runs the job. `dry_run` says what would be ingested and rendered, touching nothing.
pub fn run(db: &Path, s: &Settings, dry_run: bool) -> Result<Summary> {
    let _lock = Lock::take(db)?;
    // Test hook: hold the lock a while, so a second run can be started against it.
    if let Some(ms) = std::env::var("BAOCAO_TEST_HOLD_LOCK_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
    let cfg = &s.config;
    let mut sum = Summary::default();
    // Holding the lock, no other run is writing: temporary files are a killed run's leftovers.
    if !dry_run {
        remove_temp_files(&cfg.run.out);
        remove_temp_files(&cfg.run.archive);
    }
    let files = inbox_files(&cfg.run.inbox, &mut sum)?;
    let conn = if dry_run && !db.exists() {
        crate::store::open_in_memory()?
    } else {
        crate::store::open(db)?
    };
    if dry_run {
        sum.would_ingest = files;
    } else {
        ingest_inbox(&conn, &files, s, &mut sum)?;
    }
    let conv = cfg.metrics.convention;
    let first = cfg
        .run
        .first_period
        .as_deref()
        .map(|p| Period::parse(p, conv))
        .transpose()?;
    sum.renderer = if dry_run { None } else { Some(s.renderer()?) };
    for &kind in &cfg.run.reports {
        for period in due_periods(&conn, kind, conv, s.run_date, first.as_ref())? {
            let req = Request {
                kind,
                period,
                unit: None,
            };
            let plan = pipeline::plan(&conn, &req, s)?;
            if plan.unchanged {
                sum.up_to_date += 1;
            } else if let Some(r) = &sum.renderer {
                let made = pipeline::produce(&conn, &plan, s, r, &cfg.run.out)?;
                let pdf = made.outputs.pdf.display().to_string();
                sum.notices.extend(plan.notices.lines(&pdf));
                if plan.notices.exit() != Exit::Ok {
                    sum.notice_warns = true;
                }
                // An issued period is re-rendered only when what it says changed: the new
                // draft names the issued version it would supersede.
                if let Some(l) = crate::issue::state::superseding(&conn, &req, plan.version, &pdf)? {
                    sum.notices.push(l);
                    sum.notice_warns = true;
                }
                sum.rendered.push(made.outputs.pdf);
            } else {
                sum.planned.push(cfg.run.out.join(format!("{}.pdf", plan.stem())));
            }
        }
    }
    if cfg.run.watch {
        sum.watch = Some(watch_day(&conn, s, sum.renderer.as_ref(), dry_run)?);
    }
    Ok(sum)
}

/// `[run] watch`: the warning list of the run date into `[run] out`, unless unchanged. A
/// dry run without a renderer (Typst missing under `typst`) says the list would be written.
fn watch_day(
    conn: &Connection,
    s: &Settings,
    renderer: Option<&crate::output::pdf::Renderer>,
    dry_run: bool,
) -> Result<super::watch::Day> {
    let cfg = &s.config;
    let w = crate::watch::list(conn, s.run_date, &cfg.watch, &crate::calendar::Calendar::builtin())?;
    let chosen;
    let renderer = match renderer {
        Some(r) => r,
        None => match s.renderer() {
            Ok(r) => {
                chosen = r;
                &chosen
            }
            Err(_) => {
                return Ok(super::watch::Day {
                    dir: crate::output::watch::day_dir(&cfg.run.out, s.run_date),
                    written: true,
                })
            }
        },
    };
    let ws = super::watch::Settings {
        watch: &cfg.watch,
        renderer,
        fonts_dir: cfg.report.fonts_dir.as_deref(),
    };
    super::watch::write_day(conn, &w, &ws, &cfg.run.out, dry_run)
}
