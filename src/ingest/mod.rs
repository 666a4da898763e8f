//! Ingest: files → validated, normalised rows in DuckDB, with bad rows quarantined.
//!
//! Modules in layers; each uses only those before it (a test checks it):
//! `values` (dates, numbers, codes, NFC) → `legacy` (TCVN3, VNI) → `fields` (dossier columns and header aliases) →
//! `kinds` (where each kind of input is stored; feedback and catalogue column tables) →
//! `record` (cells, rows, tables) → `detect` (format, encoding) → readers `csv`, `xlsx`,
//! `json` → `source` (a file opened as a table) → `privacy` (personal columns withheld) → `validate` (a dossier row checked) →
//! `batch` (Arrow batches) → `feed` (batches into one INSERT) → `load` (one transaction per file, newest export wins,
//! quarantine, reconciliation) → `load_kind` (the same for feedback and catalogue) →
//! `progress` → this module (`ingest_file`) → `summary` (what the user sees).

pub mod batch;
pub mod csv;
pub mod detect;
pub mod feed;
pub mod fields;
pub mod json;
pub mod kinds;
pub mod legacy;
pub mod load;
pub mod load_kind;
pub mod privacy;
pub mod progress;
pub mod record;
pub mod source;
pub mod summary;
pub mod validate;
pub mod values;
pub mod xlsx;

use crate::error::Exit;
use anyhow::Result;
use chrono::NaiveDate;
use duckdb::Connection;
use load::FileCounts;
use serde::Serialize;
use source::ReadOptions;
use std::path::{Path, PathBuf};

/// Options for ingest and validate.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    pub read: ReadOptions,
    /// Which unmatched columns are kept in `extra` (personal data never is, by default).
    pub extra: privacy::ExtraPolicy,
    /// The run date: rows dated after it (or after the file's export date) are quarantined.
    pub today: NaiveDate,
    pub progress: bool,
    /// "file i/n" shown beside the row counter on a terminal.
    pub position: Option<(usize, usize)>,
    /// The export window the operator states (`--covers`), over what the file says.
    pub covers: Option<(NaiveDate, NaiveDate)>,
}

/// What happened to one file.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Loaded {
        counts: FileCounts,
        format: String,
        encoding: String,
        /// Columns not stored because they hold personal data (names, IDs, phones, …).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        withheld: Vec<String>,
    },
    AlreadyLoaded {
        file_id: i32,
        first_path: String,
    },
    Rejected {
        reason: String,
    },
}

/// One file's line in the summary.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub path: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// File endings we read; other files in a folder are skipped.
const EXTENSIONS: &[&str] = &["csv", "txt", "tsv", "xlsx", "json", "ndjson", "jsonl", "gz"];

/// Expands files and folders (recursively) into the ordered list of files to load:
/// command-line order; inside a folder, by modification time then path.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            for e in walkdir::WalkDir::new(p).sort_by_file_name() {
                let e = e?;
                let name = e.file_name().to_string_lossy();
                // expected.json is the fixture generator's answer key, not an export.
                if !e.file_type().is_file() || name.starts_with('.') || name == "expected.json" {
                    continue;
                }
                let ext = e
                    .path()
                    .extension()
                    .map(|x| x.to_string_lossy().to_lowercase())
                    .unwrap_or_default();
                if EXTENSIONS.contains(&ext.as_str()) {
                    let mtime = e.metadata().ok().and_then(|m| m.modified().ok());
                    found.push((mtime, e.path().to_path_buf()));
                }
            }
            found.sort();
            out.extend(found.into_iter().map(|x| x.1));
        } else if p.exists() {
            out.push(p.clone());
        } else {
            anyhow::bail!(crate::error::Failure::new(
                Exit::Usage,
                format!("{}: no such file or folder", p.display())
            ));
        }
    }
    Ok(out)
}

/// Parses an export window `2023-05-15..2023-06-14` (`ingest --covers`).
pub fn parse_covers(s: &str) -> Result<(NaiveDate, NaiveDate)> {
    let bad = || {
        anyhow::Error::new(crate::error::Failure::new(
            Exit::Usage,
            format!("--covers {s}: expected FROM..TO as 2023-05-15..2023-06-14"),
        ))
    };
    let (a, b) = s.split_once("..").ok_or_else(bad)?;
    let d = |x: &str| NaiveDate::parse_from_str(x.trim(), "%Y-%m-%d").map_err(|_| bad());
    let (from, to) = (d(a)?, d(b)?);
    if from > to {
        return Err(bad());
    }
    Ok((from, to))
}

/// The local (UTC+7) date now; `BAOCAO_TODAY=YYYY-MM-DD` pins it for tests.
pub fn run_date() -> NaiveDate {
    if let Some(d) = std::env::var("BAOCAO_TODAY")
        .ok()
        .and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
    {
        return d;
    }
    (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive()
}

/// Turns transparent huge pages off for this process, once. Ingest allocates and frees
/// buffers at a high rate (Arrow batches, DuckDB's vectors and blocks); with huge pages the
/// kernel zeroed 2 MiB for each fresh region touched, 8 % of an ingest's CPU samples
/// (issue 12, wide 1M file, 4 alternating runs: 4.24–5.20 s with huge pages, 3.67–4.12 s
/// without; system time 0.7–1.1 s → 0.4–0.6 s). A no-op where the kernel has no such switch.
fn no_huge_pages() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: prctl with PR_SET_THP_DISABLE takes plain integers and touches no memory.
        let rc = unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
        if rc != 0 {
            tracing::debug!("huge pages left as they are: {}", std::io::Error::last_os_error());
        }
    });
}

