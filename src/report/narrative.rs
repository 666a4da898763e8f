//! Narrative paragraphs in the register of published provincial reports, from the figures.

use super::format::{basis, count_change, int, percent, points_change, short_date, NO_DATA};
use crate::metrics::coverage::Status;
use crate::metrics::targets::{TargetResult, Verdict};
use crate::metrics::Metrics;
use crate::metrics::{Basis, Comparison};
use crate::registry::{NoRate, Rate};

fn pct_of(n: i64, d: i64) -> String {
    percent((d > 0).then(|| n as f64 * 100.0 / d as f64))
}

/// "Từ ngày 15/5/2023 đến ngày 14/6/2023".
pub fn period_line(m: &Metrics) -> String {
    let d = |s: &str| {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(short_date)
            .unwrap_or_else(|_| s.to_string())
    };
    format!("Từ ngày {} đến ngày {}", d(&m.period.from), d(&m.period.to))
}

/// True when no agency's files cover a single day of the period: whatever rows fall in
/// it (carried over, finished late) are leftovers of other periods, and the report states
/// no figure at all.
pub fn no_data(m: &Metrics) -> bool {
    !m.coverage.iter().any(|c| c.status != Status::NotCovered)
}

/// The number of days of the period.
fn period_days(m: &Metrics) -> i64 {
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    match (d(&m.period.from), d(&m.period.to)) {
        (Some(a), Some(b)) => (b - a).num_days() + 1,
        _ => 0,
    }
}

/// The finding of a report whose period no file covers: what is missing, and that no
/// figure is stated.
pub fn no_data_finding(m: &Metrics) -> Vec<String> {
    let whose = match &m.unit {
        Some(u) => format!("của {u}"),
        None => "của các cơ quan, đơn vị".into(),
    };
    let mut v = vec![format!(
        "Kỳ báo cáo chưa có số liệu: chưa có tệp số liệu nào {whose} bao phủ kỳ báo cáo ({}; 0/{} ngày có số liệu). \
         Báo cáo không nêu số liệu, tỷ lệ, xếp hạng hay so sánh nào của kỳ này; đề nghị các đơn vị gửi số liệu để tổng hợp.",
        period_line(m).to_lowercase(),
        period_days(m)
    )];
    v.extend(missing_units(m));
    v
}

/// The agencies whose data does not cover the whole period, in words (at most six named).
fn not_covered_words(m: &Metrics) -> Option<String> {
    let mut parts: Vec<String> = m
        .missing_units
        .iter()
        .map(|u| format!("{u} chưa có số liệu kỳ này"))
        .collect();
    parts.extend(
        m.coverage
            .iter()
            .filter(|c| c.status == Status::Partly)
            .map(|c| format!("{} mới có số liệu {}/{} ngày", c.agency, c.covered_days, c.period_days)),
    );
    (!parts.is_empty()).then(|| some_names(&parts, 6))
}

/// True when every agency expected covers the whole period (nothing to qualify).
pub fn all_covered(m: &Metrics) -> bool {
    not_covered_words(m).is_none()
}

/// Who the figures are of: the agency of a department-level report, every agency of the
/// territory when all expected are covered, else how many, and which are not.
pub fn who(m: &Metrics, territory: &str) -> String {
    if let Some(u) = &m.unit {
        return u.clone();
    }
    let with_data = m.coverage.iter().filter(|c| c.status != Status::NotCovered).count();
    let expected = with_data + m.missing_units.len();
    match not_covered_words(m) {
        None => format!("các cơ quan, đơn vị trên địa bàn {territory}"),
        Some(w) => format!(
            "{}/{} cơ quan, đơn vị có số liệu ({w})",
            int(with_data as i64),
            int(expected as i64)
        ),
    }
}

/// Intake: received, online share, carried over; `territory` is "tỉnh" or "thành phố".
pub fn intake(m: &Metrics, territory: &str) -> String {
    let t = &m.ii06a.total.counts;
    let new = t.received_online + t.received_offline;
    let received = if new == 0 {
        "không tiếp nhận mới hồ sơ nào".to_string()
    } else {
        format!(
            "tiếp nhận mới {} hồ sơ (trực tuyến {} hồ sơ, chiếm {}; trực tiếp và qua dịch vụ bưu chính công ích {} hồ sơ)",
            int(new),
            int(t.received_online),
            pct_of(t.received_online, new),
            int(t.received_offline)
        )
    };
    format!(
        "Trong kỳ báo cáo ({}), {} đã tiếp nhận và giải quyết {} hồ sơ thủ tục hành chính, \
         trong đó: {received}; kỳ trước chuyển qua {} hồ sơ.",
        period_line(m).to_lowercase(),
        who(m, territory),
        int(t.total_handled),
        int(t.carried_over)
    )
}

