//! Plain-text and CSV views of the metrics, numbers in Vietnamese style.

use super::explain::Line;
use super::ii06a::Row;
use super::Metrics;
use crate::registry::{COUNTS, RATES};
use crate::report::format::{int, percent, short_date};
use chrono::NaiveDate;
use std::fmt::Write;

/// Which II.06a rows to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    All,
    Agency,
    Level,
    Field,
}

impl By {
    /// Parses `agency`, `level` or `field`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "agency" => Some(By::Agency),
            "level" => Some(By::Level),
            "field" => Some(By::Field),
            _ => None,
        }
    }

    /// True when a row of this grain is shown.
    pub fn shows(self, grain: &str) -> bool {
        match self {
            By::All => true,
            By::Agency => grain == "agency" || grain == "level",
            By::Level => grain == "level",
            By::Field => grain == "field",
        }
    }
}

const LEVELS: &[(&str, &str)] = &[
    ("tinh", "Cấp tỉnh"),
    ("huyen", "Cấp huyện"),
    ("xa", "Cấp xã"),
    ("khac", "Khác"),
];

fn row_name(r: &Row) -> String {
    match r.grain.as_str() {
        "total" => "TỔNG CỘNG (toàn tỉnh)".to_string(),
        "level" => {
            let l = r.level.as_deref().unwrap_or("khac");
            LEVELS
                .iter()
                .find(|x| x.0 == l)
                .map(|x| x.1)
                .unwrap_or(l)
                .to_uppercase()
        }
        "field" => format!("Lĩnh vực: {}", r.field.as_deref().unwrap_or("")),
        _ => format!("  {}", r.unit.as_deref().unwrap_or("")),
    }
}

fn date(s: &str) -> String {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(short_date)
        .unwrap_or_else(|_| s.to_string())
}

/// The text report: period, II.06a (form columns), rates, comparisons, targets, 766.
pub fn render(m: &Metrics, by: By) -> String {
    let mut s = String::new();
    let p = &m.period;
    let _ = writeln!(
        s,
        "Kỳ báo cáo: {} — từ ngày {} đến ngày {} ({})",
        p.label,
        date(&p.from),
        date(&p.to),
        p.convention
    );
    let _ = writeln!(s, "\nBiểu II.06a — Đơn vị tính: Số hồ sơ TTHC");
    let _ = writeln!(
        s,
        "{:<46} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "Đơn vị", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)", "(11)", "(12)", "(13)"
    );
    for r in std::iter::once(&m.ii06a.total).chain(m.ii06a.rows.iter().filter(|r| by.shows(&r.grain))) {
        let f = &r.form;
        let name: String = row_name(r).chars().take(46).collect();
        let _ = writeln!(
            s,
            "{:<46} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
            name,
            int(f.c3),
            int(f.c4),
            int(f.c5),
            int(f.c6),
            int(f.c7),
            int(f.c8),
            int(f.c9),
            int(f.c10),
            int(f.c11),
            int(f.c12),
            int(f.c13)
        );
    }
    let t = &m.ii06a.total.counts;
    let _ = writeln!(s, "\nSố liệu chi tiết (toàn tỉnh):");
    for e in COUNTS {
        let _ = writeln!(s, "  {:<52} {:>10}", e.label, int(t.get(e.key).unwrap_or(0)));
    }
    let _ = writeln!(s, "\nTỷ lệ (tử số / mẫu số):");
    for (key, label) in RATES.iter().map(|e| (e.key, e.label)) {
        let r = m.rates.get(key).unwrap_or_default();
        // Dossiers whose file did not carry a column the rate needs are outside the
        // denominator: said on the line, never read as "no".
        let missing = if r.missing > 0 {
            format!(
                " — {} hồ sơ thuộc tệp không có cột cần thiết, không tính",
                int(r.missing)
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "  {label:<32} {:>16} {:>10} / {:<10} {} so với kỳ trước; {} so với cùng kỳ{missing}",
            crate::report::format::rate(&r),
            int(r.numerator),
            int(r.denominator),
            crate::report::narrative::change_words(&m.previous_period, key),
            crate::report::narrative::change_words(&m.previous_year, key),
        );
    }
    if by == By::Agency {
        let _ = writeln!(s, "\nTheo đơn vị: đúng hạn; tiếp nhận trực tuyến");
        for (unit, r) in &m.rates_by_unit {
            let _ = writeln!(
                s,
                "  {unit:<46} {:>16} ({}/{}); {:>16} ({}/{})",
                percent(r.on_time.percent),
                int(r.on_time.numerator),
                int(r.on_time.denominator),
                percent(r.online_intake.percent),
                int(r.online_intake.numerator),
                int(r.online_intake.denominator)
            );
        }
    }
    if !m.targets.is_empty() {
        let _ = writeln!(s, "\nChỉ tiêu:");
        for t in &m.targets {
            let actual = match (t.actual, t.unit.as_str()) {
                (None, _) => "không có số liệu".to_string(),
                (Some(a), "%") => match (t.origin, t.numerator, t.denominator) {
                    ("reported", Some(n), Some(d)) => format!("{}/{} ({})", int(n), int(d), percent(Some(a))),
                    _ => percent(Some(a)),
                },
                (Some(a), u) => format!("{} {u}", crate::report::format::decimal(a, 2)),
            };
            let verdict = match t.verdict {
                super::targets::Verdict::Met => "đạt",
                super::targets::Verdict::NotMet => "không đạt",
                super::targets::Verdict::NoData => "không có số liệu",
            };
            let _ = writeln!(
                s,
                "  [{}] {:<60} {} {} → {actual} — {verdict} ({}{})",
                t.id,
                t.label,
                t.comparator.replace(">=", "≥").replace("<=", "≤"),
                crate::report::format::decimal(t.threshold, 2),
                t.set_by,
                if t.origin == "reported" {
                    format!("; số liệu báo cáo: {}", t.source.as_deref().unwrap_or(""))
                } else {
                    String::new()
                }
            );
        }
        for sm in &m.targets_summary {
            let _ = writeln!(
                s,
                "  {}{}/{} chỉ tiêu đạt và vượt",
                sm.group.as_deref().map(|g| format!("{g}: ")).unwrap_or_default(),
                sm.met,
                sm.total
            );
        }
    }
    let i = &m.index766;
    let dec = |x: f64| crate::report::format::decimal(x, 2);
    let band = match (&i.band, i.band_confirmed) {
        (Some(b), true) => format!("xếp loại {b}"),
        (Some(b), false) => format!("xếp loại {b} (ngưỡng chưa được xác nhận)"),
        (None, _) => "chưa xếp loại (chưa chấm được đủ 100 điểm)".into(),
    };
    let estimate = i
        .estimate
        .map(|e| format!(", ước tính {} /100", dec(e)))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "\nChỉ số 766 (cấu hình {}): {} / {} điểm chấm được ({} điểm không có số liệu){estimate} — {band}",
        i.config_version,
        dec(i.total),
        dec(i.max_scorable),
        dec(i.unscorable_points),
    );
    for g in &i.groups {
        let _ = writeln!(
            s,
            "  {:<40} {:>6} / {}",
            g.label,
            crate::report::format::decimal(g.points, 2),
            crate::report::format::decimal(g.max_points, 2)
        );
    }
    let _ = writeln!(s, "\nNguồn số liệu:");
    for f in &m.inputs {
        let _ = writeln!(
            s,
            "  {} (sha256 {}, {} dòng)",
            f.file,
            &f.sha256[..12.min(f.sha256.len())],
            int(f.rows_loaded)
        );
    }
    s
}

