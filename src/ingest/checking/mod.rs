//! Checking: cell values, the column tables of each kind of input, and rows — personal data
//! withheld, then a row made a typed dossier (or a feedback or catalogue row) or the reasons
//! it is quarantined.

pub mod columns;
pub mod fields;
pub mod other_kinds;
pub mod privacy;
pub mod validate;
pub mod values;
