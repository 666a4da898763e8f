//! Newest export wins: inside a file the last row of a code, across files the newest export
//! (the earlier versions stay in the history, marked `superseded_by`).

use super::stream::FileCounts;
use crate::ingest::checking::columns::Destination;
use anyhow::Result;
use duckdb::{params, Connection};

/// Applies newest-export-wins. The new file wins a code unless it carries an explicit
/// export date and some version of that code — in force or already replaced — comes from
/// a file exported later: a stale export must not come back in force just because an
/// undated file replaced the newer dated one in between. Undated files win by load order.
/// The version in force is the one with `superseded_by IS NULL` (the `dossiers`,
/// `feedback`, `catalogue` views).
pub(super) fn supersede(conn: &Connection, dest: Destination, file_id: i32, c: &mut FileCounts) -> Result<()> {
    let (t, k) = (dest.table, dest.key);
    let t0 = std::time::Instant::now();
    // The first file of a store (or of a kind) has no earlier versions to share a code with:
    // nothing to replace, nothing lost, no file left without rows in force.
    let others: bool = conn.query_row(
        &format!("SELECT EXISTS (SELECT 1 FROM {t} WHERE file_id <> $1)"),
        params![file_id],
        |r| r.get(0),
    )?;
    if !others {
        c.rows_replaced = 0;
        c.rows_in_force = c.rows_loaded;
        return Ok(());
    }
    // Each pass below reads the codes of the whole history, so only the ones that can
    // change anything run (issue 12: the steady cron run over 12M dossiers). Without a file
    // of this kind exported later than this one (the usual case: the new export is the
    // newest, or it is undated), no version of a later export can keep a code in force.
    let later: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM ingest_files
                        WHERE kind = $2 AND file_id <> $1
                          AND export_at > (SELECT export_at FROM ingest_files WHERE file_id = $1))",
        params![file_id, dest.kind],
        |r| r.get(0),
    )?;
    // Codes of this file that a later-dated export already gave: they stay in the history.
    let newer = if later {
        format!(
            "AND o.{k} NOT IN (
                 SELECT v.{k} FROM {t} v JOIN ingest_files f USING (file_id)
                 WHERE v.file_id <> $1 AND f.export_at > (SELECT export_at FROM ingest_files WHERE file_id = $1)
                   AND v.{k} IN (SELECT {k} FROM {t} WHERE file_id = $1))"
        )
    } else {
        String::new()
    };
    c.rows_replaced = conn.execute(
        &format!(
            "UPDATE {t} AS o SET superseded_by = $1
             WHERE o.file_id <> $1 AND o.superseded_by IS NULL
               AND o.{k} IN (SELECT {k} FROM {t} WHERE file_id = $1)
               {newer}"
        ),
        params![file_id],
    )? as u64;
    // What is still in force elsewhere is newer: this file's version goes to the history.
    // (Without a later export every other version of this file's codes was just replaced.)
    let lost = if later {
        conn.execute(
            &format!(
                "UPDATE {t} AS n SET superseded_by = o.file_id
                 FROM {t} AS o
                 WHERE n.file_id = $1 AND o.{k} = n.{k} AND o.file_id <> $1 AND o.superseded_by IS NULL"
            ),
            params![file_id],
        )? as u64
    } else {
        0
    };
    c.rows_in_force = c.rows_loaded - lost;
    // A file none of whose rows is in force any more is superseded (by the newest file
    // that replaced its rows); this includes a stale file that lost every row at once.
    // Only this file and those whose rows it just replaced can have changed.
    if c.rows_replaced + lost > 0 {
        conn.execute(
            &format!(
                "UPDATE ingest_files f
                 SET superseded_by = (SELECT max(v.superseded_by) FROM {t} v WHERE v.file_id = f.file_id)
                 WHERE f.kind = $2 AND f.superseded_by IS NULL
                   AND (f.file_id = $1 OR f.file_id IN (SELECT file_id FROM {t} WHERE superseded_by = $1))
                   AND EXISTS (SELECT 1 FROM {t} v WHERE v.file_id = f.file_id)
                   AND NOT EXISTS (SELECT 1 FROM {t} v WHERE v.file_id = f.file_id AND v.superseded_by IS NULL)"
            ),
            params![file_id, dest.kind],
        )?;
    }
    tracing::debug!(
        "supersede ({} replaced, {lost} lost, later export: {later}): {:.3}s",
        c.rows_replaced,
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}
