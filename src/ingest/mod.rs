//! Ingest: files → validated, normalised rows in DuckDB, with bad rows quarantined.
//!
//! Three rooms: `reading` (a file's bytes into rows), `checking` (values, columns, rows) and
//! `storing` (rows into DuckDB, one transaction per file). The readers use the value-level
//! checking modules (values, dossier fields, the column tables that pick the header), so
//! those come first. Layers, each using only those before it (the `layering` test reads
//! this list; a folder's `mod.rs` only declares its modules):
//!
//! `checking/values` → `checking/fields` → `checking/columns` → `reading/legacy` →
//! `reading/record` → `reading/detect` → `reading/csv` → `reading/xlsx` → `reading/json` →
//! `reading/source` → `checking/privacy` → `checking/validate` → `checking/other_kinds` →
//! `storing/batch` → `storing/feed` → `storing/settings` → `storing/stream` →
//! `storing/coverage` → `storing/supersede` → `storing/files` → `storing/dossiers` →
//! `storing/other_kinds` → `progress` → `mod` (this file) → `summary`

pub mod checking;
pub mod progress;
pub mod reading;
pub mod storing;
pub mod summary;

pub use storing::stream::FileCounts;

use crate::error::Exit;
use anyhow::Result;
use chrono::NaiveDate;
use duckdb::Connection;
use reading::source::ReadOptions;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Options for ingest and validate.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    pub read: ReadOptions,
    /// Which unmatched columns are kept in `extra` (personal data never is, by default).
    pub extra: checking::privacy::ExtraPolicy,
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
/// kernel zeroes 2 MiB for each fresh region touched, which slows ingest down (see
/// docs/decisions.md). A no-op where the kernel has no such switch.
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
    let info = reading::source::info(path)?;
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
    let mut table = reading::source::open(path, &info, &opts.read)?;
    if let Some((from, to)) = opts.covers {
        table.layout.window = Some(reading::record::Window {
            from,
            to,
            source: "option",
        });
    }
    let (table, withheld) = checking::privacy::guard(table, &opts.extra);
    let format = table.layout.format.clone();
    let encoding = table.layout.encoding.clone();
    let ctx = checking::validate::Context {
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
    let counts = match checking::columns::kind_of(&table.layout.header) {
        None => storing::dossiers::load_file(conn, path, &info, table, &ctx, &mut tick)?,
        Some(kind) => storing::settings::in_transaction(conn, || {
            storing::other_kinds::load(conn, kind, path, &info, table, &ctx, &mut tick)
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
    use std::path::Path;

    /// The layers in order, read from the module doc of this file: its last paragraph, one
    /// path in backticks (`checking/values`, `mod` for this file) between arrows.
    fn layers(source: &str) -> Vec<String> {
        let doc: Vec<&str> = source
            .lines()
            .take_while(|l| l.starts_with("//!"))
            .map(|l| l.trim_start_matches("//!").trim())
            .collect();
        let list = doc.split(|l| l.is_empty()).next_back().expect("a module doc").join(" ");
        list.split('→')
            .map(|piece| piece.split('`').nth(1).expect("a layer in backticks").to_string())
            .collect()
    }

    /// `a/b` from a module path and a name.
    fn join(base: &[String], name: &str) -> String {
        base.iter()
            .map(String::as_str)
            .chain([name])
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Follows one path (`super::super::checking::values::fold`, `{fields, values}`, …) from
    /// the module `base` to the module it names: `room/name`, or the `mod.rs` of the folder
    /// where it ends (`mod` for this file) when it names an item there.
    fn walk(mut base: Vec<String>, mut rest: &str, modules: &[String], out: &mut Vec<String>) {
        loop {
            if let Some(list) = rest.strip_prefix('{') {
                let (mut depth, mut start) = (0, 0);
                for (i, c) in list.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => {
                            walk(base.clone(), list[start..i].trim(), modules, out);
                            return;
                        }
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            walk(base.clone(), list[start..i].trim(), modules, out);
                            start = i + 1;
                        }
                        _ => {}
                    }
                }
                return;
            }
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            let after = &rest[name.len()..];
            if name == "super" {
                if base.pop().is_none() {
                    return; // above ingest
                }
                rest = after.strip_prefix("::").unwrap_or_default();
                continue;
            }
            let module = join(&base, &name);
            let is_folder = modules.contains(&join(&base, &format!("{name}/mod")));
            match after.strip_prefix("::") {
                Some(next) if is_folder => {
                    base.push(name);
                    rest = next;
                }
                _ if modules.contains(&module) => return out.push(module),
                _ => return out.push(join(&base, "mod")), // an item of that mod.rs (or the folder itself)
            }
        }
    }

    /// The modules the code of `file` (e.g. `storing/dossiers`) names, in order: through
    /// `super::` (any number of them), `crate::ingest::`, and paths from this folder's modules
    /// (`storing::dossiers::…`, as this file writes them).
    fn uses(file: &str, code: &str, modules: &[String]) -> Vec<String> {
        let here: Vec<String> = file.split('/').filter(|s| *s != "mod").map(String::from).collect();
        let mut top: Vec<&str> = modules
            .iter()
            .filter_map(|m| m.split('/').next().filter(|first| *first != "mod"))
            .collect();
        top.sort();
        top.dedup();
        let mut found: Vec<(usize, Vec<String>)> = Vec::new();
        let bytes = code.as_bytes();
        let starts_path = |i: usize| i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || b"_:".contains(&bytes[i - 1]));
        let mut add = |i: usize, base: Vec<String>, rest: &str| {
            let mut out = Vec::new();
            walk(base, rest, modules, &mut out);
            found.push((i, out));
        };
        for (i, _) in code.match_indices("crate::ingest::") {
            add(i, Vec::new(), &code[i + "crate::ingest::".len()..]);
        }
        for (i, _) in code.match_indices("super::").filter(|(i, _)| starts_path(*i)) {
            add(i, here.clone(), &code[i..]);
        }
        for name in &top {
            let prefix = format!("{name}::");
            for (i, _) in code.match_indices(&prefix).filter(|(i, _)| starts_path(*i)) {
                add(i, Vec::new(), &code[i..]);
            }
        }
        found.sort();
        found.into_iter().flat_map(|x| x.1).collect()
    }

    /// Every `.rs` file under `dir`, as `room/name` (`mod` for this file).
    fn modules(dir: &Path, under: &str, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let rel = if under.is_empty() {
                name.clone()
            } else {
                format!("{under}/{name}")
            };
            if path.is_dir() {
                modules(&path, &rel, out);
            } else if let Some(m) = rel.strip_suffix(".rs") {
                out.push(m.to_string());
            }
        }
    }

    #[test]
    fn uses_reads_every_form_of_path() {
        let modules: Vec<String> = ["checking/mod", "checking/values", "checking/fields", "storing/mod"]
            .into_iter()
            .chain(["storing/stream", "storing/dossiers", "mod", "summary"])
            .map(String::from)
            .collect();
        let code = "use super::stream::FileCounts;\nuse super::super::checking::{fields::HeaderMap, values};\n\
                    use crate::ingest::checking::values::fold;\nuse super::super::{FileReport, Outcome};\n\
                    pub(super) fn f() { storing::stream::g(); summary::h(); }";
        let expect = [
            "storing/stream",
            "checking/fields",
            "checking/values",
            "checking/values",
            "mod",
            "mod",
        ];
        let expect: Vec<&str> = expect.into_iter().chain(["storing/stream", "summary"]).collect();
        assert_eq!(uses("storing/dossiers", code, &modules), expect);
        assert_eq!(
            uses("summary", "use super::{FileReport, Outcome};", &modules),
            ["mod", "mod"]
        );
        assert!(uses("mod", "super::x(); use super::super::y;", &modules).is_empty());
    }

    #[test]
    fn ingest_modules_only_use_earlier_layers() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ingest");
        let mut files = Vec::new();
        modules(&dir, "", &mut files);
        files.sort();
        let layers = layers(&std::fs::read_to_string(dir.join("mod.rs")).unwrap());
        for l in &layers {
            assert!(
                files.contains(l),
                "the module doc names {l}, which is no file under src/ingest"
            );
        }
        for f in &files {
            let text = std::fs::read_to_string(dir.join(format!("{f}.rs"))).unwrap();
            if f.ends_with("/mod") {
                // A folder's mod.rs says what the folder is for and declares its modules.
                let code = text.lines().filter(|l| !l.is_empty() && !l.starts_with("//!"));
                for l in code {
                    assert!(
                        l.starts_with("pub mod ") && l.ends_with(';'),
                        "{f}.rs: `{l}`: only `pub mod x;` here"
                    );
                }
                continue;
            }
            let at = layers
                .iter()
                .position(|l| l == f)
                .unwrap_or_else(|| panic!("{f}.rs is in no layer of the module doc of src/ingest/mod.rs"));
            // Tests inside a file may reach anywhere; the code above them may not.
            let code = text.split("#[cfg(test)]").next().unwrap();
            for u in uses(f, code, &files) {
                if u == *f || u.ends_with("/mod") {
                    continue; // itself, or a folder (which holds nothing but modules)
                }
                let to = layers
                    .iter()
                    .position(|l| *l == u)
                    .unwrap_or_else(|| panic!("{f}.rs uses {u}, in no layer"));
                assert!(to < at, "{f}.rs uses {u}, a later layer: an import circle");
            }
        }
    }
}
