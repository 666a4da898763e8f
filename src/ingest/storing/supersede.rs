//! Newest export wins: inside a file the last row of a code, across files the newest export
//! (the earlier versions stay in the history, marked `superseded_by`).

use super::stream::FileCounts;
use crate::ingest::checking::columns::Destination;
use anyhow::Result;
use duckdb::{params, Connection};

// The statements this module runs, written for any destination (see `sql_for`).
const DUPLICATES_QUARANTINE: &str = include_str!("../../../sql/ingest/duplicates_quarantine.sql");
const DUPLICATES_DELETE: &str = include_str!("../../../sql/ingest/duplicates_delete.sql");
const LATER: &str = include_str!("../../../sql/ingest/supersede_later.sql");
/// Its `{unless_newer}` is `UNLESS_NEWER` when a later-dated export is loaded, else empty.
const REPLACE: &str = include_str!("../../../sql/ingest/supersede.sql");
const UNLESS_NEWER: &str = include_str!("../../../sql/ingest/supersede_unless_newer.sql");
const LOST: &str = include_str!("../../../sql/ingest/supersede_lost.sql");
const FILES: &str = include_str!("../../../sql/ingest/supersede_files.sql");

/// A statement of `sql/ingest/` for this destination: `{table}`, `{key}` and `{key_name}`
/// stand for its table, its key column and the key's canonical name (as messages print it).
fn sql_for(dest: Destination, sql: &str) -> String {
    sql.replace("{table}", dest.table)
        .replace("{key}", dest.key)
        .replace("{key_name}", dest.key_name)
}

/// The same for the statements on duplicates inside one file: `{key}` is what a duplicate
/// repeats (`dup_key`).
fn dup_sql_for(dest: Destination, sql: &str) -> String {
    sql_for(
        Destination {
            key: dest.dup_key,
            key_name: dest.dup_key_name,
            ..dest
        },
        sql,
    )
}

/// Duplicate codes inside one file: the last row wins, earlier ones are quarantined.
/// `maybe_dup`: some code may appear twice (else nothing is looked up).
pub(super) fn dedupe(
    conn: &Connection,
    dest: Destination,
    file_id: i32,
    path: &str,
    key_header: &str,
    maybe_dup: bool,
    c: &mut FileCounts,
) -> Result<()> {
    let dup = if !maybe_dup {
        0
    } else {
        conn.execute(
            &dup_sql_for(dest, DUPLICATES_QUARANTINE),
            params![path, key_header, file_id],
        )? as u64
    };
    if dup > 0 {
        conn.execute(&dup_sql_for(dest, DUPLICATES_DELETE), params![file_id])?;
        c.rows_duplicate = dup;
        c.rows_loaded -= dup;
        c.rows_quarantined += dup;
        *c.reasons.entry("duplicate_in_file".into()).or_default() += dup;
    }
    Ok(())
}

/// Applies newest-export-wins. The new file wins a code unless it carries an explicit
/// export date and some version of that code — in force or already replaced — comes from
/// a file exported later: a stale export must not come back in force just because an
/// undated file replaced the newer dated one in between. Undated files win by load order.
/// The version in force is the one with `superseded_by IS NULL` (the `dossiers`,
/// `feedback`, `catalogue` views).
pub(super) fn supersede(conn: &Connection, dest: Destination, file_id: i32, c: &mut FileCounts) -> Result<()> {
    let t = dest.table;
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
    // change anything run (see docs/decisions.md). Without a file
    // of this kind exported later than this one (the usual case: the new export is the
    // newest, or it is undated), no version of a later export can keep a code in force.
    let later: bool = conn.query_row(LATER, params![file_id, dest.kind], |r| r.get(0))?;
    // Codes of this file that a later-dated export already gave: they stay in the history.
    let replace = REPLACE.replace("{unless_newer}", if later { UNLESS_NEWER } else { "" });
    c.rows_replaced = conn.execute(&sql_for(dest, &replace), params![file_id])? as u64;
    // What is still in force elsewhere is newer: this file's version goes to the history.
    // (Without a later export every other version of this file's codes was just replaced.)
    let lost = if later {
        conn.execute(&sql_for(dest, LOST), params![file_id])? as u64
    } else {
        0
    };
    c.rows_in_force = c.rows_loaded - lost;
    // A file none of whose rows is in force any more is superseded (by the newest file
    // that replaced its rows); this includes a stale file that lost every row at once.
    // Only this file and those whose rows it just replaced can have changed.
    if c.rows_replaced + lost > 0 {
        conn.execute(&sql_for(dest, FILES), params![file_id, dest.kind])?;
    }
    tracing::debug!(
        "supersede ({} replaced, {lost} lost, later export: {later}): {:.3}s",
        c.rows_replaced,
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::checking::columns::{CATALOGUE, DOSSIERS, FEEDBACK, LETTERS};

    #[test]
    fn every_placeholder_is_filled_for_every_destination() {
        let replace = [
            REPLACE.replace("{unless_newer}", UNLESS_NEWER),
            REPLACE.replace("{unless_newer}", ""),
        ];
        for dest in [
            DOSSIERS,
            FEEDBACK.destination,
            CATALOGUE.destination,
            LETTERS.destination,
        ] {
            let fixed = [DUPLICATES_QUARANTINE, DUPLICATES_DELETE, LOST, FILES];
            for sql in fixed.into_iter().chain(replace.iter().map(String::as_str)) {
                let sql = sql_for(dest, sql);
                assert!(!sql.contains('{') && sql.contains(dest.table), "{sql}");
            }
        }
    }
}
