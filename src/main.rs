//! Command-line entry point: parses arguments and hands over to the library.

use clap::Parser;

// A faster allocator: ingest allocates and frees millions of small strings across two threads.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args = baocao::cli::Cli::parse();
    let code = baocao::cli::run(args);
    std::process::exit(code as i32);
}
