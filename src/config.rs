//! baocao.toml: how figures are counted (and, later, who issues the reports).

use crate::period::Convention;
use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The configuration; every field has a default, so the file is optional.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub metrics: MetricsConfig,
}

/// `[metrics]`: period convention, the form's withdrawn note, the 766 configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsConfig {
    /// `cutoff15` (Decree 09/2019) or `calendar`.
    #[serde(default = "default_convention")]
    pub convention: String,
    /// Count withdrawn dossiers in columns (7) and (9) of II.06a, as the form's note says.
    #[serde(default = "yes")]
    pub withdrawn_in_resolved: bool,
    /// A 766 configuration file replacing the built-in sql/index766.toml.
    #[serde(default)]
    pub index766: Option<PathBuf>,
    /// The targets file of the year, if any.
    #[serde(default)]
    pub targets: Option<PathBuf>,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        MetricsConfig {
            convention: default_convention(),
            withdrawn_in_resolved: true,
            index766: None,
            targets: None,
        }
    }
}

fn default_convention() -> String {
    "cutoff15".into()
}

fn yes() -> bool {
    true
}

impl Config {
    /// Loads `path`, or ./baocao.toml when present, else the defaults.
    pub fn load(path: Option<&Path>) -> Result<Self> {
        let p = match path {
            Some(p) => p.to_path_buf(),
            None if Path::new("baocao.toml").exists() => PathBuf::from("baocao.toml"),
            None => return Ok(Config::default()),
        };
        let text = std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?;
        let c: Config = toml::from_str(&text).with_context(|| format!("parsing {}", p.display()))?;
        Convention::parse(&c.metrics.convention).with_context(|| format!("{}: [metrics] convention", p.display()))?;
        Ok(c)
    }
}
