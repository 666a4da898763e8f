//! The row counter shown on a terminal while a file loads (hidden in cron, pipes and tests).

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::Path;

/// A row-count spinner on a terminal; hidden otherwise (cron, pipes, tests).
pub fn row_bar(enabled: bool, path: &Path, position: Option<(usize, usize)>) -> ProgressBar {
    if !enabled || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg}: {pos} rows ({per_sec})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    bar.set_message(match position {
        Some((i, n)) => format!("file {i}/{n} {name}"),
        None => name,
    });
    bar
}
