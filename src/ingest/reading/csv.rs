//! CSV/TXT reader: separator sniffing, title block, per-field decoding with encoding checks.

use super::detect::Encoding;
use super::record::{export_date_in, limits, window_in, Cell, Layout, RawRow, Table};
use crate::ingest::checking::columns::header_score;
use crate::ingest::checking::values::clean_text;
use anyhow::{Context, Result};
use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Arc, Mutex};

/// Where line breaks are, so a record's line is the one a person sees in an editor.
/// (The csv crate's own record positions point at the previous record's `\n` for CRLF
/// files and before skipped blank lines.)
#[derive(Default)]
struct LineIndex {
    /// Line breaks already passed (`\n`, `\r\n`, or a lone `\r`).
    lines_before: u64,
    /// Offsets of `\r` / `\n` bytes not yet passed, with the byte.
    pending: VecDeque<(u64, u8)>,
}

impl LineIndex {
    /// The 1-based line of a record whose reported start is byte `b`.
    fn line_at(&mut self, mut b: u64) -> u64 {
        while let Some(&(off, byte)) = self.pending.front() {
            if off <= b {
                self.pending.pop_front();
                // A lone `\r` ends a record for the csv crate (and for spreadsheet programs):
                // count it as a line, or two records would share one line number.
                let crlf = byte == b'\r' && self.pending.front() == Some(&(off + 1, b'\n'));
                if byte == b'\n' || (byte == b'\r' && !crlf) {
                    self.lines_before += 1;
                }
                if off == b {
                    b += 1; // a terminator at the reported start belongs to the line before
                }
            } else {
                break;
            }
        }
        self.lines_before + 1
    }
}

/// A reader that notes the offsets of line-break bytes as they stream past.
struct Indexing<R> {
    inner: R,
    pos: u64,
    index: Arc<Mutex<LineIndex>>,
    /// Bytes since the last line break, and line breaks seen (the line-length limit).
    run: usize,
    breaks: u64,
}

impl<R: Read> Read for Indexing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut idx = self.index.lock().expect("line index lock");
        let bytes = &buf[..n];
        let mut at = 0;
        loop {
            let next = next_break(bytes, at);
            // Bytes since the last line break, up to this one (or the end of the buffer).
            self.run += next.unwrap_or(n) - at;
            if self.run > limits::LINE_BYTES {
                // Stop before the csv crate buffers a whole giant line in memory.
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "line {} is longer than {} MiB without a line break: not an export row",
                        self.breaks + 1,
                        limits::LINE_BYTES / (1024 * 1024)
                    ),
                ));
            }
            let Some(i) = next else { break };
            let b = bytes[i];
            idx.pending.push_back((self.pos + i as u64, b));
            self.run = 0;
            self.breaks += u64::from(b == b'\n');
            at = i + 1;
        }
        self.pos += n as u64;
        Ok(n)
    }
}

/// The position of the first `\n` or `\r` at or after `from`, eight bytes at a time.
fn next_break(b: &[u8], from: usize) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    // True when some byte of `x` is zero (exact: no false positives on the test below).
    let has_zero = |x: u64| x.wrapping_sub(LO) & !x & HI != 0;
    let mut i = from;
    while i + 8 <= b.len() {
        let w = u64::from_le_bytes(b[i..i + 8].try_into().expect("eight bytes"));
        if has_zero(w ^ (LO * u64::from(b'\n'))) || has_zero(w ^ (LO * u64::from(b'\r'))) {
            break;
        }
        i += 8;
    }
    b[i..].iter().position(|c| *c == b'\n' || *c == b'\r').map(|p| i + p)
}

/// Rows scanned for the header before giving up (title blocks are 3–6 lines).
const HEADER_SCAN: usize = 30;

/// Picks `,` `;` or tab: the one with the most occurrences on the busiest of the first lines.
pub fn sniff_delimiter(text: &str) -> char {
    let mut best = (',', 0usize);
    for d in [',', ';', '\t', '|'] {
        let max = text
            .lines()
            .take(HEADER_SCAN)
            .map(|l| l.matches(d).count())
            .max()
            .unwrap_or(0);
        if max > best.1 {
            best = (d, max);
        }
    }
    best.0
}

