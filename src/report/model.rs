//! The report model: everything a template prints, as ready-made strings. Serialised to
//! report.json (and read back from it by the site); templates lay it out and never compute
//! a figure.

use serde::{Deserialize, Serialize};

/// One report (monthly, quarterly, … or annual).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub kind: String,
    pub header: Header,
    /// The body, section by section: the narrative, the official's own text, the tables
    /// and charts of each section.
    pub sections: Vec<Section>,
    /// The headings of the sections the official writes that this report lacks, numbered
    /// after the last section: the DOCX draft prints each with an empty paragraph to fill;
    /// the PDF and the site never print an empty heading.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unwritten: Vec<String>,
    pub closing: Closing,
    /// The appendix forms after the signature (II.06a, and II.06b / II.07b when configured).
    pub appendices: Vec<Appendix>,
    /// Data version: a hash of the input files behind the figures.
    pub data_version: String,
}

/// A table or a chart of the body.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    Table(Table),
    Chart(Chart),
}

/// A table with its heading and every word it prints. `id` names it for other outputs:
/// `targets`, `key_figures`, `ranking`, `index766`.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Column {
    pub title: String,
    pub width_mm: Option<f32>,
    /// "left", "center" or "right".
    pub align: String,
}

/// A row of cells; totals are printed bold.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableRow {
    pub cells: Vec<String>,
    pub strong: bool,
    /// The registry key of the one figure the row prints (src/registry.rs: `on_time`,
    /// `total_handled`, …), so a reader of report.json finds the row without its words
    /// (the site's trend). Not printed; absent from the JSON when the row has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

impl Report {
    /// The tables and charts of the body, in print order.
    pub fn blocks(&self) -> impl Iterator<Item = &Block> {
        self.sections.iter().flat_map(|s| s.blocks.iter())
    }

    /// A table of the body by id.
    pub fn table(&self, id: &str) -> Option<&Table> {
        self.blocks().find_map(|b| match b {
            Block::Table(t) if t.id == id => Some(t),
            _ => None,
        })
    }
}

/// The Decree 30 frame: issuer, number, national title, place and date, subject.
#[derive(Debug, Clone, Serialize, Deserialize)]
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

/// A section of the body: its heading, the paragraphs drawn from the data, the official's
/// own text (from the notes file), then its tables and charts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Section {
    pub heading: String,
    pub paragraphs: Vec<String>,
    /// The official's words, as written in the notes file (docs/rules.md, The official's
    /// own text); absent from the JSON when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub text: Vec<Text>,
    /// The section's tables and charts, after its words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocks: Vec<Block>,
}

/// A block of the official's text: a sub-heading, a paragraph or a list item, in runs of
/// plain, bold and italic words printed literally.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Text {
    /// "heading", "paragraph" or "item".
    pub kind: String,
    pub spans: Vec<Span>,
}

/// A run of words in one style.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Span {
    pub text: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bold: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub italic: bool,
}

impl Text {
    /// The words without their styles.
    pub fn plain(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }
}

/// A bar chart: values in 0–100 for the bar length, labels and printed values as text.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Chart {
    pub title: String,
    pub note: String,
    pub bars: Vec<Bar>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Bar {
    pub label: String,
    /// Bar length as a fraction of the full width (0–1).
    pub fraction: f64,
    pub value: String,
}

/// An appendix form as printed (Biểu II.06a, II.06b, II.07b): its header block, a
/// multi-level column header given cell by cell, and rows of formatted cells.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Appendix {
    /// "ii06a", "ii06b" or "ii07b".
    pub id: String,
    /// The workbook sheet the form is written to.
    pub sheet: String,
    /// The form's code, top left: "Biểu số II.06a/VPCP/KSTT".
    pub form: String,
    pub title: String,
    pub period_line: String,
    pub reporting_unit: String,
    pub receiving_unit: String,
    pub unit_note: String,
    /// One per printed column: (1) STT, (2) the name, then the figures.
    pub columns: Vec<FormColumn>,
    /// The header cells in row-major order (each placed at its row and column).
    pub head: Vec<HeadCell>,
    /// Height of each header row, in points (the built-in renderer and the workbook).
    pub head_heights: Vec<f32>,
    pub rows: Vec<AppendixRow>,
    pub note: String,
}

/// A printed column of a form: width in mm (None takes the rest of the line), alignment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FormColumn {
    pub width_mm: Option<f32>,
    /// "left", "center" or "right".
    pub align: String,
}

/// A header cell of a form, spanning rows and columns from (row, col).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HeadCell {
    pub row: usize,
    pub col: usize,
    pub rowspan: usize,
    pub colspan: usize,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AppendixRow {
    pub stt: String,
    pub name: String,
    /// Totals and subtotals are printed bold.
    pub strong: bool,
    pub cells: Vec<String>,
    /// The same figures as numbers, for the workbook; empty on a heading row without
    /// figures ("Theo lĩnh vực").
    pub counts: Vec<i64>,
}

impl Report {
    /// An appendix form by id ("ii06a", "ii06b", "ii07b").
    pub fn appendix(&self, id: &str) -> Option<&Appendix> {
        self.appendices.iter().find(|a| a.id == id)
    }
}

/// "Nơi nhận" and the signature block.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Closing {
    /// "Nơi nhận:".
    pub recipients_title: String,
    pub recipients: Vec<String>,
    pub signer_lines: Vec<String>,
    pub signer_name: String,
    /// The empty signature field added over the free area under the signer lines ("" for none).
    pub signature_field: String,
}
