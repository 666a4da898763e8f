//! `baocao sql STATEMENT` (hidden): runs one SQL statement on the database, for
//! benchmarks and debugging.

use super::Global;
use crate::error::Exit;
use anyhow::Result;
use duckdb::types::Value;
use std::io::Write;

/// The statement to run.
#[derive(clap::Args, Debug)]
pub struct Args {
    pub statement: String,
}

/// Runs `sql`.
pub fn run(a: &Args, g: &Global) -> Result<Exit> {
    let conn = g.open_db()?;
    let t = std::time::Instant::now();
    let mut out = std::io::stdout().lock();
    let query = a.statement.trim_start().to_ascii_lowercase();
    if query.starts_with("select") || query.starts_with("with") {
        // A query: its rows, tab-separated, for scripts (bench/corpus.sh).
        let mut st = conn.prepare(&a.statement)?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let n = r.as_ref().column_count();
            let cells: Vec<String> = (0..n)
                .map(|i| text(r.get::<_, Value>(i).unwrap_or(Value::Null)))
                .collect();
            writeln!(out, "{}", cells.join("\t"))?;
        }
    } else {
        conn.execute_batch(&a.statement)?;
    }
    writeln!(out, "ok in {:.3} s", t.elapsed().as_secs_f64())?;
    Ok(Exit::Ok)
}

/// A value as plain text (NULL is empty).
fn text(v: Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Boolean(b) => b.to_string(),
        Value::TinyInt(n) => n.to_string(),
        Value::SmallInt(n) => n.to_string(),
        Value::Int(n) => n.to_string(),
        Value::BigInt(n) => n.to_string(),
        Value::HugeInt(n) => n.to_string(),
        Value::UTinyInt(n) => n.to_string(),
        Value::USmallInt(n) => n.to_string(),
        Value::UInt(n) => n.to_string(),
        Value::UBigInt(n) => n.to_string(),
        Value::Float(n) => n.to_string(),
        Value::Double(n) => n.to_string(),
        Value::Text(s) => s,
        other => format!("{other:?}"),
    }
}
