//! DuckDB settings for a load: one transaction per file; while its rows are appended, a
//! memory cap and one thread.

use anyhow::{Context as _, Result};
use duckdb::Connection;

/// Runs `f` in one transaction. On any error the database is left as before. Once
/// committed, the file's rows are durable in the write-ahead log; DuckDB moves them into the
/// database file itself (when the log passes its size, and when the store is closed). No
/// CHECKPOINT per file follows: it would rewrite the store's last, partly filled row group
/// every time (see docs/decisions.md).
pub fn in_transaction<T>(conn: &Connection, f: impl FnOnce() -> Result<T>) -> Result<T> {
    conn.execute_batch("BEGIN TRANSACTION")?;
    match f() {
        Ok(v) => {
            let t = std::time::Instant::now();
            conn.execute_batch("COMMIT").context("committing")?;
            tracing::debug!("commit {:.3}s", t.elapsed().as_secs_f64());
            Ok(v)
        }
        Err(e) => {
            conn.execute_batch("ROLLBACK").ok();
            Err(e)
        }
    }
}

/// DuckDB's memory limit while a file's rows are appended, unless `BAOCAO_MEMORY_LIMIT`
/// sets one. Appended row groups go to the store file as they fill, so the cap only makes
/// DuckDB drop its cached copies sooner: a lower peak, no slower (see docs/decisions.md).
/// It is lifted before the dedupe and supersede SQL, whose joins over the history may need
/// more.
const APPEND_MEMORY: &str = "384MB";

/// Holds `APPEND_MEMORY` while it lives; puts DuckDB's default back when dropped.
pub(super) struct MemoryCap<'a> {
    conn: &'a Connection,
    capped: bool,
}

impl<'a> MemoryCap<'a> {
    pub(super) fn new(conn: &'a Connection) -> Self {
        // A limit of the operator's (BAOCAO_MEMORY_LIMIT, set by store::open) stays. Without
        // one the connection has DuckDB's default, which RESET restores exactly (the value
        // DuckDB shows is rounded, so it cannot be set back by hand).
        let capped = std::env::var_os("BAOCAO_MEMORY_LIMIT").is_none()
            && match conn.execute_batch(&format!("SET memory_limit = '{APPEND_MEMORY}'")) {
                Ok(()) => true,
                Err(e) => {
                    tracing::debug!("memory limit for appending left as it was: {e}");
                    false
                }
            };
        MemoryCap { conn, capped }
    }
}

impl Drop for MemoryCap<'_> {
    fn drop(&mut self) {
        if self.capped {
            if let Err(e) = self.conn.execute_batch("RESET memory_limit") {
                tracing::warn!("could not restore DuckDB's memory limit: {e}");
            }
        }
    }
}

/// Holds DuckDB to the connection's own thread while a file's rows are inserted (`RESET
/// threads` when dropped). The INSERT reading the feed often waits for the loading thread;
/// when a DuckDB worker did that waiting, the connection's thread polled for tasks at full
/// speed, taking a core from the reading thread (see docs/decisions.md).
pub(super) struct OneThread<'a>(&'a Connection);

impl<'a> OneThread<'a> {
    pub(super) fn new(conn: &'a Connection) -> Result<Self> {
        conn.execute_batch("SET threads = 1")?;
        Ok(OneThread(conn))
    }
}

impl Drop for OneThread<'_> {
    fn drop(&mut self) {
        if let Err(e) = self.0.execute_batch("RESET threads") {
            tracing::warn!("could not restore DuckDB's threads: {e}");
        }
    }
}