fn csv_field(v: &str) -> String {
    if v.contains([',', '"', '\n']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_string()
    }
}

/// The II.06a rows as CSV (plain integers, for spreadsheets).
pub fn csv(m: &Metrics, by: By) -> String {
    let mut s = String::from("grain,level,unit,field");
    for e in COUNTS {
        s.push(',');
        s.push_str(e.key);
    }
    s.push('\n');
    for r in std::iter::once(&m.ii06a.total).chain(m.ii06a.rows.iter().filter(|r| by.shows(&r.grain))) {
        let nums: Vec<i64> = COUNTS.iter().map(|e| r.counts.get(e.key).unwrap_or(0)).collect();
        let _ = writeln!(
            s,
            "{},{},{},{},{}",
            r.grain,
            csv_field(r.level.as_deref().unwrap_or("")),
            csv_field(r.unit.as_deref().unwrap_or("")),
            csv_field(r.field.as_deref().unwrap_or("")),
            nums.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(",")
        );
    }
    s
}

/// The dossiers behind a count, one per line.
pub fn explain(lines: &[Line]) -> String {
    let mut s = String::new();
    let fmt = |d: Option<chrono::NaiveDateTime>| {
        d.map(|x| x.format("%d/%m/%Y %H:%M").to_string())
            .unwrap_or_else(|| "-".into())
    };
    for l in lines {
        let _ = writeln!(
            s,
            "{}\t{}\ttrạng thái {}\ttiếp nhận {}\thẹn trả {}\tkết thúc {}\t{}:{}",
            l.ma_ho_so,
            l.unit.as_deref().unwrap_or("-"),
            l.status,
            fmt(l.accepted),
            fmt(l.due),
            fmt(l.finished),
            l.file,
            l.row
        );
    }
    let _ = writeln!(s, "{} hồ sơ", int(lines.len() as i64));
    s
}
