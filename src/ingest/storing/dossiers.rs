//! Storing a dossier export in one transaction: its rows batched on the loading thread and
//! streamed into one INSERT, quarantine rows stored between INSERTs, then the file finished.

use super::batch::{self, present_columns, VersionBatch, BATCH_ROWS, UNBOUNDED_ROWS};
use super::coverage::{record_columns, record_coverage};
use super::feed;
use super::files::{finish_file, register_file};
use super::settings::{in_transaction, MemoryCap, OneThread};
use super::stream::{stream_rows, FileCounts, Tick};
use crate::ingest::checking::columns::DOSSIERS;
use crate::ingest::checking::fields::{match_header, Field, HeaderMap};
use crate::ingest::checking::validate::{Context, Dossier, Problem};
use crate::ingest::reading::record::Table;
use crate::ingest::reading::source::FileInfo;
use anyhow::{Context as _, Result};
use duckdb::{params, Connection};
use std::path::Path;

/// A 64-bit fingerprint of a dossier code.
fn fingerprint(code: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    code.hash(&mut h);
    h.finish()
}

/// Valid rows per hand-over from the reading thread to the loading one (`load_in_tx`).
const HANDOFF_ROWS: usize = 4096;

/// Loads a dossier export in one transaction.
pub fn load_file(
    conn: &Connection,
    path: &Path,
    info: &FileInfo,
    table: Table,
    ctx: &Context,
    tick: Tick,
) -> Result<FileCounts> {
    in_transaction(conn, || load_in_tx(conn, path, info, table, ctx, tick))
}

fn load_in_tx(
    conn: &Connection,
    path: &Path,
    info: &FileInfo,
    table: Table,
    ctx: &Context,
    tick: Tick,
) -> Result<FileCounts> {
    let layout = table.layout.clone();
    let path_s = path.to_string_lossy().to_string();
    let file_id = register_file(conn, DOSSIERS, path, info, &layout)?;
    let map = HeaderMap::new(layout.header.clone());
    record_columns(conn, file_id, &map)?;
    // Only the columns this file can fill: the rest stay NULL without being appended.
    let columns = present_columns(&map);
    let schema = VersionBatch::with_columns(&columns).finish()?.schema();
    let cap = MemoryCap::new(conn);
    let one_thread = OneThread::new(conn)?;
    let (tx, registration) = feed::open(conn, schema)?;
    let insert = format!(
        "INSERT INTO dossier_versions ({}) SELECT * FROM {}({}::UBIGINT)",
        columns.join(", "),
        feed::FUNCTION,
        registration.id
    );
    // Sized for the rows the file likely holds (a row is at least about as long as the
    // header), so the fingerprints seldom regrow through a large file.
    let header_bytes = layout.header.iter().map(|h| h.len() + 1).sum::<usize>().max(32);
    let expect_rows = (info.bytes as usize / header_bytes).min(1 << 27);
    let t_start = std::time::Instant::now();
    let (problems_tx, problems_rx) = std::sync::mpsc::channel::<Vec<(u64, Problem)>>();
    let mut quarantine = conn.appender("quarantine")?;
    let mut store_problems = |problems: Vec<(u64, Problem)>| -> Result<()> {
        for (line, p) in &problems {
            quarantine.append_row(params![
                file_id,
                path_s,
                *line as i64,
                p.column,
                p.raw,
                p.reason,
                p.message
            ])?;
        }
        Ok(())
    };
    let (inserted, batched) = std::thread::scope(|s| {
        let batcher = s.spawn(move || {
            let out = Outlets {
                rows: tx,
                problems: problems_tx,
            };
            batch_rows(file_id, &columns, table, ctx, tick, out, expect_rows)
        });
        // One INSERT per stretch of the file between pauses: the loading thread pauses the
        // feed to hand over quarantine rows, stored here between two statements.
        // (What the INSERTs stored is reconciled with the counts in `finish_file`.)
        let mut inserted: Result<()> = Ok(());
        loop {
            if let Err(e) = conn.execute(&insert, []) {
                inserted = Err(anyhow::Error::new(e).context("writing dossier rows"));
                break;
            }
            for problems in problems_rx.try_iter() {
                if let Err(e) = store_problems(problems) {
                    inserted = Err(e.context("writing quarantine rows"));
                }
            }
            if inserted.is_err() || registration.ended() {
                break;
            }
        }
        // The statements have ended (or failed): a batcher still sending gets an error.
        drop(registration);
        let batched = batcher
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the loading thread panicked")));
        (inserted, batched)
    });
    // The rows' own errors (a rejected file, a read error) first: they explain an early end,
    // unless the loading thread only saw the statement stop, whose own error then says why.
    if let Err(e) = inserted {
        return Err(match batched {
            Err(b) if b.downcast_ref::<StoreStopped>().is_none() => b,
            _ => e,
        });
    }
    let Batched {
        mut counts,
        mut codes,
        problems,
    } = batched?;
    store_problems(problems).context("writing quarantine rows")?;
    quarantine.flush().context("writing quarantine rows")?;
    drop(quarantine);
    let t_rows = t_start.elapsed();
    drop(one_thread);
    drop(cap);
    let t_sql = std::time::Instant::now();
    codes.sort_unstable();
    let maybe_dup = codes.windows(2).any(|w| w[0] == w[1]);
    drop(codes);
    let key_header = key_column(&layout.header);
    finish_file(conn, DOSSIERS, file_id, path, &key_header, maybe_dup, &mut counts)?;
    record_coverage(conn, file_id, &layout)?;
    tracing::info!(
        "{}: read+validate+store {:.2}s, dedupe+supersede+reconcile {:.2}s",
        path.display(),
        t_rows.as_secs_f64(),
        t_sql.elapsed().as_secs_f64()
    );
    Ok(counts)
}

