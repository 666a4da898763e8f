//! Error kinds and the exit codes they map to (documented in README).

use std::fmt;

/// Process exit codes shared by every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    Warnings = 1,
    Usage = 2,
    Rejected = 3,
    Locked = 4,
    Render = 5,
    /// The system refused a write: disk full, read-only or unwritable folder.
    Io = 6,
    Internal = 10,
}

/// An error that knows which exit code it means.
#[derive(Debug)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

impl Failure {
    /// A failure with the given exit code.
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Failure {
            exit,
            message: message.into(),
        }
    }
}

/// The exit code for any error: a `Failure` anywhere in the chain decides; a write the
/// system refused (full disk, read-only or unwritable place) is 6; anything else internal.
pub fn exit_code(err: &anyhow::Error) -> Exit {
    if let Some(f) = err.chain().find_map(|e| e.downcast_ref::<Failure>()) {
        return f.exit;
    }
    if is_refused_write(err) {
        return Exit::Io;
    }
    Exit::Internal
}

/// True when the system refused to write: full disk, quota, file too large, read-only
/// file system, or no permission (from std's io errors or DuckDB's messages).
fn is_refused_write(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::*;
    let io = err.chain().filter_map(|e| e.downcast_ref::<std::io::Error>()).any(|e| {
        matches!(
            e.kind(),
            StorageFull | QuotaExceeded | FileTooLarge | ReadOnlyFilesystem | PermissionDenied
        )
    });
    let text = format!("{err:#}");
    io || [
        "No space left on device",
        "Read-only file system",
        "Permission denied",
        "File too large",
        "Disk quota exceeded",
    ]
    .iter()
    .any(|m| text.contains(m))
}
