//! The commands behind `baocao …`: each returns an exit code (see README).

use crate::error::{exit_code, Exit, Failure};
use crate::ingest::{self, detect::Encoding, source::ReadOptions, IngestOptions};
use crate::{fixtures, store};
use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "baocao",
    version,
    about = "Official administrative-procedure reports from agency dossier exports"
)]
pub struct Cli {
    /// DuckDB database file (default data/baocao.duckdb; env BAOCAO_DB).
    #[arg(long, global = true)]
    pub db: Option<PathBuf>,
    /// Log format on stderr: human or json.
    #[arg(long, global = true, default_value = "human")]
    pub log_format: String,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Load dossier exports (files or folders) into the database.
    Ingest(IngestArgs),
    /// Check exports with the same rules as ingest; writes nothing.
    Validate(IngestArgs),
    /// Rows set aside by ingest.
    #[command(subcommand)]
    Quarantine(QuarantineCmd),
    /// Synthetic, realistic exports for tests and benchmarks.
    #[command(subcommand)]
    Fixtures(FixturesCmd),
    /// Runs one SQL statement on the database (benchmarks, debugging).
    #[command(hide = true)]
    Sql { statement: String },
}

#[derive(Args, Debug)]
pub struct IngestArgs {
    /// Files or folders (searched recursively).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// XLSX sheet to read (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Force the text encoding: utf-8, utf-16le, utf-16be, windows-1258.
    #[arg(long)]
    pub encoding: Option<String>,
    /// Force the CSV separator.
    #[arg(long)]
    pub delimiter: Option<char>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum QuarantineCmd {
    /// List quarantined rows (file, row, column, reason).
    List {
        /// Only files whose path contains this text.
        #[arg(long)]
        file: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum FixturesCmd {
    /// Generate a deterministic export (same seed, same bytes).
    Generate(fixtures::GenerateArgs),
}

/// Runs a parsed command line and returns its exit code; errors are printed here.
pub fn run(cli: Cli) -> Exit {
    init_logging(&cli.log_format);
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            let code = exit_code(&e);
            tracing::error!("{e:#}");
            eprintln!("error: {e:#}");
            code
        }
    }
}

fn init_logging(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("BAOCAO_LOG").unwrap_or_else(|_| "warn".into());
    let b = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter);
    let _ = if format == "json" {
        b.json().try_init()
    } else {
        b.without_time().try_init()
    };
}

fn read_options(a: &IngestArgs) -> Result<ReadOptions> {
    let encoding = match &a.encoding {
        Some(e) => {
            Some(Encoding::parse(e).ok_or_else(|| Failure::new(Exit::Usage, format!("unknown encoding '{e}'")))?)
        }
        None => None,
    };
    Ok(ReadOptions {
        sheet: a.sheet.clone(),
        encoding,
        delimiter: a.delimiter,
    })
}

fn dispatch(cli: Cli) -> Result<Exit> {
    match cli.command {
        Command::Ingest(a) => {
            let conn = store::open(&store::resolve(cli.db))?;
            ingest_cmd(&conn, &a, false)
        }
        Command::Validate(a) => {
            let conn = store::open_in_memory()?;
            ingest_cmd(&conn, &a, true)
        }
        Command::Quarantine(QuarantineCmd::List { file }) => {
            let conn = store::open(&store::resolve(cli.db))?;
            print!("{}", ingest::summary::quarantine_list(&conn, file.as_deref())?);
            Ok(Exit::Ok)
        }
        Command::Sql { statement } => {
            let conn = store::open(&store::resolve(cli.db))?;
            let t = std::time::Instant::now();
            conn.execute_batch(&statement)?;
            println!("ok in {:.3} s", t.elapsed().as_secs_f64());
            Ok(Exit::Ok)
        }
        Command::Fixtures(FixturesCmd::Generate(a)) => {
            let written = fixtures::generate(&a).context("generating fixtures")?;
            for w in written {
                println!("{}", w.display());
            }
            Ok(Exit::Ok)
        }
    }
}

fn ingest_cmd(conn: &duckdb::Connection, a: &IngestArgs, validate_only: bool) -> Result<Exit> {
    let files = ingest::collect_files(&a.paths)?;
    if files.is_empty() {
        anyhow::bail!(Failure::new(
            Exit::Usage,
            "no input files found (looked for .csv .txt .tsv .xlsx .json .ndjson .jsonl .gz)"
        ));
    }
    let mut opts = IngestOptions {
        read: read_options(a)?,
        today: ingest::run_date(),
        progress: true,
        position: None,
    };
    let mut reports = Vec::new();
    for (i, f) in files.iter().enumerate() {
        opts.position = Some((i + 1, files.len()));
        reports.push(ingest::ingest_file(conn, f, &opts)?);
    }
    if a.json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    } else {
        if validate_only {
            println!("Validation only: nothing was written.");
        }
        print!("{}", ingest::summary::render(&reports));
        if !validate_only {
            print!("{}", ingest::summary::agency_counts(conn)?);
        }
    }
    Ok(ingest::exit_for(&reports))
}
