//! The national roll-up: each province's period from its Parquet lake (metrics.parquet, the
//! province row) or from its own store (a `.duckdb` file opened read-only), its rates and
//! 766 index recomputed from the counts, ranked like with like (see `like`: the period's
//! dates, covered whole, scored on the same indicators; ties share a rank), with the totals
//! of the provinces covering the period, the best and the median score. Provinces are named
//! with the units of the period's time: after 1/7/2025 (or across that day) a merged
//! province's figures are added to its successor's (reference/units.csv), with a note.

use crate::metrics::coverage::{self, Status, Summary};
use crate::metrics::index766::{self, Index766};
use crate::metrics::Options;
use crate::period::Period;
use crate::registry::{Counts, Rate, Rates, COUNTS, RATES};
use crate::report::format::hundredths as printed;
use anyhow::{Context, Result};
use duckdb::Connection;
use serde::Serialize;
use std::path::{Path, PathBuf};

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
    /// How far the province's data covers the period (None: a partition written before
    /// coverage was recorded).
    pub coverage: Option<Summary>,
    /// Where the figures were read: metrics.parquet files or database files.
    pub source: String,
    /// The provinces of before 1/7/2025 whose figures this row adds up (empty: itself).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub formed_from: Vec<String>,
    #[serde(skip)]
    dates: (String, String),
}

/// The national table of a period.
#[derive(Debug, Clone, Serialize)]
pub struct National {
    pub period: crate::metrics::PeriodOut,
    pub provinces: Vec<Province>,
    pub total: Counts,
    pub rates: Rates,
    /// The best 766 score of the provinces ranked (with every province that has it, joined
    /// by ", ") and the median.
    pub best: Option<(String, f64)>,
    pub median: Option<f64>,
    /// The points scorable from the data the ranking is over (the basis's points).
    pub scorable: Option<f64>,
    /// The 766 indicators every province ranked is scored on.
    pub basis: Vec<super::like::BasisIndicator>,
    /// How many provinces the national totals are over: those whose data covers the
    /// period's own dates, every agency, every day.
    pub provinces_in_total: usize,
    /// The provincial units of the period's time (63, or 34 from 1/7/2025).
    pub provinces_of_time: usize,
    /// "Toàn quốc" when every unit of the time is in the totals, else "Cộng 3/63 tỉnh, thành phố".
    pub total_label: String,
    /// Notes printed under the table (merged provinces).
    pub notes: Vec<String>,
    /// Every file read, with its sha256: what the figures can be traced to.
    pub inputs: Vec<SourceFile>,
}

/// A file the roll-up read.
#[derive(Debug, Clone, Serialize)]
pub struct SourceFile {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}

/// Where one province's figures are read from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A lake folder holding province=…/year=…/… partitions (any number of provinces).
    Lake(PathBuf),
    /// One province's own database, opened read-only.
    Store { province: String, path: PathBuf },
}

/// Reads a command-line source: a lake folder, `path.duckdb` (the province named by the
/// file, as in reference/units.csv: `nghe-an.duckdb`), or `"Tên tỉnh=path.duckdb"`.
pub fn parse_source(arg: &str) -> Result<Source> {
    let (name, path) = match arg.split_once('=') {
        Some((n, p)) if p.ends_with(".duckdb") => (Some(n.trim().to_string()), PathBuf::from(p)),
        _ => (None, PathBuf::from(arg)),
    };
    if path.is_dir() {
        return Ok(Source::Lake(path));
    }
    if !path.is_file() {
        anyhow::bail!("{}: no such lake folder or database file", path.display());
    }
    let province = match name {
        Some(n) => n,
        None => {
            let stem = path.file_stem().unwrap_or_default().to_string_lossy().to_string();
            province_by_slug(&stem).with_context(|| {
                format!(
                    "{}: which province is it? name it as \"Tên tỉnh={}\" (the file name is not a province of reference/units.csv)",
                    path.display(),
                    path.display()
                )
            })?
        }
    };
    Ok(Source::Store { province, path })
}