/// Results: resolved, on time, late, withdrawn, in progress.
pub fn results(m: &Metrics) -> String {
    let t = &m.ii06a.total.counts;
    let resolved = if t.resolved == 0 {
        "Không có hồ sơ giải quyết xong trong kỳ (không phát sinh tỷ lệ giải quyết đúng hạn)".to_string()
    } else {
        format!(
            "Đã giải quyết {} hồ sơ, trong đó trước hạn và đúng hạn {} hồ sơ (đạt tỷ lệ {}), quá hạn {} hồ sơ (chiếm {})",
            int(t.resolved),
            int(t.resolved_early + t.resolved_on_time),
            percent(m.rates.on_time.percent),
            int(t.resolved_late),
            percent(m.rates.late.percent)
        )
    };
    format!(
        "{resolved}; công dân rút hồ sơ {} hồ sơ. Đang giải quyết {} hồ sơ, trong đó: đang xử lý {} hồ sơ, chờ bổ sung giấy tờ {} hồ sơ, \
         tạm dừng (chờ thực hiện nghĩa vụ tài chính, dừng xử lý) {} hồ sơ; trong hạn {} hồ sơ, quá hạn {} hồ sơ.",
        int(t.withdrawn),
        int(t.in_progress),
        int(t.in_progress_processing),
        int(t.waiting_supplement),
        int(t.paused),
        int(t.in_progress_within),
        int(t.in_progress_overdue)
    )
}

/// The change of one rate against a comparison period, in words: "tăng 1,25 điểm phần trăm",
/// or "chưa đủ số liệu để so sánh" when the periods are not comparable.
pub fn change_words(c: &Comparison, key: &str) -> String {
    match c.basis {
        Basis::None => "chưa đủ số liệu để so sánh".into(),
        _ => points_change(c.change(key)),
    }
}

/// One rate compared, with both printed values: "tăng 1,25 điểm phần trăm (từ 95,32% lên 96,57%)".
fn rate_change(c: &Comparison, key: &str) -> String {
    let get = |r: &Option<crate::metrics::rates::Rates>| r.as_ref().and_then(|r| r.get(key)).and_then(|r| r.percent);
    match (get(&c.current_rates), get(&c.rates)) {
        (Some(now), Some(then)) => format!(
            "{} (kỳ so sánh {}, kỳ này {})",
            points_change(c.change(key)),
            percent(Some(then)),
            percent(Some(now))
        ),
        _ => "không so sánh được (không phát sinh hồ sơ để tính tỷ lệ)".into(),
    }
}

/// Names, at most `n` of them, then how many more.
fn some_names(names: &[String], n: usize) -> String {
    let mut s = names.iter().take(n).cloned().collect::<Vec<_>>().join(", ");
    if names.len() > n {
        s = format!("{s} và {} đơn vị khác", names.len() - n);
    }
    s
}

/// One comparison in words, like for like (docs/rules.md, Comparisons like for like): the whole when every agency is
/// covered in both periods, the agencies that are when only some are, else no figure.
pub fn compare(c: &Comparison, what: &str) -> String {
    // "So với năm 2022" names its period already; "So với kỳ trước" gets it in brackets.
    let label = if what.contains(&c.period.label) {
        String::new()
    } else {
        format!(" ({})", c.period.label)
    };
    let (Some(now), Some(then)) = (&c.current_ii06a, &c.ii06a) else {
        return format!("{what}{label}: chưa đủ số liệu để so sánh");
    };
    // A partial comparison names what it leaves out, not the many it keeps.
    let part = match c.basis {
        Basis::Partial => format!(
            "; tính trên {}/{} cơ quan, đơn vị, không tính {} do chưa có đủ số liệu cả hai kỳ",
            int(c.units.len() as i64),
            int(c.units_with_data as i64),
            some_names(&c.left_out, 6)
        ),
        _ => String::new(),
    };
    let label = match (label.is_empty(), part.is_empty()) {
        (true, true) => String::new(),
        (true, false) => format!(" ({})", part.trim_start_matches("; ")),
        (false, _) => format!(" ({}{part})", c.period.label),
    };
    format!(
        "{what}{label}: tổng số hồ sơ tiếp nhận và giải quyết {} ({} so với {}), tỷ lệ giải quyết đúng hạn, trước hạn {}, \
         tỷ lệ tiếp nhận trực tuyến {}",
        count_change(now.total_handled, then.total_handled),
        int(now.total_handled),
        int(then.total_handled),
        rate_change(c, "on_time"),
        rate_change(c, "online_intake")
    )
}

