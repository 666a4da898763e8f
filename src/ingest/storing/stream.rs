//! The stream of rows from the reading thread to the loading one: rows read and checked on
//! one thread, stored on the other, and the counts of a file they add up to.

use crate::error::{Exit, Failure};
use crate::ingest::checking::fields::{missing_message, HeaderMap};
use crate::ingest::checking::validate::{validate, Context, Dossier, Problem};
use crate::ingest::reading::record::Table;
use anyhow::Result;
use serde::Serialize;
use std::collections::BTreeMap;

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

/// One step of the stream from the reading thread to the loading one.
enum Event<B> {
    Blank,
    /// A valid row, already handed to the stage.
    Valid,
    Invalid(u64, Vec<Problem>),
    /// What the stage made of the valid rows before it (e.g. an Arrow batch), to store now.
    Out(B),
}

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
                    // Validation runs here, beside reading: faster than on the loading thread,
                    // which builds the batches while DuckDB stores them (see docs/decisions.md).
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
