//! The closed choices of the command line and the configuration, as types: an unknown
//! value is a usage error naming the accepted ones, never a silent fallback.

use clap::ValueEnum;
use serde::{Deserialize, Serialize};

/// Which report a command makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportKind {
    /// "Tình hình, kết quả giải quyết TTHC" of a month, with the II.06a appendix.
    Monthly,
    /// The same report for a quarter (2023-Q2).
    Quarterly,
    /// The same report for the first or second half of a year (2023-H1).
    HalfYear,
    /// The same report for the first nine months of a year (2023-9M).
    NineMonths,
    /// The year-end review of administrative reform and digital transformation.
    Annual,
}

impl ReportKind {
    /// The name used in file names, manifests and configuration.
    pub fn name(self) -> &'static str {
        match self {
            ReportKind::Monthly => "monthly",
            ReportKind::Quarterly => "quarterly",
            ReportKind::HalfYear => "half-year",
            ReportKind::NineMonths => "nine-months",
            ReportKind::Annual => "annual",
        }
    }

    /// The periods of a year this report is made for, in order.
    pub fn periods_of_year(self) -> Vec<crate::period::PeriodKind> {
        use crate::period::PeriodKind;
        match self {
            ReportKind::Monthly => (1..=12).map(PeriodKind::Month).collect(),
            ReportKind::Quarterly => (1..=4).map(PeriodKind::Quarter).collect(),
            ReportKind::HalfYear => vec![PeriodKind::Half(1), PeriodKind::Half(2)],
            ReportKind::NineMonths => vec![PeriodKind::NineMonths],
            ReportKind::Annual => vec![PeriodKind::Year],
        }
    }

    /// True when a period of this kind can be reported by this report (a monthly report
    /// also takes custom dates).
    pub fn fits(self, k: crate::period::PeriodKind) -> bool {
        use crate::period::PeriodKind;
        match self {
            ReportKind::Monthly => matches!(k, PeriodKind::Month(_) | PeriodKind::Custom),
            ReportKind::Quarterly => matches!(k, PeriodKind::Quarter(_)),
            ReportKind::HalfYear => matches!(k, PeriodKind::Half(_)),
            ReportKind::NineMonths => matches!(k, PeriodKind::NineMonths),
            ReportKind::Annual => matches!(k, PeriodKind::Year),
        }
    }

    /// Parses a name as written in files (manifests, report_runs).
    pub fn parse(s: &str) -> Option<Self> {
        <Self as ValueEnum>::from_str(s, false).ok()
    }
}

/// Which renderer makes the PDFs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RendererChoice {
    /// The pinned Typst CLI.
    Typst,
    /// The renderer inside the binary (printpdf): no external tool.
    Builtin,
    /// Typst when the pinned version is there, else built-in (with a warning).
    #[default]
    Auto,
}

/// A file a report is written as (besides its JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// The official PDF (always made).
    Pdf,
    /// The II.06a form and the report's tables as an Excel workbook.
    Xlsx,
    /// An editable Word draft of the report.
    Docx,
}

impl Format {
    /// The file extension.
    pub fn ext(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Xlsx => "xlsx",
            Format::Docx => "docx",
        }
    }
}

/// An appendix form a report carries after its signature block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppendixKind {
    /// Biểu II.06a: dossiers handled, per level and unit, and per field.
    Ii06a,
    /// Biểu II.06b: the same columns per procedure, grouped by field.
    Ii06b,
    /// Biểu II.07b: the procedures of the catalogue per managing unit.
    Ii07b,
    /// The dossiers resolved late in the period, by agency, with their apology letter.
    LateList,
}

impl AppendixKind {
    /// The configuration name and the id of its form in the report model.
    pub fn name(self) -> &'static str {
        match self {
            AppendixKind::Ii06a => "ii06a",
            AppendixKind::Ii06b => "ii06b",
            AppendixKind::Ii07b => "ii07b",
            AppendixKind::LateList => "late_list",
        }
    }
}

/// How `metrics` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum OutputFormat {
    #[default]
    Table,
    Json,
    Csv,
}

/// How log lines and errors are written to stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum LogFormat {
    #[default]
    Human,
    Json,
}
