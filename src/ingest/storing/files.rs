//! A file's row in `ingest_files`: registered before its rows are stored; after them,
//! in-file duplicates and newest-export-wins applied, the counts reconciled with what the
//! database holds, and recorded.

use super::stream::FileCounts;
use super::supersede::{dedupe, supersede};
use crate::error::{Exit, Failure};
use crate::ingest::checking::columns::Destination;
use crate::ingest::reading::record::Layout;
use crate::ingest::reading::source::FileInfo;
use anyhow::Result;
use duckdb::{params, Connection};
use std::path::Path;

const REGISTER: &str = include_str!("../../../sql/ingest/file_register.sql");
const COUNTS: &str = include_str!("../../../sql/ingest/file_counts.sql");

/// Records the file in `ingest_files` (counts filled in at the end); returns its id.
pub fn register_file(
    conn: &Connection,
    dest: Destination,
    path: &Path,
    info: &FileInfo,
    layout: &Layout,
) -> Result<i32> {
    Ok(conn.query_row(
        REGISTER,
        params![
            dest.kind,
            path.to_string_lossy().to_string(),
            info.sha256,
            info.bytes as i64,
            layout.format,
            info.compression,
            layout.encoding,
            layout.delimiter.map(|c| c.to_string()),
            layout.sheet,
            layout.header_line as i64,
            layout.export_at,
            info.mtime,
        ],
        |r| r.get(0),
    )?)
}

/// After the rows are stored: in-file duplicates, newest-export-wins, the reconciliation
/// identity checked against the database, and the file's counts recorded.
pub fn finish_file(
    conn: &Connection,
    dest: Destination,
    file_id: i32,
    path: &Path,
    key_header: &str,
    maybe_dup: bool,
    c: &mut FileCounts,
) -> Result<()> {
    let path_s = path.to_string_lossy().to_string();
    let t = dest.table;
    dedupe(conn, dest, file_id, &path_s, key_header, maybe_dup, c)?;
    supersede(conn, dest, file_id, c)?;

    // Reconcile against what the database now holds, not only our own counters.
    let stored: i64 = conn.query_row(
        &format!("SELECT count(*) FROM {t} WHERE file_id = ?"),
        params![file_id],
        |r| r.get(0),
    )?;
    let q_rows: i64 = conn.query_row(
        "SELECT count(DISTINCT source_row) FROM quarantine WHERE file_id = ?",
        params![file_id],
        |r| r.get(0),
    )?;
    if !c.reconciles() || stored as u64 != c.rows_loaded || q_rows as u64 != c.rows_quarantined {
        anyhow::bail!(Failure::new(
            Exit::Internal,
            format!(
                "{}: reconciliation failed: read {} ≠ loaded {} (stored {stored}) + quarantined {} (stored {q_rows}); nothing from this file was kept",
                path.display(), c.rows_read, c.rows_loaded, c.rows_quarantined
            )
        ));
    }
    conn.execute(
        COUNTS,
        params![
            c.rows_read as i64,
            c.rows_loaded as i64,
            c.rows_quarantined as i64,
            c.rows_blank as i64,
            c.rows_in_force as i64,
            c.rows_replaced as i64,
            file_id
        ],
    )?;
    Ok(())
}
