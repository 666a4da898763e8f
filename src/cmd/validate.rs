//! `baocao validate PATH…`: checks exports with exactly the rules of `ingest`, in a
//! throw-away in-memory store; writes nothing.

use super::Global;
use crate::error::Exit;
use anyhow::Result;

/// Runs `validate` (its arguments are those of `ingest`).
pub fn run(a: &super::ingest::Args, g: &Global) -> Result<Exit> {
    super::ingest::load(&crate::store::open_in_memory()?, a, true, g)
}