/// Comparison with the previous period and, when it is another period, the same period a
/// year earlier (for a year or nine months they are one and the same: said once).
pub fn comparison(m: &Metrics) -> String {
    let mut parts = vec![compare(&m.previous_period, "So với kỳ trước")];
    if m.previous_year.period != m.previous_period.period {
        parts.push(compare(&m.previous_year, "so với cùng kỳ năm trước"));
    }
    format!("{}.", parts.join("; "))
}

/// The agencies expected that have no data in the period (docs/rules.md, Agencies without data), if any.
pub fn missing_units(m: &Metrics) -> Option<String> {
    (!m.missing_units.is_empty()).then(|| format!("Các đơn vị chưa có số liệu kỳ này: {}.", m.missing_units.join(", ")))
}

/// The agencies whose data covers only part of the period, if any: their figures are of
/// the days covered, and the report says so (a window inferred from the rows, because the
/// file does not state one, is said to be inferred).
pub fn partly_covered(m: &Metrics) -> Option<String> {
    let partly: Vec<&crate::metrics::coverage::AgencyCoverage> =
        m.coverage.iter().filter(|c| c.status == Status::Partly).collect();
    let first = partly.first()?;
    let inferred = partly.iter().any(|c| c.inferred);
    let with_data = m.coverage.iter().filter(|c| c.status != Status::NotCovered).count();
    let same = partly.iter().all(|c| c.covered_days == first.covered_days);
    let who = if same && partly.len() == with_data {
        format!("cả {} cơ quan, đơn vị", int(partly.len() as i64))
    } else {
        let names: Vec<String> = partly
            .iter()
            .map(|c| format!("{} ({}/{} ngày)", c.agency, c.covered_days, c.period_days))
            .collect();
        format!("các cơ quan, đơn vị: {}", names.join("; "))
    };
    let days = if same {
        format!(" {}/{} ngày", first.covered_days, first.period_days)
    } else {
        String::new()
    };
    Some(if inferred {
        format!(
            "Lưu ý: tệp số liệu của {who} không ghi kỳ số liệu; theo ngày tháng của hồ sơ mới xác định được{days} của kỳ báo cáo có số liệu, chưa khẳng định được số liệu đã đủ cả kỳ."
        )
    } else {
        format!(
            "Lưu ý: số liệu đã nạp của {who} mới bao phủ{days} của kỳ báo cáo; số liệu trong báo cáo chỉ phản ánh những ngày này."
        )
    })
}

/// The dossiers left out of the figures because their dates contradict each other, if any.
pub fn set_aside(m: &Metrics) -> Option<String> {
    if m.set_aside.is_empty() {
        return None;
    }
    let shown: Vec<String> = m
        .set_aside
        .iter()
        .take(10)
        .map(|d| match d.file.rsplit('/').next().filter(|f| !f.is_empty()) {
            Some(f) => format!("{} ({f}, dòng {})", d.ma_ho_so, d.row),
            None => format!("{} (dòng {})", d.ma_ho_so, d.row),
        })
        .collect();
    let more = m.set_aside.len().saturating_sub(shown.len());
    Some(format!(
        "Có {} hồ sơ có ngày tháng không nhất quán (ngày có kết quả trước ngày tiếp nhận) chưa được tính vào số liệu \
         của báo cáo, đề nghị đơn vị kiểm tra lại: {}{}.",
        int(m.set_aside.len() as i64),
        shown.join("; "),
        if more > 0 {
            format!(" và {} hồ sơ khác", int(more as i64))
        } else {
            String::new()
        }
    ))
}

