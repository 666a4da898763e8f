//! Like with like: which provinces a national table may rank and add up. A province is put
//! with the others only when its data covers every day of the period for every agency, and
//! it is ranked only when its 766 score rests on the same indicators as the others'; the
//! rest are listed apart with the reason in words.

use super::rollup::Province;
use crate::metrics::coverage::{Status, Summary};
use crate::metrics::index766::Index766;
use serde::Serialize;

/// One 766 indicator of the ranking's basis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BasisIndicator {
    pub id: String,
    pub label: String,
    pub points: f64,
}

/// The indicators a score rests on (those scored from the data), in configuration order.
pub fn scored(i: &Index766) -> Vec<BasisIndicator> {
    i.indicators
        .iter()
        .filter(|x| x.points.is_some())
        .map(|x| BasisIndicator {
            id: x.id.clone(),
            label: x.label.clone(),
            points: x.max_points,
        })
        .collect()
}

/// Why a province's coverage keeps it out of the ranking and the totals; None when its data
/// covers the whole period. A partition that does not record its coverage cannot show it.
pub fn coverage_shortfall(c: Option<&Summary>) -> Option<String> {
    match c {
        None => Some("tệp số liệu không ghi mức độ bao phủ của kỳ, cần xuất lại".into()),
        Some(s) => s.shortfall(),
    }
}

/// True when the province's data covers every day of the period for every agency.
pub fn covered(c: Option<&Summary>) -> bool {
    c.is_some_and(|s| s.status == Status::Covered)
}

/// The coverage of provinces added up into one (merged into a successor): covered only when
/// both are; None when either is not known.
pub fn join(a: Option<Summary>, b: Option<Summary>) -> Option<Summary> {
    let (a, b) = (a?, b?);
    let partly = |s: &Summary| s.units - s.units_covered - s.units_missing > 0;
    let days = |f: fn(i64, i64) -> i64, x: i64, y: i64| match (partly(&a), partly(&b)) {
        (true, true) => f(x, y),
        (true, false) => x,
        (false, true) => y,
        (false, false) => 0,
    };
    let mut s = Summary {
        status: Status::Partly,
        units: a.units + b.units,
        units_covered: a.units_covered + b.units_covered,
        units_missing: a.units_missing + b.units_missing,
        fewest_days: days(i64::min, a.fewest_days, b.fewest_days),
        most_days: days(i64::max, a.most_days, b.most_days),
        period_days: a.period_days,
    };
    s.status = if s.units > 0 && s.units_covered == s.units {
        Status::Covered
    } else if s.units_missing == s.units {
        Status::NotCovered
    } else {
        Status::Partly
    };
    Some(s)
}

/// The indicator set most of the candidates are scored on (on a tie, the one worth more
/// points, then the first by id): the basis of the ranking.
pub fn basis<'a>(candidates: impl Iterator<Item = &'a Province>) -> Option<Vec<BasisIndicator>> {
    let mut sets: Vec<(Vec<BasisIndicator>, usize)> = Vec::new();
    for x in candidates {
        let s = scored(&x.index766);
        match sets.iter_mut().find(|(b, _)| ids(b) == ids(&s)) {
            Some(e) => e.1 += 1,
            None => sets.push((s, 1)),
        }
    }
    let points = |s: &[BasisIndicator]| (s.iter().map(|i| i.points).sum::<f64>() * 100.0).round() as i64;
    sets.into_iter()
        .max_by(|(a, n), (b, m)| n.cmp(m).then(points(a).cmp(&points(b))).then(ids(b).cmp(&ids(a))))
        .map(|(s, _)| s)
}

fn ids(s: &[BasisIndicator]) -> Vec<&str> {
    s.iter().map(|i| i.id.as_str()).collect()
}

/// How a province's indicators differ from the basis, in words; None when they are the same.
pub fn difference(x: &Index766, basis: &[BasisIndicator]) -> Option<String> {
    let mine = scored(x);
    let missing: Vec<&str> = basis
        .iter()
        .filter(|b| !mine.iter().any(|m| m.id == b.id))
        .map(|b| b.label.as_str())
        .collect();
    let extra: Vec<&str> = mine
        .iter()
        .filter(|m| !basis.iter().any(|b| b.id == m.id))
        .map(|m| m.label.as_str())
        .collect();
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!("không chấm được {}", missing.join(", ")));
    }
    if !extra.is_empty() {
        parts.push(format!("chấm thêm {}", extra.join(", ")));
    }
    (!parts.is_empty()).then(|| format!("chấm được các chỉ tiêu khác: {}", parts.join("; ")))
}

/// The label of the national totals: "Toàn quốc" only when they are exactly the provinces
/// of the period's time, every one, else how many they add up: "Cộng 3/63 tỉnh, thành phố".
pub fn total_label(in_total: &[&Province], of_time: &[String]) -> String {
    let names: Vec<&str> = in_total.iter().map(|x| x.province.as_str()).collect();
    if is_every_unit(&names, of_time) {
        "Toàn quốc".into()
    } else {
        format!("Cộng {}/{} tỉnh, thành phố", in_total.len(), of_time.len())
    }
}

/// True when the names are the units of the time, each once, and none is missing.
fn is_every_unit(names: &[&str], of_time: &[String]) -> bool {
    !of_time.is_empty()
        && names.len() == of_time.len()
        && of_time
            .iter()
            .all(|u| names.iter().filter(|n| super::rollup::same_unit(n, u)).count() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(units: i64, covered: i64, missing: i64, days: i64) -> Summary {
        let partly = units - covered - missing > 0;
        Summary {
            status: if covered == units {
                Status::Covered
            } else {
                Status::Partly
            },
            units,
            units_covered: covered,
            units_missing: missing,
            fewest_days: if partly { days } else { 0 },
            most_days: if partly { days } else { 0 },
            period_days: 31,
        }
    }

    #[test]
    fn merged_provinces_are_covered_only_when_both_are() {
        let full = Some(summary(2, 2, 0, 0));
        assert!(covered(join(full, full).as_ref()));
        let part = join(full, Some(summary(3, 0, 0, 14))).unwrap();
        assert_eq!((part.status, part.units, part.fewest_days), (Status::Partly, 5, 14));
        assert_eq!(join(full, None), None);
        assert!(coverage_shortfall(None).unwrap().contains("cần xuất lại"));
    }

    #[test]
    fn only_every_unit_of_the_time_is_the_whole_country() {
        let of_time = vec!["Hà Nội".to_string(), "Nghệ An".to_string()];
        assert!(is_every_unit(&["Nghệ An", "TP. Hà Nội"], &of_time));
        assert!(!is_every_unit(&["Nghệ An"], &of_time));
        assert!(!is_every_unit(&["Nghệ An", "Tỉnh A"], &of_time));
        assert!(!is_every_unit(&["Nghệ An", "Hà Nội", "Tỉnh A"], &of_time));
    }
}
