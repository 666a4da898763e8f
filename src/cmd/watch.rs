//! `baocao watch`: the dossiers still in progress on a date, per agency, in bands by the
//! working days left before their due date — quá hạn, đến hạn, sắp đến hạn — so that the
//! desk and the departments can act before a dossier is late. Reads the store only.

use super::Global;
use crate::calendar::Calendar;
use crate::choice::OutputFormat;
use crate::error::Exit;
use crate::output::pdf::Renderer;
use crate::watch::{self, Band};
use anyhow::Result;
use chrono::NaiveDate;
use std::io::Write;

const EXAMPLES: &str = "Examples:
  baocao watch                                  # today
  baocao watch --date 2024-02-07 --format csv > canh-bao.csv
  baocao watch --date 2024-02-07 --format json
  baocao watch --out canh-bao                   # canh-bao/canh-bao-<date>/: a workbook per agency, index.html, tong-hop.pdf";

/// The date and the format.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The day the list is of (default: today, or BAOCAO_TODAY).
    #[arg(long)]
    pub date: Option<NaiveDate>,
    /// table (per agency, then the dossiers to act on), json or csv (every dossier in progress).
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    /// Also write DIR/canh-bao-<date>/: a workbook per agency, index.html and tong-hop.pdf of
    /// the counts, manifest.json (left as it is when the list has not changed).
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
}

/// The bands a desk acts on, in the order they are printed.
const ACT_ON: [Band; 3] = [Band::Overdue, Band::Due, Band::Soon];

/// Runs `watch`; exit 0 (the list is information, not a failure).
pub fn run(a: &Args, g: &Global) -> Result<Exit> {
    let cfg = g.config()?;
    let date = a.date.unwrap_or_else(crate::ingest::run_date);
    // The run lock, before the store is opened: a scheduled run may be writing the store
    // and the same day's folder. (No store, no lock: opening it says so, creating nothing.)
    let _lock = match &a.out {
        Some(_) if g.db().exists() => Some(crate::run::lock::Lock::take(&g.db())?),
        _ => None,
    };
    let conn = g.open_db()?;
    let w = watch::list(&conn, date, &cfg.watch, &Calendar::builtin())?;
    if let Some(dir) = &a.out {
        let r = &cfg.report;
        let renderer = Renderer::choose(
            g.renderer.unwrap_or(r.renderer),
            r.fonts_dir.as_deref(),
            std::time::Duration::from_secs(r.render_timeout_s),
        )?;
        let s = crate::run::watch::Settings {
            watch: &cfg.watch,
            renderer: &renderer,
            fonts_dir: r.fonts_dir.as_deref(),
        };
        let day = crate::run::watch::write_day(&conn, &w, &s, dir, false)?;
        let what = if day.written { "written" } else { "up to date" };
        eprintln!("{} ({what})", day.dir.display());
    }
    let mut out = std::io::stdout().lock();
    match a.format {
        OutputFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&w)?)?,
        OutputFormat::Csv => {
            let mut c = csv::Writer::from_writer(&mut out);
            c.write_record([
                "agency",
                "code",
                "procedure",
                "received",
                "due",
                "working_days_left",
                "band",
                "letter",
            ])?;
            for it in &w.items {
                let d = |x: Option<NaiveDate>| x.map(|d| d.to_string()).unwrap_or_default();
                c.write_record([
                    it.agency.as_str(),
                    &it.code,
                    &it.procedure,
                    &d(it.received),
                    &d(it.due),
                    &it.working_days_left.map(|n| n.to_string()).unwrap_or_default(),
                    it.band.label(),
                    &it.letter_text(),
                ])?;
            }
            c.flush()?;
        }
        OutputFormat::Table => {
            writeln!(
                out,
                "Hồ sơ đang giải quyết ngày {} (đến hạn: trong {} ngày làm việc; sắp đến hạn: trong {} ngày làm việc)",
                date.format("%d/%m/%Y"),
                w.due_soon_days,
                w.soon_days
            )?;
            writeln!(
                out,
                "{:<40} {:>8} {:>8} {:>12} {:>8} {:>10} {:>8}",
                "Cơ quan, đơn vị", "Quá hạn", "Đến hạn", "Sắp đến hạn", "Còn hạn", "Tạm dừng", "Không hẹn"
            )?;
            for (agency, n) in watch::counts(&w) {
                writeln!(
                    out,
                    "{agency:<40} {:>8} {:>8} {:>12} {:>8} {:>10} {:>8}",
                    n[0], n[1], n[2], n[3], n[4], n[5]
                )?;
            }
            for band in ACT_ON {
                let items: Vec<_> = w.items.iter().filter(|i| i.band == band).collect();
                if items.is_empty() {
                    continue;
                }
                writeln!(out, "\n{} ({}):", band.label(), items.len())?;
                for it in items {
                    writeln!(
                        out,
                        "  {} | {} | {} | hẹn trả {} | {} ngày làm việc{}",
                        it.code,
                        it.agency,
                        it.procedure,
                        it.due.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default(),
                        it.working_days_left
                            .map(|n| n.to_string())
                            .unwrap_or_else(|| "—".into()),
                        it.letter
                            .as_ref()
                            .map(|l| format!(" | thư xin lỗi {}", l.text()))
                            .unwrap_or_default()
                    )?;
                }
            }
        }
    }
    Ok(Exit::Ok)
}
