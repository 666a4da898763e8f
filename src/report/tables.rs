//! The tables of the annual review and the 766 section: the year's targets against their
//! results, the Decision 766 index with its groups, and the ranking of units by the index.

use super::build::{col, departments, row};
use super::format::{decimal, fixed, int, percent};
use super::model::*;
use crate::metrics::targets::Verdict;
use crate::metrics::Metrics;

/// The targets of the year with their verdicts; None without a targets file.
pub(super) fn targets(m: &Metrics, heading: String) -> Option<Table> {
    if m.targets.is_empty() {
        return None;
    }
    let rows = m
        .targets
        .iter()
        .map(|t| {
            let unit = if t.unit == "%" {
                "%".to_string()
            } else {
                format!(" {}", t.unit)
            };
            let actual = match (t.actual, t.origin, t.numerator, t.denominator) {
                (None, _, _, _) => "không có số liệu".to_string(),
                (Some(a), "reported", Some(n), Some(d)) if t.unit == "%" => {
                    format!("{}/{} ({})", int(n), int(d), percent(Some(a)))
                }
                (Some(a), _, _, _) if t.unit == "%" => percent(Some(a)),
                (Some(a), _, _, _) => format!("{}{unit}", decimal(a, 2)),
            };
            let note = if t.origin == "reported" {
                format!("{}; số liệu báo cáo: {}", t.set_by, t.source.as_deref().unwrap_or(""))
            } else {
                // Over only the dossiers with data: the basis is part of the note.
                let rate = crate::registry::Rate::with_missing(
                    t.numerator.unwrap_or(0),
                    t.denominator.unwrap_or(0),
                    t.missing.unwrap_or(0),
                );
                let partial = if rate.partial() {
                    format!(
                        " (trên {}/{} hồ sơ có số liệu)",
                        int(rate.denominator),
                        int(rate.denominator + rate.missing)
                    )
                } else {
                    String::new()
                };
                format!("{}; tính từ dữ liệu hồ sơ{partial}", t.set_by)
            };
            TableRow {
                cells: vec![
                    t.id.clone(),
                    format!("{} ({note})", t.label),
                    format!(
                        "{} {}{unit}",
                        t.comparator.replace(">=", "≥").replace("<=", "≤"),
                        decimal(t.threshold, 2)
                    ),
                    actual,
                    match t.verdict {
                        Verdict::Met => "Đạt".into(),
                        Verdict::NotMet => "Không đạt".into(),
                        Verdict::NoData => "Không có số liệu".into(),
                    },
                ],
                strong: false,
                key: None,
            }
        })
        .collect();
    let summary = m
        .targets_summary
        .iter()
        .map(|s| match &s.group {
            None => format!(
                "Tổng cộng: {}",
                super::format::targets_summary(s.met, s.total, s.no_data)
            ),
            Some(g) => format!("{g}: {}", super::format::targets_summary(s.met, s.total, s.no_data)),
        })
        .collect();
    Some(Table {
        id: "targets".into(),
        heading,
        intro: Vec::new(),
        columns: vec![
            col("Mã", Some(17.0), "center"),
            col("Chỉ tiêu", None, "left"),
            col("Kế hoạch", Some(24.0), "center"),
            col("Thực hiện", Some(30.0), "right"),
            col("Đánh giá", Some(19.0), "center"),
        ],
        rows,
        notes: summary,
        size: 10.0,
    })
}

