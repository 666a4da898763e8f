//! Integration tests, one module per stage, in one binary (DuckDB links once).

mod availability;
mod build;
mod builtin;
mod cli;
mod common;
mod edges;
mod faults;
mod formats;
mod forms;
mod fuzz;
mod golden;
mod honest;
mod hostile;
mod house;
mod ingest;
mod kinds;
mod lake;
mod metrics;
mod national;
mod parity;
mod ranking;
mod registry;
mod report;
mod run;
mod signing;
mod site;
