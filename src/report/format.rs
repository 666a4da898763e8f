//! Vietnamese number and date formatting: `21.969`, `96,57%`, `ngày 05 tháng 02 năm 2024`.

use chrono::{Datelike, NaiveDate};

/// A count with `.` as thousands separator: 21969 → "21.969".
pub fn int(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// A decimal with a decimal comma, at most `decimals` places, trailing zeros dropped:
/// 96.5736 → "96,57", 98.8 → "98,8", 100.0 → "100".
pub fn decimal(x: f64, decimals: usize) -> String {
    let s = fixed(x, decimals);
    if s.contains(',') {
        s.trim_end_matches('0').trim_end_matches(',').to_string()
    } else {
        s
    }
}

/// A decimal with a decimal comma and exactly `decimals` places, for columns and sentences
/// whose figures must read alike: 98.8 → "98,80", 100.0 → "100,00"; never "-0,00".
pub fn fixed(x: f64, decimals: usize) -> String {
    let r = crate::registry::round(x, decimals);
    let s = format!("{:.*}", decimals, if r == 0.0 { 0.0 } else { r });
    let (int_part, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s.as_str(), None),
    };
    let neg = int_part.starts_with('-');
    let whole: i64 = int_part.trim_start_matches('-').parse().unwrap_or(0);
    let mut out = if neg { format!("-{}", int(whole)) } else { int(whole) };
    if let Some(f) = frac {
        out.push(',');
        out.push_str(f);
    }
    out
}

/// A figure as printed with two decimals, in hundredths: equal printed values compare
/// equal (ranks, ties and printed sums are judged on what the reader sees).
pub fn hundredths(x: f64) -> i64 {
    (crate::registry::round(x, 2) * 100.0).round() as i64
}

/// A score out of the points it was scored on, always two decimals: "52,10/60".
pub fn score(total: f64, of: f64) -> String {
    format!("{}/{}", fixed(total, 2), decimal(of, 2))
}

/// A percentage with two decimals ("98,00%"), or "không phát sinh" when there was nothing
/// to rate.
pub fn percent(p: Option<f64>) -> String {
    match p {
        Some(x) => format!("{}%", fixed(x, 2)),
        None => "không phát sinh".to_string(),
    }
}

/// What a rate says, as printed: its percentage (over the dossiers with data), "không phát
/// sinh" when there was nothing to rate, "không có số liệu" when no file carried the
/// columns it needs (never 0 %).
pub fn rate(r: &crate::registry::Rate) -> String {
    if r.no_column() {
        NO_DATA.to_string()
    } else {
        percent(r.percent)
    }
}

/// A rate with no file carrying the columns it needs.
pub const NO_DATA: &str = "không có số liệu";

/// The basis of a rate counted over only some of its dossiers: "tính trên 1.200/2.650 hồ sơ
/// có số liệu"; None when every dossier had the data (or there is no percentage).
pub fn basis(r: &crate::registry::Rate) -> Option<String> {
    r.partial().then(|| {
        format!(
            "tính trên {}/{} hồ sơ có số liệu",
            int(r.denominator),
            int(r.denominator + r.missing)
        )
    })
}

/// A rate followed by its basis when partial: "78,9% (tính trên 1.200/2.650 hồ sơ có số liệu)".
pub fn rate_with_basis(r: &crate::registry::Rate) -> String {
    match basis(r) {
        Some(b) => format!("{} ({b})", rate(r)),
        None => rate(r),
    }
}

/// "35/39 chỉ tiêu đạt và vượt; 2 chỉ tiêu chưa có số liệu" (the no-data part only when any).
pub fn targets_summary(met: usize, total: usize, no_data: usize) -> String {
    let mut s = format!("{met}/{total} chỉ tiêu đạt và vượt");
    if no_data > 0 {
        s = format!("{s}; {no_data} chỉ tiêu chưa có số liệu");
    }
    s
}

/// A change in a count: "tăng 656 hồ sơ", "giảm 12 hồ sơ", "không đổi".
pub fn count_change(now: i64, then: i64) -> String {
    match now - then {
        d if d > 0 => format!("tăng {} hồ sơ", int(d)),
        d if d < 0 => format!("giảm {} hồ sơ", int(-d)),
        _ => "không đổi".to_string(),
    }
}

/// A change in percentage points: "tăng 1,25 điểm phần trăm", "giảm 0,4 điểm phần
/// trăm", "không đổi"; non-breaking spaces keep the figure and its unit on one line.
pub fn points_change(p: Option<f64>) -> String {
    const UNIT: &str = "\u{a0}điểm\u{a0}phần\u{a0}trăm";
    match p {
        Some(x) if x > 0.0 => format!("tăng\u{a0}{}{UNIT}", decimal(x, 2)),
        Some(x) if x < 0.0 => format!("giảm\u{a0}{}{UNIT}", decimal(-x, 2)),
        Some(_) => "không đổi".to_string(),
        None => "không so sánh được".to_string(),
    }
}

