//! A one-table document — the daily warning list's summary (`baocao watch --out`): a title,
//! the lines saying what the figures mean, and a table whose header repeats on every page.
//! Both renderers draw it (reports/watch.typ, the built-in `builtin::summary`); every word
//! and figure is a string of this model.

use serde::Serialize;

/// The summary as printed.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub title: String,
    /// Under the title: the date, what each band means, how working days are counted.
    pub lines: Vec<String>,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// The last row, in bold (the totals).
    pub total: Vec<String>,
}
