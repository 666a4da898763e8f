//! Renderers: report model (JSON) → PDF.

pub mod typst;
