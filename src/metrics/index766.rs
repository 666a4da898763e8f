//! Decision 766/QĐ-TTg index: sub-indicators from the rates, weights and bands from the
//! versioned configuration (reference/index766.toml).

use super::rates::{Rate, Rates};
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

/// The configuration shipped with the program.
pub const DEFAULT_CONFIG: &str = include_str!("../../reference/index766.toml");

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
    /// The points Decision 766 leaves open, printed under every 766 table.
    #[serde(default)]
    pub choices: Choices,
    /// Whether a band may be given to an estimate (a score with unscorable points rescaled
    /// to 100). Off by default: docs/rules.md (Decision 766 index) allows a band only for a complete score.
    #[serde(default)]
    pub bands_for_estimates: bool,
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
    /// False for an indicator no export holds (scored only when reported; unscorable here).
    #[serde(default = "yes")]
    pub from_exports: bool,
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

/// A dossier withdrawn after its due date: on time (the form's note on column 9) or late.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WithdrawnAfterDue {
    #[default]
    OnTime,
    Late,
}

/// Which satisfaction rate scores the 766 satisfaction indicator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SatisfactionRule {
    /// docs/rules.md (Rates): rated satisfied over rated dossiers.
    #[default]
    Rated,
    /// (resolved − late − rated dissatisfied) / resolved.
    Handled,
}

/// The choices the decision leaves open (`[choices]` in the 766 configuration).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Choices {
    pub withdrawn_after_due: WithdrawnAfterDue,
    /// Statuses 6 (waiting for payment) and 8 (stopped) are within deadline (docs/rules.md, Status codes).
    pub paused_within: bool,
    pub satisfaction: SatisfactionRule,
}

impl Default for Choices {
    fn default() -> Self {
        Choices {
            withdrawn_after_due: WithdrawnAfterDue::OnTime,
            paused_within: true,
            satisfaction: SatisfactionRule::Rated,
        }
    }
}

