//! The daily warning list (`baocao watch`): the dossiers still in progress on a date, per
//! agency, in bands by the working days left before their due date (docs/rules.md, Late
//! dossiers before they are late) — counted on the holiday calendar (reference/holidays.csv).

use crate::calendar::Calendar;
use crate::config::WatchConfig;
use crate::error::{Exit, Failure};
use crate::metrics::letters::Letter;
use crate::metrics::scope::Scope;
use crate::period::{Convention, Period};
use anyhow::{Context, Result};
use chrono::{Datelike, NaiveDate};
use duckdb::Connection;
use serde::Serialize;

/// The list's query (sql/watch/).
pub const IN_PROGRESS_SQL: &str = include_str!("../sql/watch/in_progress.sql");

/// Where a dossier in progress stands on the date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// Its due date is before the date.
    Overdue,
    /// Due within `due_soon_days` working days.
    Due,
    /// Due within `soon_days` working days.
    Soon,
    /// More time left.
    Within,
    /// Waiting for papers or paused (statuses 5, 6, 8): its deadline does not run.
    Paused,
    /// The export gives no due date.
    NoDueDate,
}

impl Band {
    /// The Vietnamese name the list prints.
    pub fn label(self) -> &'static str {
        match self {
            Band::Overdue => "quá hạn",
            Band::Due => "đến hạn",
            Band::Soon => "sắp đến hạn",
            Band::Within => "còn hạn",
            Band::Paused => "tạm dừng, chờ bổ sung",
            Band::NoDueDate => "không có ngày hẹn trả",
        }
    }
}

/// One dossier of the list.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub agency: String,
    pub code: String,
    pub procedure: String,
    pub received: Option<NaiveDate>,
    pub due: Option<NaiveDate>,
    /// Working days from the date to the due date (negative when past); None without one.
    pub working_days_left: Option<i64>,
    pub band: Band,
    /// Its latest apology letter issued by the date (docs/rules.md, Apology letters).
    pub letter: Option<Letter>,
}

impl Item {
    /// The letter as the lists print it ("15/6/2023, số 12/PXL"), empty without one.
    pub fn letter_text(&self) -> String {
        self.letter.as_ref().map(Letter::text).unwrap_or_default()
    }
}

/// The list of a date: every dossier in progress, by agency, most urgent first.
#[derive(Debug, Clone, Serialize)]
pub struct Watch {
    pub date: NaiveDate,
    pub due_soon_days: u32,
    pub soon_days: u32,
    /// "sắp đến hạn" also when no more than this share (%) of the processing time is left;
    /// 0: the rule is off.
    pub share_left_percent: u32,
    pub items: Vec<Item>,
}

/// A row of the query: agency, code, procedure, received, due, status, letter.
type Row = (
    String,
    String,
    String,
    Option<NaiveDate>,
    Option<NaiveDate>,
    i64,
    Option<Letter>,
);

/// The band of a dossier received `received` and due `due` (None: no date) in status
/// `status`, on `date`.
fn band(
    cal: &Calendar,
    cfg: &WatchConfig,
    date: NaiveDate,
    (received, due): (Option<NaiveDate>, Option<NaiveDate>),
    status: i64,
) -> (Band, Option<i64>) {
    let Some(due) = due else {
        return (Band::NoDueDate, None);
    };
    let paused = matches!(status, 5 | 6 | 8);
    // A due date in a year the calendar lacks: its band is certain (long past, or far beyond
    // the bands, as the date itself is checked), its count of working days is not.
    let (first, last) = cal.years().unwrap_or((i32::MIN, i32::MAX));
    if due.year() < first || due.year() > last {
        let b = match (paused, due < date) {
            (true, _) => Band::Paused,
            (false, true) => Band::Overdue,
            (false, false) => Band::Within,
        };
        return (b, None);
    }
    let left = cal.working_days_between(date, due);
    let b = if paused {
        Band::Paused
    } else if due < date {
        Band::Overdue
    } else if left <= cfg.due_soon_days as i64 {
        Band::Due
    } else if left <= cfg.soon_days as i64 || share_left(cal, cfg, received, due, left) {
        Band::Soon
    } else {
        Band::Within
    };
    (b, Some(left))
}

