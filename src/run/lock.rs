//! The run lock: `<db>.lock`, held with an exclusive advisory lock (flock) for the whole
//! run. The kernel releases it when the process ends, however it ends, so a dead run never
//! blocks the next one; the file's text (pid and start time) is for people and logs.

use crate::error::{Exit, Failure};
use anyhow::{Context, Result};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// Held for the whole run; emptied on drop (the file stays, so no two processes can ever
/// lock two different files of the same name).
#[derive(Debug)]
pub struct Lock {
    file: File,
}

impl Lock {
    /// Takes the lock `<db>.lock`. Another live run: exit 4 at once, touching nothing. A
    /// lock file left non-empty by a run that died is taken over with a warning.
    pub fn take(db: &Path) -> Result<Lock> {
        let path = PathBuf::from(format!("{}.lock", db.display()));
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("opening {}", path.display()))?;
        let mut previous = String::new();
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                file.read_to_string(&mut previous).ok();
                let mut w = previous.split_whitespace();
                let (pid, started) = (w.next().unwrap_or("?"), w.next().unwrap_or("?"));
                anyhow::bail!(Failure::new(
                    Exit::Locked,
                    format!("another run (pid {pid}, started {started}) holds {}", path.display())
                ));
            }
            Err(TryLockError::Error(e)) => return Err(e).with_context(|| format!("locking {}", path.display())),
        }
        file.read_to_string(&mut previous).ok();
        if !previous.trim().is_empty() {
            tracing::warn!(
                "taking over a stale lock {} left by a dead run: {}",
                path.display(),
                previous.trim()
            );
        }
        file.set_len(0)?;
        file.rewind()?;
        writeln!(file, "{} {}", std::process::id(), chrono::Utc::now().to_rfc3339())
            .context("writing the lock file")?;
        file.sync_all().ok();
        Ok(Lock { file })
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Empty means "no run died holding it"; the flock itself goes with the file handle.
        let _ = self.file.set_len(0);
    }
}
