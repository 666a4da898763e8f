//! A file's row in `ingest_files`: registered before its rows are stored; after them,
//! in-file duplicates and newest-export-wins applied, the counts reconciled with what the
//! database holds, and recorded.

use super::stream::FileCounts;
use super::supersede::supersede;
use crate::error::{Exit, Failure};
use crate::ingest::checking::columns::Destination;
use crate::ingest::reading::record::Layout;
use crate::ingest::reading::source::FileInfo;
use anyhow::Result;
use duckdb::{params, Connection};
use std::path::Path;

/// Records the file in `ingest_files` (counts filled in at the end); returns its id.
pub fn register_file(
    conn: &Connection,
    dest: Destination,
    path: &Path,
    info: &FileInfo,
    layout: &Layout,
) -> Result<i32> {
    Ok(conn.query_row(
        "INSERT INTO ingest_files (kind, path, sha256, bytes, format, compression, encoding, delimiter, sheet, header_line,
            export_at, file_mtime, rows_read, rows_loaded, rows_quarantined, rows_blank, rows_in_force, rows_replaced)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 0) RETURNING file_id",
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
    let (t, k) = (dest.table, dest.key);
    // Duplicate codes inside one file: the last row wins, earlier ones are quarantined.
    let dup = if !maybe_dup {
        0
    } else {
        conn.execute(
            &format!(
                "INSERT INTO quarantine
                 SELECT file_id, ?, source_row, ?, {k}, 'duplicate_in_file',
                        '{kn} ' || {k} || ' appears again at row ' || last_row || ' of the same file, which supersedes this row'
                 FROM (SELECT file_id, source_row, {k}, max(source_row) OVER (PARTITION BY {k}) AS last_row
                       FROM {t} WHERE file_id = ?)
                 WHERE source_row < last_row",
                kn = dest.key_name
            ),
            params![path_s, key_header, file_id],
        )? as u64
    };
    if dup > 0 {
        conn.execute(
            &format!(
                "DELETE FROM {t} v WHERE v.file_id = ?
                   AND v.source_row < (SELECT max(w.source_row) FROM {t} w WHERE w.file_id = v.file_id AND w.{k} = v.{k})"
            ),
            params![file_id],
        )?;
        c.rows_duplicate = dup;
        c.rows_loaded -= dup;
        c.rows_quarantined += dup;
        *c.reasons.entry("duplicate_in_file".into()).or_default() += dup;
    }
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
        "UPDATE ingest_files SET rows_read = ?, rows_loaded = ?, rows_quarantined = ?, rows_blank = ?,
             rows_in_force = ?, rows_replaced = ? WHERE file_id = ?",
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
