//! The report model: everything a template prints, as ready-made strings. Serialised to
//! report.json; templates lay it out and never compute a figure.

use serde::Serialize;

/// One report (monthly, quarterly, … or annual).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub kind: String,
    pub header: Header,
    /// The narrative, section by section.
    pub sections: Vec<Section>,
    /// After the narrative, in print order: tables (targets, key figures, ranking, 766) and charts.
    pub blocks: Vec<Block>,
    pub closing: Closing,
    pub appendix: Appendix,
    /// Data version: a hash of the input files behind the figures.
    pub data_version: String,
}

/// A table or a chart of the body.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    Table(Table),
    Chart(Chart),
}

/// A table with its heading and every word it prints. `id` names it for other outputs:
/// `targets`, `key_figures`, `ranking`, `index766`.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub id: String,
    pub heading: String,
    /// Paragraphs printed between the heading and the table.
    pub intro: Vec<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<TableRow>,
    /// Bold lines printed under the table (the targets summary).
    pub notes: Vec<String>,
    /// Font size of the cells, in points.
    pub size: f32,
}

/// A column: its title, width (None: takes the rest of the line) and alignment.
#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub title: String,
    pub width_mm: Option<f32>,
    /// "left", "center" or "right".
    pub align: String,
}

/// A row of cells; totals are printed bold.
#[derive(Debug, Clone, Serialize)]
pub struct TableRow {
    pub cells: Vec<String>,
    pub strong: bool,
}

impl Report {
    /// A table of the body by id.
    pub fn table(&self, id: &str) -> Option<&Table> {
        self.blocks.iter().find_map(|b| match b {
            Block::Table(t) if t.id == id => Some(t),
            _ => None,
        })
    }
}

/// The Decree 30 frame: issuer, number, national title, place and date, subject.
#[derive(Debug, Clone, Serialize)]
pub struct Header {
    pub issuer: Vec<String>,
    /// "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and "Độc lập - Tự do - Hạnh phúc".
    pub national_title: String,
    pub motto: String,
    pub number: String,
    pub place_date: String,
    pub title: String,
    pub subject: String,
    pub period_line: String,
    /// A note on the administrative units (the 2025 reorganisation), or null.
    pub footnote: Option<String>,
}

/// A heading with its paragraphs.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub heading: String,
    pub paragraphs: Vec<String>,
}

/// A bar chart: values in 0–100 for the bar length, labels and printed values as text.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub title: String,
    pub note: String,
    pub bars: Vec<Bar>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    pub label: String,
    /// Bar length as a fraction of the full width (0–1).
    pub fraction: f64,
    pub value: String,
}

/// Biểu II.06a as printed: header block and rows of formatted cells (3)–(13).
#[derive(Debug, Clone, Serialize)]
pub struct Appendix {
    pub form: String,
    /// The three-level header: see `AppendixHeader`.
    pub head: AppendixHeader,
    pub title: String,
    pub period_line: String,
    pub reporting_unit: String,
    pub receiving_unit: String,
    pub unit_note: String,
    pub rows: Vec<AppendixRow>,
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AppendixRow {
    pub stt: String,
    pub name: String,
    /// Totals and subtotals are printed bold.
    pub strong: bool,
    pub cells: Vec<String>,
    /// The same figures (3)–(13) as numbers, for the workbook; empty on a heading row
    /// without figures ("Theo lĩnh vực").
    pub counts: Vec<i64>,
}

/// The words of the II.06a header: row labels, the two groups, their sub-groups, the eleven
/// column titles and the column numbers (1)…(13).
#[derive(Debug, Clone, Serialize)]
pub struct AppendixHeader {
    pub stt: String,
    pub name: String,
    pub received: String,
    pub results: String,
    pub total: String,
    pub of_which: String,
    pub resolved: String,
    pub in_progress: String,
    /// (4)…(6) and (8)…(10) and (12)…(13): the leaf titles under the groups.
    pub received_cols: Vec<String>,
    pub resolved_cols: Vec<String>,
    pub in_progress_cols: Vec<String>,
    pub numbers: Vec<String>,
}

/// "Nơi nhận" and the signature block.
#[derive(Debug, Clone, Serialize)]
pub struct Closing {
    /// "Nơi nhận:".
    pub recipients_title: String,
    pub recipients: Vec<String>,
    pub signer_lines: Vec<String>,
    pub signer_name: String,
    /// The empty signature field added over the free area under the signer lines ("" for none).
    pub signature_field: String,
}
