//! `baocao rollup SOURCE… --period P`: the national table of a month or a year from
//! provinces' Parquet lakes (`baocao export --parquet`) or their own `.duckdb` files (opened
//! read-only): per province the II.06a totals, the on-time and online rates, the 766 score
//! (over the points scorable from the data, "52,10/60") and its rank ("17/34", ties equal;
//! only provinces whose data covers the whole period and whose score rests on the same
//! indicators are ranked, the others are listed with the reason), then the totals of the
//! provinces covering the period ("Cộng 3/63 tỉnh, thành phố"), the best and the median
//! score. After 1/7/2025 merged provinces are added to their successors.

use super::{Global, PeriodArgs};
use crate::choice::OutputFormat;
use crate::error::Exit;
use crate::report::format::{int, percent};
use anyhow::Result;
use std::io::Write;

const EXAMPLES: &str = "Examples:
  baocao rollup /srv/lake --period 2023-06
  baocao rollup /srv/lake-a /srv/lake-b --period 2023-06 --format json
  baocao rollup /srv/lake /srv/nghe-an.duckdb \"Bà Rịa - Vũng Tàu=/srv/brvt.duckdb\" --period 2023";

/// The lakes, the month, the format.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Lake folders (each holding province=…/year=…/month=…/metrics.parquet), or a
    /// province's database: `nghe-an.duckdb` (named by the file) or `"Nghệ An=path.duckdb"`.
    #[arg(required = true)]
    pub sources: Vec<String>,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// table, json or csv.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// Runs `rollup`; exit 1 when no province has data for the month.
pub fn run(a: &Args, g: &Global) -> Result<Exit> {
    let cfg = g.config()?;
    let p = a.period.period(&cfg)?;
    let s = g.settings(&cfg, None)?;
    let n =
        crate::national::rollup::national_of(&a.sources, &p, &s.metrics).map_err(|e| super::usage(format!("{e:#}")))?;
    let mut out = std::io::stdout().lock();
    let score = |x: &crate::metrics::index766::Index766| crate::report::format::score(x.total, x.max_scorable);
    match a.format {
        OutputFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&n)?)?,
        OutputFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "rank",
                "province",
                "total_handled",
                "resolved",
                "on_time_percent",
                "online_intake_percent",
                "index766",
                "index766_scorable",
                "not_ranked",
            ])?;
            for x in &n.provinces {
                let pct = |r: crate::registry::Rate| r.percent.map(|v| format!("{v:.2}")).unwrap_or_default();
                w.write_record([
                    x.rank.clone().unwrap_or_default(),
                    x.province.clone(),
                    x.ii06a.total_handled.to_string(),
                    x.ii06a.resolved.to_string(),
                    pct(x.rates.on_time),
                    pct(x.rates.online_intake),
                    format!("{:.2}", x.index766.total),
                    format!("{:.2}", x.index766.max_scorable),
                    x.not_ranked.clone().unwrap_or_default(),
                ])?;
            }
            w.flush()?;
        }
        OutputFormat::Table => {
            // "toàn quốc" would claim every province: the title names what is there.
            writeln!(
                out,
                "Tổng hợp số liệu các tỉnh, thành phố {} ({} – {})",
                p.label_vi(),
                p.from,
                p.to
            )?;
            writeln!(
                out,
                "{:<7} {:<28} {:>12} {:>12} {:>10} {:>11} {:>14}",
                "Hạng", "Tỉnh, thành phố", "Hồ sơ", "Đã giải quyết", "Đúng hạn", "Trực tuyến", "Chỉ số 766"
            )?;
            for x in &n.provinces {
                writeln!(
                    out,
                    "{:<7} {:<28} {:>12} {:>12} {:>10} {:>11} {:>14}{}",
                    x.rank.clone().unwrap_or_else(|| "—".into()),
                    x.province,
                    int(x.ii06a.total_handled),
                    int(x.ii06a.resolved),
                    percent(x.rates.on_time.percent),
                    percent(x.rates.online_intake.percent),
                    score(&x.index766),
                    x.not_ranked
                        .as_ref()
                        .map(|r| format!("  (không xếp hạng: {r})"))
                        .unwrap_or_default()
                )?;
            }
            writeln!(
                out,
                "{:<7} {:<28} {:>12} {:>12} {:>10} {:>11}",
                "",
                n.total_label,
                int(n.total.total_handled),
                int(n.total.resolved),
                percent(n.rates.on_time.percent),
                percent(n.rates.online_intake.percent)
            )?;
            if let (Some((who, best)), Some(median), Some(of)) = (&n.best, n.median, n.scorable) {
                let s = |x: f64| crate::report::format::score(x, of);
                writeln!(
                    out,
                    "Chỉ số 766 (trên {} điểm chấm được từ số liệu, không phải điểm chính thức): cao nhất {} ({}), trung vị {}.",
                    crate::report::format::decimal(of, 2),
                    s(*best),
                    who,
                    s(median)
                )?;
                let names: Vec<&str> = n.basis.iter().map(|b| b.label.as_str()).collect();
                writeln!(out, "Xếp hạng trên các chỉ tiêu: {}.", names.join("; "))?;
            }
            for note in &n.notes {
                writeln!(out, "{note}")?;
            }
        }
    }
    Ok(if n.provinces.is_empty() {
        Exit::Warnings
    } else {
        Exit::Ok
    })
}
