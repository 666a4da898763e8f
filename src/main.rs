//! Command-line entry point: parses arguments and hands over to the library.

use clap::Parser;

fn main() {
    let args = baocao::cli::Cli::parse();
    let code = baocao::cli::run(args);
    std::process::exit(code as i32);
}
