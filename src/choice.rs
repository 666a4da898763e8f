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
    /// The year-end review of administrative reform and digital transformation.
    Annual,
}

impl ReportKind {
    /// The name used in file names, manifests and configuration.
    pub fn name(self) -> &'static str {
        match self {
            ReportKind::Monthly => "monthly",
            ReportKind::Annual => "annual",
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
