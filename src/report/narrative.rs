//! Narrative paragraphs in the register of published provincial reports, from the figures.

use super::format::{int, percent, points_change, short_date};
use crate::metrics::targets::{TargetResult, Verdict};
use crate::metrics::Metrics;

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

/// Intake: received, online share, carried over.
pub fn intake(m: &Metrics) -> String {
    let t = &m.ii06a.total.counts;
    let new = t.received_online + t.received_offline;
    format!(
        "Trong kỳ báo cáo ({}), các cơ quan, đơn vị trên địa bàn tỉnh đã tiếp nhận và giải quyết {} hồ sơ thủ tục hành chính, \
         trong đó: tiếp nhận mới {} hồ sơ (trực tuyến {} hồ sơ, chiếm {}; trực tiếp và qua dịch vụ bưu chính công ích {} hồ sơ); \
         kỳ trước chuyển qua {} hồ sơ.",
        period_line(m).to_lowercase(),
        int(t.total_handled),
        int(new),
        int(t.received_online),
        pct_of(t.received_online, new),
        int(t.received_offline),
        int(t.carried_over)
    )
}

/// Results: resolved, on time, late, withdrawn, in progress.
pub fn results(m: &Metrics) -> String {
    let t = &m.ii06a.total.counts;
    format!(
        "Đã giải quyết {} hồ sơ, trong đó trước hạn và đúng hạn {} hồ sơ (đạt tỷ lệ {}), quá hạn {} hồ sơ (chiếm {}); \
         công dân rút hồ sơ {} hồ sơ. Đang giải quyết {} hồ sơ, trong đó: đang xử lý {} hồ sơ, chờ bổ sung giấy tờ {} hồ sơ, \
         tạm dừng (chờ thực hiện nghĩa vụ tài chính, dừng xử lý) {} hồ sơ; trong hạn {} hồ sơ, quá hạn {} hồ sơ.",
        int(t.resolved),
        int(t.resolved_early + t.resolved_on_time),
        percent(m.rates.on_time.percent),
        int(t.resolved_late),
        percent(m.rates.late.percent),
        int(t.withdrawn),
        int(t.in_progress),
        int(t.in_progress_processing),
        int(t.waiting_supplement),
        int(t.paused),
        int(t.in_progress_within),
        int(t.in_progress_overdue)
    )
}

/// Comparison with the previous period and the same period a year earlier.
pub fn comparison(m: &Metrics) -> String {
    let part = |c: &crate::metrics::Comparison, what: &str| -> String {
        let on_time = c.change_pp.get("on_time").copied().flatten();
        let online = c.change_pp.get("online_intake").copied().flatten();
        if c.ii06a.total_handled == 0 {
            return format!("{what}: không có số liệu để so sánh");
        }
        format!(
            "{what} ({} hồ sơ giải quyết), tỷ lệ giải quyết đúng hạn {}, tỷ lệ tiếp nhận trực tuyến {}",
            int(c.ii06a.total_handled),
            points_change(on_time),
            points_change(online)
        )
    };
    format!(
        "{}; {}.",
        part(&m.previous_period, "So với kỳ trước"),
        part(&m.previous_year, "so với cùng kỳ năm trước")
    )
}

/// Online intake of the departments with the most dossiers received.
pub fn online_by_department(m: &Metrics, names: &[String]) -> String {
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
        return "Không phát sinh hồ sơ tiếp nhận mới tại các sở, ban, ngành.".into();
    }
    format!(
        "Tỷ lệ tiếp nhận hồ sơ trực tuyến tại một số sở, ban, ngành: {}.",
        parts.join("; ")
    )
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
