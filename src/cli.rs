//! The commands behind `baocao …`: each returns an exit code (see README).

use crate::config::Config;
use crate::error::{exit_code, Exit, Failure};
use crate::ingest::{self, detect::Encoding, source::ReadOptions, IngestOptions};
use crate::metrics::{
    self,
    table::{self, By},
};
use crate::period::{Convention, Period};
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
    /// Configuration file (default ./baocao.toml when present).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// PDF renderer (default from the configuration, else auto).
    #[arg(long, global = true, value_enum)]
    pub renderer: Option<crate::choice::RendererChoice>,
    /// Log format on stderr.
    #[arg(long, global = true, value_enum, default_value_t)]
    pub log_format: crate::choice::LogFormat,
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
    /// Official figures for a period: Biểu II.06a, rates, comparisons, targets, 766 index.
    Metrics(MetricsArgs),
    /// The dossiers behind a count, with their source file and row.
    Explain {
        #[command(flatten)]
        period: PeriodArgs,
        /// A count: resolved_late, carried_over, in_progress_overdue, …
        #[arg(long)]
        metric: String,
        /// Only this agency (exact name).
        #[arg(long)]
        unit: Option<String>,
    },
    /// Official PDF reports (Typst): monthly report or year-end review.
    #[command(subcommand)]
    Report(ReportCmd),
    /// Checks the tools, fonts and database a report needs.
    Doctor,
    /// The cron entry point: ingest the inbox, archive it, render every due or changed report.
    Run {
        /// Print what would be ingested and rendered; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Rebuild a report from its manifest's archived inputs and compare the PDF.
    Regenerate {
        /// A manifest (`*.manifest.json`), or a folder with --all.
        path: PathBuf,
        /// Every manifest under the folder.
        #[arg(long)]
        all: bool,
    },
    /// Last runs, reports produced, quarantined rows awaiting attention.
    Status,
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

#[derive(Args, Debug, Clone)]
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
    /// cutoff15 (15th to 14th, Decree 09/2019) or calendar; default from the configuration.
    #[arg(long, value_enum)]
    pub convention: Option<Convention>,
}

