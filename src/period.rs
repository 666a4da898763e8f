//! Reporting periods (docs/rules.md, Periods and conventions): month, quarter, half, nine months, year, or custom
//! dates, under the `cutoff15` (Decree 09/2019) or `calendar` convention, or months that
//! start on another day (`[metrics] month_start_day`).

use anyhow::{anyhow, bail, Result};
use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;
use std::fmt;

/// How period boundaries are cut: the day of the month a reporting month starts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Convention {
    /// Month M = 15th of M−1 to the 14th of M (Decree 09/2019).
    Cutoff15,
    /// Calendar months, quarters, years.
    Calendar,
    /// Month M = day d of M−1 to day d−1 of M, for a province that cuts elsewhere
    /// (`[metrics] month_start_day`, 2–28 except 15).
    StartDay(u32),
}

impl Convention {
    /// Parses `cutoff15`, `calendar` or `dayN` (N = 1–28: `day1` is calendar, `day15` cutoff15).
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "cutoff15" => Ok(Convention::Cutoff15),
            "calendar" => Ok(Convention::Calendar),
            _ => match s.strip_prefix("day").and_then(|d| d.parse::<u32>().ok()) {
                Some(d) => Self::from_day(d),
                None => bail!("unknown convention '{s}' (cutoff15, calendar, or dayN for a month starting on day N)"),
            },
        }
    }

    /// The convention whose months start on day `d` of the month before (1 = calendar).
    pub fn from_day(d: u32) -> Result<Self> {
        match d {
            1 => Ok(Convention::Calendar),
            15 => Ok(Convention::Cutoff15),
            2..=28 => Ok(Convention::StartDay(d)),
            _ => bail!("a reporting month starts on a day from 1 to 28, not {d}"),
        }
    }

    /// The day of the month a reporting month starts on.
    pub fn start_day(self) -> u32 {
        match self {
            Convention::Calendar => 1,
            Convention::Cutoff15 => 15,
            Convention::StartDay(d) => d,
        }
    }

    /// The name used in configuration and JSON.
    pub fn name(self) -> String {
        match self {
            Convention::Cutoff15 => "cutoff15".into(),
            Convention::Calendar => "calendar".into(),
            Convention::StartDay(d) => format!("day{d}"),
        }
    }
}

impl TryFrom<String> for Convention {
    type Error = anyhow::Error;
    fn try_from(s: String) -> Result<Self> {
        Self::parse(&s)
    }
}

impl From<Convention> for String {
    fn from(c: Convention) -> String {
        c.name()
    }
}

/// What kind of period a specification names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Month(u32),
    Quarter(u32),
    Half(u32),
    NineMonths,
    Year,
    Custom,
}

/// A reporting period with its exact, inclusive dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub kind: PeriodKind,
    pub year: i32,
    pub convention: Convention,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid calendar date")
}

fn last_day(y: i32, m: u32) -> NaiveDate {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    ymd(ny, nm, 1) - Duration::days(1)
}

/// Start of month `m` (1–12) of year `y` under a convention: day 1 of the month itself for
/// calendar months, else the start day of the month before.
fn month_start(y: i32, m: u32, c: Convention) -> NaiveDate {
    match c.start_day() {
        1 => ymd(y, m, 1),
        d if m == 1 => ymd(y - 1, 12, d),
        d => ymd(y, m - 1, d),
    }
}

/// End of month `m` of year `y` under a convention: the day before the next one starts.
fn month_end(y: i32, m: u32, c: Convention) -> NaiveDate {
    match c.start_day() {
        1 => last_day(y, m),
        d => ymd(y, m, d - 1),
    }
}

impl Period {
    /// A period spanning months `first..=last` of `year`.
    fn months(kind: PeriodKind, year: i32, first: u32, last: u32, c: Convention) -> Self {
        Period {
            kind,
            year,
            convention: c,
            from: month_start(year, first, c),
            to: month_end(year, last, c),
        }
    }

    /// Builds a named period.
    pub fn of(kind: PeriodKind, year: i32, c: Convention) -> Result<Self> {
        if !(2000..=2100).contains(&year) {
            bail!("year {year} is out of range");
        }
        Ok(match kind {
            PeriodKind::Month(m) if (1..=12).contains(&m) => Self::months(kind, year, m, m, c),
            PeriodKind::Quarter(q) if (1..=4).contains(&q) => Self::months(kind, year, 3 * q - 2, 3 * q, c),
            PeriodKind::Half(h) if (1..=2).contains(&h) => Self::months(kind, year, 6 * h - 5, 6 * h, c),
            PeriodKind::NineMonths => Self::months(kind, year, 1, 9, c),
            PeriodKind::Year => Self::months(kind, year, 1, 12, c),
            _ => bail!("invalid period {kind:?}"),
        })
    }

