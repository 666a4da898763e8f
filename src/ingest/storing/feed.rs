//! A table function that streams Arrow batches from the loading thread into one INSERT, so
//! DuckDB stores a file's rows through its own insert pipeline instead of the appender.
//!
//! Why (see docs/decisions.md): the appender with a column list
//! flushes every few thousand rows as a small INSERT query; the connection's thread then
//! polls DuckDB's task queue while a DuckDB worker compresses, and the Arrow batch is copied
//! once more into the appender's buffer. `INSERT … SELECT * FROM baocao_feed(id)` lets DuckDB
//! pull the batches, convert them and store them as one statement (one per stretch of the
//! file between pauses, which let the loading thread's quarantine rows be stored).

use duckdb::arrow::datatypes::SchemaRef;
use duckdb::arrow::record_batch::RecordBatch;
use duckdb::core::{DataChunkHandle, LogicalTypeHandle, LogicalTypeId};
use duckdb::vtab::{record_batch_to_duckdb_data_chunk, to_duckdb_logical_type_for_field};
use duckdb::vtab::{BindInfo, InitInfo, TableFunctionInfo, VTab};
use duckdb::Connection;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::{Arc, Mutex, OnceLock};

/// The table function's name in SQL.
pub const FUNCTION: &str = "baocao_feed";

/// Rows DuckDB takes per call (its vector size).
const CHUNK_ROWS: usize = 2048;

/// Batches waiting between the loading thread and DuckDB.
const QUEUE: usize = 4;

/// What the loading thread sends.
pub enum Msg {
    Rows(RecordBatch),
    /// Ends the statement reading the feed here; the next statement reads on from here.
    Pause,
}

/// One stream of batches, read by one or more statements in turn.
pub struct Feed {
    schema: SchemaRef,
    state: Mutex<State>,
}

struct State {
    /// None once closed: the sender then sees the statement has stopped reading.
    rx: Option<Receiver<Msg>>,
    /// The sender is gone and every batch was handed out.
    ended: bool,
    /// The batch being handed out and the next row of it.
    current: Option<(RecordBatch, usize)>,
}

fn feeds() -> &'static Mutex<HashMap<u64, Arc<Feed>>> {
    static FEEDS: OnceLock<Mutex<HashMap<u64, Arc<Feed>>>> = OnceLock::new();
    FEEDS.get_or_init(|| Mutex::new(HashMap::new()))
}

/// A feed registered under an id, for the statements that read it in turn; unregistered and
/// closed when dropped.
pub struct Registration {
    pub id: u64,
    feed: Arc<Feed>,
}

impl Registration {
    /// True once the loading thread has finished and every row was handed to DuckDB.
    pub fn ended(&self) -> bool {
        self.feed.state.lock().expect("feed lock").ended
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.feed.close();
        feeds().lock().expect("feeds lock").remove(&self.id);
    }
}

/// Opens a feed of batches with this schema: the sender for the loading thread, and the
/// registration whose id the SQL names (`baocao_feed(id)`).
pub fn open(conn: &Connection, schema: SchemaRef) -> duckdb::Result<(SyncSender<Msg>, Registration)> {
    register(conn)?;
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    let (tx, rx) = std::sync::mpsc::sync_channel(QUEUE);
    let feed = Arc::new(Feed {
        schema,
        state: Mutex::new(State {
            rx: Some(rx),
            ended: false,
            current: None,
        }),
    });
    feeds().lock().expect("feeds lock").insert(id, feed.clone());
    Ok((tx, Registration { id, feed }))
}

/// Registers the table function on the connection's database, once.
fn register(conn: &Connection) -> duckdb::Result<()> {
    let known: bool = conn.query_row(
        "SELECT count(*) > 0 FROM duckdb_functions() WHERE function_name = ?",
        [FUNCTION],
        |r| r.get(0),
    )?;
    if !known {
        conn.register_table_function::<FeedVTab>(FUNCTION)?;
    }
    Ok(())
}

impl Feed {
    /// The next rows for DuckDB, at most `CHUNK_ROWS`; None at a pause or the end.
    fn next_slice(&self) -> Option<RecordBatch> {
        let mut st = self.state.lock().expect("feed lock");
        loop {
            if let Some((batch, at)) = &mut st.current {
                if *at < batch.num_rows() {
                    let len = CHUNK_ROWS.min(batch.num_rows() - *at);
                    let slice = batch.slice(*at, len);
                    *at += len;
                    return Some(slice);
                }
            }
            let next = st.rx.as_ref()?.recv().ok();
            match next {
                Some(Msg::Rows(b)) => st.current = Some((b, 0)),
                Some(Msg::Pause) => return None,
                None => {
                    st.rx = None;
                    st.ended = true;
                    return None;
                }
            }
        }
    }

    /// Stops reading: a sender blocked on a full queue gets an error instead of waiting.
    fn close(&self) {
        let mut st = self.state.lock().expect("feed lock");
        st.rx = None;
        st.current = None;
    }
}

/// The table function `baocao_feed(id UBIGINT)`.
pub struct FeedVTab;

impl VTab for FeedVTab {
    type InitData = ();
    type BindData = Arc<Feed>;

    fn bind(bind: &BindInfo) -> Result<Self::BindData, Box<dyn std::error::Error>> {
        let id = bind.get_parameter(0).to_uint64();
        let feed = feeds()
            .lock()
            .expect("feeds lock")
            .get(&id)
            .cloned()
            .ok_or_else(|| format!("{FUNCTION}({id}): no such feed"))?;
        for field in feed.schema.fields() {
            bind.add_result_column(field.name(), to_duckdb_logical_type_for_field(field)?);
        }
        Ok(feed)
    }

    fn init(init: &InitInfo) -> Result<Self::InitData, Box<dyn std::error::Error>> {
        // One reading thread: rows reach the table in file order whatever DuckDB's settings,
        // and a pause ends the statement at once. (Two were no faster: the INSERT keeps
        // insertion order, so DuckDB runs it on one thread anyway.)
        init.set_max_threads(1);
        Ok(())
    }

    fn func(func: &TableFunctionInfo<Self>, output: &mut DataChunkHandle) -> Result<(), Box<dyn std::error::Error>> {
        match func.get_bind_data().next_slice() {
            Some(slice) => record_batch_to_duckdb_data_chunk(&slice, output)?,
            None => output.set_len(0),
        }
        Ok(())
    }

    fn parameters() -> Option<Vec<LogicalTypeHandle>> {
        Some(vec![LogicalTypeHandle::from(LogicalTypeId::UBigint)])
    }
}
