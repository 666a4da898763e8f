//! The report model: plain structs built from the metrics, with every figure formatted here.

pub mod format;
