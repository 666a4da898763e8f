//! The command line: parses arguments (clap) and hands each command to its file in
//! `cmd/`. Errors are printed here, once.

use crate::choice::LogFormat;
use crate::cmd::{self, Global};
use crate::error::{exit_code, Exit};
use clap::{Parser, Subcommand};
use std::io::IsTerminal;

const EXIT_CODES: &str = "Exit codes:
  0   success
  1   success with warnings (rows quarantined, a report MISMATCH, a report whose period
      has no data or an agency not covered for the whole period)
  2   usage or configuration error
  3   input rejected (a whole file could not be loaded; a signed file `issue` refuses)
  4   another process holds the database
  5   rendering failed (typst or fonts missing, template error)
  6   the system refused a write (disk full, read-only or unwritable folder, archive
      on a failing file system)
  10  internal error (a bug: please report it)

Examples:
  baocao ingest fixtures/nghe-an-2023-06
  baocao metrics --period 2023-06 --by level
  baocao --config baocao.toml report monthly --period 2023-06 --out out";

#[derive(Parser, Debug)]
#[command(
    name = "baocao",
    version,
    about = "Official administrative-procedure reports from agency dossier exports",
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Write a commented baocao.toml naming who issues a province's reports.
    Init(cmd::init::Args),
    /// Load dossier exports (files or folders) into the database.
    Ingest(cmd::ingest::Args),
    /// Check exports with the same rules as ingest; writes nothing.
    Validate(cmd::ingest::Args),
    /// Rows set aside by ingest.
    #[command(subcommand)]
    Quarantine(cmd::quarantine::Args),
    /// Synthetic, realistic exports for tests and benchmarks (also `fixtures`).
    #[command(subcommand, alias = "fixtures")]
    Synth(cmd::synth::Args),
    /// Official figures for a period: Biểu II.06a, rates, comparisons, targets, 766 index.
    Metrics(cmd::metrics::Args),
    /// The dossiers behind a count, with their source file and row.
    Explain(cmd::explain::Args),
    /// The dossiers in progress on a date, in bands by the working days left: act before they are late.
    Watch(cmd::watch::Args),
    /// Which agencies' data covers a period, fully or in part, and from which files.
    Coverage(cmd::coverage::Args),
    /// Official PDF reports: monthly report or year-end review.
    #[command(subcommand)]
    Report(cmd::report::Args),
    /// A month (or each month of a year) as Parquet: dossiers, II.06a flags, metrics per unit.
    Export(cmd::export::Args),
    /// The national table from many provinces' Parquet lakes: totals, rates, 766 and rank.
    Rollup(cmd::rollup::Args),
    /// Take back a signed report: check it extends our draft and its signatures, record its number.
    Issue(cmd::issue::Args),
    /// The public HTML archive: an index of every report issued and a page per report.
    Site(cmd::site::Args),
    /// Checks the tools, fonts, DuckDB library and database a report needs.
    Doctor(cmd::doctor::Args),
    /// The cron entry point: ingest the inbox, archive it, render every due or changed report.
    Run(cmd::run::Args),
    /// Rebuild reports from their manifests' archived inputs and compare the PDFs.
    Regenerate(cmd::regenerate::Args),
    /// Last runs, reports produced, quarantined rows awaiting attention.
    Status(cmd::status::Args),
    /// Shell completions (bash, zsh, fish, …).
    Completions(cmd::completions::Args),
    /// The man page (roff), as installed by `make install`.
    #[command(hide = true)]
    Man,
    /// Runs one SQL statement on the database (benchmarks, debugging).
    #[command(hide = true)]
    Sql(cmd::sql::Args),
}

/// Runs a parsed command line and returns its exit code; an error is printed once.
pub fn run(cli: Cli) -> Exit {
    init_logging(&cli.global);
    let g = &cli.global;
    // Owner-only files unless the configuration says otherwise (a bad file is reported by
    // the command itself).
    if g.config().map(|c| c.ingest.owner_only).unwrap_or(true) {
        crate::fsx::set_owner_only();
    }
    let res = match &cli.command {
        Command::Init(a) => cmd::init::run(a, g),
        Command::Ingest(a) => cmd::ingest::run(a, g),
        Command::Validate(a) => cmd::validate::run(a, g),
        Command::Quarantine(a) => cmd::quarantine::run(a, g),
        Command::Synth(a) => cmd::synth::run(a, g),
        Command::Metrics(a) => cmd::metrics::run(a, g),
        Command::Explain(a) => cmd::explain::run(a, g),
        Command::Coverage(a) => cmd::coverage::run(a, g),
        Command::Report(a) => cmd::report::run(a, g),
        Command::Export(a) => cmd::export::run(a, g),
        Command::Rollup(a) => cmd::rollup::run(a, g),
        Command::Watch(a) => cmd::watch::run(a, g),
        Command::Issue(a) => cmd::issue::run(a, g),
        Command::Site(a) => cmd::site::run(a, g),
        Command::Doctor(a) => cmd::doctor::run(a, g),
        Command::Run(a) => cmd::run::run(a, g),
        Command::Regenerate(a) => cmd::regenerate::run(a, g),
        Command::Status(a) => cmd::status::run(a, g),
        Command::Completions(a) => cmd::completions::run(a),
        Command::Man => cmd::completions::man(),
        Command::Sql(a) => cmd::sql::run(a, g),
    };
    match res {
        Ok(code) => code,
        // The reader went away (`| head`): what it wanted is printed; end quietly.
        Err(e) if is_broken_pipe(&e) => Exit::Ok,
        Err(e) => {
            let code = exit_code(&e);
            print_error(&e, code, g.log_format);
            code
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

/// One line on stderr: `error: …` for people, one JSON object for log collectors.
fn print_error(e: &anyhow::Error, code: Exit, format: LogFormat) {
    let msg = format!("{e:#}")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" | ");
    let line = match format {
        LogFormat::Human => format!("error: {msg}"),
        LogFormat::Json => serde_json::json!({"level": "ERROR", "message": msg, "exit": code as i32}).to_string(),
    };
    eprintln!("{line}");
}

/// Colour only on a terminal and never with NO_COLOR set.
fn colour() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn init_logging(g: &Global) {
    let level = match (g.quiet, g.verbose) {
        (true, _) => "error",
        (_, 0) => "warn",
        (_, 1) => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("BAOCAO_LOG").unwrap_or_else(|_| level.into());
    let b = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter)
        .with_target(false);
    let _ = match g.log_format {
        LogFormat::Json => b.json().try_init(),
        LogFormat::Human => b.without_time().with_ansi(colour()).try_init(),
    };
}
