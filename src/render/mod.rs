//! Renderers: report model (JSON) → PDF.

pub mod builtin;
pub mod fonts;
pub mod typst;

pub use fonts::Fonts;

use crate::choice::RendererChoice;
use crate::report::model::Report;
use anyhow::Result;
use std::path::Path;
use std::time::Duration;

/// Which renderer makes the PDFs.
pub enum Renderer {
    Typst(typst::Typst),
    Builtin { fonts: Fonts },
}

impl Renderer {
    /// Typst, built-in, or auto (Typst when the pinned version is available, else the
    /// built-in renderer, with a warning). `fonts_dir`: a configured font folder, else the
    /// fonts built into the binary.
    pub fn choose(choice: RendererChoice, fonts_dir: Option<&Path>, timeout: Duration) -> Result<Renderer> {
        let loaded = fonts::load(fonts_dir)?;
        let typst =
            || -> Result<Renderer> { Ok(Renderer::Typst(typst::Typst::new(&fonts::dir(fonts_dir)?, timeout)?)) };
        match choice {
            RendererChoice::Typst => typst(),
            RendererChoice::Builtin => Ok(Renderer::Builtin { fonts: loaded }),
            RendererChoice::Auto => match typst() {
                Ok(t) => Ok(t),
                Err(e) => {
                    tracing::warn!("using the built-in renderer: {e:#}");
                    Ok(Renderer::Builtin { fonts: loaded })
                }
            },
        }
    }

    /// Renders a report model (already written as JSON to `json`) to `pdf`, atomically.
    /// `creation_timestamp` comes from the report data, never the clock.
    pub fn render(&self, report: &Report, json: &Path, pdf: &Path, creation_timestamp: i64) -> Result<()> {
        match self {
            Renderer::Typst(t) => t.render("report.typ", json, pdf, creation_timestamp),
            Renderer::Builtin { fonts } => {
                crate::fsx::write_atomic(pdf, &builtin::render(report, fonts, creation_timestamp)?)
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