/// Ingests one file into the store. Problems with the file's content give a Rejected
/// outcome; database failures and broken reconciliation are errors that stop the run.
pub fn ingest_file(conn: &Connection, path: &Path, opts: &IngestOptions) -> Result<FileReport> {
    no_huge_pages();
    let path_s = path.to_string_lossy().to_string();
    let outcome = match try_ingest(conn, path, opts) {
        Ok(o) => o,
        Err(e) if is_hard(&e) => return Err(e.context(format!("{path_s}: stopping"))),
        Err(e) => Outcome::Rejected {
            reason: format!("{e:#}"),
        },
    };
    Ok(FileReport { path: path_s, outcome })
}

/// True for errors that are not about the input: the database failed or a count is wrong.
fn is_hard(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<duckdb::Error>().is_some()
            || c.downcast_ref::<crate::error::Failure>()
                .is_some_and(|f| f.exit == Exit::Internal)
    })
}

fn try_ingest(conn: &Connection, path: &Path, opts: &IngestOptions) -> Result<Outcome> {
    let info = source::info(path)?;
    let prior: Option<(i32, String)> = conn
        .query_row(
            "SELECT file_id, path FROM ingest_files WHERE sha256 = ?",
            [&info.sha256],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ok();
    if let Some((file_id, first_path)) = prior {
        return Ok(Outcome::AlreadyLoaded { file_id, first_path });
    }
    let mut table = source::open(path, &info, &opts.read)?;
    if let Some((from, to)) = opts.covers {
        table.layout.window = Some(record::Window {
            from,
            to,
            source: "option",
        });
    }
    let (table, withheld) = privacy::guard(table, &opts.extra);
    let format = table.layout.format.clone();
    let encoding = table.layout.encoding.clone();
    let ctx = validate::Context {
        reference_day: table.layout.export_at.map(|d| d.date()).unwrap_or(opts.today),
        reference_is_export: table.layout.export_at.is_some(),
    };
    let fault = std::env::var("BAOCAO_FAULT_ABORT_AFTER_ROWS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok());
    let bar = progress::row_bar(opts.progress, path, opts.position);
    let mut tick = |n: u64| {
        if fault == Some(n) {
            // Simulates a crash mid-file (tests of the transaction-per-file rule).
            std::process::abort();
        }
        if n.is_multiple_of(4096) {
            bar.set_position(n);
        }
    };
    let counts = match kinds::kind_of(&table.layout.header) {
        None => load::load_file(conn, path, &info, table, &ctx, &mut tick)?,
        Some(kind) => load::in_transaction(conn, || {
            load_kind::load(conn, kind, path, &info, table, &ctx, &mut tick)
        })?,
    };
    bar.finish_and_clear();
    let withheld: Vec<String> = withheld.lock().expect("withheld lock").iter().cloned().collect();
    for w in &withheld {
        tracing::warn!("{}: column '{w}' holds personal data: not stored", path.display());
    }
    Ok(Outcome::Loaded {
        counts,
        format,
        encoding,
        withheld,
    })
}

/// The exit code for a set of file reports: 3 if any file was rejected, 1 if rows were
/// quarantined, else 0.
pub fn exit_for(reports: &[FileReport]) -> Exit {
    if reports.iter().any(|r| matches!(r.outcome, Outcome::Rejected { .. })) {
        Exit::Rejected
    } else if reports
        .iter()
        .any(|r| matches!(&r.outcome, Outcome::Loaded { counts, .. } if counts.rows_quarantined > 0))
    {
        Exit::Warnings
    } else {
        Exit::Ok
    }
}

#[cfg(test)]
mod layering {
    /// The order of the module doc above: a module may use only modules before it.
    const LAYERS: &[&str] = &[
        "values",
        "legacy",
        "fields",
        "kinds",
        "record",
        "detect",
        "csv",
        "xlsx",
        "json",
        "source",
        "privacy",
        "validate",
        "batch",
        "feed",
        "load",
        "load_kind",
        "progress",
        "mod",
        "summary",
    ];

    /// The sibling modules a file names (`super::x`, `crate::ingest::x`, `super::{A, …}` = mod).
    fn uses(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for prefix in ["super::", "crate::ingest::"] {
            for (i, _) in text.match_indices(prefix) {
                let rest = &text[i + prefix.len()..];
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                let m = if LAYERS.contains(&name.as_str()) {
                    name
                } else {
                    "mod".to_string() // an item of mod.rs itself (FileReport, Outcome, …)
                };
                out.push(m);
            }
        }
        out
    }

    #[test]
    fn ingest_modules_only_use_earlier_layers() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ingest");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| {
                e.unwrap()
                    .file_name()
                    .to_string_lossy()
                    .trim_end_matches(".rs")
                    .to_string()
            })
            .collect();
        files.sort();
        for f in &files {
            let at = LAYERS
                .iter()
                .position(|l| l == f)
                .unwrap_or_else(|| panic!("{f}.rs is in no layer"));
            let text = std::fs::read_to_string(dir.join(format!("{f}.rs"))).unwrap();
            // Tests inside a file may reach anywhere; the code above them may not.
            let code = text.split("#[cfg(test)]").next().unwrap();
            for u in uses(code) {
                let to = LAYERS.iter().position(|l| *l == u).unwrap();
                assert!(to < at || u == *f, "{f}.rs uses {u}, a later layer: an import circle");
            }
        }
    }
}
