//! Section "Tồn tại, hạn chế và nguyên nhân" from the data (docs/rules.md, Shortcomings from
//! the data): where late dossiers concentrate (agencies and fields), the overdue backlog by
//! level and agency, agencies below the on-time threshold or fallen against the previous
//! period, and those at 100 %, and the apology letters of the late dossiers. Each sentence
//! only when the period's figures support it; agencies not covered for the whole period are
//! neither blamed nor praised (section I names them).

use super::format::{int, percent};
use crate::config::Shortcomings;
use crate::metrics::coverage::Status;
use crate::metrics::ii06a::Row;
use crate::metrics::Metrics;

/// "12,34%" of `n` over `d`, or None without a denominator.
fn share(n: i64, d: i64) -> String {
    percent((d > 0).then(|| n as f64 * 100.0 / d as f64))
}

/// The agencies covered for every day of the period (a department report: its own agency).
fn covered(m: &Metrics, agency: &str) -> bool {
    m.coverage
        .iter()
        .any(|c| c.agency == agency && c.status == Status::Covered)
}

/// The rows of one grain (`agency`, `field`, `level`) with a name.
fn rows<'a>(m: &'a Metrics, grain: &'a str) -> impl Iterator<Item = (&'a str, &'a Row)> + 'a {
    m.ii06a
        .rows
        .iter()
        .filter(move |r| r.grain == grain)
        .filter_map(move |r| {
            let name = match grain {
                "agency" => r.unit.as_deref(),
                "field" => r.field.as_deref(),
                _ => r.level.as_deref(),
            };
            name.map(|n| (n, r))
        })
}

/// The `top` rows with the largest `key`, largest first, ties by name; zeros left out.
fn most<'a>(mut v: Vec<(&'a str, &'a Row)>, key: impl Fn(&Row) -> i64, top: usize) -> Vec<(&'a str, &'a Row)> {
    v.retain(|(_, r)| key(r) > 0);
    v.sort_by(|a, b| key(b.1).cmp(&key(a.1)).then(a.0.cmp(b.0)));
    v.truncate(top);
    v
}

/// Where the late dossiers concentrate: agencies and fields with most resolved late.
fn late(m: &Metrics, whole: &str, s: &Shortcomings) -> Vec<String> {
    let t = &m.ii06a.total.counts;
    if t.resolved_late == 0 {
        return Vec::new();
    }
    let mut out = vec![format!(
        "{whole} có {} hồ sơ giải quyết quá hạn (chiếm {} số hồ sơ đã giải quyết).",
        int(t.resolved_late),
        share(t.resolved_late, t.resolved)
    )];
    if m.unit.is_some() {
        return out;
    }
    let agencies: Vec<_> = rows(m, "agency").filter(|(a, _)| covered(m, a)).collect();
    let top = most(agencies, |r| r.counts.resolved_late, s.top);
    if !top.is_empty() {
        let named: i64 = top.iter().map(|(_, r)| r.counts.resolved_late).sum();
        let list: Vec<String> = top
            .iter()
            .map(|(a, r)| {
                format!(
                    "{a} {} hồ sơ (tỷ lệ quá hạn {}, chiếm {} số hồ sơ quá hạn)",
                    int(r.counts.resolved_late),
                    share(r.counts.resolved_late, r.counts.resolved),
                    share(r.counts.resolved_late, t.resolved_late)
                )
            })
            .collect();
        out.push(format!(
            "Các cơ quan, đơn vị có nhiều hồ sơ quá hạn nhất: {}; {} cơ quan, đơn vị này chiếm {} số hồ sơ quá hạn.",
            list.join("; "),
            int(top.len() as i64),
            share(named, t.resolved_late)
        ));
    }
    let fields = most(rows(m, "field").collect(), |r| r.counts.resolved_late, s.top);
    if !fields.is_empty() {
        let list: Vec<String> = fields
            .iter()
            .map(|(f, r)| {
                format!(
                    "{f} {} hồ sơ (chiếm {})",
                    int(r.counts.resolved_late),
                    share(r.counts.resolved_late, t.resolved_late)
                )
            })
            .collect();
        out.push(format!("Theo lĩnh vực, quá hạn nhiều nhất: {}.", list.join("; ")));
    }
    out
}

