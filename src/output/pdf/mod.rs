//! Renderers: report model (JSON) → PDF.

pub mod builtin;
pub mod fonts;
pub mod sign_field;
pub mod summary;
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

    /// Renders a report model (already written as JSON to `json`) to `pdf`, atomically,
    /// with the empty signature field the model names over the signature block's free area.
    /// `creation_timestamp` comes from the report data, never the clock.
    pub fn render(&self, report: &Report, json: &Path, pdf: &Path, creation_timestamp: i64) -> Result<()> {
        let (bytes, area) = match self {
            Renderer::Typst(t) => t.render("report.typ", json, pdf, creation_timestamp)?,
            Renderer::Builtin { fonts } => builtin::render(report, fonts, creation_timestamp)?,
        };
        let field = &report.closing.signature_field;
        let bytes = match area {
            _ if field.is_empty() => bytes,
            Some(a) => {
                let t = std::time::Instant::now();
                let signed = sign_field::append(&bytes, &a, field)?;
                tracing::debug!("signature field {field} added in {:.3}s", t.elapsed().as_secs_f64());
                signed
            }
            None => {
                return Err(anyhow::Error::new(crate::error::Failure::new(
                    crate::error::Exit::Render,
                    "the rendered PDF has no signature block to put the signature field on",
                )))
            }
        };
        // Test hook: die with the PDF complete under its temporary name.
        if std::env::var_os("BAOCAO_FAULT_ABORT_BEFORE_RENAME").is_some() {
            std::fs::write(crate::fsx::temp_path(pdf), &bytes)?;
            std::process::abort();
        }
        crate::fsx::write_atomic(pdf, &bytes)
    }

    /// Renders a one-table summary (already written as JSON to `json`) to PDF bytes, dated
    /// `creation_timestamp`; `pdf` is where they will go (Typst compiles beside it).
    pub fn render_summary(
        &self,
        s: &summary::Summary,
        json: &Path,
        pdf: &Path,
        creation_timestamp: i64,
    ) -> Result<Vec<u8>> {
        match self {
            Renderer::Typst(t) => t.compile(typst::WATCH_TEMPLATES, "watch.typ", json, pdf, creation_timestamp),
            Renderer::Builtin { fonts } => {
                let id = crate::fsx::sha256(serde_json::to_string(s)?.as_bytes());
                builtin::summary::render(s, fonts, creation_timestamp, &id)
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
