//! Renderers: report model (JSON) → PDF.

pub mod builtin;
pub mod typst;

use crate::choice::RendererChoice;
use crate::report::model::Report;
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Which renderer makes the PDFs.
pub enum Renderer {
    Typst(typst::Typst),
    Builtin { fonts_dir: PathBuf },
}

impl Renderer {
    /// Typst, built-in, or auto (Typst when the pinned version is available, else the
    /// built-in renderer, with a warning).
    pub fn choose(choice: RendererChoice, fonts_dir: &Path, timeout: Duration) -> Result<Renderer> {
        typst::check_fonts(fonts_dir)?;
        match choice {
            RendererChoice::Typst => Ok(Renderer::Typst(typst::Typst::new(fonts_dir, timeout)?)),
            RendererChoice::Builtin => Ok(Renderer::Builtin {
                fonts_dir: fonts_dir.to_path_buf(),
            }),
            RendererChoice::Auto => match typst::Typst::new(fonts_dir, timeout) {
                Ok(t) => Ok(Renderer::Typst(t)),
                Err(e) => {
                    tracing::warn!("using the built-in renderer: {e:#}");
                    Ok(Renderer::Builtin {
                        fonts_dir: fonts_dir.to_path_buf(),
                    })
                }
            },
        }
    }

    /// Renders a report model (already written as JSON to `json`) to `pdf`, atomically.
    /// `creation_timestamp` comes from the report data, never the clock.
    pub fn render(&self, report: &Report, json: &Path, pdf: &Path, creation_timestamp: i64) -> Result<()> {
        match self {
            Renderer::Typst(t) => t.render("report.typ", json, pdf, creation_timestamp),
            Renderer::Builtin { fonts_dir } => {
                crate::fsx::write_atomic(pdf, &builtin::render(report, fonts_dir, creation_timestamp)?)
            }
        }
    }

    /// The name recorded in manifests.
    pub fn name(&self) -> &'static str {
        match self {
            Renderer::Typst(_) => "typst",
            Renderer::Builtin { .. } => "builtin",
        }
    }
}
