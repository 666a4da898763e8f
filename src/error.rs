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

/// The exit code for any error: a `Failure` anywhere in the chain decides, else internal.
pub fn exit_code(err: &anyhow::Error) -> Exit {
    err.chain()
        .find_map(|e| e.downcast_ref::<Failure>())
        .map(|f| f.exit)
        .unwrap_or(Exit::Internal)
}