    /// Parses `2023-06`, `2023-Q2`, `2023-H1`, `2023-9M` or `2023`.
    pub fn parse(spec: &str, c: Convention) -> Result<Self> {
        let s = spec.trim().to_ascii_uppercase();
        let bad = || anyhow!("cannot read period '{spec}': use 2023-06, 2023-Q2, 2023-H1, 2023-9M or 2023");
        let (y, rest) = match s.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (s.as_str(), None),
        };
        let year: i32 = y.parse().map_err(|_| bad())?;
        let kind = match rest {
            None => PeriodKind::Year,
            Some("9M") => PeriodKind::NineMonths,
            Some(r) if r.starts_with('Q') => PeriodKind::Quarter(r[1..].parse().map_err(|_| bad())?),
            Some(r) if r.starts_with('H') => PeriodKind::Half(r[1..].parse().map_err(|_| bad())?),
            Some(r) => PeriodKind::Month(r.parse().map_err(|_| bad())?),
        };
        Self::of(kind, year, c).map_err(|_| bad())
    }

    /// A custom period between two dates (inclusive).
    pub fn custom(from: NaiveDate, to: NaiveDate, c: Convention) -> Result<Self> {
        if to < from {
            bail!("--to {to} is before --from {from}");
        }
        Ok(Period {
            kind: PeriodKind::Custom,
            year: to.year(),
            convention: c,
            from,
            to,
        })
    }

    /// The period just before: previous month, quarter or half; for nine months and years
    /// (and custom spans) the same span one year earlier... except custom spans, which
    /// shift back by their own length.
    pub fn previous(&self) -> Self {
        let c = self.convention;
        let r = match self.kind {
            PeriodKind::Month(1) => Self::of(PeriodKind::Month(12), self.year - 1, c),
            PeriodKind::Month(m) => Self::of(PeriodKind::Month(m - 1), self.year, c),
            PeriodKind::Quarter(1) => Self::of(PeriodKind::Quarter(4), self.year - 1, c),
            PeriodKind::Quarter(q) => Self::of(PeriodKind::Quarter(q - 1), self.year, c),
            PeriodKind::Half(1) => Self::of(PeriodKind::Half(2), self.year - 1, c),
            PeriodKind::Half(_) => Self::of(PeriodKind::Half(1), self.year, c),
            PeriodKind::NineMonths | PeriodKind::Year => Self::of(self.kind, self.year - 1, c),
            PeriodKind::Custom => {
                let len = self.to - self.from + Duration::days(1);
                return Period {
                    kind: PeriodKind::Custom,
                    year: self.year,
                    convention: c,
                    from: self.from - len,
                    to: self.to - len,
                };
            }
        };
        r.unwrap_or(*self)
    }

    /// The same period one year earlier.
    pub fn previous_year(&self) -> Self {
        match self.kind {
            PeriodKind::Custom => {
                // 29 February maps to 28 February.
                let back = |d: NaiveDate| d.with_year(d.year() - 1).unwrap_or_else(|| ymd(d.year() - 1, 2, 28));
                Period {
                    kind: PeriodKind::Custom,
                    year: self.year - 1,
                    convention: self.convention,
                    from: back(self.from),
                    to: back(self.to),
                }
            }
            k => Self::of(k, self.year - 1, self.convention).unwrap_or(*self),
        }
    }

    /// The months of a named period, each as its own period (trend charts).
    pub fn months_within(&self) -> Vec<Period> {
        let (first, last) = match self.kind {
            PeriodKind::Month(m) => (m, m),
            PeriodKind::Quarter(q) => (3 * q - 2, 3 * q),
            PeriodKind::Half(h) => (6 * h - 5, 6 * h),
            PeriodKind::NineMonths => (1, 9),
            PeriodKind::Year => (1, 12),
            PeriodKind::Custom => return vec![*self],
        };
        (first..=last)
            .filter_map(|m| Self::of(PeriodKind::Month(m), self.year, self.convention).ok())
            .collect()
    }

    /// The machine label: `2023-06`, `2023-Q2`, `2023-H1`, `2023-9M`, `2023`, or the dates.
    pub fn key(&self) -> String {
        match self.kind {
            PeriodKind::Month(m) => format!("{}-{m:02}", self.year),
            PeriodKind::Quarter(q) => format!("{}-Q{q}", self.year),
            PeriodKind::Half(h) => format!("{}-H{h}", self.year),
            PeriodKind::NineMonths => format!("{}-9M", self.year),
            PeriodKind::Year => format!("{}", self.year),
            PeriodKind::Custom => format!("{}_{}", self.from, self.to),
        }
    }

    /// The Vietnamese name: "tháng 6 năm 2023", "quý II năm 2023", …
    pub fn label_vi(&self) -> String {
        let roman = ["", "I", "II", "III", "IV"];
        match self.kind {
            PeriodKind::Month(m) => format!("tháng {m} năm {}", self.year),
            PeriodKind::Quarter(q) => format!("quý {} năm {}", roman[q as usize], self.year),
            PeriodKind::Half(1) => format!("6 tháng đầu năm {}", self.year),
            PeriodKind::Half(_) => format!("6 tháng cuối năm {}", self.year),
            PeriodKind::NineMonths => format!("9 tháng năm {}", self.year),
            PeriodKind::Year => format!("năm {}", self.year),
            PeriodKind::Custom => format!(
                "từ ngày {} đến ngày {}",
                self.from.format("%d/%m/%Y"),
                self.to.format("%d/%m/%Y")
            ),
        }
    }

    /// True when the period has ended by `today` (the day after its last day has begun).
    pub fn is_complete(&self, today: NaiveDate) -> bool {
        today > self.to
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({} → {}, {})",
            self.key(),
            self.from,
            self.to,
            self.convention.name()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Convention::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn span(p: &str, c: Convention) -> (NaiveDate, NaiveDate) {
        let x = Period::parse(p, c).unwrap();
        (x.from, x.to)
    }

    #[test]
    fn cutoff15_periods() {
        assert_eq!(span("2023-06", Cutoff15), (d("2023-05-15"), d("2023-06-14")));
        assert_eq!(span("2023-01", Cutoff15), (d("2022-12-15"), d("2023-01-14")));
        assert_eq!(span("2023-Q1", Cutoff15), (d("2022-12-15"), d("2023-03-14")));
        assert_eq!(span("2023-Q2", Cutoff15), (d("2023-03-15"), d("2023-06-14")));
        assert_eq!(span("2023-H1", Cutoff15), (d("2022-12-15"), d("2023-06-14")));
        assert_eq!(span("2023-9M", Cutoff15), (d("2022-12-15"), d("2023-09-14")));
        assert_eq!(span("2023", Cutoff15), (d("2022-12-15"), d("2023-12-14")));
    }

    #[test]
    fn calendar_periods_and_leap_years() {
        assert_eq!(span("2024-02", Calendar), (d("2024-02-01"), d("2024-02-29")));
        assert_eq!(span("2023-02", Calendar), (d("2023-02-01"), d("2023-02-28")));
        assert_eq!(span("2023-12", Calendar), (d("2023-12-01"), d("2023-12-31")));
        assert_eq!(span("2023-Q4", Calendar), (d("2023-10-01"), d("2023-12-31")));
        assert_eq!(span("2024-H2", Calendar), (d("2024-07-01"), d("2024-12-31")));
        assert_eq!(span("2024", Calendar), (d("2024-01-01"), d("2024-12-31")));
        assert_eq!(span("2024-03", Cutoff15), (d("2024-02-15"), d("2024-03-14")));
    }

    #[test]
    fn previous_periods_cross_year_ends() {
        let jan = Period::parse("2024-01", Cutoff15).unwrap();
        assert_eq!(jan.previous().key(), "2023-12");
        assert_eq!(jan.previous().from, d("2023-11-15"));
        assert_eq!(jan.previous_year().key(), "2023-01");
        assert_eq!(Period::parse("2024-Q1", Calendar).unwrap().previous().key(), "2023-Q4");
        assert_eq!(Period::parse("2024-H1", Calendar).unwrap().previous().key(), "2023-H2");
        assert_eq!(Period::parse("2024", Calendar).unwrap().previous().key(), "2023");
        let leap = Period::custom(d("2024-02-29"), d("2024-03-10"), Calendar).unwrap();
        assert_eq!(leap.previous_year().from, d("2023-02-28"));
        assert_eq!(leap.previous().to, d("2024-02-28"));
        assert_eq!(Period::parse("2023", Cutoff15).unwrap().months_within().len(), 12);
    }

    #[test]
    fn rejects_bad_specs() {
        for s in ["2023-13", "2023-Q5", "2023-H3", "23-06", "2023-6M", "x"] {
            assert!(Period::parse(s, Cutoff15).is_err(), "{s}");
        }
        assert_eq!(
            Period::parse("2023-q2", Calendar).unwrap().label_vi(),
            "quý II năm 2023"
        );
    }
}
