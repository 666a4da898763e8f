//! One file per command (`baocao <command>`), in the manner of xsv: each file opens with
//! what the command does, holds its arguments with 1–3 examples for `--help`, and a small
//! `run` that calls the library.

pub mod attention;
pub mod completions;
pub mod coverage;
pub mod doctor;
pub mod explain;
pub mod export;
pub mod ingest;
pub mod init;
pub mod issue;
pub mod metrics;
pub mod quarantine;
pub mod regenerate;
pub mod report;
pub mod rollup;
pub mod run;
pub mod site;
pub mod sql;
pub mod status;
pub mod synth;
pub mod validate;
pub mod watch;

use crate::choice::{Format, LogFormat, RendererChoice};
use crate::config::Config;
use crate::error::{Exit, Failure};
use crate::period::{Convention, Period};
use crate::pipeline::{Overrides, Settings};
use anyhow::Result;
use std::path::PathBuf;

/// Flags every command takes.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct Global {
    /// DuckDB database file (default data/baocao.duckdb; env BAOCAO_DB).
    #[arg(long, global = true)]
    pub db: Option<PathBuf>,
    /// Configuration file (default ./baocao.toml when present). Relative paths inside it
    /// are read from its own folder.
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// PDF renderer (default from the configuration, else auto).
    #[arg(long, global = true, value_enum)]
    pub renderer: Option<RendererChoice>,
    /// Files each report is written as, comma-separated: pdf,xlsx,docx (default from
    /// `[report] formats`, else pdf; the PDF is always made).
    #[arg(long, global = true, value_enum, value_delimiter = ',')]
    pub formats: Option<Vec<Format>>,
    /// Log format on stderr.
    #[arg(long, global = true, value_enum, default_value_t)]
    pub log_format: LogFormat,
    /// Only errors on stderr.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// More detail on stderr (-v info, -vv debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

impl Global {
    /// The configuration file named by --config (or ./baocao.toml), else the defaults.
    pub fn config(&self) -> Result<Config> {
        Config::load(self.config.as_deref())
    }

    /// The database path: --db, then BAOCAO_DB, then the default.
    pub fn db(&self) -> PathBuf {
        crate::store::resolve(self.db.clone())
    }

    /// Opens the database for reading: a missing file is exit 2 (read commands never create one).
    pub fn open_db(&self) -> Result<duckdb::Connection> {
        crate::store::open_existing(&self.db())
    }

    /// Opens the database, creating it when missing (`ingest` only).
    pub fn create_db(&self) -> Result<duckdb::Connection> {
        crate::store::open(&self.db())
    }

    /// The report settings of the configuration with this command line's overrides.
    pub fn settings(&self, cfg: &Config, targets: Option<PathBuf>) -> Result<Settings> {
        self.settings_with_notes(cfg, targets, None)
    }

    /// The same, with one notes file for the report (`report --notes`).
    pub fn settings_with_notes(
        &self,
        cfg: &Config,
        targets: Option<PathBuf>,
        notes: Option<PathBuf>,
    ) -> Result<Settings> {
        let o = Overrides {
            targets,
            renderer: self.renderer,
            formats: self.formats.clone(),
            notes,
        };
        Settings::build(cfg, &o, crate::ingest::run_date())
    }
}

/// The period flags shared by `metrics`, `explain` and `report`.
#[derive(clap::Args, Debug, Clone)]
pub struct PeriodArgs {
    /// 2023-06, 2023-Q2, 2023-H1, 2023-9M or 2023.
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub period: Option<String>,
    /// First day of a custom period (YYYY-MM-DD), with --to.
    #[arg(long, requires = "to")]
    pub from: Option<chrono::NaiveDate>,
    /// Last day of a custom period.
    #[arg(long, requires = "from")]
    pub to: Option<chrono::NaiveDate>,
    /// cutoff15 (15th to 14th, Decree 09/2019), calendar, or dayN (months from day N, 1–28);
    /// default from the configuration.
    #[arg(long, value_parser = Convention::parse)]
    pub convention: Option<Convention>,
}

impl PeriodArgs {
    /// The period named by the flags, in the flag's or the configuration's convention.
    pub fn period(&self, cfg: &Config) -> Result<Period> {
        let conv = self.convention.unwrap_or(cfg.metrics.convention);
        match (&self.period, self.from, self.to) {
            (Some(p), _, _) => Period::parse(p, conv).map_err(|e| usage(e.to_string())),
            (None, Some(f), Some(t)) => Period::custom(f, t, conv).map_err(|e| usage(e.to_string())),
            _ => Err(usage(
                "give --period (2023-06, 2023-Q2, 2023-H1, 2023-9M, 2023) or --from and --to".into(),
            )),
        }
    }
}

/// A usage error (exit 2).
pub fn usage(msg: String) -> anyhow::Error {
    anyhow::Error::new(Failure::new(Exit::Usage, msg))
}
