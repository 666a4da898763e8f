//! Opening an input file: hashing, gzip, format and encoding detection, choosing the reader.

use super::detect::{self, Encoding, Format};
use super::record::Table;
use anyhow::{anyhow, Context, Result};
use std::fs::File;
use std::io::{Cursor, Read};
use std::path::Path;

/// Facts about a file, known before its rows are read.
#[derive(Debug, Clone)]
pub struct FileInfo {
    pub sha256: String,
    pub bytes: u64,
    pub mtime: Option<chrono::NaiveDateTime>,
    pub compression: Option<&'static str>,
}

/// Reader options chosen by the user.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    pub sheet: Option<String>,
    pub encoding: Option<Encoding>,
    pub delimiter: Option<char>,
}

/// Hashes the file and reads its metadata.
pub fn info(path: &Path) -> Result<FileInfo> {
    let meta = std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
    let (sha256, bytes) = crate::fsx::sha256_file(path)?;
    let mtime = meta
        .modified()
        .ok()
        .map(|t| chrono::DateTime::<chrono::Utc>::from(t).naive_utc() + chrono::Duration::hours(7));
    let mut head = [0u8; 2];
    let n = File::open(path)?.read(&mut head)?;
    let compression = detect::is_gzip(&head[..n]).then_some("gzip");
    Ok(FileInfo {
        sha256,
        bytes,
        mtime,
        compression,
    })
}

/// Reads up to `n` bytes from the start of a stream.
fn read_head(r: &mut dyn Read, n: usize) -> Result<Vec<u8>> {
    let mut head = Vec::with_capacity(n);
    r.take(n as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// Opens the rows of a file. Errors here reject the whole file.
pub fn open(path: &Path, info: &FileInfo, opts: &ReadOptions) -> Result<Table> {
    if info.bytes == 0 {
        anyhow::bail!("the file is empty (0 bytes)");
    }
    let lower = path.to_string_lossy().to_lowercase();
    let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut stream: Box<dyn Read + Send> = if info.compression.is_some() {
        Box::new(flate2::read::MultiGzDecoder::new(std::io::BufReader::new(file)))
    } else {
        Box::new(file)
    };
    let head = read_head(&mut stream, 64 * 1024).map_err(|e| anyhow!("cannot decompress: {e}"))?;
    if head.is_empty() {
        anyhow::bail!("the file is empty after decompression");
    }
    if detect::is_zip(&head) {
        if info.compression.is_some() {
            anyhow::bail!("a gzip-compressed XLSX is not supported: decompress it first");
        }
        return super::xlsx::read(path, opts.sheet.as_deref(), opts.encoding.and_then(Encoding::legacy));
    }
    if lower.ends_with(".xlsx") || lower.ends_with(".xlsm") {
        anyhow::bail!("named .xlsx but is not an XLSX workbook (no zip signature): truncated or mis-named file");
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        anyhow::bail!("legacy Excel 97-2003 (.xls) workbook: open it in Excel and save as .xlsx");
    }
    let enc = match opts.encoding {
        Some(e) => e,
        None => detect::detect_encoding(&head).map_err(|e| anyhow!(e))?,
    };
    let text_head = String::from_utf8_lossy(&head[enc.bom_len().min(head.len())..]).into_owned();
    let format = detect::detect_format(path, &head, &text_head);
    let bom = enc.bom_len().min(head.len());
    let body: Box<dyn Read + Send> = Box::new(Cursor::new(head[bom..].to_vec()).chain(stream));
    match format {
        Format::Csv => super::csv::read(body, enc, opts.delimiter),
        Format::Json | Format::Ndjson => {
            let body = to_utf8(body, enc)?;
            if format == Format::Json {
                super::json::read_json(body)
            } else {
                super::json::read_ndjson(body)
            }
        }
        Format::Xlsx => unreachable!("zip content handled above"),
    }
}

/// Transcodes a whole stream to UTF-8 (JSON from odd encodings; small files).
fn to_utf8(mut body: Box<dyn Read + Send>, enc: Encoding) -> Result<Box<dyn Read + Send>> {
    let codec = match enc {
        Encoding::Utf8 | Encoding::Utf8Bom => return Ok(body),
        Encoding::Utf16Le => encoding_rs::UTF_16LE,
        Encoding::Utf16Be => encoding_rs::UTF_16BE,
        Encoding::Windows1258 => encoding_rs::WINDOWS_1258,
        Encoding::Tcvn3 | Encoding::Vni => {
            let mut raw = Vec::new();
            body.read_to_end(&mut raw)?;
            let text = super::legacy::decode(&raw, enc.legacy().expect("a legacy encoding"));
            return Ok(Box::new(Cursor::new(text.into_bytes())));
        }
    };
    let mut raw = Vec::new();
    body.read_to_end(&mut raw)?;
    let (text, _, bad) = codec.decode(&raw);
    if bad {
        anyhow::bail!("invalid byte sequence for {} in a JSON file", enc.name());
    }
    Ok(Box::new(Cursor::new(text.into_owned().into_bytes())))
}
