//! Renderers: report model (JSON) → PDF.

pub mod builtin;
pub mod typst;

use crate::error::{Exit, Failure};
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Which renderer makes the PDFs.
pub enum Renderer {
    Typst(typst::Typst),
    Builtin { fonts_dir: PathBuf },
}

impl Renderer {
    /// `typst`, `builtin`, or `auto` (Typst when the pinned version is available, else the
    /// built-in renderer, with a warning).
    pub fn choose(name: &str, fonts_dir: &Path, timeout: Duration) -> Result<Renderer> {
        typst::check_fonts(fonts_dir)?;
        match name {
            "typst" => Ok(Renderer::Typst(typst::Typst::new(fonts_dir, timeout)?)),
            "builtin" => Ok(Renderer::Builtin {
                fonts_dir: fonts_dir.to_path_buf(),
            }),
            "auto" => match typst::Typst::new(fonts_dir, timeout) {
                Ok(t) => Ok(Renderer::Typst(t)),
                Err(e) => {
                    tracing::warn!("using the built-in renderer: {e:#}");
                    Ok(Renderer::Builtin {
                        fonts_dir: fonts_dir.to_path_buf(),
                    })
                }
            },
            other => Err(anyhow::Error::new(Failure::new(
                Exit::Usage,
                format!("unknown renderer '{other}' (typst, builtin or auto)"),
            ))),
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
