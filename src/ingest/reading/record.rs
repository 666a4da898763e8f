//! The neutral row shape every reader produces, before validation.

use chrono::NaiveDateTime;

/// Limits on hostile input: what a reader will hold of one field, one line, one document.
pub mod limits {
    /// A field longer than this is set aside (the row is quarantined, field_too_long).
    pub const FIELD_BYTES: usize = 64 * 1024;
    /// A line (CSV, NDJSON) longer than this is not a row: CSV rejects the file, NDJSON
    /// quarantines the line; either way memory stays bounded.
    pub const LINE_BYTES: usize = 1024 * 1024;
    /// Content read whole (a JSON document, UTF-16 text) may be at most this large.
    pub const WHOLE_BYTES: u64 = 256 * 1024 * 1024;
    /// XLSX: what all entries of the workbook may decompress to (zip bombs).
    pub const XLSX_UNPACKED_BYTES: u64 = 256 * 1024 * 1024;
    /// JSON: how deep arrays and objects may nest.
    pub const JSON_DEPTH: usize = 64;
    /// Marks a `Cell::Bad` that is too long (validation maps it to field_too_long).
    pub const TOO_LONG: &str = "over the field-length limit";
}

/// One cell as read from a file, before it is interpreted for its column.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A numeric cell (XLSX, JSON).
    Number(f64),
    /// A cell the reader already knows is a date (XLSX date-formatted cell).
    Date(NaiveDateTime),
    /// A cell that could not be decoded; the string says why.
    Bad(String),
}

impl Cell {
    /// The cell for a field of `len` bytes, beyond `limits::FIELD_BYTES`.
    pub fn too_long(len: usize) -> Cell {
        Cell::Bad(format!(
            "a field of {len} bytes is {} ({} KiB)",
            limits::TOO_LONG,
            limits::FIELD_BYTES / 1024
        ))
    }

    /// True for a cell set aside because it is too long.
    pub fn is_too_long(&self) -> bool {
        matches!(self, Cell::Bad(why) if why.contains(limits::TOO_LONG))
    }

    /// The cell as text for messages, quarantine and extra columns.
    pub fn raw(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => format_number(*n),
            Cell::Date(d) => d.format("%Y-%m-%d %H:%M:%S").to_string(),
            Cell::Bad(why) => format!("<{why}>"),
        }
    }

    /// True for an empty cell or one holding only white space.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// Prints a number without a spurious `.0`, so a numeric MaHoSo reads as typed.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// One data row: the line (or Excel row, or JSON record) a person would look at.
#[derive(Debug, Clone)]
pub struct RawRow {
    pub line: u64,
    pub cells: Vec<Cell>,
    /// A structural problem found by the reader (e.g. not a JSON object).
    pub problem: Option<String>,
}

impl RawRow {
    /// True when every cell is blank: such rows are skipped and counted apart.
    pub fn is_blank(&self) -> bool {
        self.problem.is_none() && self.cells.iter().all(Cell::is_blank)
    }
}

/// What a reader learned about a file besides its rows.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub format: String,
    pub encoding: String,
    pub delimiter: Option<char>,
    pub sheet: Option<String>,
    pub header: Vec<String>,
    pub header_line: u64,
    pub export_at: Option<NaiveDateTime>,
    /// The export window the file states ("Từ ngày … đến ngày …"), or the operator gave.
    pub window: Option<Window>,
}

/// The days an export covers, and who said so: `file` (stated by it) or `option` (`--covers`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    pub source: &'static str,
}

/// Looks for an export window in a title block: "Từ ngày 15/5/2023 đến ngày 14/6/2023"
/// (one cell, or the dates in the cells after it).
pub fn window_in(cells: &[String]) -> Option<Window> {
    for (i, c) in cells.iter().enumerate() {
        let f = crate::ingest::checking::values::fold(c);
        if !(f.contains("tungay") || f.starts_with("kybaocao") || f.starts_with("thoigian")) {
            continue;
        }
        let mut dates = std::iter::once(c.as_str())
            .chain(cells[i + 1..].iter().take(4).map(String::as_str))
            .flat_map(|s| s.split(|ch: char| ch.is_whitespace() || ch == ',' || ch == ';'))
            .map(|t| t.trim_matches(|ch: char| !ch.is_ascii_digit()))
            .filter(|t| t.contains('/') || t.contains('-'))
            .filter_map(crate::ingest::checking::values::parse_date)
            .map(|d| d.date());
        if let (Some(from), Some(to)) = (dates.next(), dates.next()) {
            if from <= to {
                return Some(Window {
                    from,
                    to,
                    source: "file",
                });
            }
        }
    }
    None
}

/// A row source: the layout plus a stream of rows (errors abort the file).
pub struct Table {
    pub layout: Layout,
    pub rows: Box<dyn Iterator<Item = anyhow::Result<RawRow>> + Send>,
}

/// Looks for an explicit export date in an export's title block ("Ngày xuất: 15/06/2023").
pub fn export_date_in(cells: &[String]) -> Option<NaiveDateTime> {
    for (i, c) in cells.iter().enumerate() {
        let f = crate::ingest::checking::values::fold(c);
        let keys = [
            "ngayxuat",
            "ngaytrichxuat",
            "thoidiemxuat",
            "exportdate",
            "exportedat",
            "ngayketxuat",
        ];
        if keys.iter().any(|k| f.starts_with(k)) {
            if let Some((_, v)) = c.split_once(':') {
                if let Some(d) = crate::ingest::checking::values::parse_date(v) {
                    return Some(d);
                }
            }
            if let Some(d) = cells[i + 1..]
                .iter()
                .find(|x| !x.trim().is_empty())
                .and_then(|v| crate::ingest::checking::values::parse_date(v))
            {
                return Some(d);
            }
        }
    }
    None
}