/// The overdue backlog: dossiers in progress already past their due date, by level and the
/// agencies holding most of them.
fn backlog(m: &Metrics, s: &Shortcomings) -> Option<String> {
    let t = &m.ii06a.total.counts;
    if t.in_progress_overdue == 0 {
        return None;
    }
    let mut text = format!(
        "Đang giải quyết {} hồ sơ, trong đó {} hồ sơ đã quá hạn",
        int(t.in_progress),
        int(t.in_progress_overdue)
    );
    let levels: Vec<String> = rows(m, "level")
        .filter(|(_, r)| r.counts.in_progress_overdue > 0)
        .map(|(l, r)| {
            // "Cấp tỉnh (sở, ban, ngành)" → "cấp tỉnh".
            let name = super::units::level_name(l, &m.period.from);
            let short = name.split(" (").next().unwrap_or(name).to_lowercase();
            format!("{short} {}", int(r.counts.in_progress_overdue))
        })
        .collect();
    if m.unit.is_none() && levels.len() > 1 {
        text.push_str(&format!(" ({})", levels.join(", ")));
    }
    if m.unit.is_none() {
        let agencies: Vec<_> = rows(m, "agency").filter(|(a, _)| covered(m, a)).collect();
        let top = most(agencies, |r| r.counts.in_progress_overdue, s.top);
        if !top.is_empty() {
            let list: Vec<String> = top
                .iter()
                .map(|(a, r)| format!("{a} {} hồ sơ", int(r.counts.in_progress_overdue)))
                .collect();
            text.push_str(&format!("; nhiều nhất ở {}", list.join(", ")));
        }
    }
    text.push('.');
    Some(text)
}

/// The apology letters of the late dossiers (docs/rules.md, Apology letters), only when some
/// letter loaded is dated in the period: without letters nothing is said of them.
fn letters(m: &Metrics) -> Vec<String> {
    let Some(l) = &m.letters else {
        return Vec::new();
    };
    let (Ok(from), Ok(to)) = (m.period.from.parse(), m.period.to.parse()) else {
        return Vec::new();
    };
    let label = crate::metrics::letters::label_for(from, to);
    let mut out = Vec::new();
    let mut split = |what: &str, with: i64, without: i64| {
        if with + without > 0 {
            out.push(format!(
                "Trong {} {what}, {} hồ sơ đã có {label}, {} hồ sơ chưa có.",
                int(with + without),
                int(with),
                int(without)
            ));
        }
    };
    split(
        "hồ sơ giải quyết quá hạn",
        l.resolved_late_with,
        l.resolved_late_without,
    );
    split("hồ sơ đang giải quyết đã quá hạn", l.overdue_with, l.overdue_without);
    if l.late_letters > 0 {
        out.push(format!(
            "{} hồ sơ có {label} ban hành muộn (không trước ngày hẹn trả kết quả ít nhất 01 ngày theo quy định).",
            int(l.late_letters)
        ));
    }
    if l.new_date_more_than_once > 0 {
        out.push(format!(
            "{} hồ sơ được hẹn lại ngày trả kết quả từ hai lần trở lên, lần sau từ ngày 15/9/2025 (chỉ được gia hạn một lần).",
            int(l.new_date_more_than_once)
        ));
    }
    out
}

