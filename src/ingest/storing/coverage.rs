//! What a dossier file covers: the canonical columns its header carried and the window of
//! days it covers for each agency in it.

use crate::ingest::checking::fields::HeaderMap;
use crate::ingest::reading::record::Layout;
use anyhow::Result;
use duckdb::{params, Connection};

const INFERRED: &str = include_str!("../../../sql/ingest/coverage_inferred.sql");
const COVERAGE: &str = include_str!("../../../sql/ingest/coverage.sql");

/// Records which canonical columns the file's header carried (`ingest_file_columns`): a
/// rate that needs a column the file lacks leaves its dossiers out, as missing
/// (sql/metrics/cube.sql), instead of reading the absent column as "no".
pub(super) fn record_columns(conn: &Connection, file_id: i32, map: &HeaderMap) -> Result<()> {
    let mut st = conn.prepare("INSERT INTO ingest_file_columns (file_id, column_name) VALUES (?, ?)")?;
    for f in map.fields.iter().flatten() {
        st.execute(params![file_id, f.name()])?;
    }
    Ok(())
}

/// The longest window inferred for a file that does not state one: one reporting month.
const INFERRED_DAYS: i64 = 31;

/// Records what a dossier file covers: its stated window for every agency in it, or else a
/// window inferred from its rows, on the safe side: to the export date (or the last date
/// seen), from the first finish date (carried-over rows accepted earlier do not widen it)
/// but at most `INFERRED_DAYS` back — stray old rows must never make an earlier period look
/// covered; a longer export states its window (title block, JSON, `ingest --covers`).
pub(super) fn record_coverage(conn: &Connection, file_id: i32, layout: &Layout) -> Result<()> {
    let (from, to, source) = match layout.window {
        Some(w) => (Some(w.from), Some(w.to), w.source),
        None => {
            let (from, to): (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>) = conn.query_row(
                INFERRED,
                params![file_id, layout.export_at.map(|d| d.date().to_string()), INFERRED_DAYS],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            (from, to, "inferred")
        }
    };
    let (Some(from), Some(to)) = (from, to) else {
        return Ok(()); // no dated row: the file covers nothing we can name
    };
    conn.execute(
        COVERAGE,
        params![
            file_id,
            from.to_string(),
            from.to_string(),
            to.to_string(),
            source,
            file_id
        ],
    )?;
    Ok(())
}
