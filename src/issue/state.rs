//! Where each report stands: its newest draft, and whether it or an earlier version was
//! issued (for `status`), and what a new draft would supersede (for `run` and `report`).

use super::draft::{self, Draft};
use super::record::{self, Issue};
use crate::pipeline::Request;
use crate::report::format::short_date;
use anyhow::Result;
use duckdb::Connection;
use std::collections::BTreeMap;

/// A report (kind, period, convention, agency): its newest draft and newest issued version.
#[derive(Debug, Clone)]
pub struct Standing {
    pub newest: Draft,
    /// The newest issued version (the newest draft itself when it was issued).
    pub issued: Option<Issue>,
}

/// Every report's standing, the most recently rendered first.
pub fn all(conn: &Connection) -> Result<Vec<Standing>> {
    let issues: BTreeMap<i64, Issue> = record::all(conn)?.into_iter().map(|i| (i.run_id, i)).collect();
    let mut by_report: BTreeMap<(String, String, String, Option<String>), Standing> = BTreeMap::new();
    for d in draft::all(conn)? {
        let key = (d.kind.clone(), d.period.clone(), d.convention.clone(), d.unit.clone());
        let issue = issues.get(&d.run_id).cloned();
        let s = by_report.entry(key).or_insert_with(|| Standing {
            newest: d.clone(),
            issued: None,
        });
        if (d.version, d.run_id) > (s.newest.version, s.newest.run_id) {
            s.newest = d.clone();
        }
        if let Some(i) = issue {
            if s.issued.as_ref().is_none_or(|o| i.version > o.version) {
                s.issued = Some(i);
            }
        }
    }
    let mut v: Vec<Standing> = by_report.into_values().collect();
    v.sort_by_key(|s| std::cmp::Reverse(s.newest.run_id));
    Ok(v)
}

/// "văn bản số 123/BC-UBND ngày 10/7/2023 (phiên bản 1)".
pub fn describe(i: &Issue) -> String {
    format!(
        "văn bản số {} ngày {} (phiên bản {})",
        i.number,
        short_date(i.date),
        i.version
    )
}

/// When a newer draft of an issued report was just made: the line saying which issued version
/// it would supersede once signed and issued.
pub fn superseding(conn: &Connection, req: &Request, version: i64, pdf: &str) -> Result<Option<String>> {
    let old = record::superseded(
        conn,
        req.kind.name(),
        &req.period.key(),
        &req.period.convention.name(),
        req.unit.as_deref(),
        version,
    )?;
    Ok(old.map(|o| {
        format!(
            "{pdf}: báo cáo này đã được ban hành ({}); nội dung đã thay đổi (số liệu hoặc cấu hình) nên đã lập dự thảo phiên bản {version}, sẽ thay thế văn bản đó khi được ký và ban hành (`baocao issue`)",
            describe(&o)
        )
    }))
}