/// The agencies (covered for the whole period, with dossiers resolved) whose on-time rate is
/// below the threshold, lowest first; and those at 100 %.
fn on_time(m: &Metrics, s: &Shortcomings) -> Vec<String> {
    if m.unit.is_some() {
        return Vec::new();
    }
    let mut rated: Vec<(&str, f64, i64)> = m
        .rates_by_unit
        .iter()
        .filter(|(a, _)| covered(m, a))
        .filter_map(|(a, r)| Some((a.as_str(), r.on_time.percent?, r.on_time.denominator)))
        .filter(|(_, _, d)| *d > 0)
        .collect();
    rated.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(b.0)));
    let mut out = Vec::new();
    let below: Vec<String> = rated
        .iter()
        .filter(|(_, p, _)| *p < s.on_time_below)
        .map(|(a, p, _)| format!("{a} {}", percent(Some(*p))))
        .collect();
    if !below.is_empty() {
        out.push(format!(
            "{} cơ quan, đơn vị có tỷ lệ giải quyết đúng hạn, trước hạn dưới {}%: {}.",
            int(below.len() as i64),
            super::format::decimal(s.on_time_below, 2),
            below.join("; ")
        ));
    }
    let full: Vec<&str> = rated
        .iter()
        .filter(|(_, p, _)| super::format::hundredths(*p) == 10_000)
        .map(|(a, _, _)| *a)
        .collect();
    if !full.is_empty() {
        let names = if full.len() <= s.top.max(5) {
            format!(": {}", full.join(", "))
        } else {
            String::new()
        };
        out.push(format!(
            "{} cơ quan, đơn vị giải quyết 100% hồ sơ đúng hạn, trước hạn{names}.",
            int(full.len() as i64)
        ));
    }
    out
}

/// The agencies whose on-time rate fell by at least `drop_points` against the previous
/// period, among those covered for every day of both (the comparison's agencies).
fn fell(m: &Metrics, s: &Shortcomings) -> Option<String> {
    let prev = &m.previous_period;
    if m.unit.is_some() || prev.units.is_empty() {
        return None;
    }
    let mut drops: Vec<(&str, f64, f64, f64)> = prev
        .units
        .iter()
        .filter_map(|u| {
            let then = *prev.on_time_by_unit.get(u)?;
            let now = m.rates_by_unit.get(u)?.on_time.percent?;
            let change = crate::registry::points_between(now, then);
            (change <= -s.drop_points).then_some((u.as_str(), then, now, change))
        })
        .collect();
    if drops.is_empty() {
        return None;
    }
    drops.sort_by(|a, b| a.3.total_cmp(&b.3).then(a.0.cmp(b.0)));
    let list: Vec<String> = drops
        .iter()
        .map(|(u, then, now, change)| {
            format!(
                "{u} từ {} xuống {} ({})",
                percent(Some(*then)),
                percent(Some(*now)),
                super::format::points_change(Some(*change))
            )
        })
        .collect();
    Some(format!(
        "Tỷ lệ giải quyết đúng hạn, trước hạn giảm từ {} điểm phần trăm trở lên so với {}: {}.",
        super::format::decimal(s.drop_points, 2),
        prev.period.label,
        list.join("; ")
    ))
}

/// The paragraphs of the section, in order; empty when the data shows no shortcoming and
/// nothing to name.
pub fn paragraphs(m: &Metrics, territory: &str, s: &Shortcomings) -> Vec<String> {
    let whole = if let Some(u) = &m.unit {
        u.clone()
    } else if super::narrative::all_covered(m) {
        format!("Toàn {territory}")
    } else {
        "Trong phạm vi số liệu đã có,".to_string()
    };
    let t = &m.ii06a.total.counts;
    let mut out = Vec::new();
    if t.resolved_late == 0 && t.in_progress_overdue == 0 && t.resolved + t.in_progress > 0 {
        out.push(format!(
            "{whole} không có hồ sơ giải quyết quá hạn và không có hồ sơ đang giải quyết đã quá hạn."
        ));
    }
    out.extend(late(m, &whole, s));
    out.extend(backlog(m, s));
    out.extend(letters(m));
    out.extend(on_time(m, s));
    out.extend(fell(m, s));
    if let Some(missing) = super::narrative::missing_units(m) {
        out.push(missing);
    }
    out
}
