//! Reading: a file's bytes → rows (format and encoding detected, title block and header found).

pub mod csv;
pub mod detect;
pub mod json;
pub mod legacy;
pub mod record;
pub mod source;
pub mod xlsx;
