//! `baocao regenerate`: rebuilds reports from the archived inputs their manifests name, in
//! a fresh in-memory database, and compares the PDFs byte for byte (MATCH / MISMATCH).

use super::Global;
use crate::error::Exit;
use anyhow::Result;
use std::io::Write;
use std::path::PathBuf;

const EXAMPLES: &str = "Examples:
  baocao regenerate out/monthly-2023-06.manifest.json
  baocao regenerate --all out";

/// Which manifests.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// A manifest (`*.manifest.json`), or a folder with --all.
    pub path: PathBuf,
    /// Every manifest under the folder.
    #[arg(long)]
    pub all: bool,
}

/// Runs `regenerate`: exit 0 when every report matches, 1 otherwise.
pub fn run(a: &Args, g: &Global) -> Result<Exit> {
    let manifests: Vec<PathBuf> = if a.all {
        let mut v: Vec<PathBuf> = walkdir::WalkDir::new(&a.path)
            .sort_by_file_name()
            .into_iter()
            .filter_map(|e| e.ok())
            .map(|e| e.into_path())
            .filter(|p| p.to_string_lossy().ends_with(".manifest.json"))
            .collect();
        v.sort();
        v
    } else {
        vec![a.path.clone()]
    };
    let bar = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        indicatif::ProgressBar::new(manifests.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut all_match = true;
    let mut out = std::io::stdout().lock();
    // The reports of one run name the same inputs: they share one replay of them.
    let mut replays = crate::run::regenerate::Replays::default();
    for m in &manifests {
        let v = crate::run::regenerate::regenerate_with(&mut replays, m, g.renderer)?;
        bar.inc(1);
        all_match &= v.matches;
        if v.matches {
            writeln!(out, "MATCH {}", m.display())?;
        } else {
            writeln!(out, "MISMATCH {}: {}", m.display(), v.differs.join("; "))?;
        }
    }
    bar.finish_and_clear();
    tracing::info!(
        "{} manifests, {} replays of their inputs",
        manifests.len(),
        replays.made
    );
    Ok(if all_match { Exit::Ok } else { Exit::Warnings })
}
