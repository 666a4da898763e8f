//! The embedded DuckDB store: where it lives, opening it, and schema migrations.

use crate::error::{Exit, Failure};
use anyhow::{Context, Result};
use duckdb::Connection;
use std::path::{Path, PathBuf};

/// Default database file, relative to the working directory.
pub const DEFAULT_DB: &str = "data/baocao.duckdb";

/// Ordered migrations; a database made by an older binary gets the missing ones applied.
/// Each is checkpointed at once. Never ALTER a table that has a `DEFAULT nextval(…)`
/// column: DuckDB 1.5 fails to replay such an ALTER from the WAL after a crash (tested in
/// tests/it/ingest.rs), which would leave the database unopenable.
pub const MIGRATIONS: &[(i32, &str, &str)] = &[
    (1, "ingest", include_str!("../../sql/migrations/0001_ingest.sql")),
    (
        2,
        "feedback_catalogue",
        include_str!("../../sql/migrations/0002_feedback_catalogue.sql"),
    ),
    (3, "runs", include_str!("../../sql/migrations/0003_runs.sql")),
    (
        4,
        "report_units",
        include_str!("../../sql/migrations/0004_report_units.sql"),
    ),
    (5, "coverage", include_str!("../../sql/migrations/0005_coverage.sql")),
    (
        6,
        "catalogue_units",
        include_str!("../../sql/migrations/0006_catalogue_units.sql"),
    ),
    (
        7,
        "spans",
        concat!(
            include_str!("../../sql/migrations/0007_spans.sql"),
            include_str!("../../sql/spans.sql")
        ),
    ),
    (
        8,
        "file_columns",
        include_str!("../../sql/migrations/0008_file_columns.sql"),
    ),
    (9, "issues", include_str!("../../sql/migrations/0009_issues.sql")),
    (10, "letters", include_str!("../../sql/migrations/0010_letters.sql")),
];

/// Opens an existing database for a command that reads it: a missing file is a usage
/// error naming the path and `ingest`, never a new empty store reported on as if real.
pub fn open_existing(path: &Path) -> Result<Connection> {
    if !path.exists() {
        return Err(missing(path));
    }
    open(path)
}

/// The error of a read command given a database that does not exist.
pub fn missing(path: &Path) -> anyhow::Error {
    anyhow::Error::new(Failure::new(
        Exit::Usage,
        format!(
            "database {p} does not exist: check --db / BAOCAO_DB, or load exports first with `baocao --db {p} ingest PATH…` (only `ingest` and `run` create a database)",
            p = path.display()
        ),
    ))
}

/// Opens (creating if needed) the database and brings its schema up to date; for `ingest`
/// and `run`, the commands that write exports into it.
pub fn open(path: &Path) -> Result<Connection> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating folder {}", dir.display()))?;
    }
    let conn = Connection::open(path).map_err(|e| {
        let msg = e.to_string();
        if msg.contains("lock") {
            anyhow::Error::new(Failure::new(
                Exit::Locked,
                format!("database {} is in use by another process: {msg}", path.display()),
            ))
        } else if msg.contains("not a valid DuckDB database") || msg.contains("storage version") {
            anyhow::Error::new(Failure::new(
                Exit::Usage,
                format!(
                    "{} is not a database this baocao can open (check --db / BAOCAO_DB; it was left untouched): {msg}",
                    path.display()
                ),
            ))
        } else {
            anyhow::Error::new(e).context(format!("opening database {}", path.display()))
        }
    })?;
    limit_memory(&conn)?;
    migrate(&conn).with_context(|| format!("database {}", path.display()))?;
    Ok(conn)
}

/// Caps DuckDB's memory when `BAOCAO_MEMORY_LIMIT` is set ("1GB", "600MB"): DuckDB then
/// spills to disk, trading speed for a bounded footprint on a small server.
fn limit_memory(conn: &Connection) -> Result<()> {
    if let Ok(limit) = std::env::var("BAOCAO_MEMORY_LIMIT") {
        conn.execute_batch(&format!("SET memory_limit = '{}'", limit.replace('\'', "")))
            .map_err(|e| {
                anyhow::Error::new(Failure::new(
                    Exit::Usage,
                    format!("BAOCAO_MEMORY_LIMIT={limit} is not a DuckDB memory size (e.g. 1GB, 600MB): {e}"),
                ))
            })?;
    }
    Ok(())
}

