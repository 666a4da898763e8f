//! `baocao synth generate|calibrate`: synthetic, realistic exports for tests and
//! benchmarks, deterministic (same seed, same bytes).

use super::Global;
use crate::error::{Exit, Failure};
use crate::synth;
use anyhow::{Context, Result};
use std::io::Write;
use std::path::PathBuf;

const EXAMPLES: &str = "Examples:
  baocao synth generate --out /tmp/g --from 2023-05-15 --to 2023-06-14 --dossiers 20000 --seed 1
  baocao synth generate --out /tmp/g --messy --format xlsx --headers vietnamese
  baocao synth calibrate --spec fixtures/nghe-an-2023-06/spec.toml --out /tmp/na";

/// Which synthetic export to make.
#[derive(clap::Subcommand, Debug)]
pub enum Args {
    /// Generate a deterministic export (same seed, same bytes).
    #[command(after_help = EXAMPLES)]
    Generate(synth::GenerateArgs),
    /// Build an export that reproduces published figures, from a calibration spec.
    #[command(after_help = EXAMPLES)]
    Calibrate {
        /// The spec (TOML), e.g. fixtures/nghe-an-2023-06/spec.toml.
        #[arg(long)]
        spec: PathBuf,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
    },
}

/// Runs `synth`; prints the files written.
pub fn run(a: &Args, _g: &Global) -> Result<Exit> {
    let written = match a {
        Args::Calibrate { spec, out } => {
            let spec = synth::calibrate::read_spec(spec).map_err(|e| Failure::new(Exit::Usage, format!("{e:#}")))?;
            synth::calibrate::calibrate(&spec, out)?
        }
        Args::Generate(g) => synth::generate(g).context("generating fixtures")?,
    };
    let mut out = std::io::stdout().lock();
    for w in written {
        writeln!(out, "{}", w.display())?;
    }
    Ok(Exit::Ok)
}
