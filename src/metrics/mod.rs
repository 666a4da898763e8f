//! Metrics: runs the SQL of sql/metrics/ and shapes the results. SQL counts; Rust shapes.

pub mod ii06a;

use anyhow::{Context, Result};
use duckdb::Connection;

/// The SQL macros the metric queries build on, in dependency order.
pub const MACROS: &[(&str, &str)] = &[("ii06a_flags", include_str!("../../sql/metrics/ii06a_flags.sql"))];

/// Installs the metric macros on a connection (temporary: nothing is written).
pub fn install(conn: &Connection) -> Result<()> {
    for (name, sql) in MACROS {
        conn.execute_batch(sql)
            .with_context(|| format!("installing SQL macro {name}"))?;
    }
    Ok(())
}
