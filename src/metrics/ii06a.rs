//! Biểu II.06a: the counts of docs/rules.md (Biểu II.06a), their identities, and the form's 11 columns.

use super::scope::Scope;
use anyhow::Result;
use duckdb::Connection;
use serde::Serialize;

/// The II.06a query (sql/metrics/ii06a.sql).
pub const SQL: &str = include_str!("../../sql/metrics/ii06a.sql");

pub use crate::registry::Counts;

/// The printed columns (3)–(13) of form II.06a/VPCP/KSTT.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Form {
    pub c3: i64,
    pub c4: i64,
    pub c5: i64,
    pub c6: i64,
    pub c7: i64,
    pub c8: i64,
    pub c9: i64,
    pub c10: i64,
    pub c11: i64,
    pub c12: i64,
    pub c13: i64,
}

impl Counts {
    /// The identities of Biểu II.06a (docs/rules.md); returns every one that fails.
    pub fn identity_violations(&self) -> Vec<String> {
        let mut v = Vec::new();
        let received = self.received_online + self.received_offline + self.carried_over;
        if received != self.total_handled {
            v.push(format!(
                "online + offline + carried_over = {received} ≠ total_handled {}",
                self.total_handled
            ));
        }
        let out = self.resolved + self.withdrawn + self.in_progress;
        if out != self.total_handled {
            v.push(format!(
                "resolved + withdrawn + in_progress = {out} ≠ total_handled {}",
                self.total_handled
            ));
        }
        let r = self.resolved_early + self.resolved_on_time + self.resolved_late;
        if r != self.resolved {
            v.push(format!("early + on_time + late = {r} ≠ resolved {}", self.resolved));
        }
        let p = self.in_progress_processing + self.waiting_supplement + self.paused;
        if p != self.in_progress {
            v.push(format!(
                "processing + waiting_supplement + paused = {p} ≠ in_progress {}",
                self.in_progress
            ));
        }
        let w = self.in_progress_within + self.in_progress_overdue;
        if w != self.in_progress {
            v.push(format!("within + overdue = {w} ≠ in_progress {}", self.in_progress));
        }
        v
    }

    /// The form's columns. With `withdrawn_in_resolved` (the form's note on column 9),
    /// withdrawn dossiers count in (7) and (9).
    pub fn form(&self, withdrawn_in_resolved: bool) -> Form {
        let w = if withdrawn_in_resolved { self.withdrawn } else { 0 };
        Form {
            c3: self.total_handled,
            c4: self.received_online,
            c5: self.received_offline,
            c6: self.carried_over,
            c7: self.resolved + w,
            c8: self.resolved_early,
            c9: self.resolved_on_time + w,
            c10: self.resolved_late,
            c11: self.in_progress,
            c12: self.in_progress_within,
            c13: self.in_progress_overdue,
        }
    }
}

/// One row of the table: the province, a level subtotal, an agency or a field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub grain: String,
    pub level: Option<String>,
    pub unit: Option<String>,
    pub field: Option<String>,
    #[serde(flatten)]
    pub counts: Counts,
    pub form: Form,
}

/// The whole table for a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub total: Row,
    pub rows: Vec<Row>,
}

/// The columns of ii06a.sql that name a row rather than count.
const KEYS: &[&str] = &["grain", "level", "unit", "field"];

/// The registered counts of a result row, read by column name.
pub fn counts_of(r: &duckdb::Row, names: &[String]) -> Result<Counts> {
    let mut counts = Counts::default();
    for (i, n) in names.iter().enumerate() {
        if let Some(slot) = counts.slot(n) {
            *slot = r.get(i)?;
        }
    }
    Ok(counts)
}

/// Computes the table for a scope. Any identity violation is an internal error (exit 10).
pub fn compute(conn: &Connection, scope: &Scope, withdrawn_in_resolved: bool) -> Result<Table> {
    let mut all = Vec::new();
    scope.query(
        conn,
        "sql/metrics/ii06a.sql",
        &super::sql_text("ii06a.sql", SQL),
        |r, names| {
            crate::registry::check_columns("sql/metrics/ii06a.sql", names, KEYS, crate::registry::COUNTS)?;
            let counts = counts_of(r, names)?;
            all.push(Row {
                grain: r.get("grain")?,
                level: r.get("level")?,
                unit: r.get("unit")?,
                field: r.get("field")?,
                form: counts.form(withdrawn_in_resolved),
                counts,
            });
            Ok(())
        },
    )?;
    for r in &all {
        let v = r.counts.identity_violations();
        if !v.is_empty() {
            anyhow::bail!(crate::error::Failure::new(
                crate::error::Exit::Internal,
                format!(
                    "II.06a identity broken for {} {:?}/{:?}/{:?}: {}",
                    r.grain,
                    r.level,
                    r.unit,
                    r.field,
                    v.join("; ")
                )
            ));
        }
    }
    let empty = Row {
        grain: "total".into(),
        level: None,
        unit: None,
        field: None,
        counts: Counts::default(),
        form: Form::default(),
    };
    let total = all.iter().find(|r| r.grain == "total").cloned().unwrap_or(empty);
    let rows = all.into_iter().filter(|r| r.grain != "total").collect();
    Ok(Table { total, rows })
}
