//! Every count and rate the reports use, in one place: its key (the SQL column or metric
//! name and the JSON key), its Vietnamese label and its unit. Rust reads SQL results by
//! these names; a name the registry does not know, or a registered name the SQL does not
//! return, is an internal error (exit 10), caught by the tests.

use crate::error::{Exit, Failure};
use serde::Serialize;

/// One registered figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// SQL column (counts) or metric name (rates), and JSON key.
    pub key: &'static str,
    /// Vietnamese label, as printed in tables.
    pub label: &'static str,
    /// "hồ sơ" for counts, "%" for rates.
    pub unit: &'static str,
}

/// Defines a struct with one field per entry and the matching registry list, so the two
/// can never disagree.
macro_rules! registry {
    ($(#[$m:meta])* $name:ident of $ty:ty, $list:ident, $unit:expr, { $($key:ident => $label:expr),* $(,)? }) => {
        $(#[$m])*
        pub struct $name {
            $(#[doc = $label] pub $key: $ty,)*
        }

        /// The registry entries of this struct, in its field order (the JSON order).
        pub const $list: &[Entry] = &[$(Entry { key: stringify!($key), label: $label, unit: $unit },)*];

        impl $name {
            /// A figure by key.
            pub fn get(&self, key: &str) -> Option<$ty> {
                match key {
                    $(stringify!($key) => Some(self.$key),)*
                    _ => None,
                }
            }

            /// The place of a figure by key.
            pub fn slot(&mut self, key: &str) -> Option<&mut $ty> {
                match key {
                    $(stringify!($key) => Some(&mut self.$key),)*
                    _ => None,
                }
            }
        }
    };
}

registry! {
    /// The separate counts of docs/rules.md (Biểu II.06a) for one row of Biểu II.06a.
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
    Counts of i64, COUNTS, "hồ sơ", {
        total_handled => "Tổng số hồ sơ tiếp nhận và giải quyết",
        received_online => "Tiếp nhận mới trực tuyến",
        received_offline => "Tiếp nhận mới trực tiếp, qua bưu chính",
        carried_over => "Kỳ trước chuyển qua",
        resolved => "Đã giải quyết",
        resolved_early => "Giải quyết trước hạn",
        resolved_on_time => "Giải quyết đúng hạn",
        resolved_late => "Giải quyết quá hạn",
        withdrawn => "Rút hồ sơ",
        in_progress => "Đang giải quyết",
        in_progress_processing => "Đang xử lý",
        waiting_supplement => "Chờ bổ sung",
        paused => "Tạm dừng (chờ nghĩa vụ tài chính, dừng xử lý)",
        in_progress_within => "Đang giải quyết trong hạn",
        in_progress_overdue => "Đang giải quyết quá hạn",
        refused => "Không được tiếp nhận",
    }
}

/// One rate. `percent` is None when there is nothing to rate, and `reason` says why.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    pub numerator: i64,
    /// Over the dossiers whose file carried the columns the rate needs.
    pub denominator: i64,
    pub percent: Option<f64>,
    /// Dossiers that would be candidates for the denominator but whose file did not carry a
    /// column the rate needs (sql/metrics/cube.sql): left out, never counted as "no".
    pub missing: i64,
    /// Why `percent` is None; None when there is a percentage.
    pub reason: Option<NoRate>,
}

/// Why a rate has no percentage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoRate {
    /// A zero denominator with the data present: nothing to rate ("không phát sinh").
    NoDossiers,
    /// No dossier of the denominator came from a file carrying the columns the rate needs:
    /// the data says nothing ("không có số liệu"), which is never 0 %.
    NoColumn,
}

impl Default for Rate {
    /// Nothing to rate.
    fn default() -> Self {
        Rate::new(0, 0)
    }
}

impl Rate {
    /// A rate from its two counts (every dossier had the columns it needs).
    pub fn new(numerator: i64, denominator: i64) -> Self {
        Rate::with_missing(numerator, denominator, 0)
    }

    /// A rate over the dossiers with data, `missing` more having none.
    pub fn with_missing(numerator: i64, denominator: i64, missing: i64) -> Self {
        let percent = (denominator > 0).then(|| numerator as f64 * 100.0 / denominator as f64);
        let reason = match (denominator > 0, missing > 0) {
            (true, _) => None,
            (false, true) => Some(NoRate::NoColumn),
            (false, false) => Some(NoRate::NoDossiers),
        };
        Rate {
            numerator,
            denominator,
            percent,
            missing,
            reason,
        }
    }

    /// The same rate over two sets of dossiers (agencies, provinces) together.
    pub fn plus(self, other: Rate) -> Rate {
        Rate::with_missing(
            self.numerator + other.numerator,
            self.denominator + other.denominator,
            self.missing + other.missing,
        )
    }

    /// True when no file carried the columns the rate needs ("không có số liệu").
    pub fn no_column(&self) -> bool {
        self.reason == Some(NoRate::NoColumn)
    }

    /// True when the rate is over only some of its dossiers (the others had no data).
    pub fn partial(&self) -> bool {
        self.percent.is_some() && self.missing > 0
    }
}

registry! {
    /// Every rate of docs/rules.md (Rates, and the 766 on-time rule), in a fixed order.
    #[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
    Rates of Rate, RATES, "%", {
        on_time => "Đúng hạn, trước hạn",
        late => "Quá hạn",
        online_intake => "Tiếp nhận trực tuyến",
        full_online => "Hồ sơ trực tuyến toàn trình",
        online_payment => "Thanh toán trực tuyến",
        digitised => "Số hóa hồ sơ",
        e_result => "Kết quả điện tử",
        reuse => "Tái sử dụng dữ liệu số hóa",
        synced => "Đồng bộ DVCQG",
        satisfaction => "Mức độ hài lòng",
        feedback_on_time => "Xử lý PAKN đúng hạn",
        on_time_766 => "Đúng hạn theo QĐ 766",
        satisfaction_766 => "Hài lòng theo QĐ 766 (đã giải quyết không quá hạn, không bị đánh giá không hài lòng)",
    }
}

/// Rounds half up at `decimals`, as every figure is printed. The nudge absorbs binary
/// representation error (281/800 = 35,125 is stored as 35,12499…, and must print as 35,13).
pub fn round(x: f64, decimals: usize) -> f64 {
    let scale = 10f64.powi(decimals as i32);
    let r = ((x * scale) + x.signum() * 1e-7).round() / scale;
    // -0.0 would reach the JSON as "-0.0": a value that rounds to zero is zero.
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// The change between two printed rates, in percentage points: the difference of the two
/// rates as printed (rounded to 2 decimals), so the sentence agrees with the table.
pub fn points_between(now: f64, then: f64) -> f64 {
    round(round(now, 2) - round(then, 2), 2)
}

/// An internal error: SQL and registry disagree (a bug no input can cause).
pub fn mismatch(msg: String) -> anyhow::Error {
    anyhow::Error::new(Failure::new(Exit::Internal, msg))
}

/// Checks that a query's figure columns are exactly the registered ones.
pub fn check_columns(query: &str, columns: &[String], keys: &[&str], registry: &[Entry]) -> anyhow::Result<()> {
    for c in columns.iter().filter(|c| !keys.contains(&c.as_str())) {
        if !registry.iter().any(|e| e.key == c) {
            return Err(mismatch(format!("{query}: column '{c}' is not in the registry")));
        }
    }
    for e in registry {
        if !columns.iter().any(|c| c == e.key) {
            return Err(mismatch(format!("{query}: registered '{}' is not returned", e.key)));
        }
    }
    Ok(())
}

/// The label of a registered key (counts and rates), or the key itself.
pub fn label(key: &str) -> &str {
    COUNTS
        .iter()
        .chain(RATES)
        .find(|e| e.key == key)
        .map(|e| e.label)
        .unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_that_rounds_to_zero_is_zero_not_minus_zero() {
        let d = points_between(96.571, 96.574);
        assert_eq!(serde_json::to_string(&d).unwrap(), "0.0");
        assert_eq!(serde_json::to_string(&round(-0.0001, 2)).unwrap(), "0.0");
    }

    #[test]
    fn a_rate_says_why_it_has_no_percentage() {
        assert_eq!(Rate::new(0, 0).reason, Some(NoRate::NoDossiers));
        let none = Rate::with_missing(0, 0, 2650);
        assert_eq!((none.percent, none.reason), (None, Some(NoRate::NoColumn)));
        assert!(none.no_column() && !none.partial());
        let some = Rate::with_missing(600, 1200, 1450);
        assert_eq!((some.percent, some.reason), (Some(50.0), None));
        assert!(some.partial() && !some.no_column());
        // Two sets together: a province with the column and one without.
        let both = some.plus(none);
        assert_eq!((both.numerator, both.denominator, both.missing), (600, 1200, 4100));
        assert_eq!(both.percent, Some(50.0));
        assert_eq!(none.plus(Rate::new(0, 0)).reason, Some(NoRate::NoColumn));
        assert_eq!(
            serde_json::to_value(none).unwrap(),
            serde_json::json!({"numerator": 0, "denominator": 0, "percent": null, "missing": 2650, "reason": "no_column"})
        );
    }
}
