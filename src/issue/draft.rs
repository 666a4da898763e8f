//! Which draft a signed file extends. A signature added as an incremental update leaves the
//! signed revision's bytes untouched, so a file signed from one of our drafts begins with
//! that draft's exact bytes and the draft ends where one of its revisions ends (`%%EOF`).
//! The draft is found by the SHA-256 recorded in `report_runs` of such a beginning, so a
//! draft moved away from where it was written is still recognised.

use crate::error::{Exit, Failure};
use anyhow::Result;
use duckdb::Connection;
use std::path::{Path, PathBuf};

/// A draft: a recorded report version (a `report_runs` row).
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub run_id: i64,
    /// `monthly-2023-06-v1`: the PDF's file name stem, with its version always said.
    pub id: String,
    pub kind: String,
    pub period: String,
    pub convention: String,
    pub version: i64,
    pub unit: Option<String>,
    pub pdf: PathBuf,
    pub pdf_sha256: String,
    pub manifest: PathBuf,
}

fn rejected(msg: String) -> anyhow::Error {
    anyhow::Error::new(Failure::new(Exit::Rejected, msg))
}

fn usage(msg: String) -> anyhow::Error {
    anyhow::Error::new(Failure::new(Exit::Usage, msg))
}

/// The id of a version: its PDF's stem, `-v1` added to a first version's.
pub fn report_id(pdf: &Path, version: i64) -> String {
    let stem = pdf
        .file_name()
        .map(|n| n.to_string_lossy().trim_end_matches(".pdf").to_string())
        .unwrap_or_default();
    let suffix = format!("-v{version}");
    if stem.ends_with(&suffix) {
        stem
    } else {
        format!("{stem}{suffix}")
    }
}

/// Every draft recorded, oldest first.
pub fn all(conn: &Connection) -> Result<Vec<Draft>> {
    let mut st = conn.prepare(
        "SELECT run_id, kind, period, convention, version, unit, pdf_path, pdf_sha256, manifest_path
         FROM report_versions WHERE outcome = 'ok' ORDER BY run_id",
    )?;
    let rows = st.query_map([], |r| {
        let pdf = PathBuf::from(r.get::<_, String>(6)?);
        let version: i64 = r.get(4)?;
        Ok(Draft {
            run_id: r.get(0)?,
            id: report_id(&pdf, version),
            kind: r.get(1)?,
            period: r.get(2)?,
            convention: r.get(3)?,
            version,
            unit: r.get(5)?,
            pdf,
            pdf_sha256: r.get(7)?,
            manifest: PathBuf::from(r.get::<_, String>(8)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The lengths at which a revision of `bytes` ends: after each `%%EOF` and its end of line.
pub fn revision_ends(bytes: &[u8]) -> Vec<usize> {
    let mut v = Vec::new();
    let mut i = 0;
    while let Some(p) = find(&bytes[i..], b"%%EOF") {
        let end = i + p + 5;
        v.push(end);
        match &bytes[end..] {
            [b'\r', b'\n', ..] => v.extend([end + 1, end + 2]),
            [b'\n' | b'\r', ..] => v.push(end + 1),
            _ => {}
        }
        i = end;
    }
    v
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The draft `signed` extends, and the draft's length in bytes. `named` (a draft id, its
/// PDF's stem or its run number) restricts the search to that draft.
pub fn find_draft(conn: &Connection, signed: &[u8], file: &Path, named: Option<&str>) -> Result<(Draft, usize)> {
    let drafts = all(conn)?;
    let chosen: Vec<&Draft> = match named {
        None => drafts.iter().collect(),
        Some(n) => {
            let stem = |d: &Draft| {
                d.pdf
                    .file_stem()
                    .map(|s| s.to_string_lossy().to_string())
                    .unwrap_or_default()
            };
            let m: Vec<&Draft> = drafts
                .iter()
                .filter(|d| d.id == n || stem(d) == n || d.run_id.to_string() == n)
                .collect();
            if m.is_empty() {
                return Err(usage(format!(
                    "--report {n}: no such draft in the database (`baocao status` lists them)"
                )));
            }
            m
        }
    };
    let mut hashes = Vec::new();
    for end in revision_ends(signed) {
        hashes.push((crate::fsx::sha256(&signed[..end]), end));
    }
    let found: Vec<(&Draft, usize)> = chosen
        .iter()
        .filter_map(|d| hashes.iter().find(|(h, _)| *h == d.pdf_sha256).map(|(_, e)| (*d, *e)))
        .collect();
    match found.as_slice() {
        [(d, end)] if *end < signed.len() => Ok(((*d).clone(), *end)),
        [(d, _)] => Err(rejected(format!(
            "{}: it is draft {} itself, unsigned: nothing was added after our bytes",
            file.display(),
            d.id
        ))),
        [] => Err(rejected(not_extension(file, signed, &chosen, named.is_some()))),
        many => Err(usage(format!(
            "{}: it extends several drafts with the same bytes ({}): name one with --report",
            file.display(),
            many.iter().map(|(d, _)| d.id.as_str()).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// Why a file extends none of the drafts: for one named draft, where its bytes part from
/// the draft's (when the draft file is still there).
fn not_extension(file: &Path, signed: &[u8], chosen: &[&Draft], named: bool) -> String {
    let hint = "was it re-saved or edited by a PDF program instead of signed as an incremental update, changed, or made from another database's draft?";
    if !named {
        return format!(
            "{}: not an extension of any of the {} drafts recorded: no draft's PDF is the beginning of it — {hint}",
            file.display(),
            chosen.len()
        );
    }
    let d = chosen[0];
    let detail = match std::fs::read(&d.pdf) {
        Ok(b) if crate::fsx::sha256(&b) == d.pdf_sha256 => {
            let at = b
                .iter()
                .zip(signed)
                .position(|(x, y)| x != y)
                .unwrap_or(b.len().min(signed.len()));
            if at >= b.len() {
                format!(
                    "its first {} bytes are the draft's, but the draft does not end a revision there",
                    b.len()
                )
            } else {
                format!(
                    "its bytes differ from the draft's from byte {at} on (the draft has {})",
                    b.len()
                )
            }
        }
        _ => format!(
            "the beginning of it does not hash to the draft's recorded SHA-256 {}",
            d.pdf_sha256
        ),
    };
    format!(
        "{}: not an extension of draft {}: {detail} — {hint}",
        file.display(),
        d.id
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revisions_end_after_each_eof_marker() {
        let b = b"%PDF-1.7\n1\n%%EOF\nupdate\n%%EOF\r\nx%%EOF";
        let ends = revision_ends(b);
        assert_eq!(ends, [16, 17, 29, 30, 31, 37]);
        assert_eq!(&b[..17], b"%PDF-1.7\n1\n%%EOF\n");
    }

    #[test]
    fn ids_always_say_the_version() {
        assert_eq!(report_id(Path::new("out/monthly-2023-06.pdf"), 1), "monthly-2023-06-v1");
        assert_eq!(
            report_id(Path::new("out/monthly-2023-06-v2.pdf"), 2),
            "monthly-2023-06-v2"
        );
    }
}
