//! Loads one file into the store inside one transaction: versions, quarantine, supersede.

use super::batch::{self, present_columns, VersionBatch, BATCH_ROWS, UNBOUNDED_ROWS};
use super::feed;
use super::fields::{missing_message, HeaderMap};
use super::kinds::{Destination, DOSSIERS};
use super::record::Table;
use super::source::FileInfo;
use super::validate::{validate, Context, Dossier, Problem};
use crate::error::{Exit, Failure};
use anyhow::{Context as _, Result};
use duckdb::{params, Connection};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The counts of one file, as shown to the user and stored in `ingest_files`.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct FileCounts {
    pub rows_read: u64,
    pub rows_loaded: u64,
    pub rows_quarantined: u64,
    pub rows_blank: u64,
    /// Of the quarantined rows: earlier duplicates of a code inside the same file.
    pub rows_duplicate: u64,
    pub rows_in_force: u64,
    pub rows_replaced: u64,
    /// Problems by reason code (a row may have several problems).
    pub reasons: BTreeMap<String, u64>,
}

impl FileCounts {
    /// The reconciliation identity: every row read is loaded or quarantined.
    pub fn reconciles(&self) -> bool {
        self.rows_read == self.rows_loaded + self.rows_quarantined
    }
}

/// Called after each row, for progress bars and fault injection.
pub type Tick<'a> = &'a mut (dyn FnMut(u64) + Send);

/// A 64-bit fingerprint of a dossier code.
fn fingerprint(code: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    code.hash(&mut h);
    h.finish()
}

/// One step of the stream from the reading thread to the loading one.
enum Event<B> {
    Blank,
    /// A valid row, already handed to the stage.
    Valid,
    Invalid(u64, Vec<Problem>),
    /// What the stage made of the valid rows before it (e.g. an Arrow batch), to store now.
    Out(B),
}

/// Valid rows per hand-over from the reading thread to the loading one (`load_in_tx`).
const HANDOFF_ROWS: usize = 4096;

/// Events per message between the threads.
const CHUNK: usize = 4096;

/// Streams the rows of `table` through validation. Reading and validation run on a
/// second thread while this one stores; `sink` receives valid dossiers, `quarantine`
/// every problem. Returns the counts (without supersede figures).
pub fn process_rows(
    table: Table,
    ctx: &Context,
    mut sink: impl FnMut(u64, &Dossier) -> Result<()>,
    quarantine: impl FnMut(u64, &Problem) -> Result<()>,
    tick: Tick,
) -> Result<FileCounts> {
    stream_rows(table, ctx, |row| row, |(line, d)| sink(line, &d), quarantine, tick)
}

/// Like `process_rows`, with the valid rows turned into something else on the reading
/// thread: `stage` gets each valid row in file order (then None at the end) and may
/// return something to store — `store` gets it on this thread, in order with the
/// quarantine calls and ticks of the rows before it.
pub fn stream_rows<B: Send>(
    table: Table,
    ctx: &Context,
    mut stage: impl FnMut(Option<(u64, Dossier)>) -> Option<B> + Send,
    mut store: impl FnMut(B) -> Result<()>,
    mut quarantine: impl FnMut(u64, &Problem) -> Result<()>,
    tick: Tick,
) -> Result<FileCounts> {
    let map = HeaderMap::new(table.layout.header.clone());
    let missing = map.missing_required();
    if !missing.is_empty() {
        anyhow::bail!(Failure::new(Exit::Rejected, missing_message(&missing, &map.names)));
    }
    let mut c = FileCounts::default();
    let rows = table.rows;
    let ctx = *ctx;
    std::thread::scope(|s| -> Result<()> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Vec<Event<B>>>>(8);
        let map = &map;
        s.spawn(move || {
            let mut chunk = Vec::with_capacity(CHUNK);
            let mut rows = rows.fuse();
            loop {
                let event = match rows.next() {
                    None => match stage(None) {
                        Some(out) => Event::Out(out),
                        None => break,
                    },
                    Some(Err(e)) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                    Some(Ok(r)) if r.is_blank() => Event::Blank,
                    // Validation runs here, beside reading: measured faster than on the loading
                    // thread, which builds the batches while DuckDB stores them (issue 12).
                    Some(Ok(r)) => {
                        let line = r.line;
                        match validate(map, r, &ctx) {
                            Ok(d) => {
                                chunk.push(Event::Valid);
                                match stage(Some((line, d))) {
                                    Some(out) => Event::Out(out),
                                    None => continue,
                                }
                            }
                            Err(problems) => Event::Invalid(line, problems),
                        }
                    }
                };
                let end = matches!(event, Event::Out(_));
                chunk.push(event);
                if (chunk.len() >= CHUNK || end)
                    && tx
                        .send(Ok(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK))))
                        .is_err()
                {
                    return; // the loader stopped
                }
            }
            let _ = tx.send(Ok(chunk));
        });
        let mut waited = std::time::Duration::ZERO;
        let mut t = std::time::Instant::now();
        for msg in rx.iter() {
            waited += t.elapsed();
            for event in msg? {
                match event {
                    Event::Blank => {
                        c.rows_blank += 1;
                        continue;
                    }
                    Event::Out(out) => {
                        store(out)?;
                        continue;
                    }
                    Event::Valid => c.rows_loaded += 1,
                    Event::Invalid(line, problems) => {
                        c.rows_quarantined += 1;
                        for p in &problems {
                            *c.reasons.entry(p.reason.to_string()).or_default() += 1;
                            quarantine(line, p)?;
                        }
                    }
                }
                c.rows_read += 1;
                tick(c.rows_read);
            }
            t = std::time::Instant::now();
        }
        tracing::debug!("loader waited {:.2}s for the reader", waited.as_secs_f64());
        Ok(())
    })?;
    Ok(c)
}

