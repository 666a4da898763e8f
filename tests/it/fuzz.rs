//! Property tests of the readers on hostile input: arbitrary bytes and mutations of the
//! real fixtures (bit flips, truncation, inserted quotes/NULs/BOMs, mixed line endings,
//! huge fields). Whatever the bytes: no panic, no internal error, read = loaded +
//! quarantined when a file is accepted, and the database unchanged when it is rejected.
//! `BAOCAO_FUZZ_CASES` sets the cases per reader (a few hundred in `make test`;
//! `make fuzz` runs 100 000).
//!
//! Two levels: every case goes through the readers, encoding detection, the privacy guard
//! and validation with no database (fast: the properties that can fail there), and one case
//! in `STORE_EVERY` (every case in `make test`) also through a full ingest into DuckDB,
//! where "a rejected file leaves the database unchanged" can fail. A full ingest costs
//! ~70 ms a case (transaction, supersede, checkpoint), which would make 100 000 cases per
//! reader take two hours; the reader level costs well under a millisecond.

use baocao::ingest::{self, Outcome};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use std::path::Path;

/// The cases of one input of a reader: `default` in `make test`; in `make fuzz` the
/// reader's `BAOCAO_FUZZ_CASES` shared among its `parts` inputs (rounded up, so each reader
/// runs at least that many in all).
fn cases(default: u32, parts: u32) -> u32 {
    std::env::var("BAOCAO_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .map(|n| n.div_ceil(parts))
        .unwrap_or(default)
}

/// In `make test` the cases are drawn from a fixed seed (the suite is repeatable); `make
/// fuzz` (BAOCAO_FUZZ_CASES set) draws fresh ones each run and prints how many ran.
fn runner(default: u32, parts: u32) -> TestRunner {
    let config = Config {
        cases: cases(default, parts),
        failure_persistence: None,
        ..Config::default()
    };
    if std::env::var_os("BAOCAO_FUZZ_CASES").is_some() {
        eprintln!("fuzz: {} cases", config.cases);
        TestRunner::new(config)
    } else {
        TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha))
    }
}

/// Rows in every table ingest writes: a rejected file must leave them all as they were.
fn table_counts(conn: &duckdb::Connection) -> Vec<i64> {
    [
        "ingest_files",
        "dossier_versions",
        "quarantine",
        "feedback_versions",
        "catalogue_versions",
    ]
    .iter()
    .map(|t| {
        conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .unwrap()
    })
    .collect()
}

/// True for an error that is not about the input (a count is wrong, an internal fault).
fn is_internal(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<baocao::error::Failure>()
            .is_some_and(|f| f.exit == baocao::error::Exit::Internal)
    })
}

/// Reads `path` as ingest does up to the database (open, privacy guard, validation) and
/// checks: no panic, no internal error, every row read is loaded or quarantined, and every
/// quarantined row carries at least one problem with its line.
fn check_reader(path: &Path) -> Result<(), TestCaseError> {
    let opts = super::common::opts();
    let name = path.display().to_string();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| -> anyhow::Result<Option<_>> {
        let info = ingest::reading::source::info(path)?;
        let table = match ingest::reading::source::open(path, &info, &opts.read) {
            Ok(t) => t,
            Err(_) => return Ok(None), // rejected: the file's content
        };
        let (table, _) = ingest::checking::privacy::guard(table, &opts.extra);
        let ctx = ingest::checking::validate::Context {
            reference_day: opts.today,
            reference_is_export: false,
        };
        let mut problem_lines = std::collections::BTreeSet::new();
        let counts = ingest::storing::stream::process_rows(
            table,
            &ctx,
            |_, _| Ok(()),
            |line, _| {
                problem_lines.insert(line);
                Ok(())
            },
            &mut |_| {},
        );
        Ok(Some((counts, problem_lines)))
    }))
    .map_err(|_| TestCaseError::fail(format!("panic reading {name}")))?
    .map_err(|e| TestCaseError::fail(format!("error hashing {name}: {e:#}")))?;
    match outcome {
        None => {}
        Some((Err(e), _)) => prop_assert!(!is_internal(&e), "internal error reading {name}: {e:#}"),
        Some((Ok(c), lines)) => {
            prop_assert_eq!(c.rows_read, c.rows_loaded + c.rows_quarantined);
            prop_assert_eq!(
                lines.len() as u64,
                c.rows_quarantined,
                "quarantined rows without a line of their own"
            );
        }
    }
    Ok(())
}

