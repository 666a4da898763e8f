//! Lets the binary find the official libduckdb.so without LD_LIBRARY_PATH (see Makefile).
fn main() {
    println!("cargo:rerun-if-env-changed=DUCKDB_LIB_DIR");
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var_os("CARGO_FEATURE_BUNDLED").is_some() {
        return;
    }
    // Installed layout first ($PREFIX/bin/baocao beside $PREFIX/lib/baocao/libduckdb.so),
    // then the cached library the build linked against.
    println!("cargo:rustc-link-arg=-Wl,-rpath,$ORIGIN/../lib/baocao");
    match std::env::var("DUCKDB_LIB_DIR") {
        Ok(dir) => println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}"),
        Err(_) => println!(
            "cargo:warning=DUCKDB_LIB_DIR is not set: build with `make` (it fetches the official DuckDB \
             library) or `make BUNDLED=1` (compiles DuckDB from source)"
        ),
    }
}
