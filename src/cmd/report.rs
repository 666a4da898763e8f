//! `baocao report monthly|annual`: one official PDF report (with its report JSON and
//! manifest) through the same pipeline as the scheduled job; a report whose content
//! changed since its last rendering becomes a new version (`-v2`, …).

use super::{Global, PeriodArgs};
use crate::choice::ReportKind;
use crate::error::Exit;
use crate::period::{Convention, Period, PeriodKind};
use crate::pipeline::{self, Request};
use anyhow::Result;
use std::io::Write;
use std::path::PathBuf;

const EXAMPLES: &str = "Examples:
  baocao --config baocao.toml report monthly --period 2023-06 --out out
  baocao --config baocao.toml report monthly --period 2023-06 --notes nhan-xet-2023-06.md --out out
  baocao --config baocao.toml report quarterly --period 2023-Q2 --out out
  baocao report monthly --period 2023-06 --unit \"Sở Y tế\" --out out
  baocao --config baocao.toml report annual --year 2023 --convention calendar --out out
  baocao report national /srv/lake --period 2023-06 --out out";

/// Where the report goes and which targets apply.
#[derive(clap::Args, Debug)]
pub struct Common {
    /// Output folder.
    #[arg(long, default_value = "out")]
    pub out: PathBuf,
    /// Targets file of the year (TOML).
    #[arg(long)]
    pub targets: Option<PathBuf>,
    /// The official's own text for this report (causes, tasks, proposals; Markdown subset,
    /// docs/rules.md), instead of the period's file in `[report] notes_dir`.
    #[arg(long, value_name = "FILE")]
    pub notes: Option<PathBuf>,
}

/// Which report.
#[derive(clap::Subcommand, Debug)]
pub enum Args {
    /// "Tình hình, kết quả giải quyết TTHC" for a period, with the II.06a appendix.
    #[command(after_help = EXAMPLES)]
    Monthly {
        #[command(flatten)]
        period: PeriodArgs,
        #[command(flatten)]
        common: Common,
        /// A department-level report: only this agency (its name as in the data; case and
        /// spacing do not matter, an unknown name is refused with the closest ones).
        #[arg(long)]
        unit: Option<String>,
    },
    /// The report of a quarter (2023-Q2), with the II.06a appendix.
    #[command(after_help = EXAMPLES)]
    Quarterly {
        #[command(flatten)]
        period: PeriodArgs,
        #[command(flatten)]
        common: Common,
    },
    /// The report of a half-year (2023-H1 or 2023-H2), with the II.06a appendix.
    #[command(after_help = EXAMPLES)]
    HalfYear {
        #[command(flatten)]
        period: PeriodArgs,
        #[command(flatten)]
        common: Common,
    },
    /// The report of the first nine months of a year (2023-9M), with the II.06a appendix.
    #[command(after_help = EXAMPLES)]
    NineMonths {
        #[command(flatten)]
        period: PeriodArgs,
        #[command(flatten)]
        common: Common,
    },
    /// The national roll-up of a month or a year (issued by `[national]`): provinces' lakes
    /// or `.duckdb` files, as `baocao rollup` reads them.
    #[command(after_help = EXAMPLES)]
    National {
        /// Lake folders, or provinces' databases (`nghe-an.duckdb`, `"Nghệ An=path.duckdb"`).
        #[arg(required = true)]
        sources: Vec<String>,
        #[command(flatten)]
        period: PeriodArgs,
        #[command(flatten)]
        common: Common,
    },
    /// The year-end review of administrative reform and digital transformation.
    #[command(after_help = EXAMPLES)]
    Annual {
        #[arg(long)]
        year: i32,
        /// cutoff15, calendar or dayN; default from the configuration.
        #[arg(long, value_parser = Convention::parse)]
        convention: Option<Convention>,
        #[command(flatten)]
        common: Common,
    },
}

