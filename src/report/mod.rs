//! The report model: plain structs built from the metrics, with every figure formatted here.

pub mod build;
pub mod format;
pub mod forms;
pub mod late_list;
pub mod model;
pub mod narrative;
pub mod notes;
pub mod ranking766;
pub mod shortcomings;
pub mod tables;
pub mod units;
