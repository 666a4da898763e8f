//! Property tests of the readers on hostile input: arbitrary bytes and mutations of the
//! real fixtures (bit flips, truncation, inserted quotes/NULs/BOMs, mixed line endings,
//! huge fields). Whatever the bytes: no panic, no internal error, read = loaded +
//! quarantined when a file is accepted, and the database unchanged when it is rejected.
//! `BAOCAO_FUZZ_CASES` sets the cases per reader (a few hundred in `make test`;
//! `make fuzz` runs 100 000).

use baocao::ingest::{self, Outcome};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use std::path::Path;

fn cases(default: u32) -> u32 {
    std::env::var("BAOCAO_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// In `make test` the cases are drawn from a fixed seed (the suite is repeatable); `make
/// fuzz` (BAOCAO_FUZZ_CASES set) draws fresh ones each run and prints how many ran.
fn runner(default: u32) -> TestRunner {
    let config = Config {
        cases: cases(default),
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

fn mutate_fixture(rel: &str, name: &str, max: usize, default_cases: u32) {
    let dir = tempfile::tempdir().unwrap();
    let conn = baocao::store::open_in_memory().unwrap();
    let base = sample(rel, max);
    let n = std::cell::Cell::new(0u64);
    runner(default_cases)
        .run(&prop::collection::vec(damage(), 1..4), |ds| {
            n.set(n.get() + 1);
            // A fresh name each case: the same bytes twice would only be "already loaded".
            check(&conn, dir.path(), &format!("{}-{name}", n.get()), &apply(&base, &ds))
        })
        .unwrap();
}

fn arbitrary_bytes(name: &str, default_cases: u32) {
    let dir = tempfile::tempdir().unwrap();
    let conn = baocao::store::open_in_memory().unwrap();
    let n = std::cell::Cell::new(0u64);
    runner(default_cases)
        .run(&prop::collection::vec(any::<u8>(), 0..2048), |bytes| {
            n.set(n.get() + 1);
            check(&conn, dir.path(), &format!("{}-{name}", n.get()), &bytes)
        })
        .unwrap();
}

#[test]
fn csv_reader_survives_damaged_exports() {
    mutate_fixture("small/messy-csv/dossiers.csv", "d.csv", 6_000, 300);
    mutate_fixture("small/csv-utf16le-canonical/dossiers.csv", "d.csv", 6_000, 100);
    mutate_fixture("small/csv-windows1258/dossiers.csv", "d.csv", 6_000, 100);
    arbitrary_bytes("a.csv", 200);
}

#[test]
fn xlsx_reader_survives_damaged_workbooks() {
    mutate_fixture("small/xlsx-title/dossiers.xlsx", "d.xlsx", usize::MAX, 200);
    arbitrary_bytes("a.xlsx", 100);
}

#[test]
fn json_readers_survive_damaged_exports() {
    mutate_fixture("small/json-dvcqg/dossiers.json", "d.json", usize::MAX, 200);
    mutate_fixture("small/ndjson-snake/dossiers.ndjson", "d.ndjson", 6_000, 200);
    arbitrary_bytes("a.json", 100);
    arbitrary_bytes("a.ndjson", 100);
}

#[test]
fn gzip_and_value_parsers_never_panic() {
    mutate_fixture("small/csv-gzip-snake/dossiers.csv.gz", "d.csv.gz", usize::MAX, 200);
    runner(2000)
        .run(&".{0,40}", |s| {
            let _ = ingest::values::parse_date(&s);
            let _ = ingest::values::parse_number(&s);
            let _ = ingest::values::parse_status(&s);
            let _ = ingest::values::parse_channel(&s);
            let _ = ingest::values::parse_flag(&s);
            let _ = ingest::values::clean_text(&s);
            Ok(())
        })
        .unwrap();
    runner(2000)
        .run(&prop::collection::vec(any::<u8>(), 0..512), |b| {
            let _ = ingest::detect::detect_encoding(&b);
            Ok(())
        })
        .unwrap();
}