impl Choices {
    /// The choices in words, as printed under the 766 table.
    pub fn words(&self) -> String {
        format!(
            "Cách tính: hồ sơ công dân rút sau ngày hẹn trả tính là {}; hồ sơ chờ thực hiện nghĩa vụ tài chính, dừng xử lý {}; \
             mức độ hài lòng tính {}.",
            match self.withdrawn_after_due {
                WithdrawnAfterDue::OnTime => "đúng hạn",
                WithdrawnAfterDue::Late => "quá hạn",
            },
            if self.paused_within {
                "tính là trong hạn"
            } else {
                "tính theo ngày hẹn trả"
            },
            match self.satisfaction {
                SatisfactionRule::Rated => "trên số hồ sơ được đánh giá",
                SatisfactionRule::Handled => "là số hồ sơ đã giải quyết không quá hạn, không bị đánh giá không hài lòng trên số hồ sơ đã giải quyết",
            }
        )
    }
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
    /// The rate scored; also kept, with its `reason` and `missing`, when no file carried the
    /// columns it needs (unscorable, never 0 points).
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
    pub choices: Choices,
    pub total: f64,
    pub max_scorable: f64,
    pub unscorable_points: f64,
    /// True when every point could be scored: only then is `total` the 766 score.
    pub complete: bool,
    /// For an incomplete score: total rescaled to 100 over the scorable points, "ước tính".
    pub estimate: Option<f64>,
    /// The band ("xếp loại"): for a complete score only (or for an estimate when the
    /// configuration allows it); None otherwise.
    pub band: Option<String>,
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
        // A misspelt metric must not pass as "no data": it is a configuration error.
        if i.from_exports && !crate::registry::RATES.iter().any(|r| r.key == i.metric) {
            bail!(
                "766 indicator {}: unknown metric '{}' (one of {}; or set from_exports = false for an indicator no export holds)",
                i.id,
                i.metric,
                crate::registry::RATES.iter().map(|r| r.key).collect::<Vec<_>>().join(", ")
            );
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
/// The index of every unit with data (same configuration, same rules on unscorable points).
pub fn by_unit(
    cfg: &Config,
    rates: &std::collections::BTreeMap<String, Rates>,
) -> std::collections::BTreeMap<String, Index766> {
    rates.iter().map(|(u, r)| (u.clone(), score(cfg, r))).collect()
}

/// Scores one set of rates (the province's or a unit's).
pub fn score(cfg: &Config, rates: &Rates) -> Index766 {
    let mut indicators = Vec::new();
    for i in &cfg.indicators {
        // The 766 reading of satisfaction, when the configuration chooses it.
        let metric = match (i.metric.as_str(), cfg.choices.satisfaction) {
            ("satisfaction", SatisfactionRule::Handled) => "satisfaction_766",
            (m, _) => m,
        };
        let rate = if i.from_exports { rates.get(metric) } else { None };
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
            rate: rate.filter(|r| r.percent.is_some() || r.no_column()),
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
    let complete = unscorable < 1e-9;
    let estimate = (!complete && max > 0.0).then(|| total * 100.0 / max);
    let banded = if complete {
        Some(total)
    } else if cfg.bands_for_estimates {
        estimate
    } else {
        None
    };
    let band = banded.and_then(|s| cfg.bands.iter().find(|b| s >= b.min));
    Index766 {
        config_version: cfg.version.clone(),
        choices: cfg.choices.clone(),
        total,
        max_scorable: max,
        unscorable_points: unscorable,
        complete,
        estimate,
        band: band.map(|b| b.label.clone()),
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
        // Incomplete: no band, an estimate over the scorable points.
        assert!(!idx.complete);
        assert_eq!(idx.band, None);
        assert!((idx.estimate.unwrap() - 27.0 * 100.0 / idx.max_scorable).abs() < 1e-9);
    }

    #[test]
    fn a_perfect_but_incomplete_score_gets_no_band_and_a_complete_one_does() {
        let mut cfg = parse_config(DEFAULT_CONFIG).unwrap();
        let all = Rates {
            on_time: Rate::new(1, 1),
            online_intake: Rate::new(1, 1),
            full_online: Rate::new(1, 1),
            online_payment: Rate::new(1, 1),
            digitised: Rate::new(1, 1),
            e_result: Rate::new(1, 1),
            reuse: Rate::new(1, 1),
            synced: Rate::new(1, 1),
            satisfaction: Rate::new(1, 1),
            feedback_on_time: Rate::new(1, 1),
            on_time_766: Rate::new(1, 1),
            ..Default::default()
        };
        let idx = score(&cfg, &all);
        assert_eq!(
            (idx.total, idx.max_scorable, idx.band.clone()),
            (idx.max_scorable, 72.0, None)
        );
        assert_eq!(idx.estimate, Some(100.0));
        cfg.bands_for_estimates = true;
        assert_eq!(score(&cfg, &all).band.as_deref(), Some("Xuất sắc"));
        for i in &mut cfg.indicators {
            i.from_exports = true;
            i.metric = "on_time".into();
        }
        let full = score(&cfg, &all);
        assert!(full.complete);
        assert_eq!((full.total, full.band.as_deref()), (100.0, Some("Xuất sắc")));
    }

    #[test]
    fn a_rate_without_its_column_is_unscorable_and_zero_percent_scores_zero() {
        let cfg = parse_config(DEFAULT_CONFIG).unwrap();
        let rates = Rates {
            // No file carried HoSoCoThanhPhanSoHoa: 2650 received dossiers without it.
            digitised: Rate::with_missing(0, 0, 2650),
            // The column was there and nobody reused data: a real 0 %.
            reuse: Rate::with_missing(0, 1200, 1450),
            ..Default::default()
        };
        let idx = score(&cfg, &rates);
        let get = |m: &str| idx.indicators.iter().find(|i| i.metric == m).unwrap();
        assert_eq!(get("digitised").points, None);
        assert_eq!(get("digitised").rate.map(|r| r.missing), Some(2650));
        assert_eq!(get("reuse").points, Some(0.0));
        let group = idx.groups.iter().find(|g| g.id == get("digitised").group).unwrap();
        assert!(group.unscorable_points >= get("digitised").max_points);
        assert!(!idx.complete && idx.band.is_none());
    }

    #[test]
    fn an_unknown_metric_is_a_configuration_error() {
        let bad = DEFAULT_CONFIG.replacen("metric = \"online_intake\"", "metric = \"online_intak\"", 1);
        let e = parse_config(&bad).unwrap_err().to_string();
        assert!(e.contains("unknown metric 'online_intak'"), "{e}");
    }
}
