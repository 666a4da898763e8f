//! The issued versions in the store (`report_issues`, `report_issue_signatures`): recording
//! one, and reading them back for `issue`, `status`, `run` and `site`.

use super::verify::Signature;
use anyhow::Result;
use chrono::{Datelike, NaiveDate};
use duckdb::Connection;

/// An issued version: the draft's run, its number and date, and the signed file's copy.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub run_id: i64,
    pub version: i64,
    pub number: String,
    pub date: NaiveDate,
    pub signed_path: String,
    pub signed_sha256: String,
}

const SELECT: &str = "SELECT run_id, version, number, issued_on, signed_path, signed_sha256 FROM report_versions";

fn issue_of(r: &duckdb::Row) -> duckdb::Result<Issue> {
    Ok(Issue {
        run_id: r.get(0)?,
        version: r.get(1)?,
        number: r.get(2)?,
        date: r.get(3)?,
        signed_path: r.get(4)?,
        signed_sha256: r.get(5)?,
    })
}

/// The issue of a draft, if it was issued.
pub fn of_run(conn: &Connection, run_id: i64) -> Result<Option<Issue>> {
    let mut st = conn.prepare(&format!("{SELECT} WHERE state = 'issued' AND run_id = ?"))?;
    let mut rows = st.query_map([run_id], issue_of)?;
    Ok(rows.next().transpose()?)
}

/// The issue of another report with this number in the same year (numbers start again each
/// year: docs/rules.md, "Issuing a signed report").
pub fn number_taken(conn: &Connection, number: &str, date: NaiveDate, run_id: i64) -> Result<Option<Issue>> {
    let mut st = conn.prepare(&format!(
        "{SELECT} WHERE state = 'issued' AND number = ? AND year(issued_on) = ? AND run_id <> ?"
    ))?;
    let mut rows = st.query_map(duckdb::params![number, date.year(), run_id], issue_of)?;
    Ok(rows.next().transpose()?)
}

/// The newest issued version of the same report (kind, period, convention, agency) older
/// than `version`: the one a newer issue supersedes.
pub fn superseded(
    conn: &Connection,
    kind: &str,
    period: &str,
    convention: &str,
    unit: Option<&str>,
    version: i64,
) -> Result<Option<Issue>> {
    let mut st = conn.prepare(&format!(
        "{SELECT} WHERE state = 'issued' AND kind = ? AND period = ? AND convention = ?
           AND unit IS NOT DISTINCT FROM ? AND version < ? ORDER BY version DESC, run_id DESC LIMIT 1"
    ))?;
    let mut rows = st.query_map(duckdb::params![kind, period, convention, unit, version], issue_of)?;
    Ok(rows.next().transpose()?)
}

/// Every issue, oldest draft first.
pub fn all(conn: &Connection) -> Result<Vec<Issue>> {
    let mut st = conn.prepare(&format!("{SELECT} WHERE state = 'issued' ORDER BY run_id"))?;
    let rows = st.query_map([], issue_of)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Records an issue and its signatures, in one transaction.
pub fn insert(conn: &Connection, i: &Issue, verifier: &str, sigs: &[Signature]) -> Result<()> {
    conn.execute_batch("BEGIN TRANSACTION")?;
    let res = (|| -> Result<()> {
        conn.execute(
            "INSERT INTO report_issues (run_id, number, issued_on, signed_path, signed_sha256, verifier)
             VALUES (?, ?, ?, ?, ?, ?)",
            duckdb::params![i.run_id, i.number, i.date, i.signed_path, i.signed_sha256, verifier],
        )?;
        for (n, s) in sigs.iter().enumerate() {
            conn.execute(
                "INSERT INTO report_issue_signatures (run_id, position, field, subject, signing_time)
                 VALUES (?, ?, ?, ?, ?)",
                duckdb::params![i.run_id, n as i64 + 1, s.field, s.subject, s.signing_time],
            )?;
        }
        Ok(())
    })();
    match res {
        Ok(()) => {
            conn.execute_batch("COMMIT")?;
            Ok(())
        }
        Err(e) => {
            conn.execute_batch("ROLLBACK").ok();
            Err(e)
        }
    }
}

/// The signatures recorded for an issue, in order: (field, subject, signing time).
pub fn signatures(conn: &Connection, run_id: i64) -> Result<Vec<(String, String, Option<String>)>> {
    let mut st = conn.prepare(
        "SELECT field, subject, signing_time FROM report_issue_signatures WHERE run_id = ? ORDER BY position",
    )?;
    let rows = st.query_map([run_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