/// The Decision 766 score by group, with the configuration used.
pub(super) fn index(m: &Metrics, heading: String) -> Table {
    let i = &m.index766;
    let band = match (&i.band, i.band_confirmed) {
        (Some(b), true) => format!(" Xếp loại: {b}."),
        (Some(b), false) => format!(" Xếp loại: {b} (ngưỡng xếp loại chưa được xác nhận)."),
        (None, _) => " Chưa xếp loại: chỉ xếp loại khi chấm được đủ 100 điểm.".into(),
    };
    // docs/rules.md (Decision 766 index): a score with unscorable points is "x/y điểm chấm được", its rescaled
    // value is labelled "ước tính", and a band is stated only for a complete score.
    let score = match i.estimate {
        None => format!("Tổng điểm: {}/100 điểm.", fixed(i.total, 2)),
        Some(e) => format!(
            "Đạt {}/{} điểm chấm được ({} điểm chưa có số liệu, không tính); quy đổi thang 100 điểm (ước tính): {} điểm.",
            fixed(i.total, 2),
            fixed(i.max_scorable, 2),
            fixed(i.unscorable_points, 2),
            fixed(e, 2)
        ),
    };
    let note = format!("Cấu hình chỉ số: {}. {}", i.config_version, i.choices.words());
    let mut notes = Vec::new();
    // Points that rest on weights the public sources do not confirm are named.
    let unconfirmed: Vec<&crate::metrics::index766::Indicator> = i
        .indicators
        .iter()
        .filter(|x| !x.confirmed && x.points.is_some())
        .collect();
    if !unconfirmed.is_empty() {
        let pts: f64 = unconfirmed.iter().filter_map(|x| x.points).sum();
        notes.push(format!(
            "{} điểm dựa trên trọng số chưa được xác nhận trong văn bản công bố: {}.",
            fixed(pts, 2),
            unconfirmed
                .iter()
                .map(|x| format!("{} ({} điểm)", x.label, fixed(x.points.unwrap_or(0.0), 2)))
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    // The national portal scores calendar months; a province that cuts its months elsewhere
    // is told which days its own score is over.
    if m.period.convention != "calendar" {
        notes.push(format!(
            "Chỉ số tính trên số liệu kỳ báo cáo ({}); Cổng Dịch vụ công quốc gia tính theo tháng dương lịch, nên điểm có thể khác điểm trên Cổng.",
            super::narrative::period_line(m).to_lowercase()
        ));
    }
    let printed = super::format::hundredths;
    if i.groups.iter().map(|g| printed(g.points)).sum::<i64>() != printed(i.total) {
        notes.push(
            "Điểm từng nhóm và tổng điểm được làm tròn đến hai chữ số thập phân (tổng tính từ điểm chưa làm tròn), nên tổng các nhóm có thể chênh lệch 0,01 điểm."
                .into(),
        );
    }
    Table {
        id: "index766".into(),
        heading,
        intro: vec![format!("{score}{band} {note}")],
        columns: vec![
            col("Nhóm chỉ số", None, "left"),
            col("Điểm", Some(24.0), "right"),
            col("Chấm được", Some(24.0), "right"),
            col("Tối đa", Some(24.0), "right"),
        ],
        rows: i
            .groups
            .iter()
            .map(|g| {
                row(vec![
                    g.label.clone(),
                    fixed(g.points, 2),
                    fixed(g.max_points - g.unscorable_points, 2),
                    fixed(g.max_points, 2),
                ])
            })
            .collect(),
        notes,
        size: 11.0,
    }
}

/// Departments ranked by on-time rate; None when none resolved a dossier.
pub(super) fn ranking(m: &Metrics, heading: String) -> Option<Table> {
    let mut rows: Vec<(String, crate::metrics::rates::Rates)> = departments(m)
        .into_iter()
        .filter_map(|u| Some((u.clone(), *m.rates_by_unit.get(&u)?)))
        .filter(|(_, r)| r.on_time.denominator > 0)
        .collect();
    // By the printed rate: what the reader sees decides the order and the ties.
    let shown = |r: &crate::metrics::rates::Rates| crate::registry::round(r.on_time.percent.unwrap_or(0.0), 2);
    rows.sort_by(|a, b| {
        shown(&b.1)
            .total_cmp(&shown(&a.1))
            .then(b.1.on_time.denominator.cmp(&a.1.on_time.denominator))
            .then(a.0.cmp(&b.0))
    });
    if rows.is_empty() {
        return None;
    }
    Some(Table {
        id: "ranking".into(),
        heading,
        intro: Vec::new(),
        columns: vec![
            col("Hạng", Some(14.0), "center"),
            col("Đơn vị", None, "left"),
            col("Đã giải quyết", Some(28.0), "right"),
            col("Đúng hạn", Some(28.0), "right"),
            col("Trực tuyến", Some(28.0), "right"),
        ],
        // Equal printed rates share a rank (1, 2, 2, 4), as the ranking pages say.
        rows: rows
            .iter()
            .enumerate()
            .map(|(i, (u, r))| {
                let shown = percent(r.on_time.percent);
                let first = rows
                    .iter()
                    .position(|(_, o)| percent(o.on_time.percent) == shown)
                    .unwrap_or(i);
                row(vec![
                    (first + 1).to_string(),
                    u.clone(),
                    int(r.on_time.denominator),
                    percent(r.on_time.percent),
                    percent(r.online_intake.percent),
                ])
            })
            .collect(),
        notes: Vec::new(),
        size: 10.5,
    })
}
