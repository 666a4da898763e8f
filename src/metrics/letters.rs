//! Apology letters for late dossiers (docs/rules.md, Apology letters): the period's counts
//! (sql/metrics/letters.sql) and the list of dossiers resolved late with their letter
//! (sql/metrics/late_list.sql, the late-dossier appendix).

use super::scope::Scope;
use crate::calendar::Calendar;
use anyhow::Result;
use chrono::{Datelike, NaiveDate};
use duckdb::Connection;
use serde::Serialize;

/// The counts query.
pub const SQL: &str = include_str!("../../sql/metrics/letters.sql");
/// The late-dossier list query.
pub const LATE_LIST_SQL: &str = include_str!("../../sql/metrics/late_list.sql");

/// The first day of the 2025 rule: a letter is then "văn bản xin lỗi và đề nghị gia hạn" and
/// a new return date may be set only once.
pub fn new_rule_from() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 9, 15).expect("a valid date")
}

/// What a letter issued on `d` is called: the form in force that day.
pub fn label(d: NaiveDate) -> &'static str {
    if d < new_rule_from() {
        "phiếu xin lỗi"
    } else {
        "văn bản xin lỗi và đề nghị gia hạn"
    }
}

/// What the letters of a period from `from` to `to` are called (both forms when the period
/// spans 15/9/2025).
pub fn label_for(from: NaiveDate, to: NaiveDate) -> String {
    if label(from) == label(to) {
        label(from).to_string()
    } else {
        format!("{} hoặc {}", label(from), label(to))
    }
}

/// The period's letter counts; only made when some letter loaded is dated in the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Letters {
    /// Letters in force dated within the period.
    pub letters_in_period: i64,
    pub resolved_late_with: i64,
    pub resolved_late_without: i64,
    pub overdue_with: i64,
    pub overdue_without: i64,
    /// Late dossiers (resolved late or overdue) whose first letter was issued on or after
    /// the due date, later than one day before it.
    pub late_letters: i64,
    /// Dossiers given a new return date twice or more, the latest time on or after 15/9/2025.
    pub new_date_more_than_once: i64,
}

/// The counts of a scope; None when no letter loaded is dated in the period ("no file" is
/// not "no letter": nothing is said).
pub fn compute(conn: &Connection, scope: &Scope) -> Result<Option<Letters>> {
    let mut out = None;
    scope.query(
        conn,
        "sql/metrics/letters.sql",
        &super::sql_text("letters.sql", SQL),
        |r, _| {
            let l = Letters {
                letters_in_period: r.get("letters_in_period")?,
                resolved_late_with: r.get("resolved_late_with")?,
                resolved_late_without: r.get("resolved_late_without")?,
                overdue_with: r.get("overdue_with")?,
                overdue_without: r.get("overdue_without")?,
                late_letters: r.get("late_letters")?,
                new_date_more_than_once: r.get("new_date_more_than_once")?,
            };
            out = (l.letters_in_period > 0).then_some(l);
            Ok(())
        },
    )?;
    Ok(out)
}

/// A dossier's first letter, as the lists print it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Letter {
    pub issued: NaiveDate,
    pub number: Option<String>,
    pub new_due: Option<NaiveDate>,
}

impl Letter {
    /// "15/6/2023" or "15/6/2023, số 12/PXL".
    pub fn text(&self) -> String {
        let d = format!("{}/{}/{}", self.issued.day(), self.issued.month(), self.issued.year());
        match self.number.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) => format!("{d}, số {n}"),
            None => d,
        }
    }
}

/// One dossier resolved late in the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LateDossier {
    pub agency: String,
    pub code: String,
    pub procedure: String,
    pub due: NaiveDate,
    pub finished: NaiveDate,
    /// Working days after the due date up to the finish (holiday calendar); None when a
    /// date lies outside the calendar's years.
    pub working_days_late: Option<i64>,
    /// Its first letter issued by the period's end; None without one (or without letters).
    pub letter: Option<Letter>,
}

/// Every dossier resolved late in a scope, by agency then code.
pub fn late_list(conn: &Connection, scope: &Scope, cal: &Calendar) -> Result<Vec<LateDossier>> {
    let mut v = Vec::new();
    let years = cal.years();
    let known = |d: NaiveDate| years.is_some_and(|(a, b)| (a..=b).contains(&d.year()));
    scope.query(
        conn,
        "sql/metrics/late_list.sql",
        &super::sql_text("late_list.sql", LATE_LIST_SQL),
        |r, _| {
            let due: NaiveDate = r.get("due")?;
            let finished: NaiveDate = r.get("fin")?;
            let issued: Option<NaiveDate> = r.get("letter_date")?;
            v.push(LateDossier {
                agency: r.get("agency")?,
                code: r.get("code")?,
                procedure: r.get("procedure")?,
                due,
                finished,
                working_days_late: (known(due) && known(finished)).then(|| cal.working_days_between(due, finished)),
                letter: issued.map(|issued| Letter {
                    issued,
                    number: r.get("letter_number").ok().flatten(),
                    new_due: r.get("letter_new_due").ok().flatten(),
                }),
            });
            Ok(())
        },
    )?;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_label_follows_the_date() {
        assert_eq!(label(d("2025-09-14")), "phiếu xin lỗi");
        assert_eq!(label(d("2025-09-15")), "văn bản xin lỗi và đề nghị gia hạn");
        assert_eq!(label_for(d("2023-05-15"), d("2023-06-14")), "phiếu xin lỗi");
        assert_eq!(
            label_for(d("2025-07-01"), d("2025-09-30")),
            "phiếu xin lỗi hoặc văn bản xin lỗi và đề nghị gia hạn"
        );
    }
}
