//! Loads one file into the store inside one transaction: versions, quarantine, supersede.

use super::headers::{missing_message, HeaderMap};
use super::record::Table;
use super::source::FileInfo;
use super::validate::{validate, Context, Dossier, Problem};
use crate::error::{Exit, Failure};
use anyhow::{Context as _, Result};
use duckdb::{params, Connection, ToSql};
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
pub type Tick<'a> = &'a mut dyn FnMut(u64);

fn appendable(d: &Dossier) -> [&dyn ToSql; 28] {
    [
        &d.ma_ho_so,
        &d.ma_tthc,
        &d.ten_tthc,
        &d.ma_linh_vuc,
        &d.ten_linh_vuc,
        &d.ma_don_vi,
        &d.ten_don_vi,
        &d.cap_don_vi,
        &d.kenh,
        &d.muc_do,
        &d.trang_thai,
        &d.ngay_nop,
        &d.ngay_tiep_nhan,
        &d.ngay_hen_tra,
        &d.ngay_ket_thuc,
        &d.ngay_tra,
        &d.ngay_yeu_cau_bo_sung,
        &d.so_lan_bo_sung,
        &d.le_phi,
        &d.thanh_toan_truc_tuyen,
        &d.so_hoa,
        &d.tai_su_dung,
        &d.ket_qua_dien_tu,
        &d.yeu_cau_ket_qua_giay,
        &d.da_dong_bo,
        &d.xac_thuc_vneid,
        &d.danh_gia,
        &d.extra,
    ]
}

/// Streams the rows of `table` through validation. `sink` receives valid dossiers,
/// `quarantine` every problem. Returns the counts (without supersede figures).
pub fn process_rows(
    table: Table,
    ctx: &Context,
    mut sink: impl FnMut(u64, &Dossier) -> Result<()>,
    mut quarantine: impl FnMut(u64, &Problem) -> Result<()>,
    tick: Tick,
) -> Result<FileCounts> {
    let map = HeaderMap::new(table.layout.header.clone());
    let missing = map.missing_required();
    if !missing.is_empty() {
        anyhow::bail!(Failure::new(
            Exit::Rejected,
            missing_message(&missing, &map.names)
        ));
    }
    let mut c = FileCounts::default();
    for row in table.rows {
        let row = row?;
        if row.is_blank() {
            c.rows_blank += 1;
            continue;
        }
        c.rows_read += 1;
        match validate(&map, &row, ctx) {
            Ok(d) => {
                sink(row.line, &d)?;
                c.rows_loaded += 1;
            }
            Err(problems) => {
                c.rows_quarantined += 1;
                for p in &problems {
                    *c.reasons.entry(p.reason.to_string()).or_default() += 1;
                    quarantine(row.line, p)?;
                }
            }
        }
        tick(c.rows_read);
    }
    Ok(c)
}

