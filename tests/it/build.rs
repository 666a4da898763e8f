//! The build links the DuckDB release the crate is written for, and the binary finds it.

use super::common::bin;
use std::process::Command;

#[test]
fn duckdb_library_is_the_pinned_release() {
    let lib = baocao::store::library().unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(lib.version, baocao::store::EXPECTED_DUCKDB);
    if cfg!(feature = "bundled") {
        assert!(
            lib.path.is_none(),
            "a bundled build loads no libduckdb.so: {:?}",
            lib.path
        );
    } else {
        let path = lib.path.expect("the official build loads libduckdb.so");
        assert!(path.ends_with("libduckdb.so"), "{}", path.display());
    }
}

#[test]
fn binary_finds_duckdb_without_ld_library_path() {
    // cargo puts the link-search folders on LD_LIBRARY_PATH for tests: remove it, so only
    // the binary's own rpath can find the library, as in cron.
    let out = Command::new(bin())
        .arg("doctor")
        .env_remove("LD_LIBRARY_PATH")
        .env("BAOCAO_DB", "/nonexistent/baocao-doctor.duckdb")
        .output()
        .expect("run baocao doctor");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.starts_with("duckdb:"))
        .unwrap_or_else(|| panic!("no duckdb line: {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    assert!(line.starts_with("duckdb: v1.5.6 ("), "{line}");
    if !cfg!(feature = "bundled") {
        let dir = std::env::var("DUCKDB_LIB_DIR").unwrap_or_default();
        assert!(line.contains("libduckdb.so") && line.contains(dir.as_str()), "{line}");
    }
}
