//! `baocao completions bash|zsh|fish` and `baocao man`: shell completions and the man page,
//! generated from the same definitions as `--help`.

use crate::error::Exit;
use anyhow::Result;
use clap::CommandFactory;
use std::io::Write;

const EXAMPLES: &str = "Examples:
  baocao completions bash > /etc/bash_completion.d/baocao
  baocao completions zsh > \"${fpath[1]}/_baocao\"";

/// The shell to complete for.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Runs `completions`: the script on stdout.
pub fn run(a: &Args) -> Result<Exit> {
    let mut cmd = crate::cli::Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "baocao", &mut buf);
    std::io::stdout().lock().write_all(&buf)?;
    Ok(Exit::Ok)
}

/// Runs `man`: the roff man page on stdout (installed by `make install`).
pub fn man() -> Result<Exit> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(crate::cli::Cli::command()).render(&mut buf)?;
    std::io::stdout().lock().write_all(&buf)?;
    Ok(Exit::Ok)
}