/// Full ingests are run for one case in this many in `make fuzz` (every case in `make test`).
const STORE_EVERY: u64 = 100;

fn store_level(n: u64) -> bool {
    std::env::var_os("BAOCAO_FUZZ_CASES").is_none() || n % STORE_EVERY == 1
}

/// Checks `bytes` as a file named `name`: always at the reader level, and through a full
/// ingest into `conn` when `store` is set.
fn check_both(
    conn: &duckdb::Connection,
    dir: &Path,
    name: &str,
    bytes: &[u8],
    store: bool,
    stored: &std::cell::Cell<u64>,
) -> Result<(), TestCaseError> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    check_reader(&path)?;
    if store {
        stored.set(stored.get() + 1);
        check(conn, dir, name, bytes)?;
    }
    std::fs::remove_file(&path).ok();
    Ok(())
}

/// Ingests `bytes` as a file named `name` into `conn` and checks the properties.
fn check(conn: &duckdb::Connection, dir: &Path, name: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let before = table_counts(conn);
    let opts = super::common::opts();
    let report = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ingest::ingest_file(conn, &path, &opts)))
        .map_err(|_| TestCaseError::fail(format!("panic on {} bytes as {name}", bytes.len())))?;
    let report = report.map_err(|e| TestCaseError::fail(format!("hard error on {name}: {e:#}")))?;
    match &report.outcome {
        Outcome::Loaded { counts, .. } => {
            prop_assert_eq!(counts.rows_read, counts.rows_loaded + counts.rows_quarantined);
        }
        Outcome::Rejected { .. } | Outcome::AlreadyLoaded { .. } => {
            prop_assert_eq!(table_counts(conn), before, "a rejected file changed the database");
        }
    }
    Ok(())
}

/// One damage to a real file's bytes.
#[derive(Debug, Clone)]
enum Damage {
    FlipBit(usize, u8),
    Truncate(usize),
    Insert(usize, Vec<u8>),
    Crlf,
    HugeField(usize, usize),
}

fn damage() -> impl Strategy<Value = Damage> {
    let inserts = prop_oneof![
        Just(b"\"".to_vec()),
        Just(b"\0".to_vec()),
        Just(vec![0xEF, 0xBB, 0xBF]),
        Just(vec![0xFF, 0xFE]),
        Just(b"\r".to_vec()),
        Just(b"\n\n".to_vec()),
        Just(b",,,;".to_vec()),
        Just(b"{[".to_vec()),
        prop::collection::vec(any::<u8>(), 1..16),
    ];
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(i, b)| Damage::FlipBit(i, b)),
        any::<usize>().prop_map(Damage::Truncate),
        (any::<usize>(), inserts).prop_map(|(i, v)| Damage::Insert(i, v)),
        Just(Damage::Crlf),
        (any::<usize>(), 1usize..200_000).prop_map(|(i, n)| Damage::HugeField(i, n)),
    ]
}

fn apply(bytes: &[u8], damages: &[Damage]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    for d in damages {
        let at = |i: usize, b: &Vec<u8>| if b.is_empty() { 0 } else { i % (b.len() + 1) };
        match d {
            Damage::FlipBit(i, bit) if !b.is_empty() => {
                let n = b.len();
                b[i % n] ^= 1 << bit;
            }
            Damage::FlipBit(..) => {}
            Damage::Truncate(i) => {
                let n = at(*i, &b);
                b.truncate(n);
            }
            Damage::Insert(i, v) => {
                let n = at(*i, &b);
                b.splice(n..n, v.iter().copied());
            }
            Damage::Crlf => {
                // Mixed line endings: every other newline becomes CRLF.
                let mut out = Vec::with_capacity(b.len() + b.len() / 20);
                let mut odd = false;
                for &c in &b {
                    if c == b'\n' {
                        odd = !odd;
                        if odd {
                            out.push(b'\r');
                        }
                    }
                    out.push(c);
                }
                b = out;
            }
            Damage::HugeField(i, n) => {
                let at = at(*i, &b);
                b.splice(at..at, std::iter::repeat_n(b'x', *n));
            }
        }
    }
    b
}

/// The first `max` bytes of a fixture, cut at a line end so the sample stays a real file.
fn sample(rel: &str, max: usize) -> Vec<u8> {
    let b = std::fs::read(super::common::fixture(rel)).unwrap();
    if b.len() <= max {
        return b;
    }
    let cut = b[..max].iter().rposition(|&c| c == b'\n').map(|i| i + 1).unwrap_or(max);
    b[..cut].to_vec()
}

