//! Storing: checked rows into DuckDB, one transaction per file — versions, quarantine, newest
//! export wins, what the file covers, and the counts reconciled.

pub mod batch;
pub mod coverage;
pub mod dossiers;
pub mod feed;
pub mod files;
pub mod other_kinds;
pub mod settings;
pub mod stream;
pub mod supersede;
