//! Administrative units of their time (docs/rules.md, Units of their time): a report for a period before
//! 1/7/2025 is issued by the province of that time; a later or straddling one by its
//! successor, with a footnote. The 63 → 34 mapping is data: reference/units.csv.

use crate::config::ReportConfig;
use crate::period::Period;
use chrono::NaiveDate;

/// The mapping shipped with the program.
pub const UNITS_CSV: &str = include_str!("../../reference/units.csv");

/// One provincial unit valid until `valid_to`, and its successor.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub name: String,
    pub kind: String,
    pub valid_to: NaiveDate,
    pub successor: String,
    pub successor_kind: String,
}

/// Parses the mapping; malformed lines are skipped (the file is ours and tested).
pub fn units() -> Vec<Unit> {
    UNITS_CSV
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("name,") && !l.trim().is_empty())
        .filter_map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            Some(Unit {
                name: c.first()?.to_string(),
                kind: c.get(1)?.to_string(),
                valid_to: NaiveDate::parse_from_str(c.get(2)?, "%Y-%m-%d").ok()?,
                successor: c.get(3)?.to_string(),
                successor_kind: c.get(4)?.to_string(),
            })
        })
        .collect()
}

/// The provincial unit a person names ("Hà Tĩnh", "tỉnh hà tĩnh", "TP Hồ Chí Minh"), else
/// the closest names (for the message).
pub fn province(typed: &str) -> Result<Unit, Vec<String>> {
    let all = units();
    let names: Vec<String> = all.iter().map(|u| u.name.clone()).collect();
    let k = crate::names::key(typed);
    let bare = ["thành phố ", "tp. ", "tp ", "tỉnh "]
        .iter()
        .find_map(|p| k.strip_prefix(p))
        .unwrap_or(&k)
        .trim()
        .to_string();
    match crate::names::find(&bare, &names) {
        Some(n) => Ok(all.into_iter().find(|u| &u.name == n).expect("a listed name")),
        None => Err(crate::names::closest(&bare, &names, 3)),
    }
}

/// The heading of an agency level in a period starting on `period_from` (YYYY-MM-DD).
/// From 1/7/2025 there is no district level: rows an export still marks `huyen` keep
/// their counts under a heading that says what they are.
pub fn level_name(level: &str, period_from: &str) -> &'static str {
    match level {
        "tinh" => "Cấp tỉnh (sở, ban, ngành)",
        "huyen" if period_from >= "2025-07-01" => "Đơn vị ghi cấp huyện sau ngày 1/7/2025",
        "huyen" => "Cấp huyện",
        "xa" => "Cấp xã",
        _ => "Đơn vị khác",
    }
}

/// The territory word of the issuer in a period, "tỉnh" or "thành phố" ("trên địa bàn
/// thành phố" for a centrally-run city, also after a 2025 merger); "tỉnh" for a province
/// the list does not know.
pub fn territory(cfg: &ReportConfig, p: &Period) -> String {
    match units().into_iter().find(|u| u.name == cfg.province) {
        Some(u) if p.to > u.valid_to => u.successor_kind,
        Some(u) => u.kind,
        None => "tỉnh".into(),
    }
}

/// The provincial units of a period's time, by name: the 63 while the old units were valid
/// at its end, the 34 successors after (a period across 1/7/2025 is reported by successor).
pub fn of_time(p: &Period) -> Vec<String> {
    let units = units();
    let mut names: Vec<String> = if units.iter().all(|u| p.to <= u.valid_to) {
        units.into_iter().map(|u| u.name).collect()
    } else {
        units.into_iter().map(|u| u.successor).collect()
    };
    names.sort();
    names.dedup();
    names
}

/// Who issues a report for a period: issuer lines, place, and a footnote when the province
/// was merged during or before the period.
pub fn issuer(cfg: &ReportConfig, p: &Period) -> (Vec<String>, String, Option<String>) {
    let same = (cfg.issuer.clone(), cfg.place.clone(), None);
    let Some(u) = units().into_iter().find(|u| u.name == cfg.province) else {
        return same;
    };
    if p.to <= u.valid_to || u.successor == u.name {
        return same;
    }
    let kind_upper = u.successor_kind.to_uppercase();
    let lines = vec![
        "ỦY BAN NHÂN DÂN".to_string(),
        format!("{kind_upper} {}", u.successor.to_uppercase()),
    ];
    let place = if u.successor_kind == "thành phố" {
        format!("Thành phố {}", u.successor)
    } else {
        u.successor.clone()
    };
    let note = if p.from <= u.valid_to {
        format!(
            "Kỳ báo cáo bao gồm thời gian trước ngày 01/7/2025: số liệu của {} {} được tổng hợp vào {} {} theo Nghị quyết số 202/2025/QH15.",
            u.kind, u.name, u.successor_kind, u.successor
        )
    } else {
        format!(
            "Từ ngày 01/7/2025, {} {} hợp nhất vào {} {} (Nghị quyết số 202/2025/QH15).",
            u.kind, u.name, u.successor_kind, u.successor
        )
    };
    (lines, place, Some(note))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::{Convention, Period};

    #[test]
    fn sixty_three_provinces_become_thirty_four() {
        let u = units();
        assert_eq!(u.len(), 63);
        let mut new: Vec<&str> = u.iter().map(|x| x.successor.as_str()).collect();
        new.sort();
        new.dedup();
        assert_eq!(new.len(), 34);
        let at = |p: &str| of_time(&Period::parse(p, Convention::Calendar).unwrap()).len();
        assert_eq!((at("2025-06"), at("2025-07"), at("2025")), (63, 34, 34));
    }

    #[test]
    fn a_province_is_found_by_the_name_people_type() {
        assert_eq!(province("hà tĩnh").unwrap().name, "Hà Tĩnh");
        assert_eq!(province("TP Hồ Chí Minh").unwrap().name, "Hồ Chí Minh");
        assert_eq!(province("Tỉnh  Bà Rịa - Vũng Tàu").unwrap().successor, "Hồ Chí Minh");
        assert_eq!(province("Ha Tinh").unwrap_err()[0], "Hà Tĩnh");
    }

    #[test]
    fn issuer_follows_the_reorganisation() {
        let cfg = ReportConfig {
            province: "Bà Rịa - Vũng Tàu".into(),
            issuer: vec!["ỦY BAN NHÂN DÂN".into(), "TỈNH BÀ RỊA - VŨNG TÀU".into()],
            place: "Bà Rịa - Vũng Tàu".into(),
            ..Default::default()
        };
        let y2023 = Period::parse("2023", Convention::Calendar).unwrap();
        assert_eq!(issuer(&cfg, &y2023).0[1], "TỈNH BÀ RỊA - VŨNG TÀU");
        let y2025 = Period::parse("2025", Convention::Calendar).unwrap();
        let (lines, place, note) = issuer(&cfg, &y2025);
        assert_eq!(lines[1], "THÀNH PHỐ HỒ CHÍ MINH");
        assert_eq!(place, "Thành phố Hồ Chí Minh");
        assert!(note
            .unwrap()
            .contains("tỉnh Bà Rịa - Vũng Tàu được tổng hợp vào thành phố Hồ Chí Minh"));
        let aug = Period::parse("2025-08", Convention::Calendar).unwrap();
        assert!(issuer(&cfg, &aug).2.unwrap().starts_with("Từ ngày 01/7/2025"));
        let nghe_an = ReportConfig {
            province: "Nghệ An".into(),
            ..Default::default()
        };
        assert_eq!(issuer(&nghe_an, &y2025).2, None);
    }
}
