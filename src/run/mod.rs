//! The scheduled job: lock, inbox, reports due, manifests, regeneration.

pub mod job;
pub mod lock;
pub mod manifest;
pub mod regenerate;
pub mod watch;
