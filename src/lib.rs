//! baocao: agency dossier exports → DuckDB → official metrics → PDF reports.

pub mod calendar;
pub mod choice;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod error;
pub mod fsx;
pub mod ingest;
pub mod issue;
pub mod metrics;
pub mod names;
pub mod national;
pub mod output;
pub mod period;
pub mod pipeline;
pub mod registry;
pub mod report;
pub mod run;
pub mod store;
pub mod synth;
pub mod watch;