/// "ngày 05 tháng 02 năm 2024": day < 10 and months 1–2 zero-padded (Decree 30/2020).
pub fn long_date(d: NaiveDate) -> String {
    let month = if d.month() <= 2 {
        format!("{:02}", d.month())
    } else {
        d.month().to_string()
    };
    format!("ngày {:02} tháng {} năm {}", d.day(), month, d.year())
}

/// The date with its day and month left blank for the records office, the year kept:
/// "ngày      tháng      năm 2023".
pub fn blank_date(d: NaiveDate) -> String {
    format!("ngày      tháng      năm {}", d.year())
}

/// The document number with the number itself left blank, its form kept:
/// "Số: 123/BC-UBND" → "Số:      /BC-UBND".
pub fn blank_number(n: &str) -> String {
    let (head, rest) = match n.find(':') {
        Some(i) => (&n[..=i], &n[i + 1..]),
        None => ("Số:", n),
    };
    let tail = rest.find('/').map(|i| rest[i..].trim_end()).unwrap_or("");
    format!("{}      {tail}", head.trim_start())
}

/// "15/5/2023", as in "Từ ngày 15/5/2023 đến ngày 14/6/2023".
pub fn short_date(d: NaiveDate) -> String {
    format!("{}/{}/{}", d.day(), d.month(), d.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_score_prints_two_decimals_out_of_its_points() {
        assert_eq!(score(52.1, 60.0), "52,10/60");
        assert_eq!(score(37.374, 60.5), "37,37/60,5");
        assert_eq!(score(0.0, 100.0), "0,00/100");
    }

    #[test]
    fn blank_number_and_date() {
        assert_eq!(blank_number("Số: 123/BC-UBND"), "Số:      /BC-UBND");
        assert_eq!(blank_number("Số:        /BC-UBND"), "Số:      /BC-UBND");
        assert_eq!(blank_number("Số: 45/BC-SYT "), "Số:      /BC-SYT");
        assert_eq!(blank_number("12/BC"), "Số:      /BC");
        let d = NaiveDate::from_ymd_opt(2023, 6, 15).unwrap();
        assert_eq!(blank_date(d), "ngày      tháng      năm 2023");
    }

    #[test]
    fn vietnamese_numbers() {
        assert_eq!(int(21969), "21.969");
        assert_eq!(int(577), "577");
        assert_eq!(int(1_234_567), "1.234.567");
        assert_eq!(int(-4180), "-4.180");
        assert_eq!(percent(Some(16263.0 / 16840.0 * 100.0)), "96,57%");
        assert_eq!(percent(Some(98.8)), "98,80%");
        assert_eq!(percent(Some(100.0)), "100,00%");
        assert_eq!(percent(Some(-0.001)), "0,00%");
        assert_eq!(percent(Some(3.4263)), "3,43%");
        assert_eq!(percent(Some(12345.678)), "12.345,68%");
        assert_eq!(percent(None), "không phát sinh");
        use crate::registry::Rate;
        assert_eq!(rate(&Rate::with_missing(0, 0, 0)), "không phát sinh");
        assert_eq!(rate(&Rate::with_missing(0, 0, 2650)), "không có số liệu");
        assert_eq!(basis(&Rate::with_missing(0, 0, 2650)), None);
        assert_eq!(
            rate_with_basis(&Rate::with_missing(600, 1200, 1450)),
            "50,00% (tính trên 1.200/2.650 hồ sơ có số liệu)"
        );
        assert_eq!(rate_with_basis(&Rate::with_missing(600, 1200, 0)), "50,00%");
        assert_eq!(decimal(-0.0, 2), "0", "an empty sum is -0.0: printed as 0");
        assert_eq!(decimal(-0.004, 2), "0");
        assert_eq!(percent(Some(281.0 / 800.0 * 100.0)), "35,13%");
        assert_eq!(percent(Some(1018.0 / 1254.0 * 100.0)), "81,18%");
        assert_eq!(points_change(Some(-0.5)), "giảm\u{a0}0,5\u{a0}điểm\u{a0}phần\u{a0}trăm");
        assert_eq!(points_change(Some(0.0)), "không đổi");
        // The change is the difference of the printed rates: 96,57% − 28,79% (printed) is
        // 67,78 points, although the unrounded rates differ by 67,785.
        assert_eq!(crate::registry::points_between(96.5736, 28.7886), 67.78);
        assert_eq!(crate::registry::points_between(50.001, 50.004), 0.0);
    }

    #[test]
    fn decree30_dates() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(long_date(d("2024-02-05")), "ngày 05 tháng 02 năm 2024");
        assert_eq!(long_date(d("2023-12-14")), "ngày 14 tháng 12 năm 2023");
        assert_eq!(short_date(d("2023-05-15")), "15/5/2023");
    }
}
