//! The national feature: each province's Parquet lake (`export`), the roll-up of provinces
//! from lakes or stores (`rollup`, ranked like with like), and the national report's words
//! (`report national`).

pub mod lake;
pub mod like;
pub mod report;
pub mod rollup;
