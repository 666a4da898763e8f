//! Integration tests in one binary (DuckDB links once). A module is a stage of the pipeline
//! or a rule that crosses stages; docs/testing.md says which rule each one pins.
//!
//! Stages: `ingest` (reading and checking), `storing`, `hostile` and `fuzz` (bad input),
//! `metrics`, `registry`, `forms`, `ranking`, `report`, `shortcomings`, `notes`, `builtin`, `parity`, `formats`,
//! `signing`, `issue`, `run`, `lake` and `national`, `site`, `cli`, `build` (the binary and its DuckDB),
//! `watch`, `watch_daily` and `letters` (acting before and after lateness).
//! Rules: `golden` (published figures), `hand_counts` (every rate by hand), `honest` (what
//! a report may state), `availability` (absent is not zero), `edges` (periods without data,
//! users' mistakes), `periods` (periods other than the month), `faults` (full disks, crashes),
//! `house` (the repository itself). `common` holds the helpers.

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
mod hand_counts;
mod honest;
mod hostile;
mod house;
mod ingest;
mod issue;
mod lake;
mod letters;
mod metrics;
mod national;
mod notes;
mod parity;
mod periods;
mod ranking;
mod registry;
mod report;
mod run;
mod shortcomings;
mod signing;
mod site;
mod storing;
mod watch;
mod watch_daily;