/// Loads a file in one transaction. On any error the database is left as before.
pub fn load_file(
    conn: &Connection,
    path: &Path,
    info: &FileInfo,
    table: Table,
    ctx: &Context,
    tick: Tick,
) -> Result<FileCounts> {
    conn.execute_batch("BEGIN TRANSACTION")?;
    match load_in_tx(conn, path, info, table, ctx, tick) {
        Ok(c) => {
            conn.execute_batch("COMMIT").context("committing")?;
            Ok(c)
        }
        Err(e) => {
            conn.execute_batch("ROLLBACK").ok();
            Err(e)
        }
    }
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
    let file_id: i32 = conn.query_row(
        "INSERT INTO ingest_files (kind, path, sha256, bytes, format, compression, encoding, delimiter, sheet, header_line,
            export_at, file_mtime, rows_read, rows_loaded, rows_quarantined, rows_blank, rows_in_force, rows_replaced)
         VALUES ('dossiers', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 0) RETURNING file_id",
        params![
            path_s,
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
    )?;
    let mut versions = conn.appender("dossier_versions")?;
    let mut quarantine = conn.appender("quarantine")?;
    let none: Option<i32> = None;
    let mut c = process_rows(
        table,
        ctx,
        |line, d| {
            let mut row: Vec<&dyn ToSql> = Vec::with_capacity(31);
            let line = line as i64;
            row.push(&file_id);
            row.push(&line);
            row.extend(appendable(d));
            row.push(&none);
            versions
                .append_row(row.as_slice())
                .with_context(|| format!("row {line}: storing"))?;
            Ok(())
        },
        |line, p| {
            quarantine.append_row(params![
                file_id,
                path_s,
                line as i64,
                p.column,
                p.raw,
                p.reason,
                p.message
            ])?;
            Ok(())
        },
        tick,
    )?;
    versions.flush().context("writing dossier rows")?;
    quarantine.flush().context("writing quarantine rows")?;
    drop(versions);
    drop(quarantine);

    // Duplicate codes inside one file: the last row wins, earlier ones are quarantined.
    let dup = conn.execute(
        "INSERT INTO quarantine
         SELECT file_id, ?, source_row, ?, ma_ho_so, 'duplicate_in_file',
                'MaHoSo ' || ma_ho_so || ' appears again at row ' || last_row || ' of the same file, which supersedes this row'
         FROM (SELECT file_id, source_row, ma_ho_so, max(source_row) OVER (PARTITION BY ma_ho_so) AS last_row
               FROM dossier_versions WHERE file_id = ?)
         WHERE source_row < last_row",
        params![path_s, key_column(&layout.header), file_id],
    )? as u64;
    if dup > 0 {
        conn.execute(
            "DELETE FROM dossier_versions v WHERE v.file_id = ?
               AND v.source_row < (SELECT max(w.source_row) FROM dossier_versions w
                                   WHERE w.file_id = v.file_id AND w.ma_ho_so = v.ma_ho_so)",
            params![file_id],
        )?;
        c.rows_duplicate = dup;
        c.rows_loaded -= dup;
        c.rows_quarantined += dup;
        *c.reasons.entry("duplicate_in_file".into()).or_default() += dup;
    }

    supersede(conn, file_id, &mut c)?;

    // Reconcile against what the database now holds, not only our own counters.
    let stored: i64 = conn.query_row(
        "SELECT count(*) FROM dossier_versions WHERE file_id = ?",
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
    Ok(c)
}

fn key_column(header: &[String]) -> String {
    header
        .iter()
        .find(|h| super::headers::match_header(h) == Some(super::headers::Field::MaHoSo))
        .cloned()
        .unwrap_or_else(|| "MaHoSo".into())
}

/// Applies newest-export-wins. The new file wins a code unless both it and the file in
/// force carry an explicit export date and the one in force is newer.
fn supersede(conn: &Connection, file_id: i32, c: &mut FileCounts) -> Result<()> {
    conn.execute(
        "CREATE OR REPLACE TEMP TABLE _win AS
         SELECT v.ma_ho_so FROM dossier_versions v
         JOIN ingest_files nf ON nf.file_id = v.file_id
         LEFT JOIN dossiers d ON d.ma_ho_so = v.ma_ho_so
         LEFT JOIN ingest_files of ON of.file_id = d.file_id
         WHERE v.file_id = ?
           AND NOT coalesce(nf.export_at < of.export_at, false)",
        params![file_id],
    )?;
    c.rows_replaced = conn.execute(
        "UPDATE dossier_versions SET superseded_by = ?
         WHERE file_id <> ? AND superseded_by IS NULL AND ma_ho_so IN (SELECT ma_ho_so FROM _win)",
        params![file_id, file_id],
    )? as u64;
    // Versions that lost to a newer export stay in the history, marked by the file in force.
    conn.execute(
        "UPDATE dossier_versions v SET superseded_by = d.file_id FROM dossiers d
         WHERE v.file_id = ? AND d.ma_ho_so = v.ma_ho_so AND v.ma_ho_so NOT IN (SELECT ma_ho_so FROM _win)",
        params![file_id],
    )?;
    conn.execute(
        "DELETE FROM dossiers WHERE ma_ho_so IN (SELECT ma_ho_so FROM _win)",
        [],
    )?;
    c.rows_in_force = conn.execute(
        "INSERT INTO dossiers SELECT * EXCLUDE (superseded_by) FROM dossier_versions
         WHERE file_id = ? AND ma_ho_so IN (SELECT ma_ho_so FROM _win)",
        params![file_id],
    )? as u64;
    // A file none of whose rows is in force any more is superseded (by the newest file
    // that replaced its rows); this includes a stale file that lost every row at once.
    conn.execute(
        "UPDATE ingest_files f
         SET superseded_by = (SELECT max(v.superseded_by) FROM dossier_versions v WHERE v.file_id = f.file_id)
         WHERE f.superseded_by IS NULL
           AND EXISTS (SELECT 1 FROM dossier_versions v WHERE v.file_id = f.file_id)
           AND NOT EXISTS (SELECT 1 FROM dossier_versions v WHERE v.file_id = f.file_id AND v.superseded_by IS NULL)",
        [],
    )?;
    conn.execute_batch("DROP TABLE _win")?;
    Ok(())
}
