//! `baocao ingest PATH…`: loads dossier, feedback and catalogue exports (files or folders,
//! recursively) into the database, quarantining bad rows, and prints what each file gave.

use super::Global;
use crate::error::{Exit, Failure};
use crate::ingest::{self, reading::detect::Encoding, reading::source::ReadOptions, IngestOptions};
use anyhow::Result;
use std::io::Write;
use std::path::PathBuf;

const EXAMPLES: &str = "Examples:
  baocao ingest fixtures/nghe-an-2023-06
  baocao --db data/nghe-an.duckdb ingest exports/2023-06/*.xlsx
  baocao ingest --encoding windows-1258 --delimiter ';' old-export.csv
  baocao ingest --covers 2023-05-15..2023-06-14 exports/2023-06/";

/// Files to read and how to read them (shared with `validate`).
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Files or folders (searched recursively).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// XLSX sheet to read (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Force the text encoding: utf-8, utf-16le, utf-16be, windows-1258, tcvn3, vni (the last two
    /// also convert XLSX strings typed in TCVN3 or VNI fonts).
    #[arg(long)]
    pub encoding: Option<String>,
    /// Force the CSV separator.
    #[arg(long)]
    pub delimiter: Option<char>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// The days the files cover, when they do not say it in their title block
    /// ("Từ ngày … đến ngày …"): FROM..TO, e.g. 2023-05-15..2023-06-14.
    #[arg(long, value_name = "FROM..TO")]
    pub covers: Option<String>,
}

/// Runs `ingest`.
pub fn run(a: &Args, g: &Global) -> Result<Exit> {
    load(&g.create_db()?, a, false, g)
}

/// Loads the files into `conn` and prints the summary (`validate` uses an in-memory store).
pub fn load(conn: &duckdb::Connection, a: &Args, validate_only: bool, g: &Global) -> Result<Exit> {
    let files = ingest::collect_files(&a.paths)?;
    if files.is_empty() {
        anyhow::bail!(Failure::new(
            Exit::Usage,
            "no input files found (looked for .csv .txt .tsv .xlsx .json .ndjson .jsonl .gz)"
        ));
    }
    let encoding = match &a.encoding {
        Some(e) => Some(Encoding::parse(e).ok_or_else(|| super::usage(format!("unknown encoding '{e}'")))?),
        None => None,
    };
    let mut opts = IngestOptions {
        read: ReadOptions {
            sheet: a.sheet.clone(),
            encoding,
            delimiter: a.delimiter,
        },
        extra: g.config()?.ingest.extra,
        today: ingest::run_date(),
        progress: true,
        position: None,
        covers: a.covers.as_deref().map(ingest::parse_covers).transpose()?,
    };
    let mut reports = Vec::new();
    for (i, f) in files.iter().enumerate() {
        opts.position = Some((i + 1, files.len()));
        reports.push(ingest::ingest_file(conn, f, &opts)?);
    }
    let mut out = std::io::stdout().lock();
    if a.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&reports)?)?;
    } else {
        if validate_only {
            writeln!(out, "Validation only: nothing was written.")?;
        }
        write!(out, "{}", ingest::summary::render(&reports))?;
        if !validate_only {
            write!(out, "{}", ingest::summary::agency_counts(conn)?)?;
        }
        let mut attention = super::attention::Attention::default();
        attention.files(&reports);
        attention.print(&mut out)?;
    }
    Ok(ingest::exit_for(&reports))
}
