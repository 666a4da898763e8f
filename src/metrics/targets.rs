//! Targets (chỉ tiêu) of a year: computed from the rates, or reported from the targets file.

use super::rates::Rates;
use crate::registry::RATES;
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A targets file (fixtures/ba-ria-vung-tau-2023/targets-2023.toml is an example).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetsFile {
    pub year: i32,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(rename = "target")]
    pub targets: Vec<Target>,
}

/// One target.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub id: String,
    pub label: String,
    /// Group, e.g. "CCHC" (administrative reform) or "CĐS" (digital transformation).
    #[serde(default)]
    pub group: Option<String>,
    /// A rate name (computed target); absent for a reported one.
    #[serde(default)]
    pub metric: Option<String>,
    /// ">=", "<=" or "=".
    pub comparator: String,
    pub threshold: f64,
    /// "%" (default) or a unit for counts.
    #[serde(default)]
    pub unit: Option<String>,
    /// Who set it: "HĐND tỉnh", "Thủ tướng Chính phủ", …
    pub set_by: String,
    /// Reported targets: the actual value, with what it counts and where it comes from.
    #[serde(default)]
    pub actual: Option<f64>,
    #[serde(default)]
    pub numerator: Option<i64>,
    #[serde(default)]
    pub denominator: Option<i64>,
    #[serde(default)]
    pub source: Option<String>,
}

/// A target's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Met,
    NotMet,
    NoData,
}

/// A target with its actual value and verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetResult {
    pub id: String,
    pub label: String,
    pub group: Option<String>,
    pub metric: Option<String>,
    pub comparator: String,
    pub threshold: f64,
    pub unit: String,
    pub set_by: String,
    /// "computed" from the dossiers, or "reported" from the targets file.
    pub origin: &'static str,
    pub source: Option<String>,
    pub actual: Option<f64>,
    pub numerator: Option<i64>,
    pub denominator: Option<i64>,
    /// Computed targets: the dossiers left out of the denominator because their file did
    /// not carry a column the rate needs (all of them: no data, verdict NoData).
    pub missing: Option<i64>,
    pub verdict: Verdict,
}

/// "x/y chỉ tiêu đạt và vượt".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub group: Option<String>,
    pub met: usize,
    pub total: usize,
    pub no_data: usize,
}

/// Reads and checks a targets file.
pub fn read(path: &Path) -> Result<TargetsFile> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    parse(&text).with_context(|| format!("in {}", path.display()))
}

/// Parses and checks the text of a targets file.
pub fn parse(text: &str) -> Result<TargetsFile> {
    let path = Path::new("targets");
    let f: TargetsFile = toml::from_str(text).context("parsing the targets file")?;
    for t in &f.targets {
        if !matches!(t.comparator.as_str(), ">=" | "<=" | "=") {
            bail!(
                "{}: target {}: comparator must be >=, <= or =, not '{}'",
                path.display(),
                t.id,
                t.comparator
            );
        }
        match (&t.metric, t.actual) {
            (Some(m), None) if RATES.iter().any(|e| e.key == m) => {}
            (Some(m), None) => bail!(
                "{}: target {}: unknown metric '{m}' (one of {})",
                path.display(),
                t.id,
                RATES.iter().map(|e| e.key).collect::<Vec<_>>().join(", ")
            ),
            (None, Some(_)) if t.source.is_some() => {}
            (None, Some(_)) => bail!("{}: target {}: a reported value needs its source", path.display(), t.id),
            (Some(_), Some(_)) => bail!(
                "{}: target {}: give a metric or an actual value, not both",
                path.display(),
                t.id
            ),
            (None, None) => bail!(
                "{}: target {}: needs a metric (computed) or an actual value (reported)",
                path.display(),
                t.id
            ),
        }
    }
    Ok(f)
}

fn compare(actual: f64, comparator: &str, threshold: f64) -> bool {
    // Compare at the precision printed (two decimals), so 97,995% does not pass 98%.
    let a = (actual * 100.0).round() / 100.0;
    match comparator {
        ">=" => a >= threshold,
        "<=" => a <= threshold,
        _ => (a - threshold).abs() < 0.005,
    }
}

/// Evaluates every target against the period's rates.
pub fn evaluate(f: &TargetsFile, rates: &Rates) -> Vec<TargetResult> {
    f.targets
        .iter()
        .map(|t| {
            let (origin, actual, num, den, missing) = match &t.metric {
                Some(m) => {
                    let r = rates.get(m).unwrap_or_default();
                    (
                        "computed",
                        r.percent,
                        Some(r.numerator),
                        Some(r.denominator),
                        Some(r.missing),
                    )
                }
                None => ("reported", t.actual, t.numerator, t.denominator, None),
            };
            let verdict = match actual {
                None => Verdict::NoData,
                Some(a) if compare(a, &t.comparator, t.threshold) => Verdict::Met,
                Some(_) => Verdict::NotMet,
            };
            TargetResult {
                id: t.id.clone(),
                label: t.label.clone(),
                group: t.group.clone(),
                metric: t.metric.clone(),
                comparator: t.comparator.clone(),
                threshold: t.threshold,
                unit: t.unit.clone().unwrap_or_else(|| "%".into()),
                set_by: t.set_by.clone(),
                origin,
                source: t.source.clone(),
                actual,
                numerator: num,
                denominator: den,
                missing,
                verdict,
            }
        })
        .collect()
}

/// The overall summary first, then one per group in order of first appearance.
pub fn summarise(results: &[TargetResult]) -> Vec<Summary> {
    let count = |group: Option<&str>| {
        let sel: Vec<&TargetResult> = results
            .iter()
            .filter(|r| group.is_none() || r.group.as_deref() == group)
            .collect();
        Summary {
            group: group.map(str::to_string),
            met: sel.iter().filter(|r| r.verdict == Verdict::Met).count(),
            total: sel.len(),
            no_data: sel.iter().filter(|r| r.verdict == Verdict::NoData).count(),
        }
    };
    let mut out = vec![count(None)];
    let mut groups: Vec<&str> = Vec::new();
    for r in results {
        if let Some(g) = r.group.as_deref() {
            if !groups.contains(&g) {
                groups.push(g);
            }
        }
    }
    out.extend(groups.into_iter().map(|g| count(Some(g))));
    out
}
