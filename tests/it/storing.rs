//! Ingest, storing: the same file twice, newest export wins with its history, one transaction
//! per file (crash, SIGKILL), migrations of older stores, the spans, DuckDB's settings put back.

use super::ingest::{write, HEADER, SMALL};
use crate::common::*;
use baocao::ingest::Outcome;
use baocao::store;

#[test]
fn same_file_twice_is_a_noop() {
    let conn = store::open_in_memory().unwrap();
    let f = fixture("small/csv-utf8-vietnamese/dossiers.csv");
    counts(&ingest(&conn, &f));
    let before = scalar(&conn, "SELECT count(*) FROM dossier_versions");
    let r = ingest(&conn, &f);
    assert!(matches!(r.outcome, Outcome::AlreadyLoaded { .. }), "{r:?}");
    assert_eq!(scalar(&conn, "SELECT count(*) FROM dossier_versions"), before);
    assert_eq!(scalar(&conn, "SELECT count(*) FROM ingest_files"), 1);
}

#[test]
fn newest_export_wins_and_history_is_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let title = |date: &str| format!("UBND TỈNH NGHỆ AN\nNgày xuất: {date}\n");
    // June export: A in progress, B finished.
    let june = write(
        d,
        "june.csv",
        &format!(
            "{}{HEADER}A,Sở Y tế,4,01/06/2023,20/06/2023,,1\nB,Sở Y tế,10,02/06/2023,10/06/2023,05/06/2023,2\n",
            title("14/06/2023")
        ),
    );
    // July export: A finished.
    let july = write(
        d,
        "july.csv",
        &format!(
            "{}{HEADER}A,Sở Y tế,10,01/06/2023,20/06/2023,19/06/2023,1\n",
            title("14/07/2023")
        ),
    );
    // A stale May export arriving last must not win.
    let may = write(
        d,
        "may.csv",
        &format!("{}{HEADER}A,Sở Y tế,2,01/06/2023,20/06/2023,,1\n", title("02/06/2023")),
    );
    let conn = store::open_in_memory().unwrap();
    counts(&ingest(&conn, &june));
    let c = counts(&ingest(&conn, &july)).clone();
    assert_eq!((c.rows_in_force, c.rows_replaced), (1, 1));
    let c = counts(&ingest(&conn, &may)).clone();
    assert_eq!((c.rows_loaded, c.rows_in_force, c.rows_replaced), (1, 0, 0));
    assert_eq!(
        scalar(&conn, "SELECT trang_thai FROM dossiers WHERE ma_ho_so = 'A'"),
        10
    );
    assert_eq!(scalar(&conn, "SELECT count(*) FROM dossiers"), 2);
    assert_eq!(
        scalar(&conn, "SELECT count(*) FROM dossier_versions WHERE ma_ho_so = 'A'"),
        3
    );
    assert_eq!(
        scalar(
            &conn,
            "SELECT count(*) FROM dossier_versions WHERE ma_ho_so = 'A' AND superseded_by IS NULL"
        ),
        1
    );
    // The stale file's only row lost: the file is marked superseded by the July file.
    assert_eq!(
        scalar(
            &conn,
            "SELECT count(*) FROM ingest_files WHERE path LIKE '%may.csv' AND superseded_by IS NOT NULL"
        ),
        1
    );

    // Without export dates, the later file on the command line wins.
    let conn = store::open_in_memory().unwrap();
    let a = write(
        d,
        "a.csv",
        &format!("{HEADER}X,Sở Tư pháp,4,01/06/2023,20/06/2023,,1\n"),
    );
    let b = write(
        d,
        "b.csv",
        &format!("{HEADER}X,Sở Tư pháp,9,01/06/2023,20/06/2023,10/06/2023,1\n"),
    );
    counts(&ingest(&conn, &a));
    counts(&ingest(&conn, &b));
    assert_eq!(scalar(&conn, "SELECT trang_thai FROM dossiers WHERE ma_ho_so = 'X'"), 9);
}