fn mutate_fixture(rel: &str, name: &str, max: usize, default_cases: u32, parts: u32) {
    let dir = tempfile::tempdir().unwrap();
    let conn = baocao::store::open_in_memory().unwrap();
    let base = sample(rel, max);
    let n = std::cell::Cell::new(0u64);
    let stored = std::cell::Cell::new(0u64);
    runner(default_cases, parts)
        .run(&prop::collection::vec(damage(), 1..4), |ds| {
            n.set(n.get() + 1);
            // A fresh name each case: the same bytes twice would only be "already loaded".
            let file = format!("{}-{name}", n.get());
            check_both(
                &conn,
                dir.path(),
                &file,
                &apply(&base, &ds),
                store_level(n.get()),
                &stored,
            )
        })
        .unwrap();
    report(&format!("damaged {rel}"), n.get(), stored.get());
}

/// Prints what ran (shown by `make fuzz`, which runs with --nocapture).
fn report(what: &str, cases: u64, stored: u64) {
    eprintln!(
        "fuzz: {what}: {cases} cases through the reader, {stored} of them also through a full ingest: no failure"
    );
}

fn arbitrary_bytes(name: &str, default_cases: u32, parts: u32) {
    let dir = tempfile::tempdir().unwrap();
    let conn = baocao::store::open_in_memory().unwrap();
    let n = std::cell::Cell::new(0u64);
    let stored = std::cell::Cell::new(0u64);
    runner(default_cases, parts)
        .run(&prop::collection::vec(any::<u8>(), 0..2048), |bytes| {
            n.set(n.get() + 1);
            let file = format!("{}-{name}", n.get());
            check_both(&conn, dir.path(), &file, &bytes, store_level(n.get()), &stored)
        })
        .unwrap();
    report(&format!("arbitrary bytes as {name}"), n.get(), stored.get());
}

#[test]
fn csv_reader_survives_damaged_exports() {
    mutate_fixture("small/messy-csv/dossiers.csv", "d.csv", 6_000, 300, 4);
    mutate_fixture("small/csv-utf16le-canonical/dossiers.csv", "d.csv", 6_000, 100, 4);
    mutate_fixture("small/csv-windows1258/dossiers.csv", "d.csv", 6_000, 100, 4);
    arbitrary_bytes("a.csv", 200, 4);
}

#[test]
fn xlsx_reader_survives_damaged_workbooks() {
    mutate_fixture("small/xlsx-title/dossiers.xlsx", "d.xlsx", usize::MAX, 200, 2);
    arbitrary_bytes("a.xlsx", 100, 2);
}

#[test]
fn json_readers_survive_damaged_exports() {
    mutate_fixture("small/json-dvcqg/dossiers.json", "d.json", usize::MAX, 200, 2);
    arbitrary_bytes("a.json", 100, 2);
}

#[test]
fn ndjson_reader_survives_damaged_exports() {
    mutate_fixture("small/ndjson-snake/dossiers.ndjson", "d.ndjson", 6_000, 200, 2);
    arbitrary_bytes("a.ndjson", 100, 2);
}

#[test]
fn gzip_and_value_parsers_never_panic() {
    mutate_fixture("small/csv-gzip-snake/dossiers.csv.gz", "d.csv.gz", usize::MAX, 200, 1);
    let n = std::cell::Cell::new(0u64);
    runner(2000, 1)
        .run(&".{0,40}", |s| {
            let _ = ingest::checking::values::parse_date(&s);
            let _ = ingest::checking::values::parse_number(&s);
            let _ = ingest::checking::values::parse_status(&s);
            let _ = ingest::checking::values::parse_channel(&s);
            let _ = ingest::checking::values::parse_flag(&s);
            let _ = ingest::checking::values::clean_text(&s);
            n.set(n.get() + 1);
            Ok(())
        })
        .unwrap();
    eprintln!("fuzz: value parsers: {} cases: no panic", n.get());
    n.set(0);
    runner(2000, 1)
        .run(&prop::collection::vec(any::<u8>(), 0..512), |b| {
            let _ = ingest::reading::detect::detect_encoding(&b);
            n.set(n.get() + 1);
            Ok(())
        })
        .unwrap();
    eprintln!("fuzz: encoding detection: {} cases: no panic", n.get());
}
