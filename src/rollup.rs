//! The national roll-up: each province's month from its Parquet lake (metrics.parquet, the
//! province row), its rates and 766 index recomputed from the counts, ranked like with like
//! (the same points scorable; ties share a rank), with the national totals, the best and
//! the median score.

use crate::metrics::index766::{self, Index766};
use crate::period::Period;
use crate::registry::{Counts, Rate, Rates, COUNTS, RATES};
use anyhow::{Context, Result};
use duckdb::Connection;
use serde::Serialize;
use std::path::PathBuf;

/// One province's row of the national table.
#[derive(Debug, Clone, Serialize)]
pub struct Province {
    pub province: String,
    /// "17/34": the rank among the provinces ranked, None when not ranked.
    pub rank: Option<String>,
    /// Why a province is not ranked.
    pub not_ranked: Option<String>,
    pub ii06a: Counts,
    pub rates: Rates,
    pub index766: Index766,
    pub source: String,
}

/// The national table of a period.
#[derive(Debug, Clone, Serialize)]
pub struct National {
    pub period: crate::metrics::PeriodOut,
    pub provinces: Vec<Province>,
    pub total: Counts,
    pub rates: Rates,
    /// The best and the median 766 score of the provinces ranked.
    pub best: Option<(String, f64)>,
    pub median: Option<f64>,
    /// The points scorable from the data the ranking is over.
    pub scorable: Option<f64>,
    /// How many provinces the national totals are over (those of the period's own dates).
    pub provinces_in_total: usize,
}

/// The metrics.parquet files of a month under each lake folder.
fn files(lakes: &[PathBuf], p: &Period) -> Result<Vec<PathBuf>> {
    let month = match p.kind {
        crate::period::Kind::Month(m) => format!("month={m:02}"),
        _ => anyhow::bail!("a roll-up is of one month (2023-06), not {}", p.key()),
    };
    let mut out = Vec::new();
    for lake in lakes {
        let entries = std::fs::read_dir(lake).with_context(|| format!("reading the lake {}", lake.display()))?;
        for e in entries {
            let dir = e?.path();
            let is_province = dir
                .file_name()
                .map(|n| n.to_string_lossy().starts_with("province="))
                .unwrap_or(false);
            let f = dir
                .join(format!("year={}", p.year))
                .join(&month)
                .join("metrics.parquet");
            if is_province && f.is_file() {
                out.push(f);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn printed(x: f64) -> i64 {
    (crate::registry::round(x, 2) * 100.0).round() as i64
}

/// Reads the province rows of a month from the lakes and ranks them.
pub fn national(lakes: &[PathBuf], p: &Period, cfg: &index766::Config) -> Result<National> {
    let files = files(lakes, p)?;
    let conn = Connection::open_in_memory()?;
    let mut provinces = Vec::new();
    for f in &files {
        let q = format!(
            "SELECT * FROM read_parquet('{}', hive_partitioning = false) WHERE grain = 'total'",
            f.to_string_lossy().replace('\'', "''")
        );
        let mut st = conn.prepare(&q).with_context(|| format!("reading {}", f.display()))?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let mut counts = Counts::default();
            for e in COUNTS {
                *counts.slot(e.key).expect("registered") = r.get::<_, i64>(e.key)?;
            }
            let mut rates = Rates::default();
            for e in RATES {
                let num: Option<i64> = r.get(format!("{}_num", e.key).as_str())?;
                let den: Option<i64> = r.get(format!("{}_den", e.key).as_str())?;
                *rates.slot(e.key).expect("registered") = Rate::new(num.unwrap_or(0), den.unwrap_or(0));
            }
            let (from, to): (String, String) = (r.get("period_from")?, r.get("period_to")?);
            // Only the same dates are put side by side: a month cut on the 15th and a
            // calendar month are different periods.
            let other_dates = (from != p.from.to_string() || to != p.to.to_string())
                .then(|| format!("số liệu từ {from} đến {to}, khác kỳ tổng hợp"));
            provinces.push(Province {
                province: r.get("province")?,
                rank: None,
                not_ranked: other_dates,
                ii06a: counts,
                index766: index766::score(cfg, &rates),
                rates,
                source: f.to_string_lossy().to_string(),
            });
        }
    }
    // Like with like: the scorable points most provinces share (the larger on a tie).
    let mut bases: std::collections::BTreeMap<i64, usize> = Default::default();
    for x in provinces.iter().filter(|x| x.not_ranked.is_none()) {
        *bases.entry(printed(x.index766.max_scorable)).or_insert(0) += 1;
    }
    let basis = bases.into_iter().max_by_key(|(b, c)| (*c, *b)).map(|(b, _)| b);
    let rankable = |x: &Province| x.not_ranked.is_none() && Some(printed(x.index766.max_scorable)) == basis;
    provinces.sort_by(|a, b| {
        let ra = rankable(a);
        let rb = rankable(b);
        rb.cmp(&ra)
            .then(printed(b.index766.total).cmp(&printed(a.index766.total)))
            .then(a.province.cmp(&b.province))
    });
    let ranked = provinces.iter().filter(|x| rankable(x)).count();
    let mut last: Option<(i64, usize)> = None;
    for (i, x) in provinces.iter_mut().enumerate() {
        if x.not_ranked.is_some() {
            continue;
        }
        if Some(printed(x.index766.max_scorable)) != basis {
            x.not_ranked = Some(format!(
                "chấm được {}/100 điểm, khác các tỉnh khác",
                crate::report::format::decimal(x.index766.max_scorable, 2)
            ));
            continue;
        }
        let score = printed(x.index766.total);
        let r = match last {
            Some((s, r)) if s == score => r,
            _ => i + 1,
        };
        last = Some((score, r));
        x.rank = Some(format!("{r}/{ranked}"));
    }
    let mut total = Counts::default();
    let mut rates = Rates::default();
    // The national totals are over the provinces of the period's own dates.
    let same: Vec<&Province> = provinces
        .iter()
        .filter(|x| x.not_ranked.as_deref().is_none_or(|r| !r.contains("khác kỳ")))
        .collect();
    let provinces_in_total = same.len();
    for e in COUNTS {
        *total.slot(e.key).expect("registered") = same.iter().map(|x| x.ii06a.get(e.key).unwrap_or(0)).sum();
    }
    for e in RATES {
        let num = same
            .iter()
            .filter_map(|x| x.rates.get(e.key))
            .map(|r| r.numerator)
            .sum();
        let den = same
            .iter()
            .filter_map(|x| x.rates.get(e.key))
            .map(|r| r.denominator)
            .sum();
        *rates.slot(e.key).expect("registered") = Rate::new(num, den);
    }
    let scores: Vec<f64> = provinces
        .iter()
        .filter(|x| x.rank.is_some())
        .map(|x| x.index766.total)
        .collect();
    let best = provinces
        .iter()
        .find(|x| x.rank.is_some())
        .map(|x| (x.province.clone(), x.index766.total));
    let median = (!scores.is_empty()).then(|| {
        let mut s = scores.clone();
        s.sort_by(|a, b| a.total_cmp(b));
        let n = s.len();
        if n % 2 == 1 {
            s[n / 2]
        } else {
            (s[n / 2 - 1] + s[n / 2]) / 2.0
        }
    });
    Ok(National {
        period: p.into(),
        provinces,
        total,
        rates,
        best,
        median,
        scorable: basis.map(|b| b as f64 / 100.0),
        provinces_in_total,
    })
}
