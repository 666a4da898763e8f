//! Storing the smaller inputs — feedback (PAKN), the procedure catalogue, apology letters — with their
//! column tables (`checking::columns`), each row checked by `checking::other_kinds`: same readers, same loss-free rules (quarantine, newest export
//! wins, one transaction, reconciliation) as dossiers.

use super::files::{finish_file, register_file};
use super::stream::{FileCounts, Tick};
use crate::error::{Exit, Failure};
use crate::ingest::checking::columns::{self, InputKind};
use crate::ingest::checking::other_kinds::check;
use crate::ingest::checking::validate::Context;
use crate::ingest::reading::record::Table;
use crate::ingest::reading::source::FileInfo;
use anyhow::{Context as _, Result};
use duckdb::types::Value;
use duckdb::{params, Connection, ToSql};
use std::path::Path;

/// Fills in the identity of each letter of a file (`ma_thu`, what an in-file duplicate repeats).
const LETTERS_KEY: &str = include_str!("../../../sql/ingest/letters_key.sql");

/// Loads a feedback, catalogue or letters file inside the caller's transaction.
pub fn load(
    conn: &Connection,
    kind: InputKind,
    path: &Path,
    info: &FileInfo,
    table: Table,
    ctx: &Context,
    tick: Tick,
) -> Result<FileCounts> {
    let names = table.layout.header.clone();
    let mut map: Vec<Option<usize>> = Vec::new();
    for n in &names {
        let m = columns::column_of(&kind, n);
        map.push(if m.is_some() && map.contains(&m) { None } else { m });
    }
    let missing: Vec<&columns::Column> = kind
        .cols
        .iter()
        .enumerate()
        .filter(|(i, c)| c.required && !map.contains(&Some(*i)))
        .map(|x| x.1)
        .collect();
    if !missing.is_empty() {
        let list: Vec<String> = missing
            .iter()
            .map(|c| format!("{} (accepted: {})", c.name, c.aliases.join(", ")))
            .collect();
        anyhow::bail!(Failure::new(
            Exit::Rejected,
            format!(
                "{} file: required column missing: {}; headers found: [{}]",
                kind.destination.kind,
                list.join("; "),
                names.join(", ")
            )
        ));
    }
    let file_id = register_file(conn, kind.destination, path, info, &table.layout)?;
    let path_s = path.to_string_lossy().to_string();
    let mut versions = conn.appender(kind.destination.table)?;
    let mut quarantine = conn.appender("quarantine")?;
    let mut c = FileCounts::default();
    let mut keys = std::collections::HashSet::new();
    let mut maybe_dup = false;
    for row in table.rows {
        let row = row?;
        if row.is_blank() {
            c.rows_blank += 1;
            continue;
        }
        c.rows_read += 1;
        match check(&kind, &map, &names, &row, ctx) {
            Ok(mut values) => {
                if let Value::Text(k) = &values[0] {
                    maybe_dup |= !keys.insert(k.clone());
                }
                let mut all = vec![Value::Int(file_id), Value::BigInt(row.line as i64)];
                all.append(&mut values);
                all.push(Value::Null);
                if kind.destination.dup_key != kind.destination.key {
                    // `ma_thu`, filled in once the rows are stored (LETTERS_KEY).
                    all.push(Value::Null);
                }
                let refs: Vec<&dyn ToSql> = all.iter().map(|v| v as &dyn ToSql).collect();
                versions
                    .append_row(refs.as_slice())
                    .with_context(|| format!("row {}: storing", row.line))?;
                c.rows_loaded += 1;
            }
            Err(problems) => {
                c.rows_quarantined += 1;
                for p in &problems {
                    *c.reasons.entry(p.reason.to_string()).or_default() += 1;
                    quarantine.append_row(params![
                        file_id,
                        path_s,
                        row.line as i64,
                        p.column,
                        p.raw,
                        p.reason,
                        p.message
                    ])?;
                }
            }
        }
        tick(c.rows_read);
    }
    versions.flush()?;
    quarantine.flush()?;
    drop(versions);
    drop(quarantine);
    if kind.destination.dup_key != kind.destination.key {
        conn.execute(LETTERS_KEY, params![file_id])?;
    }
    let key_header = map
        .iter()
        .position(|m| *m == Some(0))
        .map(|i| names[i].clone())
        .unwrap_or_default();
    finish_file(conn, kind.destination, file_id, path, &key_header, maybe_dup, &mut c)?;
    Ok(c)
}
