//! Decision 766/QĐ-TTg index: sub-indicators from the rates, weights and bands from the
//! versioned configuration (sql/index766.toml).

use super::rates::{Rate, Rates};
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

/// The configuration shipped with the program.
pub const DEFAULT_CONFIG: &str = include_str!("../../sql/index766.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub version: String,
    #[serde(rename = "group")]
    pub groups: Vec<GroupConfig>,
    #[serde(rename = "indicator")]
    pub indicators: Vec<IndicatorConfig>,
    #[serde(rename = "band")]
    pub bands: Vec<BandConfig>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupConfig {
    pub id: String,
    pub label: String,
    pub max: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorConfig {
    pub id: String,
    pub group: String,
    pub label: String,
    pub metric: String,
    pub points: f64,
    #[serde(default)]
    pub threshold: Option<f64>,
    #[serde(default = "yes")]
    pub confirmed: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BandConfig {
    pub min: f64,
    pub label: String,
    #[serde(default = "yes")]
    pub confirmed: bool,
}

fn yes() -> bool {
    true
}

/// One scored (or unscorable) sub-indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicator {
    pub id: String,
    pub group: String,
    pub label: String,
    pub metric: String,
    pub max_points: f64,
    pub threshold: Option<f64>,
    pub rate: Option<Rate>,
    /// None: no input data, the points are not scorable.
    pub points: Option<f64>,
    pub confirmed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub id: String,
    pub label: String,
    pub max_points: f64,
    pub points: f64,
    /// Points of this group's sub-indicators that had no data.
    pub unscorable_points: f64,
}

/// The index for a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Index766 {
    pub config_version: String,
    pub total: f64,
    pub max_scorable: f64,
    pub unscorable_points: f64,
    pub band: String,
    pub band_confirmed: bool,
    pub groups: Vec<Group>,
    pub indicators: Vec<Indicator>,
}

/// Parses and checks a configuration.
pub fn parse_config(text: &str) -> Result<Config> {
    let c: Config = toml::from_str(text).context("parsing the 766 configuration")?;
    for i in &c.indicators {
        if !c.groups.iter().any(|g| g.id == i.group) {
            bail!("766 indicator {} names unknown group {}", i.id, i.group);
        }
    }
    for g in &c.groups {
        let sum: f64 = c.indicators.iter().filter(|i| i.group == g.id).map(|i| i.points).sum();
        if (sum - g.max).abs() > 1e-9 {
            bail!(
                "766 group {} has max {} but its indicators add up to {sum}",
                g.id,
                g.max
            );
        }
    }
    Ok(c)
}

/// Scores the index from the rates (the 766 on-time rule among them).
pub fn score(cfg: &Config, rates: &Rates) -> Index766 {
    let mut indicators = Vec::new();
    for i in &cfg.indicators {
        let rate = rates.get(&i.metric);
        let points = rate.and_then(|r| r.percent).map(|p| match i.threshold {
            Some(t) if t > 0.0 => i.points * (p / t).min(1.0),
            _ => i.points * (p / 100.0).min(1.0),
        });
        indicators.push(Indicator {
            id: i.id.clone(),
            group: i.group.clone(),
            label: i.label.clone(),
            metric: i.metric.clone(),
            max_points: i.points,
            threshold: i.threshold,
            rate: rate.filter(|r| r.percent.is_some()),
            points,
            confirmed: i.confirmed,
        });
    }
    let groups: Vec<Group> = cfg
        .groups
        .iter()
        .map(|g| {
            let mine: Vec<&Indicator> = indicators.iter().filter(|i| i.group == g.id).collect();
            Group {
                id: g.id.clone(),
                label: g.label.clone(),
                max_points: g.max,
                points: mine.iter().filter_map(|i| i.points).sum(),
                unscorable_points: mine.iter().filter(|i| i.points.is_none()).map(|i| i.max_points).sum(),
            }
        })
        .collect();
    let total: f64 = groups.iter().map(|g| g.points).sum();
    let unscorable: f64 = groups.iter().map(|g| g.unscorable_points).sum();
    let max: f64 = groups.iter().map(|g| g.max_points).sum::<f64>() - unscorable;
    let band = cfg.bands.iter().find(|b| total >= b.min);
    Index766 {
        config_version: cfg.version.clone(),
        total,
        max_scorable: max,
        unscorable_points: unscorable,
        band: band.map(|b| b.label.clone()).unwrap_or_default(),
        band_confirmed: band.map(|b| b.confirmed).unwrap_or(false),
        groups,
        indicators,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_is_consistent_and_scores_linearly() {
        let cfg = parse_config(DEFAULT_CONFIG).unwrap();
        assert_eq!(cfg.groups.iter().map(|g| g.max).sum::<f64>(), 100.0);
        let rates = Rates {
            online_intake: Rate::new(25, 100),
            satisfaction: Rate::new(95, 100),
            on_time_766: Rate::new(90, 100),
            ..Default::default()
        };
        let idx = score(&cfg, &rates);
        let get = |id: &str| idx.indicators.iter().find(|i| i.id == id).unwrap().points;
        assert_eq!(get("dung_han_766"), Some(18.0)); // 20 × 90 %
        assert_eq!(get("tiep_nhan_truc_tuyen"), Some(3.0)); // 6 × 25/50
        assert_eq!(get("hai_long_giai_quyet"), Some(6.0)); // capped at the threshold
        assert_eq!(get("cong_bo_dung_han"), None); // no data: not scorable, not 0
        assert!(idx.unscorable_points > 0.0);
        assert_eq!(idx.total, 27.0);
        assert_eq!(idx.band, "Yếu");
    }
}
