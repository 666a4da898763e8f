//! `baocao issue SIGNED.pdf --number N --date D`: takes back a report the leader signed and
//! the records office issued, checks that it extends one of our drafts byte for byte and that
//! every signature is valid (pyHanko's validator), copies it read-only beside the draft and
//! records its number, date and signers (`src/issue/`). Exit 3 names why a file is refused.

use super::Global;
use crate::error::Exit;
use anyhow::Result;
use std::io::Write;
use std::path::PathBuf;

const EXAMPLES: &str = "Examples:
  baocao issue bao-cao-thang-4-da-ky.pdf --number 123/BC-UBND --date 2024-04-16
  baocao issue da-ky.pdf --number 45/BC-UBND --date 2024-05-15 --report monthly-2024-04-v2
  baocao issue da-ky.pdf --number 123/BC-UBND --date 2024-04-16 --trust certs/rootca-chinh-phu.pem";

/// The signed file and what the records office gave it.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The signed PDF (our draft with the signatures appended as incremental updates).
    pub signed: PathBuf,
    /// The number written on the document ("Số: …"), e.g. 123/BC-UBND.
    #[arg(long)]
    pub number: String,
    /// The date of issue (YYYY-MM-DD).
    #[arg(long)]
    pub date: chrono::NaiveDate,
    /// The draft it was signed from (e.g. monthly-2024-04-v1, as `baocao status` lists it);
    /// default: the draft whose bytes begin the file.
    #[arg(long)]
    pub report: Option<String>,
    /// A PEM certificate to trust as a root besides the system's (repeatable; added to
    /// `[issue] trust`).
    #[arg(long)]
    pub trust: Vec<PathBuf>,
}

/// Runs `issue`: exit 0 when issued (or already issued with this file and number).
pub fn run(a: &Args, g: &Global) -> Result<Exit> {
    let cfg = g.config()?;
    let conn = g.open_db()?;
    let mut trust = cfg.issue.trust.clone();
    trust.extend(a.trust.iter().cloned());
    let req = crate::issue::Request {
        signed: a.signed.clone(),
        number: a.number.clone(),
        date: a.date,
        report: a.report.clone(),
        trust,
    };
    let done = crate::issue::issue(&conn, &req)?;
    let mut out = std::io::stdout().lock();
    let d = &done.draft;
    let i = &done.issue;
    if done.already {
        writeln!(
            out,
            "already issued: {} as {} on {} ({})",
            d.id, i.number, i.date, i.signed_path
        )?;
        return Ok(Exit::Ok);
    }
    writeln!(out, "issued {} as {} on {}: {}", d.id, i.number, i.date, i.signed_path)?;
    for s in &done.signatures {
        writeln!(
            out,
            "  signature {}: {} (signed {})",
            s.field,
            s.subject,
            s.signing_time.as_deref().unwrap_or("at a time not stated")
        )?;
    }
    if let Some(old) = &done.supersedes {
        writeln!(
            out,
            "supersedes {} of {} (version {})",
            old.number, old.date, old.version
        )?;
    }
    Ok(Exit::Ok)
}