/// A rate in a sentence: "đạt 78,9%" (with its basis when only some dossiers had the data),
/// "không phát sinh" (nothing to rate), "không có số liệu" (no file carried its columns).
pub fn reached(r: &Rate) -> String {
    match (r.percent, r.reason) {
        (Some(p), _) => match basis(r) {
            Some(b) => format!("đạt {} ({b})", percent(Some(p))),
            None => format!("đạt {}", percent(Some(p))),
        },
        (None, Some(NoRate::NoColumn)) => NO_DATA.to_string(),
        (None, _) => percent(None),
    }
}

/// The rates that read optional columns, as a sentence names them (the 766 readings are
/// in the 766 section, as unscorable points).
const OPTIONAL_RATES: &[(&str, &str)] = &[
    ("full_online", "tỷ lệ hồ sơ trực tuyến toàn trình"),
    ("online_payment", "tỷ lệ thanh toán trực tuyến"),
    ("digitised", "tỷ lệ số hóa hồ sơ"),
    ("e_result", "tỷ lệ trả kết quả điện tử"),
    ("reuse", "tỷ lệ tái sử dụng dữ liệu số hóa"),
    ("synced", "tỷ lệ đồng bộ hồ sơ lên Cổng DVCQG"),
    ("satisfaction", "mức độ hài lòng"),
];

/// The rates the loaded files cannot give (no file carried the columns they need), and
/// those given over only the dossiers of the files that carried them; None when every
/// dossier had every column (domain rule: absent is not zero).
pub fn availability(m: &Metrics) -> Option<String> {
    let rates = |pick: fn(&Rate) -> bool| -> Vec<(&str, Rate)> {
        OPTIONAL_RATES
            .iter()
            .filter_map(|(k, words)| Some((*words, m.rates.get(k)?)))
            .filter(|(_, r)| pick(r))
            .collect()
    };
    let none = rates(Rate::no_column);
    let some = rates(Rate::partial);
    let mut parts = Vec::new();
    if !none.is_empty() {
        let names: Vec<&str> = none.iter().map(|(w, _)| *w).collect();
        parts.push(format!(
            "Các tệp số liệu đã nạp không có cột số liệu tương ứng nên {NO_DATA} về {}.",
            names.join(", ")
        ));
    }
    for (words, r) in &some {
        let mut w = words.to_string();
        w[..1].make_ascii_uppercase();
        parts.push(format!(
            "{w} {} là {} (các hồ sơ còn lại thuộc tệp số liệu không có cột tương ứng).",
            basis(r).unwrap_or_default(),
            percent(r.percent)
        ));
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// Online intake of the departments with the most dossiers received; None when no
/// department has data (nothing true to say of them).
pub fn online_by_department(m: &Metrics, names: &[String]) -> Option<String> {
    if names.is_empty() {
        return None;
    }
    let parts: Vec<String> = names
        .iter()
        .filter_map(|u| {
            let r = m.rates_by_unit.get(u)?.online_intake;
            (r.denominator > 0).then(|| {
                format!(
                    "{u} {}/{} hồ sơ ({})",
                    int(r.numerator),
                    int(r.denominator),
                    percent(r.percent)
                )
            })
        })
        .collect();
    if parts.is_empty() {
        return Some("Không phát sinh hồ sơ tiếp nhận mới tại các sở, ban, ngành có số liệu kỳ này.".into());
    }
    Some(format!(
        "Tỷ lệ tiếp nhận hồ sơ trực tuyến tại một số sở, ban, ngành: {}.",
        parts.join("; ")
    ))
}

/// A sentence on the targets that concern the narrative's figures.
pub fn targets(results: &[TargetResult]) -> Option<String> {
    let on_time = results.iter().find(|t| t.metric.as_deref() == Some("on_time"))?;
    let verdict = match on_time.verdict {
        Verdict::Met => "đạt chỉ tiêu",
        Verdict::NotMet => "chưa đạt chỉ tiêu",
        Verdict::NoData => "chưa có số liệu để so với chỉ tiêu",
    };
    Some(format!(
        "Tỷ lệ giải quyết hồ sơ đúng hạn {} {} ({} {}%, do {} giao).",
        on_time.actual.map(|a| percent(Some(a))).unwrap_or_else(|| "—".into()),
        verdict,
        on_time.comparator.replace(">=", "≥").replace("<=", "≤"),
        super::format::decimal(on_time.threshold, 2),
        on_time.set_by
    ))
}