/// Decodes one field from the file's encoding into NFC text.
fn decode(bytes: &[u8], enc: Encoding) -> Cell {
    if bytes.len() > limits::FIELD_BYTES {
        return Cell::too_long(bytes.len());
    }
    // Borrowed for UTF-8 (the common case): the cleaned text is the only copy made.
    let text: std::borrow::Cow<str> = match enc {
        Encoding::Windows1258 => {
            match encoding_rs::WINDOWS_1258.decode_without_bom_handling_and_without_replacement(bytes) {
                // Bytes the code page leaves undefined decode to C1 controls: not text.
                Some(s) if s.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)) => {
                    let pos = bytes.iter().position(|b| (0x80..0xa0).contains(b)).unwrap_or(0);
                    return Cell::Bad(format!(
                        "invalid byte 0x{:02X} for windows-1258 at byte {}",
                        bytes[pos],
                        pos + 1
                    ));
                }
                Some(s) => s,
                None => {
                    let pos = bytes.iter().position(|b| *b >= 0x80).unwrap_or(0);
                    return Cell::Bad(format!(
                        "invalid byte 0x{:02X} for windows-1258 at byte {}",
                        bytes[pos],
                        pos + 1
                    ));
                }
            }
        }
        Encoding::Tcvn3 | Encoding::Vni => {
            super::legacy::decode(bytes, enc.legacy().expect("a legacy encoding")).into()
        }
        _ => match std::str::from_utf8(bytes) {
            Ok(s) if enc.bom_len() == 2 && s.contains('\u{FFFD}') => {
                return Cell::Bad(format!(
                    "invalid UTF-16 sequence (replaced by U+FFFD) for {}",
                    enc.name()
                ));
            }
            Ok(s) => s.into(),
            Err(e) => {
                return Cell::Bad(format!(
                    "invalid UTF-8 byte 0x{:02X} at byte {}",
                    bytes[e.valid_up_to()],
                    e.valid_up_to() + 1
                ))
            }
        },
    };
    match clean_text(&text) {
        Some(t) => Cell::Text(t),
        None => Cell::Empty,
    }
}

/// The record's fields as one UTF-8 text, for a UTF-8 file whose record is valid UTF-8
/// (else None: each field is decoded on its own, with its own message).
fn whole_utf8(record: &csv::ByteRecord, enc: Encoding) -> Option<&str> {
    if !matches!(enc, Encoding::Utf8 | Encoding::Utf8Bom) {
        return None;
    }
    std::str::from_utf8(record.as_slice()).ok()
}

/// `decode` of a field already known to be UTF-8 text.
fn decode_str(text: &str) -> Cell {
    if text.len() > limits::FIELD_BYTES {
        return Cell::too_long(text.len());
    }
    match clean_text(text) {
        Some(t) => Cell::Text(t),
        None => Cell::Empty,
    }
}