#[test]
fn crash_mid_file_leaves_the_database_as_before() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("t.duckdb");
    let db_s = db.to_str().unwrap();
    let first = fixture("small/csv-utf8-vietnamese/dossiers.csv");
    let second = generate(
        &tmp.path().join("big"),
        &[
            "--from",
            "2024-01-01",
            "--to",
            "2024-03-31",
            "--dossiers",
            "3000",
            "--seed",
            "5",
        ],
    );
    let (code, _, err) = run(&["--db", db_s, "ingest", first.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let out = std::process::Command::new(bin())
        .args(["--db", db_s, "ingest", second.to_str().unwrap()])
        .env("BAOCAO_FAULT_ABORT_AFTER_ROWS", "2500")
        .env("BAOCAO_TODAY", "2026-11-22")
        .output()
        .unwrap();
    assert!(!out.status.success(), "the injected fault must kill the process");
    {
        let conn = store::open(&db).unwrap();
        assert_eq!(scalar(&conn, "SELECT count(*) FROM ingest_files"), 1);
        assert_eq!(scalar(&conn, "SELECT count(*) FROM dossier_versions"), 60);
        assert_eq!(scalar(&conn, "SELECT count(*) FROM dossiers"), 60);
    }
    let (code, stdout, err) = run(&["--db", db_s, "ingest", second.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("read 3000 = loaded 3000 + quarantined 0"), "{stdout}");
}

#[test]
fn sigkill_during_ingest_never_corrupts() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("k.duckdb");
    let db_s = db.to_str().unwrap();
    let big = generate(
        &tmp.path().join("big"),
        &[
            "--from",
            "2024-01-01",
            "--to",
            "2024-06-30",
            "--dossiers",
            "40000",
            "--seed",
            "9",
        ],
    );
    for delay_ms in [50u64, 150, 400] {
        let mut child = std::process::Command::new(bin())
            .args(["--db", db_s, "ingest", big.to_str().unwrap()])
            .env("BAOCAO_TODAY", "2026-11-22")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let conn = store::open(&db).unwrap();
        let files = scalar(&conn, "SELECT count(*) FROM ingest_files");
        let rows = scalar(&conn, "SELECT count(*) FROM dossier_versions");
        // All or nothing.
        assert!(
            (files, rows) == (0, 0) || (files, rows) == (1, 40000),
            "after kill at {delay_ms} ms: files {files}, rows {rows}"
        );
    }
    let (code, _, err) = run(&["--db", db_s, "ingest", big.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let conn = store::open(&db).unwrap();
    assert_eq!(scalar(&conn, "SELECT count(*) FROM dossiers"), 40000);
}

#[test]
fn older_database_is_migrated() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("old.duckdb");
    {
        let c = duckdb::Connection::open(&db).unwrap();
        c.execute_batch(include_str!("../../sql/schema.sql")).unwrap();
    }
    let conn = store::open(&db).unwrap();
    assert_eq!(
        scalar(&conn, "SELECT max(version) FROM schema_version"),
        store::MIGRATIONS.last().unwrap().0 as i64
    );
    drop(conn);
    let conn = store::open(&db).unwrap();
    assert_eq!(
        scalar(&conn, "SELECT count(*) FROM schema_version"),
        store::MIGRATIONS.len() as i64
    );
}

#[test]
fn a_catalogue_loaded_before_migration_6_keeps_its_rows_and_gains_the_ii07b_columns() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("v5.duckdb");
    {
        // A database as the binary before migration 6 left it, with one catalogue row.
        let c = duckdb::Connection::open(&db).unwrap();
        c.execute_batch(include_str!("../../sql/schema.sql")).unwrap();
        for (v, name, sql) in store::MIGRATIONS.iter().filter(|m| m.0 <= 5) {
            c.execute_batch(sql).unwrap();
            c.execute(
                "INSERT INTO schema_version (version, name) VALUES (?, ?)",
                duckdb::params![v, name],
            )
            .unwrap();
        }
        c.execute_batch(
            "INSERT INTO ingest_files (kind, path, sha256, bytes, format, encoding, rows_read, rows_loaded,
                                       rows_quarantined, rows_blank, rows_in_force, rows_replaced)
             VALUES ('catalogue', 'old.csv', 'x', 10, 'csv', 'utf-8', 1, 1, 0, 0, 1, 0);
             INSERT INTO catalogue_versions VALUES (1, 2, '1.001', 'Đăng ký khai sinh', 'xa', 0, 'toan_trinh', NULL, NULL);",
        )
        .unwrap();
    }
    let conn = store::open(&db).unwrap();
    let row: (String, String, Option<String>, Option<bool>) = conn
        .query_row("SELECT ma_tthc, ten_tthc, co_quan, mot_cua FROM catalogue", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .unwrap();
    assert_eq!(row, ("1.001".into(), "Đăng ký khai sinh".into(), None, None));
    // A catalogue with the new columns loads on top (newest export wins).
    let f = tmp.path().join("catalogue.csv");
    std::fs::write(
        &f,
        "MaTTHC,TenTTHC,CoQuan,CapThucHien,MotCua,NoiBo\n1.001,Đăng ký khai sinh,Sở Tư pháp,xa,1,0\n",
    )
    .unwrap();
    let r = ingest(&conn, &f);
    assert_eq!(counts(&r).rows_loaded, 1, "{}", rejected(&r));
    let row: (String, bool, bool) = conn
        .query_row("SELECT co_quan, mot_cua, noi_bo FROM catalogue", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(row, ("Sở Tư pháp".into(), true, false));
}

#[test]
fn a_crash_right_after_a_migration_leaves_an_openable_database() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("w.duckdb");
    let out = std::process::Command::new(bin())
        .args(["--db", db.to_str().unwrap(), "sql", "SELECT 1"])
        .env("BAOCAO_FAULT_ABORT_AFTER_MIGRATION", "1")
        .output()
        .unwrap();
    assert!(!out.status.success(), "the hook must kill the process");
    // The WAL holds the first migration; replaying it must work, then the rest applies.
    let conn = store::open(&db).unwrap();
    assert_eq!(
        scalar(&conn, "SELECT max(version) FROM schema_version"),
        store::MIGRATIONS.last().unwrap().0 as i64
    );
    assert_eq!(scalar(&conn, "SELECT count(*) FROM dossiers"), 0);
}

/// The spans ingest computes for each version (src/ingest/storing/batch.rs) are exactly those the
/// SQL rule gives (sql/spans.sql, which the migration runs over an older store): the
/// metrics read only the versions whose span meets the period, so a wrong span would drop
/// a dossier from a count.
#[test]
fn ingest_spans_agree_with_the_sql_rule() {
    let conn = store::open_in_memory().unwrap();
    for rel in [
        "nghe-an-2023-06/dossiers.csv.gz",
        "ba-ria-vung-tau-2023/dossiers.csv.gz",
    ] {
        ingest(&conn, &fixture(rel));
    }
    for (rel, _, _) in SMALL {
        ingest(&conn, &fixture(&format!("small/{rel}")));
    }
    conn.execute_batch(
        "CREATE TEMP TABLE ours AS SELECT file_id, source_row, span_from, span_to FROM dossier_versions;
         UPDATE dossier_versions SET span_from = NULL, span_to = NULL;",
    )
    .unwrap();
    store::fill_spans(&conn).unwrap();
    let compared = scalar(&conn, "SELECT count(*) FROM ours WHERE span_from IS NOT NULL");
    assert!(compared > 10_000, "{compared}");
    // Every kind of row is there: refused, withdrawn, finished, still open, not accepted.
    for (what, cond) in [
        ("refused", "trang_thai = 3"),
        ("open", "span_to = DATE '9999-12-31'"),
        ("finished", "trang_thai IN (9, 10) AND span_to < DATE '9999-12-31'"),
        ("no span", "span_from IS NULL"),
    ] {
        let n = scalar(&conn, &format!("SELECT count(*) FROM dossier_versions WHERE {cond}"));
        assert!(n > 0, "no {what} row among the fixtures");
    }
    let differ = scalar(
        &conn,
        "SELECT count(*) FROM ours o JOIN dossier_versions v USING (file_id, source_row)
         WHERE o.span_from IS DISTINCT FROM v.span_from OR o.span_to IS DISTINCT FROM v.span_to",
    );
    assert_eq!(differ, 0);
}

/// Ingest stores a file's versions without an end (unfinished, or without a span) after its
/// finished ones, in row groups of their own, so that the finished ones' spans prune: within
/// each file, every unbounded row comes after every bounded one (the file is smaller than
/// one gathering of unbounded rows), and each row keeps its source line.
#[test]
fn unbounded_versions_are_stored_after_the_bounded_ones_of_their_file() {
    let conn = store::open_in_memory().unwrap();
    ingest(&conn, &fixture("nghe-an-2023-06/dossiers.csv.gz"));
    ingest(&conn, &fixture("ba-ria-vung-tau-2023/dossiers.csv.gz"));
    let unbounded = "(span_from IS NULL OR span_to = DATE '9999-12-31')";
    for file_id in [1, 2] {
        let (b, u) = (
            scalar(
                &conn,
                &format!("SELECT count(*) FROM dossier_versions WHERE file_id = {file_id} AND NOT {unbounded}"),
            ),
            scalar(
                &conn,
                &format!("SELECT count(*) FROM dossier_versions WHERE file_id = {file_id} AND {unbounded}"),
            ),
        );
        assert!(b > 1000 && u > 100, "file {file_id}: {b} bounded, {u} unbounded");
        let out_of_place = scalar(
            &conn,
            &format!(
                "SELECT count(*) FROM dossier_versions WHERE file_id = {file_id} AND NOT {unbounded}
                   AND rowid > (SELECT min(rowid) FROM dossier_versions WHERE file_id = {file_id} AND {unbounded})"
            ),
        );
        assert_eq!(out_of_place, 0, "file {file_id}");
    }
    // Source lines are kept, one version per line, whatever the order.
    let dup = scalar(
        &conn,
        "SELECT count(*) - count(DISTINCT (file_id, source_row)) FROM dossier_versions",
    );
    assert_eq!(dup, 0);
}

/// A store written before migration 7 gains the spans from its own rows, and its figures do
/// not move: the same month computed from a store that ingest filled and from an older one.
#[test]
fn a_store_from_before_the_spans_gives_the_same_figures_after_migration() {
    let tmp = tempfile::tempdir().unwrap();
    let new_db = tmp.path().join("new.duckdb");
    let conn = store::open(&new_db).unwrap();
    ingest(&conn, &fixture("nghe-an-2023-06/dossiers.csv.gz"));
    let p = baocao::period::Period::parse("2023-06", baocao::period::Convention::Cutoff15).unwrap();
    let o = baocao::metrics::Options::default();
    let want = serde_json::to_string(&baocao::metrics::compute(&conn, &p, &o).unwrap()).unwrap();
    drop(conn);
    let old_db = tmp.path().join("v6.duckdb");
    {
        let c = duckdb::Connection::open(&old_db).unwrap();
        c.execute_batch(include_str!("../../sql/schema.sql")).unwrap();
        for (v, name, sql) in store::MIGRATIONS.iter().filter(|m| m.0 <= 6) {
            c.execute_batch(sql).unwrap();
            c.execute(
                "INSERT INTO schema_version (version, name) VALUES (?, ?)",
                duckdb::params![v, name],
            )
            .unwrap();
        }
        c.execute_batch(&format!(
            "ATTACH '{}' AS n (READ_ONLY);
             INSERT INTO ingest_files SELECT * FROM n.ingest_files;
             INSERT INTO dossier_versions SELECT * EXCLUDE (span_from, span_to) FROM n.dossier_versions;
             INSERT INTO coverage SELECT * FROM n.coverage;
             INSERT INTO quarantine SELECT * FROM n.quarantine;
             DETACH n;",
            new_db.display()
        ))
        .unwrap();
    }
    let conn = store::open(&old_db).unwrap();
    assert!(scalar(&conn, "SELECT count(span_to) FROM dossier_versions") > 10_000);
    // Migration 8 infers which optional columns an older file carried from its values: the
    // fixture's DanhGia column is empty throughout, so it reads as not carried (an empty
    // column says nothing either); the others are carried. The figures are then compared
    // with the columns ingest recorded, so that only the spans are under test here.
    let carried = |conn: &duckdb::Connection| -> String {
        conn.query_row(
            "SELECT string_agg(column_name, ',' ORDER BY column_name) FROM ingest_file_columns
             WHERE column_name IN ('MucDo', 'LePhi', 'DuocThanhToanTrucTuyen', 'HoSoCoThanhPhanSoHoa',
                 'TaiSuDungDuLieu', 'CoKetQuaDienTu', 'YeuCauKetQuaGiay', 'DaDongBoDVCQG', 'DanhGia')",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(
        carried(&conn),
        "CoKetQuaDienTu,DaDongBoDVCQG,DuocThanhToanTrucTuyen,HoSoCoThanhPhanSoHoa,LePhi,MucDo,TaiSuDungDuLieu,YeuCauKetQuaGiay"
    );
    conn.execute_batch(&format!(
        "DELETE FROM ingest_file_columns;
         ATTACH '{}' AS n (READ_ONLY);
         INSERT INTO ingest_file_columns SELECT * FROM n.ingest_file_columns;
         DETACH n;",
        new_db.display()
    ))
    .unwrap();
    assert!(carried(&conn).contains("DanhGia"));
    let got = serde_json::to_string(&baocao::metrics::compute(&conn, &p, &o).unwrap()).unwrap();
    assert_eq!(got, want);
}

/// Ingest caps DuckDB's memory only while it appends: the limit the connection had before
/// is the one it has after, for the queries that follow.
#[test]
fn ingest_puts_the_memory_limit_back() {
    let conn = store::open_in_memory().unwrap();
    let setting = |conn: &duckdb::Connection| -> String {
        conn.query_row(
            "SELECT current_setting('memory_limit') || ' ' || current_setting('threads')",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    let before = setting(&conn);
    let r = ingest(&conn, &fixture("nghe-an-2023-06/dossiers.csv.gz"));
    assert!(matches!(r.outcome, Outcome::Loaded { .. }), "{:?}", r.outcome);
    assert_eq!(setting(&conn), before);
    // Also when the file fails part-way through its rows (a line over the 1 MiB limit).
    let tmp = tempfile::tempdir().unwrap();
    let mut body = String::from(HEADER);
    for i in 0..5000 {
        body.push_str(&format!("K{i},Sở Y tế,4,01/06/2023,20/06/2023,,1\n"));
    }
    body.push_str(&"x".repeat(1_100_000));
    body.push('\n');
    let f = write(tmp.path(), "long.csv", &body);
    let r = ingest(&conn, &f);
    assert!(matches!(r.outcome, Outcome::Rejected { .. }), "{:?}", r.outcome);
    assert_eq!(setting(&conn), before);
    assert_eq!(
        scalar(&conn, "SELECT count(*) FROM dossier_versions WHERE ma_ho_so LIKE 'K%'"),
        0
    );
}

/// A file with more bad rows than the loading thread holds at once (65 536): its quarantine
/// rows are stored in several hand-overs between the INSERTs of its valid rows, and every
/// row still lands once, on its own line, in the same transaction.
#[test]
fn many_bad_rows_are_stored_in_several_hand_overs() {
    let tmp = tempfile::tempdir().unwrap();
    let n = 150_000u64;
    let mut body = String::from(HEADER);
    for i in 0..n {
        // Every third row has a known status; the others an unknown one.
        let status = if i % 3 == 0 { "4" } else { "99" };
        body.push_str(&format!("H{i:06},Sở Y tế,{status},01/06/2023,20/06/2023,,1\n"));
    }
    let f = write(tmp.path(), "bad.csv", &body);
    let conn = store::open_in_memory().unwrap();
    let c = counts(&ingest(&conn, &f)).clone();
    let good = n.div_ceil(3);
    assert_eq!((c.rows_read, c.rows_loaded, c.rows_quarantined), (n, good, n - good));
    assert_eq!(scalar(&conn, "SELECT count(*) FROM quarantine"), (n - good) as i64);
    assert_eq!(
        scalar(&conn, "SELECT count(DISTINCT source_row) FROM quarantine"),
        (n - good) as i64
    );
    assert_eq!(scalar(&conn, "SELECT count(*) FROM dossier_versions"), good as i64);
    // The header is line 1, so row i is on line i + 2: good rows on lines ≡ 2 (mod 3).
    assert_eq!(
        scalar(&conn, "SELECT count(*) FROM dossier_versions WHERE source_row % 3 <> 2"),
        0
    );
    assert_eq!(
        scalar(&conn, "SELECT count(*) FROM quarantine WHERE source_row % 3 = 2"),
        0
    );
    assert_eq!(
        scalar(&conn, "SELECT count(*) FROM dossier_versions WHERE ma_ho_so <> 'H' || lpad(CAST(source_row - 2 AS VARCHAR), 6, '0')"),
        0
    );
}

/// Ingest turns transparent huge pages off for its process (the kernel zeroed 2 MiB per fresh
/// region touched: 8 % of an ingest's CPU). Checked where the kernel reports the switch.
#[test]
fn ingest_turns_huge_pages_off() {
    let conn = store::open_in_memory().unwrap();
    let r = ingest(&conn, &fixture("nghe-an-2023-06/dossiers.csv.gz"));
    assert!(matches!(r.outcome, Outcome::Loaded { .. }), "{:?}", r.outcome);
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    if let Some(line) = status.lines().find(|l| l.starts_with("THP_enabled:")) {
        assert_eq!(line.split_whitespace().nth(1), Some("0"), "{line}");
    }
}
