//! The report model: everything a template prints, as ready-made strings. Serialised to
//! report.json; templates lay it out and never compute a figure.

use serde::Serialize;

/// One report (monthly or annual).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub kind: String,
    pub header: Header,
    pub sections: Vec<Section>,
    pub key_figures: Vec<Figure>,
    pub charts: Vec<Chart>,
    pub targets: Option<Targets>,
    pub index766: Option<Index>,
    pub ranking: Vec<RankRow>,
    pub appendix: Appendix,
    pub closing: Closing,
    /// Data version: a hash of the input files behind the figures.
    pub data_version: String,
}

/// The Decree 30 frame: issuer, number, national title, place and date, subject.
#[derive(Debug, Clone, Serialize)]
pub struct Header {
    pub issuer: Vec<String>,
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

/// A row of the key-figures table.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub label: String,
    pub value: String,
    pub previous: String,
    pub change: String,
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

/// The targets table of a year-end review.
#[derive(Debug, Clone, Serialize)]
pub struct Targets {
    pub rows: Vec<TargetRow>,
    pub summary: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetRow {
    pub id: String,
    pub label: String,
    pub target: String,
    pub actual: String,
    pub verdict: String,
    pub met: bool,
    pub note: String,
}

/// The Decision 766 score.
#[derive(Debug, Clone, Serialize)]
pub struct Index {
    pub total: String,
    pub band: String,
    pub note: String,
    pub groups: Vec<IndexGroup>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndexGroup {
    pub label: String,
    pub points: String,
    pub max: String,
}

/// A department in the ranking by on-time rate.
#[derive(Debug, Clone, Serialize)]
pub struct RankRow {
    pub rank: String,
    pub unit: String,
    pub resolved: String,
    pub on_time: String,
    pub online: String,
}

/// Biểu II.06a as printed: header block and rows of formatted cells (3)–(13).
#[derive(Debug, Clone, Serialize)]
pub struct Appendix {
    pub form: String,
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
}

/// "Nơi nhận" and the signature block.
#[derive(Debug, Clone, Serialize)]
pub struct Closing {
    pub recipients: Vec<String>,
    pub signer_lines: Vec<String>,
    pub signer_name: String,
}