/// Opens a CSV stream. `input` is the decompressed byte stream after the BOM for UTF-8;
/// UTF-16 content is transcoded to UTF-8 first.
pub fn read(input: Box<dyn Read + Send>, enc: Encoding, delimiter: Option<char>) -> Result<Table> {
    let (reader, field_enc): (Box<dyn Read + Send>, Encoding) = match enc {
        Encoding::Utf16Le | Encoding::Utf16Be => {
            let mut raw = Vec::new();
            input
                .take(limits::WHOLE_BYTES + 1)
                .read_to_end(&mut raw)
                .context("reading UTF-16 content")?;
            if raw.len() as u64 > limits::WHOLE_BYTES {
                anyhow::bail!(
                    "UTF-16 content over {} MiB: convert the export to UTF-8",
                    limits::WHOLE_BYTES >> 20
                );
            }
            let codec = if enc == Encoding::Utf16Le {
                encoding_rs::UTF_16LE
            } else {
                encoding_rs::UTF_16BE
            };
            let (text, _) = codec.decode_without_bom_handling(&raw);
            (Box::new(std::io::Cursor::new(text.into_owned().into_bytes())), enc)
        }
        _ => (input, enc),
    };
    let index = Arc::new(Mutex::new(LineIndex::default()));
    let reader = Indexing {
        inner: reader,
        pos: 0,
        index: index.clone(),
        run: 0,
        breaks: 0,
    };
    let mut buf = std::io::BufReader::with_capacity(1 << 20, reader);
    // Sniff the separator on the first 64 KiB without consuming it.
    let peek = {
        use std::io::BufRead;
        let b = buf.fill_buf().context("reading file start")?;
        String::from_utf8_lossy(b).into_owned()
    };
    let delim = delimiter.unwrap_or_else(|| sniff_delimiter(&peek));
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim as u8)
        .from_reader(buf);

    let mut record = csv::ByteRecord::new();
    let mut title: Vec<String> = Vec::new();
    let mut header: Option<(Vec<String>, u64)> = None;
    for _ in 0..HEADER_SCAN {
        if !rdr.read_byte_record(&mut record).context("reading CSV")? {
            break;
        }
        let line = index
            .lock()
            .expect("line index lock")
            .line_at(record.position().map(|p| p.byte()).unwrap_or(0));
        let cells: Vec<String> = record.iter().map(|f| decode(f, field_enc).raw()).collect();
        if header_score(&cells) >= 2 {
            header = Some((cells, line));
            break;
        }
        title.extend(cells);
    }
    let (header, header_line) = match header {
        Some(h) => h,
        None => {
            anyhow::bail!(
                "no header row found in the first {HEADER_SCAN} lines (looked for a row naming MaHoSo / \"Mã hồ sơ\" and other fields)"
            )
        }
    };
    let layout = Layout {
        format: "csv".into(),
        encoding: enc.name().into(),
        delimiter: Some(delim),
        sheet: None,
        export_at: export_date_in(&title),
        window: window_in(&title),
        header,
        header_line,
    };
    let rows = CsvRows {
        rdr,
        enc: field_enc,
        record,
        index,
    };
    Ok(Table {
        layout,
        rows: Box::new(rows),
    })
}

struct CsvRows<R: Read> {
    rdr: csv::Reader<std::io::BufReader<R>>,
    enc: Encoding,
    record: csv::ByteRecord,
    index: Arc<Mutex<LineIndex>>,
}

impl<R: Read> Iterator for CsvRows<R> {
    type Item = Result<RawRow>;
    fn next(&mut self) -> Option<Self::Item> {
        match self.rdr.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let line = self
                    .index
                    .lock()
                    .expect("line index lock")
                    .line_at(self.record.position().map(|p| p.byte()).unwrap_or(0));
                let cells = match whole_utf8(&self.record, self.enc) {
                    // One UTF-8 check for the record, then each field as a slice of it.
                    Some(text) => (0..self.record.len())
                        .map(|i| {
                            let r = self.record.range(i).expect("a field of the record");
                            match text.get(r) {
                                Some(f) => decode_str(f),
                                None => decode(&self.record[i], self.enc),
                            }
                        })
                        .collect(),
                    None => self.record.iter().map(|f| decode(f, self.enc)).collect(),
                };
                Some(Ok(RawRow {
                    line,
                    cells,
                    problem: None,
                }))
            }
            Err(e) => Some(Err(anyhow::anyhow!("CSV read error: {e}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cells of a CSV body (after a two-column header), as `CsvRows` reads them.
    fn cells(body: &[u8]) -> Vec<Cell> {
        let mut input = b"MaHoSo,TrangThaiHoSo\n".to_vec();
        input.extend_from_slice(body);
        let mut t = read(Box::new(std::io::Cursor::new(input)), Encoding::Utf8, Some(',')).unwrap();
        t.rows.next().unwrap().unwrap().cells
    }

    #[test]
    fn a_record_valid_as_a_whole_still_checks_each_field() {
        // "\xE1\xBB" + "\xA0" would be one valid character if the comma were not between them.
        let c = cells(b"\xE1\xBB,\xA0x\n");
        assert!(
            matches!(&c[0], Cell::Bad(why) if why.contains("invalid UTF-8")),
            "{c:?}"
        );
        assert!(
            matches!(&c[1], Cell::Bad(why) if why.contains("invalid UTF-8")),
            "{c:?}"
        );
        let c = cells("Sở  Y tế , 2023-03-02T09:13:15\n".as_bytes());
        assert_eq!(
            c,
            vec![Cell::Text("Sở Y tế".into()), Cell::Text("2023-03-02T09:13:15".into())]
        );
    }
}