/// Runs `report`: prints the PDF, the report JSON and the manifest written, then the
/// workbook and the draft when asked for.
pub fn run(a: &Args, g: &Global) -> Result<Exit> {
    let cfg = g.config()?;
    if let Args::National {
        sources,
        period,
        common,
    } = a
    {
        return national(sources, period, common, g);
    }
    let (req, common) = match a {
        Args::Monthly { period, common, unit } => (
            Request {
                kind: ReportKind::Monthly,
                period: period.period(&cfg)?,
                unit: unit.clone(),
            },
            common,
        ),
        Args::Quarterly { period, common }
        | Args::HalfYear { period, common }
        | Args::NineMonths { period, common } => {
            let kind = match a {
                Args::Quarterly { .. } => ReportKind::Quarterly,
                Args::HalfYear { .. } => ReportKind::HalfYear,
                _ => ReportKind::NineMonths,
            };
            (
                Request {
                    kind,
                    period: period.period(&cfg)?,
                    unit: None,
                },
                common,
            )
        }
        Args::National { .. } => unreachable!("handled above"),
        Args::Annual {
            year,
            convention,
            common,
        } => {
            let conv = convention.unwrap_or(cfg.metrics.convention);
            let period = Period::of(PeriodKind::Year, *year, conv).map_err(|e| super::usage(e.to_string()))?;
            (
                Request {
                    kind: ReportKind::Annual,
                    period,
                    unit: None,
                },
                common,
            )
        }
    };
    crate::config::require("report", &cfg.report.missing_identity(), cfg.source.as_deref())?;
    let s = g.settings_with_notes(&cfg, common.targets.clone(), common.notes.clone())?;
    let renderer = s.renderer()?;
    let conn = g.open_db()?;
    let mut req = req;
    if let Some(u) = &req.unit {
        req.unit = Some(crate::metrics::coverage::resolve_agency(
            &conn,
            u,
            &cfg.metrics.expected_units,
        )?);
    }
    let plan = pipeline::plan(&conn, &req, &s)?;
    let made = pipeline::produce(&conn, &plan, &s, &renderer, &common.out)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", made.outputs.pdf.display())?;
    writeln!(out, "{}", made.outputs.json.display())?;
    writeln!(out, "{}", made.manifest.display())?;
    // After the three lines scripts read by position: the other formats written.
    for o in &made.outputs.others {
        writeln!(out, "{}", o.display())?;
    }
    let mut attention = super::attention::Attention::default();
    attention.renderer(s.config.report.renderer, &renderer);
    let pdf = made.outputs.pdf.display().to_string();
    for l in plan.notices.lines(&pdf) {
        attention.push(l);
    }
    let superseding = match plan.unchanged {
        true => None,
        false => crate::issue::state::superseding(&conn, &req, plan.version, &pdf)?,
    };
    let exit = match &superseding {
        Some(_) => Exit::Warnings,
        None => plan.notices.exit(),
    };
    if let Some(l) = superseding {
        attention.push(l);
    }
    attention.print(&mut out)?;
    Ok(exit)
}

/// What a national report was made from: written beside its PDF.
#[derive(serde::Serialize)]
struct NationalManifest<'a> {
    kind: &'static str,
    period: crate::metrics::PeriodOut,
    data_version: &'a str,
    renderer: &'static str,
    pdf: String,
    pdf_sha256: String,
    inputs: &'a [crate::national::rollup::SourceFile],
}

/// `report national`: the roll-up, its model, the PDF (and other formats) and a manifest
/// naming every file read; exit 1 when no province has data.
fn national(sources: &[String], period: &PeriodArgs, common: &Common, g: &Global) -> Result<Exit> {
    let cfg = g.config()?;
    let p = period.period(&cfg)?;
    if let Some(n) = &common.notes {
        return Err(super::usage(format!(
            "--notes {}: the national roll-up has no sections written by a province office",
            n.display()
        )));
    }
    crate::config::require("national", &cfg.national.missing_identity(), cfg.source.as_deref())?;
    let s = g.settings(&cfg, common.targets.clone())?;
    let n =
        crate::national::rollup::national_of(sources, &p, &s.metrics).map_err(|e| super::usage(format!("{e:#}")))?;
    let report = crate::national::report::model(&n, &p, &cfg.national);
    let renderer = s.renderer()?;
    let stem = format!("national-{}", p.key());
    let o = pipeline::render_outputs(&report, s.run_date, &renderer, &s.formats(), &common.out, &stem)?;
    let (pdf_sha256, _) = crate::fsx::sha256_file(&o.pdf)?;
    let m = NationalManifest {
        kind: "national",
        period: (&p).into(),
        data_version: &report.data_version,
        renderer: renderer.name(),
        pdf: o.pdf.to_string_lossy().to_string(),
        pdf_sha256,
        inputs: &n.inputs,
    };
    let mpath = common.out.join(format!("{stem}.manifest.json"));
    crate::fsx::write_atomic(&mpath, format!("{}\n", serde_json::to_string_pretty(&m)?).as_bytes())?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", o.pdf.display())?;
    writeln!(out, "{}", o.json.display())?;
    writeln!(out, "{}", mpath.display())?;
    for x in &o.others {
        writeln!(out, "{}", x.display())?;
    }
    Ok(if n.provinces.is_empty() {
        Exit::Warnings
    } else {
        Exit::Ok
    })
}