/// The INSERT reading the feed ended before the rows did (its own error says why).
#[derive(Debug)]
struct StoreStopped(u64);

impl std::fmt::Display for StoreStopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the store stopped taking rows at line {}", self.0)
    }
}

impl std::error::Error for StoreStopped {}

/// Quarantine rows held by the loading thread before they are handed over to be stored.
const QUARANTINE_ROWS: usize = 65_536;

/// What the loading thread made of a file's rows, besides the batches it sent.
struct Batched {
    counts: FileCounts,
    /// Fingerprints of the valid rows' codes (a repeat means the exact SQL dedupe runs).
    codes: Vec<u64>,
    /// The last quarantine rows (fewer than `QUARANTINE_ROWS`), not yet handed over.
    problems: Vec<(u64, Problem)>,
}

/// Where the loading thread sends what it makes: batches (and pauses) to the feed that the
/// INSERT reads, full sets of quarantine rows to the thread that stores them.
struct Outlets {
    rows: std::sync::mpsc::SyncSender<feed::Msg>,
    problems: std::sync::mpsc::Sender<Vec<(u64, Problem)>>,
}

/// The loading thread: validated rows into Arrow batches for the feed, in file order.
fn batch_rows(
    file_id: i32,
    columns: &[&str],
    table: Table,
    ctx: &Context,
    tick: Tick,
    out: Outlets,
    expect_rows: usize,
) -> Result<Batched> {
    let Outlets {
        rows: tx,
        problems: problems_tx,
    } = out;
    let mut batch = VersionBatch::with_columns(columns);
    // Versions without an end, sent in row groups of their own (batch::unbounded).
    let mut unbounded = VersionBatch::with_columns(columns);
    // Fingerprints of the codes, gathered here and sorted at the end: a flat vector takes
    // 8 bytes a row, less than a hash set, and never rehashes (see docs/decisions.md).
    let mut codes: Vec<u64> = Vec::with_capacity(expect_rows);
    let mut problems: Vec<(u64, Problem)> = Vec::new();
    // Valid rows travel to this thread in groups; the Arrow batch is built here, so the
    // reading thread (the slower one) only reads and validates.
    let mut pending: Vec<(u64, Dossier)> = Vec::with_capacity(HANDOFF_ROWS);
    let send = |batch: &mut VersionBatch, line: u64| -> Result<()> {
        tx.send(feed::Msg::Rows(batch.finish()?))
            .map_err(|_| anyhow::Error::new(StoreStopped(line)))
    };
    let mut last_line = 0;
    let counts = stream_rows(
        table,
        ctx,
        |row| match row {
            Some((line, d)) => {
                pending.push((line, d));
                (pending.len() >= HANDOFF_ROWS)
                    .then(|| std::mem::replace(&mut pending, Vec::with_capacity(HANDOFF_ROWS)))
            }
            None => (!pending.is_empty()).then(|| std::mem::take(&mut pending)),
        },
        |rows: Vec<(u64, Dossier)>| {
            for (line, d) in &rows {
                last_line = *line;
                codes.push(fingerprint(&d.ma_ho_so));
                if batch::unbounded(d) {
                    unbounded.push(file_id, *line, d);
                    if unbounded.len() >= UNBOUNDED_ROWS {
                        send(&mut unbounded, *line)?;
                    }
                } else {
                    batch.push(file_id, *line, d);
                    if batch.len() >= BATCH_ROWS {
                        send(&mut batch, *line)?;
                    }
                }
            }
            Ok(())
        },
        |line, p| {
            problems.push((line, p.clone()));
            if problems.len() >= QUARANTINE_ROWS {
                // Stored between two INSERTs, so a file of bad rows is never held whole.
                let full = std::mem::replace(&mut problems, Vec::with_capacity(QUARANTINE_ROWS));
                problems_tx
                    .send(full)
                    .map_err(|_| anyhow::Error::new(StoreStopped(line)))?;
                tx.send(feed::Msg::Pause)
                    .map_err(|_| anyhow::Error::new(StoreStopped(line)))?;
            }
            Ok(())
        },
        tick,
    )?;
    // The last finished rows, then the last others.
    if !batch.is_empty() {
        send(&mut batch, last_line)?;
    }
    if !unbounded.is_empty() {
        send(&mut unbounded, last_line)?;
    }
    Ok(Batched {
        counts,
        codes,
        problems,
    })
}

/// The header of the file's MaHoSo column, as quarantine rows name it.
fn key_column(header: &[String]) -> String {
    header
        .iter()
        .find(|h| match_header(h) == Some(Field::MaHoSo))
        .cloned()
        .unwrap_or_else(|| "MaHoSo".into())
}
