//! `baocao explain`: the dossiers behind a count, with their source file and row.

use super::scope::Scope;
use crate::period::Period;
use anyhow::{bail, Result};
use chrono::NaiveDateTime;
use duckdb::Connection;
use serde::Serialize;

/// The counts that can be explained: every registered count but the total, which is a sum
/// (each is a 0/1 column of the ii06a_flags macro).
pub fn counts() -> impl Iterator<Item = &'static str> {
    crate::registry::COUNTS
        .iter()
        .map(|e| e.key)
        .filter(|k| *k != "total_handled")
}

/// One dossier behind a figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    pub ma_ho_so: String,
    pub unit: Option<String>,
    pub status: i16,
    pub accepted: Option<NaiveDateTime>,
    pub due: Option<NaiveDateTime>,
    pub finished: Option<NaiveDateTime>,
    pub file: String,
    pub row: i64,
}

/// Lists the dossiers counted in `metric` for the period, optionally for one agency.
pub fn explain(conn: &Connection, p: &Period, metric: &str, unit: Option<&str>) -> Result<Vec<Line>> {
    if !counts().any(|c| c == metric) {
        bail!(crate::error::Failure::new(
            crate::error::Exit::Usage,
            format!(
                "unknown metric '{metric}': one of {}",
                counts().collect::<Vec<_>>().join(", ")
            )
        ));
    }
    // `metric` is one of the registered names, so it can name the column.
    let body = format!(
        "SELECT d.ma_ho_so, x.ten_don_vi, x.trang_thai, d.ngay_tiep_nhan, d.ngay_hen_tra, d.ngay_ket_thuc,
                f.path, x.source_row
         FROM period_flags x
         JOIN dossier_versions d ON d.file_id = x.file_id AND d.source_row = x.source_row
         JOIN ingest_files f ON f.file_id = x.file_id
         WHERE x.{metric} = 1
         ORDER BY d.ma_ho_so"
    );
    let mut lines = Vec::new();
    Scope::new(p, unit).query(conn, "explain", &body, |r, _| {
        lines.push(Line {
            ma_ho_so: r.get(0)?,
            unit: r.get(1)?,
            status: r.get(2)?,
            accepted: r.get(3)?,
            due: r.get(4)?,
            finished: r.get(5)?,
            file: r.get(6)?,
            row: r.get(7)?,
        });
        Ok(())
    })?;
    Ok(lines)
}
