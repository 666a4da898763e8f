//! What an operator must act on — rows quarantined, files rejected, a fallback renderer —
//! gathered during a command and printed once, as one block at the end of its output.

use crate::choice::RendererChoice;
use crate::ingest::{FileReport, Outcome};
use crate::output::pdf::Renderer;
use std::io::Write;

/// The lines of the block, in the order they were found.
#[derive(Debug, Default)]
pub struct Attention(Vec<String>);

impl Attention {
    /// Files rejected and files with quarantined rows.
    pub fn files(&mut self, reports: &[FileReport]) {
        for r in reports {
            match &r.outcome {
                Outcome::Rejected { reason } => self.0.push(format!("{}: file rejected — {reason}", r.path)),
                Outcome::Loaded { counts, .. } if counts.rows_quarantined > 0 => self.0.push(format!(
                    "{}: {} row(s) quarantined — see `baocao quarantine list --file {}`",
                    r.path, counts.rows_quarantined, r.path
                )),
                _ => {}
            }
        }
    }

    /// The built-in renderer standing in for a missing Typst under `auto`.
    pub fn renderer(&mut self, asked: RendererChoice, r: &Renderer) {
        if asked == RendererChoice::Auto && matches!(r, Renderer::Builtin { .. }) {
            self.0.push(
                "Typst is not available: the PDFs were made by the built-in renderer (run `make tools`, or set \
                 --renderer builtin to choose it)"
                    .into(),
            );
        }
    }

    /// Any other line.
    pub fn push(&mut self, line: String) {
        self.0.push(line);
    }

    /// Prints the block (nothing when there is nothing to act on).
    pub fn print(&self, out: &mut impl Write) -> std::io::Result<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        writeln!(out, "Cần xử lý (needs attention):")?;
        for l in &self.0 {
            writeln!(out, "  - {l}")?;
        }
        Ok(())
    }
}
