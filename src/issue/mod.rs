//! From draft to issued document (`baocao issue`): every report we render is a draft; the
//! signed file the office brings back is checked to extend one of our drafts byte for byte
//! (`draft`), its signatures are validated by a real validator (`verify`), and it is copied
//! read-only beside the draft and recorded with its number and date (`record`).
//! The rules are in docs/rules.md, "Issuing a signed report".

pub mod draft;
pub mod record;
pub mod state;
pub mod verify;

use crate::error::{Exit, Failure};
use anyhow::{Context, Result};
use chrono::NaiveDate;
use draft::Draft;
use duckdb::Connection;
use record::Issue;
use std::path::{Path, PathBuf};

/// What to issue.
#[derive(Debug, Clone)]
pub struct Request {
    /// The signed PDF.
    pub signed: PathBuf,
    /// "123/BC-UBND".
    pub number: String,
    /// The date of issue.
    pub date: NaiveDate,
    /// A draft id (`monthly-2023-06-v1`), PDF stem or run number; else found by its bytes.
    pub report: Option<String>,
    /// PEM certificates trusted besides the system's.
    pub trust: Vec<PathBuf>,
}

/// What issuing did.
#[derive(Debug, Clone)]
pub struct Issued {
    pub draft: Draft,
    pub issue: Issue,
    pub signatures: Vec<verify::Signature>,
    /// The earlier issued version of the same report this one replaces.
    pub supersedes: Option<Issue>,
    /// This very file was already issued with this number: nothing was changed.
    pub already: bool,
}

fn usage(msg: String) -> anyhow::Error {
    anyhow::Error::new(Failure::new(Exit::Usage, msg))
}

fn rejected(msg: String) -> anyhow::Error {
    anyhow::Error::new(Failure::new(Exit::Rejected, msg))
}

/// The copy of a draft's signed file: `<draft stem>.signed.pdf` beside the draft.
pub fn signed_copy(draft_pdf: &Path) -> PathBuf {
    let stem = draft_pdf
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    draft_pdf.with_file_name(format!("{stem}.signed.pdf"))
}

/// Checks a number as the records office writes it: one line, not blank.
fn check_number(n: &str) -> Result<()> {
    if n.trim().is_empty() || n.trim() != n || n.chars().any(char::is_control) {
        return Err(usage(format!(
            "--number {n:?}: give the number as written on the document, e.g. \"123/BC-UBND\""
        )));
    }
    Ok(())
}

/// Issues a signed file: finds its draft, validates its signatures, copies it beside the
/// draft (read-only) and records it. Refusals of the file are exit 3; a number already
/// given to another report this year, or a draft already issued otherwise, exit 2.
pub fn issue(conn: &Connection, req: &Request) -> Result<Issued> {
    check_number(&req.number)?;
    let bytes = std::fs::read(&req.signed).map_err(|e| usage(format!("reading {}: {e}", req.signed.display())))?;
    let (draft, _len) = draft::find_draft(conn, &bytes, &req.signed, req.report.as_deref())?;
    let sha = crate::fsx::sha256(&bytes);
    let supersedes = record::superseded(
        conn,
        &draft.kind,
        &draft.period,
        &draft.convention,
        draft.unit.as_deref(),
        draft.version,
    )?;
    let done = record::of_run(conn, draft.run_id)?;
    if let Some(done) = done
        .as_ref()
        .filter(|d| d.signed_sha256 == sha && d.number == req.number && d.date == req.date)
    {
        return Ok(Issued {
            draft,
            issue: done.clone(),
            signatures: Vec::new(),
            supersedes,
            already: true,
        });
    }
    // The file is judged first: a refused file is exit 3 whatever else is wrong.
    let report = verify::validate(&req.signed, &req.trust)?;
    let why = verify::refusals(&report);
    if !why.is_empty() {
        return Err(rejected(format!(
            "{} refused (draft {}): {}",
            req.signed.display(),
            draft.id,
            why.join("; ")
        )));
    }
    if let Some(done) = done {
        return Err(usage(format!(
            "draft {} was already issued as {} on {} ({}): a correction is a new draft (`baocao report` after the data or configuration changed), signed and issued with its own number",
            draft.id, done.number, done.date, done.signed_path
        )));
    }
    if let Some(other) = record::number_taken(conn, &req.number, req.date, draft.run_id)? {
        return Err(usage(format!(
            "number {} was already given in {} to another report ({}, issued {}): each document of the year has its own number",
            req.number,
            other.date.format("%Y"),
            other.signed_path,
            other.date
        )));
    }
    let copy = signed_copy(&draft.pdf);
    if let Some(dir) = copy.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    crate::fsx::write_atomic(&copy, &bytes)?;
    read_only(&copy)?;
    let issue = Issue {
        run_id: draft.run_id,
        version: draft.version,
        number: req.number.clone(),
        date: req.date,
        signed_path: copy.to_string_lossy().to_string(),
        signed_sha256: sha,
    };
    record::insert(conn, &issue, &report.verifier, &report.signatures)?;
    Ok(Issued {
        draft,
        issue,
        signatures: report.signatures,
        supersedes,
        already: false,
    })
}

/// The signed copy is never written again: read-only for everyone.
fn read_only(p: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o444))
        .with_context(|| format!("making {} read-only", p.display()))
}
