//! Biểu II.07b: the procedures of the catalogue in force per managing unit
//! (sql/metrics/ii07b.sql); nothing here comes from dossiers.

use anyhow::{Context, Result};
use duckdb::Connection;
use serde::Serialize;

/// The II.07b query.
pub const SQL: &str = include_str!("../../sql/metrics/ii07b.sql");

/// Counts split by the level that carries a procedure out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ByLevel {
    pub total: i64,
    pub tinh: i64,
    pub huyen: i64,
    pub xa: i64,
}

/// One row: the province's total, or one managing unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// "total" or "unit".
    pub grain: String,
    pub unit: Option<String>,
    /// Procedures under the unit's authority (internal ones apart).
    pub authority: ByLevel,
    /// Of those, handled through the one-stop desk.
    pub one_stop: ByLevel,
    /// Internal procedures issued (TTHC nội bộ).
    pub internal: ByLevel,
}

/// The catalogue's rows (empty when no catalogue is loaded), the total first.
pub fn compute(conn: &Connection) -> Result<Vec<Row>> {
    let sql = super::sql_text("ii07b.sql", SQL);
    let mut st = conn.prepare(&sql).context("preparing sql/metrics/ii07b.sql")?;
    let by = |r: &duckdb::Row, p: &str| -> duckdb::Result<ByLevel> {
        Ok(ByLevel {
            total: r.get(format!("{p}_total").as_str())?,
            tinh: r.get(format!("{p}_tinh").as_str())?,
            huyen: r.get(format!("{p}_huyen").as_str())?,
            xa: r.get(format!("{p}_xa").as_str())?,
        })
    };
    let rows = st
        .query_map([], |r| {
            Ok(Row {
                grain: r.get("grain")?,
                unit: r.get("unit")?,
                authority: by(r, "authority")?,
                one_stop: by(r, "one_stop")?,
                internal: by(r, "internal")?,
            })
        })
        .context("running sql/metrics/ii07b.sql")?;
    let rows = rows.collect::<duckdb::Result<Vec<_>>>()?;
    // An empty catalogue still gives the grand-total row: no catalogue, no form.
    Ok(if rows.iter().any(|r| r.grain == "unit") {
        rows
    } else {
        Vec::new()
    })
}
