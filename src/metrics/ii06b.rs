//! Biểu II.06b: the II.06a counts per procedure, grouped by field (sql/metrics/ii06b.sql).

use super::ii06a::{counts_of, Counts, Form};
use super::scope::Scope;
use anyhow::Result;
use duckdb::Connection;
use serde::Serialize;

/// The II.06b query.
pub const SQL: &str = include_str!("../../sql/metrics/ii06b.sql");

/// One row: a field's subtotal, or one procedure of that field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// "field" or "procedure".
    pub grain: String,
    pub field: String,
    /// The procedure code (MaTTHC); None on a field row.
    pub code: Option<String>,
    /// The procedure's name: the catalogue's when loaded, else the export's.
    pub name: Option<String>,
    #[serde(flatten)]
    pub counts: Counts,
    pub form: Form,
}

const KEYS: &[&str] = &["grain", "field", "code", "name"];

/// Computes the rows of a scope, fields in name order, each followed by its procedures.
pub fn compute(conn: &Connection, scope: &Scope, withdrawn_in_resolved: bool) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    scope.query(
        conn,
        "sql/metrics/ii06b.sql",
        &super::sql_text("ii06b.sql", SQL),
        |r, names| {
            crate::registry::check_columns("sql/metrics/ii06b.sql", names, KEYS, crate::registry::COUNTS)?;
            let counts = counts_of(r, names)?;
            rows.push(Row {
                grain: r.get("grain")?,
                field: r.get("field")?,
                code: r.get("code")?,
                name: r.get("name")?,
                form: counts.form(withdrawn_in_resolved),
                counts,
            });
            Ok(())
        },
    )?;
    Ok(rows)
}