/// Opens a database read-only (another province's store in a roll-up): nothing is written
/// to it, so its schema must already be this program's.
pub fn open_read_only(path: &Path) -> Result<Connection> {
    if !path.exists() {
        return Err(missing(path));
    }
    let config = duckdb::Config::default().access_mode(duckdb::AccessMode::ReadOnly)?;
    let conn = Connection::open_with_flags(path, config)
        .with_context(|| format!("opening {} read-only (is it a baocao database?)", path.display()))?;
    limit_memory(&conn)?;
    let current: i32 = conn
        .query_row("SELECT coalesce(max(version), 0) FROM schema_version", [], |r| r.get(0))
        .with_context(|| format!("{} is not a baocao database (no schema_version)", path.display()))?;
    let newest = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
    if current != newest {
        anyhow::bail!(Failure::new(
            Exit::Usage,
            format!(
                "{} has schema version {current}, this program {newest}: open it once with this baocao (any command) to bring it up to date, or use the baocao that wrote it",
                path.display()
            )
        ));
    }
    Ok(conn)
}

/// Fills the spans of dossier versions written without them (sql/spans.sql): the migration
/// does it for an older store; a test that writes rows by hand calls it so its rows are read
/// the way ingested ones are.
pub fn fill_spans(conn: &Connection) -> Result<()> {
    conn.execute_batch(include_str!("../../sql/spans.sql"))
        .context("filling dossier spans")
}

/// Opens an in-memory database with the full schema (validate, tests).
pub fn open_in_memory() -> Result<Connection> {
    let conn = Connection::open_in_memory()?;
    limit_memory(&conn)?;
    migrate(&conn)?;
    Ok(conn)
}

/// Applies every migration newer than the database's version, each in its own transaction.
pub fn migrate(conn: &Connection) -> Result<()> {
    conn.execute_batch(include_str!("../../sql/schema.sql"))
        .context("creating schema_version")?;
    let current: i32 = conn.query_row("SELECT coalesce(max(version), 0) FROM schema_version", [], |r| r.get(0))?;
    let newest = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
    if current > newest {
        anyhow::bail!(Failure::new(
            Exit::Usage,
            format!(
                "schema version {current} is newer than this program knows ({newest}): it was left untouched; use a newer baocao"
            )
        ));
    }
    // Test hook: apply every migration without checkpoints, then crash, so the whole
    // schema must replay from the WAL.
    let crash_test = std::env::var_os("BAOCAO_FAULT_ABORT_AFTER_MIGRATION").is_some();
    // Every pending migration in one transaction and one checkpoint: the store moves to the
    // newest schema or stays as it was. A commit and checkpoint
    // each made a new store slower to open (docs/decisions.md, migrations in one transaction).
    let pending: Vec<_> = MIGRATIONS.iter().filter(|m| m.0 > current).collect();
    if !pending.is_empty() {
        conn.execute_batch("BEGIN TRANSACTION")?;
        for (version, name, sql) in pending {
            let res = conn.execute_batch(sql).and_then(|_| {
                conn.execute(
                    "INSERT INTO schema_version (version, name) VALUES (?, ?)",
                    duckdb::params![version, name],
                )
            });
            if let Err(e) = res {
                conn.execute_batch("ROLLBACK").ok();
                return Err(anyhow::Error::new(e).context(format!("applying migration {version} ({name})")));
            }
        }
        conn.execute_batch("COMMIT")?;
        if !crash_test {
            conn.execute_batch("CHECKPOINT")?;
        }
    }
    if crash_test && current < newest {
        std::process::abort();
    }
    Ok(())
}

/// The DuckDB release the pinned crate (duckdb = 1.10506.1) is written for.
pub const EXPECTED_DUCKDB: &str = "v1.5.6";

/// Which DuckDB this process runs: its version and where its library was loaded from.
#[derive(Debug, Clone)]
pub struct Library {
    pub version: String,
    /// The shared library file, or None when DuckDB is compiled into the binary (BUNDLED=1).
    pub path: Option<PathBuf>,
}

/// The DuckDB library in use; an error when its version is not the one the crate expects.
pub fn library() -> Result<Library> {
    let conn = Connection::open_in_memory()?;
    let version: String = conn.query_row("SELECT library_version FROM pragma_version()", [], |r| r.get(0))?;
    // The dynamic loader's map of this process names the file libduckdb.so came from.
    let path = std::fs::read_to_string("/proc/self/maps").ok().and_then(|maps| {
        maps.lines()
            .filter_map(|l| l.split_whitespace().nth(5))
            .find(|f| f.contains("libduckdb"))
            .map(PathBuf::from)
    });
    let lib = Library { version, path };
    if lib.version != EXPECTED_DUCKDB {
        anyhow::bail!(Failure::new(
            Exit::Internal,
            format!(
                "DuckDB library {} ({}) is not {EXPECTED_DUCKDB}, the version this build is written for: \
                 run `make` (it fetches the pinned library) or `make BUNDLED=1`",
                lib.version,
                lib.path
                    .as_deref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| "compiled in".into())
            )
        ));
    }
    Ok(lib)
}

/// Resolves the database path: flag, then BAOCAO_DB, then the default.
pub fn resolve(flag: Option<PathBuf>) -> PathBuf {
    flag.or_else(|| std::env::var_os("BAOCAO_DB").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(DEFAULT_DB))
}