/// True when the share rule is on and no more than `share_left_percent` % of the working
/// days from receipt to the due date are left (docs/rules.md, Late dossiers before they are
/// late). A receipt in a year the calendar lacks has no count: the rule does not apply.
fn share_left(cal: &Calendar, cfg: &WatchConfig, received: Option<NaiveDate>, due: NaiveDate, left: i64) -> bool {
    let (Some(received), Some((first, _))) = (received, cal.years()) else {
        return false;
    };
    if cfg.share_left_percent == 0 || received.year() < first || received > due {
        return false;
    }
    // Integers, not a float share: 2 days left of 10 at 20 % is exactly on the line.
    let duration = cal.working_days_between(received, due);
    left * 100 <= cfg.share_left_percent as i64 * duration
}

/// Refuses a date the calendar does not cover: its working days are unknown.
fn check_year(cal: &Calendar, d: NaiveDate, what: &str) -> Result<()> {
    let (first, last) = cal.years().context("the holiday calendar lists no day")?;
    if d.year() < first || d.year() > last {
        anyhow::bail!(Failure::new(
            Exit::Usage,
            format!(
                "{what} {d} is outside the holiday calendar ({first}–{last}, reference/holidays.csv): add that year's holidays before counting working days"
            )
        ));
    }
    Ok(())
}

/// The dossiers in force still in progress on `date`, banded.
pub fn list(conn: &Connection, date: NaiveDate, cfg: &WatchConfig, cal: &Calendar) -> Result<Watch> {
    check_year(cal, date, "the date")?;
    // The bands reach `soon_days` working days past the date: those days must be known too.
    check_year(
        cal,
        cal.add_working_days(date, cfg.soon_days + 1),
        "the end of the bands after",
    )?;
    let day = Period::custom(date, date, Convention::Calendar)?;
    Scope::new(&day, None).create_temp(conn, "watch_flags", "SELECT * FROM all_flags")?;
    let rows = (|| -> Result<Vec<Row>> {
        let mut st = conn.prepare(IN_PROGRESS_SQL)?;
        let rows = st.query_map([date.to_string()], |r| {
            let letter = r.get::<_, Option<NaiveDate>>(6)?.map(|issued| Letter {
                issued,
                number: r.get(7).ok().flatten(),
                new_due: r.get(8).ok().flatten(),
            });
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get::<_, Option<i64>>(5)?.unwrap_or(0),
                letter,
            ))
        })?;
        Ok(rows.collect::<duckdb::Result<Vec<_>>>()?)
    })();
    conn.execute_batch("DROP TABLE IF EXISTS watch_flags")?;
    let mut items = Vec::new();
    for (agency, code, procedure, received, due, status, letter) in rows? {
        let (band, working_days_left) = band(cal, cfg, date, (received, due), status);
        items.push(Item {
            agency,
            code,
            procedure,
            received,
            due,
            working_days_left,
            band,
            letter,
        });
    }
    items.sort_by(|a, b| {
        a.agency
            .cmp(&b.agency)
            .then(a.band.cmp(&b.band))
            .then(a.working_days_left.cmp(&b.working_days_left))
            .then(a.code.cmp(&b.code))
    });
    Ok(Watch {
        date,
        due_soon_days: cfg.due_soon_days,
        soon_days: cfg.soon_days,
        share_left_percent: cfg.share_left_percent,
        items,
    })
}

/// Per agency, the count of each band, in agency order.
pub fn counts(w: &Watch) -> Vec<(String, [usize; 6])> {
    let mut out: Vec<(String, [usize; 6])> = Vec::new();
    for it in &w.items {
        if out.last().map(|(a, _)| a != &it.agency).unwrap_or(true) {
            out.push((it.agency.clone(), [0; 6]));
        }
        out.last_mut().expect("pushed").1[it.band as usize] += 1;
    }
    out
}
