//! What the user sees after ingest and validate: per-file counts, reasons, per-agency totals.

use super::{FileReport, Outcome};
use anyhow::Result;
use duckdb::Connection;
use std::fmt::Write;

const AGENCIES: &str = include_str!("../../sql/ingest/summary_agencies.sql");
const QUARANTINE: &str = include_str!("../../sql/ingest/summary_quarantine.sql");

/// Formats the per-file summary table and totals.
pub fn render(reports: &[FileReport]) -> String {
    let mut s = String::new();
    let (mut read, mut loaded, mut quar, mut rejected, mut skipped) = (0u64, 0u64, 0u64, 0usize, 0usize);
    for r in reports {
        match &r.outcome {
            Outcome::Loaded {
                counts: c,
                format,
                encoding,
                withheld,
            } => {
                read += c.rows_read;
                loaded += c.rows_loaded;
                quar += c.rows_quarantined;
                let _ = writeln!(
                    s,
                    "{}  [{format}, {encoding}]\n    read {} = loaded {} + quarantined {}  (duplicates in file {}, blank lines {}; in force {}, earlier versions replaced {})",
                    r.path, c.rows_read, c.rows_loaded, c.rows_quarantined, c.rows_duplicate, c.rows_blank, c.rows_in_force, c.rows_replaced
                );
                if !withheld.is_empty() {
                    let _ = writeln!(s, "    personal data not stored: {}", withheld.join(", "));
                }
                if !c.reasons.is_empty() {
                    let mut top: Vec<_> = c.reasons.iter().collect();
                    top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
                    let list: Vec<String> = top.iter().take(5).map(|(k, v)| format!("{k} {v}")).collect();
                    let _ = writeln!(s, "    top reasons: {}", list.join(", "));
                }
            }
            Outcome::AlreadyLoaded { file_id, first_path } => {
                skipped += 1;
                let _ = writeln!(
                    s,
                    "{}\n    already ingested (same sha256) as file #{file_id} from {first_path}: nothing to do",
                    r.path
                );
            }
            Outcome::Rejected { reason } => {
                rejected += 1;
                let _ = writeln!(s, "{}\n    REJECTED: {reason}", r.path);
            }
        }
    }
    let _ = writeln!(
        s,
        "Total: {} file(s); rows read {read} = loaded {loaded} + quarantined {quar}; files rejected {rejected}, already ingested {skipped}",
        reports.len()
    );
    s
}

/// Dossiers in force per agency, ordered by level then name.
pub fn agency_counts(conn: &Connection) -> Result<String> {
    let mut st = conn.prepare(AGENCIES)?;
    let rows = st.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?))
    })?;
    let mut s = String::from("Dossiers in force by agency:\n");
    let mut total = 0;
    for r in rows {
        let (cap, unit, n) = r?;
        total += n;
        let _ = writeln!(s, "  {cap:<6} {unit:<50} {n:>10}");
    }
    let _ = writeln!(s, "  {:<57} {total:>10}", "total");
    Ok(s)
}

/// Lists quarantined rows, optionally of files whose path contains `file`.
pub fn quarantine_list(conn: &Connection, file: Option<&str>) -> Result<String> {
    let mut st = conn.prepare(QUARANTINE)?;
    let rows = st.query_map([file, file], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    let mut s = String::new();
    let mut n = 0;
    for r in rows {
        let (path, row, col, reason, msg, raw) = r?;
        n += 1;
        let col = if col.is_empty() { "-".to_string() } else { col };
        let _ = writeln!(s, "{path}:{row}\t{col}\t{reason}\t{msg}\t[{raw}]");
    }
    let _ = writeln!(s, "{n} quarantined problem(s)");
    Ok(s)
}