#[derive(Args, Debug)]
pub struct MetricsArgs {
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Rows of Biểu II.06a to show: agency, level or field (default all).
    #[arg(long)]
    pub by: Option<String>,
    /// table, json or csv.
    #[arg(long, default_value = "table")]
    pub format: String,
    /// Targets file of the year (TOML).
    #[arg(long)]
    pub targets: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum ReportCmd {
    /// "Tình hình, kết quả giải quyết TTHC" for a period, with the II.06a appendix.
    Monthly {
        #[command(flatten)]
        period: PeriodArgs,
        /// Output folder.
        #[arg(long, default_value = "out")]
        out: PathBuf,
        /// Targets file of the year (TOML).
        #[arg(long)]
        targets: Option<PathBuf>,
        /// A department-level report: only this agency (exact name).
        #[arg(long)]
        unit: Option<String>,
    },
    /// The year-end review of administrative reform and digital transformation.
    Annual {
        #[arg(long)]
        year: i32,
        /// cutoff15 or calendar; default from the configuration.
        #[arg(long, value_enum)]
        convention: Option<Convention>,
        /// Output folder.
        #[arg(long, default_value = "out")]
        out: PathBuf,
        /// Targets file of the year (TOML).
        #[arg(long)]
        targets: Option<PathBuf>,
    },
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
    /// Build an export that reproduces published figures, from a calibration spec.
    Calibrate {
        /// The spec (TOML), e.g. fixtures/nghe-an-2023-06/spec.toml.
        #[arg(long)]
        spec: PathBuf,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
    },
}

/// Runs a parsed command line and returns its exit code; errors are printed here.
pub fn run(cli: Cli) -> Exit {
    init_logging(cli.log_format);
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

fn init_logging(format: crate::choice::LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("BAOCAO_LOG").unwrap_or_else(|_| "warn".into());
    let b = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter);
    let _ = if format == crate::choice::LogFormat::Json {
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
        Command::Metrics(a) => {
            let cfg = Config::load(cli.config.as_deref())?;
            let p = period_of(&a.period, &cfg)?;
            let by = match a.by.as_deref() {
                None => By::All,
                Some(b) => {
                    By::parse(b).ok_or_else(|| usage(format!("--by takes agency, level or field, not '{b}'")))?
                }
            };
            let opts = metric_options(&cfg, a.targets.as_deref())?;
            let conn = store::open(&store::resolve(cli.db))?;
            let m = metrics::compute(&conn, &p, &opts)?;
            match a.format.as_str() {
                "json" => {
                    let mut m = m;
                    if by != By::All {
                        m.ii06a.rows.retain(|r| by.shows(&r.grain));
                    }
                    println!("{}", serde_json::to_string_pretty(&m)?)
                }
                "csv" => print!("{}", table::csv(&m, by)),
                "table" => print!("{}", table::render(&m, by)),
                f => return Err(usage(format!("--format takes table, json or csv, not '{f}'")).into()),
            }
            Ok(Exit::Ok)
        }
        Command::Explain { period, metric, unit } => {
            let cfg = Config::load(cli.config.as_deref())?;
            let p = period_of(&period, &cfg)?;
            let conn = store::open(&store::resolve(cli.db))?;
            let lines = metrics::explain::explain(&conn, &p, &metric, unit.as_deref())?;
            println!("{metric}, {p}:");
            print!("{}", table::explain(&lines));
            Ok(Exit::Ok)
        }
        Command::Report(r) => {
            let cfg = Config::load(cli.config.as_deref())?;
            let mut unit_filter = None;
            let (kind, p, out, targets) = match r {
                ReportCmd::Monthly {
                    period,
                    out,
                    targets,
                    unit,
                } => {
                    unit_filter = unit;
                    ("monthly", period_of(&period, &cfg)?, out, targets)
                }
                ReportCmd::Annual {
                    year,
                    convention,
                    out,
                    targets,
                } => {
                    let conv = convention.unwrap_or(cfg.metrics.convention);
                    (
                        "annual",
                        Period::of(crate::period::Kind::Year, year, conv).map_err(|e| usage(e.to_string()))?,
                        out,
                        targets,
                    )
                }
            };
            let mut opts = metric_options(&cfg, targets.as_deref())?;
            opts.unit = unit_filter;
            let renderer = crate::render::Renderer::choose(
                cli.renderer.unwrap_or(cfg.report.renderer),
                &cfg.report.fonts_dir,
                std::time::Duration::from_secs(cfg.report.render_timeout_s),
            )?;
            let conn = store::open(&store::resolve(cli.db))?;
            let t = std::time::Instant::now();
            let made = crate::report::produce::produce(&conn, kind, &p, &opts, &cfg.report, &renderer, &out)?;
            // The manifest records the configuration as used, with the targets file chosen.
            let mut used = cfg.clone();
            if let Some(t) = &targets {
                used.metrics.targets = Some(t.clone());
            }
            let (_, targets_toml, index766_toml) = crate::run::job::metric_options(&used)?;
            let ctx = crate::run::job::ManifestContext {
                cfg: &used,
                targets_toml: &targets_toml,
                index766_toml: &index766_toml,
                run_date: ingest::run_date(),
                unit: opts.unit.clone(),
                renderer: renderer.name(),
            };
            let content = crate::report::produce::content_hash(&made.report)?;
            let (_, mpath) =
                crate::run::job::write_manifest(&conn, &ctx, kind, &p, 1, &made, &content, t.elapsed().as_secs_f64())?;
            println!("{}\n{}\n{}", made.pdf.display(), made.json.display(), mpath.display());
            Ok(Exit::Ok)
        }
        Command::Doctor => doctor(cli.db, cli.config.as_deref()),
        Command::Run { dry_run } => {
            let cfg = Config::load(cli.config.as_deref())?;
            let db = store::resolve(cli.db);
            let mut cfg = cfg;
            if let Some(r) = cli.renderer {
                cfg.report.renderer = r;
            }
            let s = crate::run::job::run(&db, &cfg, dry_run)?;
            if !s.files.is_empty() {
                print!("{}", ingest::summary::render(&s.files));
            }
            for (from, to) in &s.archived {
                println!("archived {} → {}", from.display(), to.display());
            }
            for p in &s.rendered {
                println!("rendered {}", p.display());
            }
            if s.files.is_empty() && s.rendered.is_empty() && !dry_run {
                println!("nothing to do: no new input, {} report(s) up to date", s.up_to_date);
            }
            Ok(s.exit())
        }
        Command::Regenerate { path, all } => {
            let manifests: Vec<PathBuf> = if all {
                let mut v: Vec<PathBuf> = walkdir::WalkDir::new(&path)
                    .sort_by_file_name()
                    .into_iter()
                    .filter_map(|e| e.ok())
                    .map(|e| e.into_path())
                    .filter(|p| p.to_string_lossy().ends_with(".manifest.json"))
                    .collect();
                v.sort();
                v
            } else {
                vec![path]
            };
            let bar = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
                indicatif::ProgressBar::new(manifests.len() as u64)
            } else {
                indicatif::ProgressBar::hidden()
            };
            let mut all_match = true;
            for m in &manifests {
                let v = crate::run::regenerate::regenerate(m, cli.renderer)?;
                bar.inc(1);
                all_match &= v.matches;
                if v.matches {
                    println!("MATCH {}", m.display());
                } else {
                    println!("MISMATCH {}: {}", m.display(), v.differs.join("; "));
                }
            }
            bar.finish_and_clear();
            Ok(if all_match { Exit::Ok } else { Exit::Warnings })
        }
        Command::Status => {
            let conn = store::open(&store::resolve(cli.db))?;
            let mut st = conn.prepare(
                "SELECT kind, period, version, pdf_path, outcome, rendered_at FROM report_runs ORDER BY run_id DESC LIMIT 20",
            )?;
            let rows = st.query_map([], |r| {
                Ok(format!(
                    "{} {} v{} {} {} ({})",
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, chrono::NaiveDateTime>(5)?
                ))
            })?;
            println!("Last reports:");
            for r in rows {
                println!("  {}", r?);
            }
            let (files, q): (i64, i64) = conn.query_row(
                "SELECT (SELECT count(*) FROM ingest_files), (SELECT count(DISTINCT (file_id, source_row)) FROM quarantine)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            println!("Files ingested: {files}; quarantined rows awaiting attention: {q} (baocao quarantine list)");
            Ok(Exit::Ok)
        }
        Command::Sql { statement } => {
            let conn = store::open(&store::resolve(cli.db))?;
            let t = std::time::Instant::now();
            conn.execute_batch(&statement)?;
            println!("ok in {:.3} s", t.elapsed().as_secs_f64());
            Ok(Exit::Ok)
        }
        Command::Fixtures(FixturesCmd::Calibrate { spec, out }) => {
            let spec =
                fixtures::calibrate::read_spec(&spec).map_err(|e| Failure::new(Exit::Usage, format!("{e:#}")))?;
            for w in fixtures::calibrate::calibrate(&spec, &out)? {
                println!("{}", w.display());
            }
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

fn doctor(db: Option<PathBuf>, config: Option<&std::path::Path>) -> Result<Exit> {
    let mut ok = true;
    let cfg = Config::load(config)?;
    match crate::render::typst::find() {
        Ok((bin, v)) => println!("typst: {v} ({})", bin.display()),
        Err(e) => {
            ok = false;
            println!("typst: MISSING — {e:#}");
        }
    }
    match crate::render::typst::check_fonts(&cfg.report.fonts_dir) {
        Ok(files) => {
            for f in files {
                println!("font: {}", f.display());
            }
        }
        Err(e) => {
            ok = false;
            println!("fonts: MISSING — {e:#}");
        }
    }
    match store::library() {
        Ok(lib) => println!(
            "duckdb: {} ({})",
            lib.version,
            lib.path
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "compiled into the binary".into())
        ),
        Err(e) => {
            ok = false;
            println!("duckdb: WRONG VERSION — {e:#}");
        }
    }
    let path = store::resolve(db);
    if path.exists() {
        let conn = store::open(&path)?;
        let (ver, files, dossiers, quarantined): (i64, i64, i64, i64) = conn.query_row(
            "SELECT (SELECT max(version) FROM schema_version), (SELECT count(*) FROM ingest_files),
                    (SELECT count(*) FROM dossiers), (SELECT count(*) FROM quarantine)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        println!(
            "database: {} (schema {ver}; {files} files, {dossiers} dossiers in force, {quarantined} quarantine rows)",
            path.display()
        );
    } else {
        println!("database: {} does not exist yet", path.display());
    }
    Ok(if ok { Exit::Ok } else { Exit::Render })
}

fn usage(msg: String) -> Failure {
    Failure::new(Exit::Usage, msg)
}

/// The period named by the flags, in the flag's or the configuration's convention.
fn period_of(a: &PeriodArgs, cfg: &Config) -> Result<Period> {
    let conv = a.convention.unwrap_or(cfg.metrics.convention);
    match (&a.period, a.from, a.to) {
        (Some(p), _, _) => Period::parse(p, conv).map_err(|e| usage(e.to_string()).into()),
        (None, Some(f), Some(t)) => Period::custom(f, t, conv).map_err(|e| usage(e.to_string()).into()),
        _ => Err(usage("give --period (2023-06, 2023-Q2, 2023-H1, 2023-9M, 2023) or --from and --to".into()).into()),
    }
}

fn metric_options(cfg: &Config, targets: Option<&std::path::Path>) -> Result<metrics::Options> {
    let mut o = metrics::Options {
        withdrawn_in_resolved: cfg.metrics.withdrawn_in_resolved,
        ..Default::default()
    };
    if let Some(p) = &cfg.metrics.index766 {
        let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
        o.index766 = metrics::index766::parse_config(&text).map_err(|e| usage(format!("{}: {e:#}", p.display())))?;
    }
    if let Some(t) = targets.or(cfg.metrics.targets.as_deref()) {
        o.targets = Some(metrics::targets::read(t).map_err(|e| usage(format!("{e:#}")))?);
    }
    Ok(o)
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