/// The province (before or after 1/7/2025) a file stem names: "nghe-an" → "Nghệ An",
/// "tp-ho-chi-minh" → "Hồ Chí Minh".
fn province_by_slug(slug: &str) -> Option<String> {
    crate::report::units::units()
        .into_iter()
        .flat_map(|u| [u.name, u.successor])
        .find(|n| same_unit(n, slug))
}

/// The metrics.parquet files of the period under each lake folder.
fn files(lakes: &[&Path], p: &Period) -> Result<Vec<PathBuf>> {
    if !matches!(
        p.kind,
        crate::period::PeriodKind::Month(_) | crate::period::PeriodKind::Year
    ) {
        anyhow::bail!("a roll-up is of a month (2023-06) or a year (2023), not {}", p.key());
    }
    let leaf = crate::national::lake::leaf(p);
    let mut out = Vec::new();
    for lake in lakes {
        let entries = std::fs::read_dir(lake).with_context(|| format!("reading the lake {}", lake.display()))?;
        for e in entries {
            let dir = e?.path();
            let is_province = dir
                .file_name()
                .map(|n| n.to_string_lossy().starts_with("province="))
                .unwrap_or(false);
            let f = dir.join(format!("year={}", p.year)).join(&leaf).join("metrics.parquet");
            if is_province && f.is_file() {
                out.push(f);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A row from the dates it covers, compared with the period's own.
fn other_dates(p: &Period, from: &str, to: &str) -> Option<String> {
    // Only the same dates are put side by side: a month cut on the 15th and a calendar
    // month are different periods.
    let vi = |d: &str| {
        chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_else(|_| d.to_string())
    };
    (from != p.from.to_string() || to != p.to.to_string())
        .then(|| format!("số liệu từ ngày {} đến ngày {}, khác kỳ tổng hợp", vi(from), vi(to)))
}

/// The province rows of the period in one lake's metrics.parquet file.
fn read_lake_file(conn: &Connection, f: &Path, p: &Period, cfg: &index766::Config) -> Result<Vec<Province>> {
    let q = format!(
        "SELECT * FROM read_parquet('{}', hive_partitioning = false) WHERE grain = 'total'",
        f.to_string_lossy().replace('\'', "''")
    );
    let mut st = conn.prepare(&q).with_context(|| format!("reading {}", f.display()))?;
    let mut rows = st.query([])?;
    // A lake written before the `_missing` columns: every dossier had its columns.
    let names: Vec<String> = rows.as_ref().map(|s| s.column_names()).unwrap_or_default();
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut counts = Counts::default();
        for e in COUNTS {
            *counts.slot(e.key).expect("registered") = r.get::<_, i64>(e.key)?;
        }
        let mut rates = Rates::default();
        for e in RATES {
            let num: Option<i64> = r.get(format!("{}_num", e.key).as_str())?;
            let den: Option<i64> = r.get(format!("{}_den", e.key).as_str())?;
            let missing_col = format!("{}_missing", e.key);
            let missing: Option<i64> = if names.contains(&missing_col) {
                r.get(missing_col.as_str())?
            } else {
                None
            };
            *rates.slot(e.key).expect("registered") =
                Rate::with_missing(num.unwrap_or(0), den.unwrap_or(0), missing.unwrap_or(0));
        }
        let (from, to): (String, String) = (r.get("period_from")?, r.get("period_to")?);
        out.push(Province {
            province: r.get("province")?,
            rank: None,
            not_ranked: other_dates(p, &from, &to),
            ii06a: counts,
            index766: index766::score(cfg, &rates),
            coverage: lake_coverage(r),
            rates,
            source: f.to_string_lossy().to_string(),
            formed_from: Vec::new(),
            dates: (from, to),
        });
    }
    Ok(out)
}

/// The province's coverage from its metrics.parquet row; None when the partition predates
/// the coverage columns (or holds an unknown status).
fn lake_coverage(r: &duckdb::Row) -> Option<Summary> {
    let int = |c: &str| r.get::<_, Option<i64>>(c).ok().flatten();
    let status: String = r.get::<_, Option<String>>("coverage_status").ok().flatten()?;
    Some(Summary {
        status: Status::from_key(&status)?,
        units: int("coverage_units")?,
        units_covered: int("coverage_units_covered")?,
        units_missing: int("coverage_units_missing")?,
        fewest_days: int("coverage_fewest_days")?,
        most_days: int("coverage_most_days")?,
        period_days: int("period_days")?,
    })
}

/// One province's row computed from its own database, opened read-only (nothing is
/// written to it; its schema must be this program's).
fn read_store(province: &str, path: &Path, p: &Period, o: &Options) -> Result<Province> {
    let conn = crate::store::open_read_only(path)?;
    let totals_only = Options {
        forms: false,
        ..o.clone()
    };
    let m = crate::metrics::compute(&conn, p, &totals_only)
        .with_context(|| format!("computing {} from {}", p.key(), path.display()))?;
    Ok(Province {
        province: province.to_string(),
        rank: None,
        not_ranked: other_dates(p, &m.period.from, &m.period.to),
        ii06a: m.ii06a.total.counts,
        index766: index766::score(&o.index766, &m.rates),
        coverage: Some(coverage::summarise(&m.coverage, (p.to - p.from).num_days() + 1)),
        rates: m.rates,
        source: path.to_string_lossy().to_string(),
        formed_from: Vec::new(),
        dates: (m.period.from.clone(), m.period.to.clone()),
    })
}

/// True when two spellings name one province: case, diacritics and a leading "Tỉnh",
/// "Thành phố" or "TP" aside ("TP. Hồ Chí Minh", "Thành phố Hồ Chí Minh", "Hồ Chí Minh").
pub(super) fn same_unit(a: &str, b: &str) -> bool {
    let key = |s: &str| {
        let slug = crate::pipeline::slug(s);
        ["tinh-", "thanh-pho-", "tp-"]
            .iter()
            .find_map(|p| slug.strip_prefix(p).map(str::to_string))
            .unwrap_or(slug)
    };
    key(a) == key(b)
}

/// Names the provinces with the units of the period's time: when the period ends after
/// 30/6/2025, a province merged on 1/7/2025 becomes its successor, and rows of one
/// successor (over the same dates) are added up. Returns the notes to print.
fn successors(rows: Vec<Province>, p: &Period, cfg: &index766::Config) -> (Vec<Province>, Vec<String>) {
    let units = crate::report::units::units();
    let mut out: Vec<Province> = Vec::new();
    // Per successor: the provinces merged into it, and whether the period began before the
    // merger (then the note says the period straddles it).
    let mut merged: std::collections::BTreeMap<String, (Vec<String>, bool)> = Default::default();
    for mut x in rows {
        let unit = units
            .iter()
            .find(|u| same_unit(&u.name, &x.province) && u.successor != u.name && p.to > u.valid_to);
        if let Some(u) = unit {
            let e = merged.entry(u.successor.clone()).or_default();
            e.0.push(format!("{} {}", u.kind, u.name));
            e.1 |= p.from <= u.valid_to;
            x.formed_from = vec![u.name.clone()];
            x.province = u.successor.clone();
        } else if let Some(u) = units
            .iter()
            .find(|u| p.to > u.valid_to && same_unit(&u.successor, &x.province))
        {
            // The successor itself, as spelt in units.csv, so that merged rows join it.
            x.province = u.successor.clone();
        }
        match out
            .iter_mut()
            .find(|y| y.province == x.province && y.dates == x.dates && y.not_ranked == x.not_ranked)
        {
            Some(y) if unit.is_some() || !y.formed_from.is_empty() => {
                if y.formed_from.is_empty() {
                    y.formed_from = vec![y.province.clone()]; // the successor's own figures
                }
                for e in COUNTS {
                    *y.ii06a.slot(e.key).expect("registered") += x.ii06a.get(e.key).unwrap_or(0);
                }
                for e in RATES {
                    let (a, b) = (
                        y.rates.get(e.key).unwrap_or_default(),
                        x.rates.get(e.key).unwrap_or_default(),
                    );
                    *y.rates.slot(e.key).expect("registered") = a.plus(b);
                }
                y.index766 = index766::score(cfg, &y.rates);
                y.coverage = super::like::join(y.coverage, x.coverage);
                y.source = format!("{}; {}", y.source, x.source);
                if x.formed_from.is_empty() {
                    x.formed_from = vec![x.province.clone()];
                }
                y.formed_from.extend(x.formed_from);
                y.formed_from.sort();
            }
            _ => out.push(x),
        }
    }
    let notes = merged
        .into_iter()
        .map(|(to, (mut from, straddles))| {
            from.sort();
            from.dedup();
            let kind = units
                .iter()
                .find(|u| u.successor == to)
                .map(|u| u.successor_kind.clone())
                .unwrap_or_default();
            let what = format!(
                "{} được tổng hợp vào {kind} {to} theo Nghị quyết số 202/2025/QH15.",
                from.join(", ")
            );
            if straddles {
                format!("Kỳ tổng hợp bao gồm thời gian trước ngày 01/7/2025: số liệu của {what}")
            } else {
                format!("Số liệu của {what}")
            }
        })
        .collect();
    (out, notes)
}

/// The national table from command-line sources (see `parse_source`); an error names the
/// source or the period that cannot be read.
pub fn national_of(args: &[String], p: &Period, o: &Options) -> Result<National> {
    let sources = args.iter().map(|x| parse_source(x)).collect::<Result<Vec<_>>>()?;
    national(&sources, p, o)
}

/// Reads the province rows of a month or a year from the sources and ranks them.
pub fn national(sources: &[Source], p: &Period, o: &Options) -> Result<National> {
    let cfg = &o.index766;
    let lakes: Vec<&Path> = sources
        .iter()
        .filter_map(|s| match s {
            Source::Lake(d) => Some(d.as_path()),
            Source::Store { .. } => None,
        })
        .collect();
    let files = files(&lakes, p)?;
    let conn = Connection::open_in_memory()?;
    let mut rows = Vec::new();
    let mut inputs = Vec::new();
    for f in &files {
        rows.extend(read_lake_file(&conn, f, p, cfg)?);
        inputs.push(input(f)?);
    }
    for s in sources {
        if let Source::Store { province, path } = s {
            rows.push(read_store(province, path, p, o)?);
            inputs.push(input(path)?);
        }
    }
    let (mut provinces, notes) = successors(rows, p, cfg);
    // Like with like: only a province whose data covers the whole period is added up or
    // ranked; a partly covered one would be compared, and summed, on fewer days.
    let same_dates = |x: &Province| x.dates == (p.from.to_string(), p.to.to_string());
    for x in provinces.iter_mut().filter(|x| x.not_ranked.is_none()) {
        x.not_ranked = super::like::coverage_shortfall(x.coverage.as_ref());
    }
    // Ranked together only on the same indicators: the set most provinces are scored on.
    let basis = super::like::basis(provinces.iter().filter(|x| x.not_ranked.is_none()));
    if let Some(b) = &basis {
        for x in provinces.iter_mut().filter(|x| x.not_ranked.is_none()) {
            x.not_ranked = super::like::difference(&x.index766, b);
        }
    }
    provinces.sort_by(|a, b| {
        let (ra, rb) = (a.not_ranked.is_none(), b.not_ranked.is_none());
        rb.cmp(&ra)
            .then(if ra && rb {
                printed(b.index766.total).cmp(&printed(a.index766.total))
            } else {
                std::cmp::Ordering::Equal
            })
            .then(a.province.cmp(&b.province))
    });
    let ranked = provinces.iter().filter(|x| x.not_ranked.is_none()).count();
    let mut last: Option<(i64, usize)> = None;
    for (i, x) in provinces.iter_mut().enumerate() {
        if x.not_ranked.is_some() {
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
    // The totals are over the provinces whose data covers the period's own dates whole
    // (whatever indicators their 766 score rests on).
    let same: Vec<&Province> = provinces
        .iter()
        .filter(|x| same_dates(x) && super::like::covered(x.coverage.as_ref()))
        .collect();
    let provinces_in_total = same.len();
    let of_time = crate::report::units::of_time(p);
    let total_label = super::like::total_label(&same, &of_time);
    for e in COUNTS {
        *total.slot(e.key).expect("registered") = same.iter().map(|x| x.ii06a.get(e.key).unwrap_or(0)).sum();
    }
    for e in RATES {
        *rates.slot(e.key).expect("registered") = same
            .iter()
            .filter_map(|x| x.rates.get(e.key))
            .fold(Rate::default(), Rate::plus);
    }
    let scores: Vec<f64> = provinces
        .iter()
        .filter(|x| x.rank.is_some())
        .map(|x| x.index766.total)
        .collect();
    // Every province sharing the top score is the best: naming one of a tie would be false.
    let best = provinces.iter().find(|x| x.rank.is_some()).map(|top| {
        let names: Vec<&str> = provinces
            .iter()
            .filter(|x| x.rank.is_some() && printed(x.index766.total) == printed(top.index766.total))
            .map(|x| x.province.as_str())
            .collect();
        (names.join(", "), top.index766.total)
    });
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
    let basis = if ranked > 0 {
        basis.unwrap_or_default()
    } else {
        Vec::new()
    };
    Ok(National {
        period: p.into(),
        provinces,
        total,
        rates,
        best,
        median,
        scorable: (!basis.is_empty()).then(|| basis.iter().map(|b| b.points).sum()),
        basis,
        provinces_in_total,
        provinces_of_time: of_time.len(),
        total_label,
        notes,
        inputs,
    })
}

/// A file read, with its hash and size.
fn input(path: &Path) -> Result<SourceFile> {
    let (sha256, bytes) = crate::fsx::sha256_file(path)?;
    Ok(SourceFile {
        path: path.to_string_lossy().to_string(),
        sha256,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, handled: i64, cfg: &index766::Config) -> Province {
        let ii06a = Counts {
            total_handled: handled,
            ..Default::default()
        };
        let rates = Rates {
            on_time: Rate::new(handled / 2, handled),
            ..Default::default()
        };
        Province {
            province: name.into(),
            rank: None,
            not_ranked: None,
            ii06a,
            index766: index766::score(cfg, &rates),
            coverage: None,
            rates,
            source: format!("{name}.parquet"),
            formed_from: Vec::new(),
            dates: ("2025-08-01".into(), "2025-08-31".into()),
        }
    }

    #[test]
    fn the_successor_s_own_figures_join_those_of_the_provinces_merged_into_it() {
        let cfg = index766::parse_config(index766::DEFAULT_CONFIG).unwrap();
        let aug = Period::parse("2025-08", crate::period::Convention::Calendar).unwrap();
        let rows = vec![
            row("TP. Hồ Chí Minh", 100, &cfg),
            row("Bình Dương", 10, &cfg),
            row("Nghệ An", 7, &cfg),
            row("tỉnh Bà Rịa - Vũng Tàu", 1, &cfg),
        ];
        let (out, notes) = successors(rows, &aug, &cfg);
        assert_eq!(out.len(), 2);
        let hcm = out.iter().find(|x| x.province == "Hồ Chí Minh").unwrap();
        assert_eq!(hcm.ii06a.total_handled, 111);
        assert_eq!(hcm.rates.on_time.denominator, 111);
        assert_eq!(hcm.formed_from, ["Bà Rịa - Vũng Tàu", "Bình Dương", "Hồ Chí Minh"]);
        assert_eq!(notes.len(), 1);
        // Before 1/7/2025 the provinces stay as they were.
        let jun = Period::parse("2025-06", crate::period::Convention::Calendar).unwrap();
        let (out, notes) = successors(
            vec![row("Bình Dương", 10, &cfg), row("Hồ Chí Minh", 5, &cfg)],
            &jun,
            &cfg,
        );
        assert_eq!(out.len(), 2);
        assert!(notes.is_empty());
    }

    #[test]
    fn a_province_is_recognised_whatever_its_prefix_and_case() {
        assert!(same_unit("Hồ Chí Minh", "TP. Hồ Chí Minh"));
        assert!(same_unit("Hồ Chí Minh", "Thành phố Hồ Chí Minh"));
        assert!(same_unit("Bình Dương", "tỉnh Bình Dương"));
        assert!(same_unit("Bà Rịa - Vũng Tàu", "Tỉnh Bà Rịa – Vũng Tàu"));
        assert!(!same_unit("Hà Nam", "Hà Nội"));
    }
}
