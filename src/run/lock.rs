//! The run lock: a file beside the database holding the pid and start time of the run.

use crate::error::{Exit, Failure};
use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Held for the whole run; removed on drop.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
}

fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

impl Lock {
    /// Takes the lock `<db>.lock`. Another live run: exit 4 at once. A lock left by a dead
    /// process is taken over with a warning.
    pub fn take(db: &Path) -> Result<Lock> {
        let path = PathBuf::from(format!("{}.lock", db.display()));
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        for _ in 0..2 {
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut f) => {
                    let now = chrono::Utc::now().to_rfc3339();
                    writeln!(f, "{} {now}", std::process::id()).context("writing the lock file")?;
                    f.sync_all().ok();
                    return Ok(Lock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let text = std::fs::read_to_string(&path).unwrap_or_default();
                    let pid: Option<u32> = text.split_whitespace().next().and_then(|p| p.parse().ok());
                    match pid {
                        Some(p) if p != std::process::id() && alive(p) => {
                            anyhow::bail!(Failure::new(
                                Exit::Locked,
                                format!(
                                    "another run (pid {p}, started {}) holds {}",
                                    text.split_whitespace().nth(1).unwrap_or("?"),
                                    path.display()
                                )
                            ));
                        }
                        _ => {
                            tracing::warn!(
                                "taking over a stale lock {} left by a dead run: {}",
                                path.display(),
                                text.trim()
                            );
                            std::fs::remove_file(&path).ok();
                        }
                    }
                }
                Err(e) => return Err(e).with_context(|| format!("creating {}", path.display())),
            }
        }
        anyhow::bail!(Failure::new(Exit::Locked, format!("could not take {}", path.display())))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