/// Runs `f` in one transaction. On any error the database is left as before. Once
/// committed, the file's rows are durable in the write-ahead log; DuckDB moves them into the
/// database file itself (when the log passes its size, and when the store is closed). An
/// explicit CHECKPOINT per file used to follow: it rewrote the store's last, partly filled
/// row group every time, ~0.2–1 s per small file (issue 12, measured: 20 files of 50 000
/// rows, 40–49 s with it, 30–32 s without, same run).
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
/// DuckDB drop its cached copies sooner (issue 12, 10M rows in one file: peak 1.17 GiB
/// without it, 835 MiB with it, same time). It is lifted before the dedupe and supersede
/// SQL, whose joins over the history may need more.
const APPEND_MEMORY: &str = "384MB";

/// Holds `APPEND_MEMORY` while it lives; puts DuckDB's default back when dropped.
struct MemoryCap<'a> {
    conn: &'a Connection,
    capped: bool,
}

impl<'a> MemoryCap<'a> {
    fn new(conn: &'a Connection) -> Self {
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
/// speed, taking a core from the reading thread (issue 12, 10M-row wide file, two runs
/// each: 54.3–54.6 s with 96 s of CPU, 41.5–45.6 s with 61–66 s alone; at 1M within noise).
struct OneThread<'a>(&'a Connection);

impl<'a> OneThread<'a> {
    fn new(conn: &'a Connection) -> Result<Self> {
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

/// Records the file in `ingest_files` (counts filled in at the end); returns its id.
pub fn register_file(
    conn: &Connection,
    dest: Destination,
    path: &Path,
    info: &FileInfo,
    layout: &super::record::Layout,
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
    // Fingerprints of the codes, gathered here and sorted at the end. A flat vector takes
    // 8 bytes a row where a hash set took ~15 and a rehash (issue 12: ingest peak at 10M).
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

/// Records which canonical columns the file's header carried (`ingest_file_columns`): a
/// rate that needs a column the file lacks leaves its dossiers out, as missing
/// (sql/metrics/cube.sql), instead of reading the absent column as "no".
fn record_columns(conn: &Connection, file_id: i32, map: &HeaderMap) -> Result<()> {
    let mut st = conn.prepare("INSERT INTO ingest_file_columns (file_id, column_name) VALUES (?, ?)")?;
    for f in map.fields.iter().flatten() {
        st.execute(params![file_id, f.name()])?;
    }
    Ok(())
}

/// Records what a dossier file covers: its stated window for every agency in it, or else a
/// window inferred from its rows, on the safe side: to the export date (or the last date
/// seen), from the first finish date (carried-over rows accepted earlier do not widen it)
/// but at most `INFERRED_DAYS` back — stray old rows must never make an earlier period look
/// covered; a longer export states its window (title block, JSON, `ingest --covers`).
/// The longest window inferred for a file that does not state one: one reporting month.
const INFERRED_DAYS: i64 = 31;

fn record_coverage(conn: &Connection, file_id: i32, layout: &super::record::Layout) -> Result<()> {
    let (from, to, source) = match layout.window {
        Some(w) => (Some(w.from), Some(w.to), w.source),
        None => {
            let (from, to): (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>) = conn.query_row(
                "WITH d AS (SELECT CAST(ngay_tiep_nhan AS DATE) AS acc, trang_thai,
                                   CAST(coalesce(ngay_ket_thuc, ngay_tra) AS DATE) AS fin
                            FROM dossier_versions WHERE file_id = ?)
                 , e AS (SELECT coalesce(min(fin) FILTER (WHERE trang_thai IN (7, 9, 10)), min(acc)) AS first,
                               coalesce(CAST(? AS DATE), max(greatest(acc, coalesce(fin, acc)))) AS last
                         FROM d)
                 SELECT greatest(first, CAST(last - INTERVAL (? - 1) DAY AS DATE)), last FROM e",
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
        "INSERT INTO coverage (file_id, agency, day_from, day_to, source)
         SELECT ?, agency, CAST(? AS DATE), greatest(CAST(? AS DATE), CAST(? AS DATE)), ?
         FROM (SELECT DISTINCT coalesce(ten_don_vi, '') AS agency FROM dossier_versions WHERE file_id = ?)",
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

fn key_column(header: &[String]) -> String {
    header
        .iter()
        .find(|h| super::fields::match_header(h) == Some(super::fields::Field::MaHoSo))
        .cloned()
        .unwrap_or_else(|| "MaHoSo".into())
}

/// Applies newest-export-wins. The new file wins a code unless it carries an explicit
/// export date and some version of that code — in force or already replaced — comes from
/// a file exported later: a stale export must not come back in force just because an
/// undated file replaced the newer dated one in between. Undated files win by load order.
/// The version in force is the one with `superseded_by IS NULL` (the `dossiers`,
/// `feedback`, `catalogue` views).
fn supersede(conn: &Connection, dest: Destination, file_id: i32, c: &mut FileCounts) -> Result<()> {
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
