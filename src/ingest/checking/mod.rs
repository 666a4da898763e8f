//! Checking: cell values, the column tables of each kind of input, and rows — personal data
//! withheld, then a row made a typed dossier or the reasons it is quarantined.

pub mod columns;
pub mod fields;
pub mod privacy;
pub mod validate;
pub mod values;
