//! Parsing of single cell values: text folding, dates, numbers, flags and codes.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use unicode_normalization::UnicodeNormalization;

/// Folds text for matching: strips diacritics, đ→d, lowercases, keeps only [a-z0-9].
pub fn fold(s: &str) -> String {
    folded(s).collect()
}

/// The characters of `fold(s)`, lazily: a prefix test need not fold the whole text.
fn folded(s: &str) -> impl Iterator<Item = char> + '_ {
    s.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            c => c,
        })
        .flat_map(|c| c.to_lowercase())
        .filter(|c| c.is_ascii_alphanumeric())
}

/// NFC-normalises text, trims it and folds runs of white space; empty becomes None.
pub fn clean_text(s: &str) -> Option<String> {
    if plain_ascii(s.as_bytes()) {
        return Some(s.to_string()); // nothing to trim, fold or normalise
    }
    // Text that starts and ends with a visible ASCII character has nothing to trim.
    let visible = |c: Option<&u8>| c.is_some_and(|c| (0x21..0x80).contains(c));
    let t = if visible(s.as_bytes().first()) && visible(s.as_bytes().last()) {
        s
    } else {
        s.trim()
    };
    if t.is_empty() {
        return None;
    }
    // One pass over the bytes: ASCII? any run of white space to fold?
    let b = t.as_bytes();
    let mut ascii = true;
    let mut fold_space = false;
    for (i, &c) in b.iter().enumerate() {
        if c >= 0x80 {
            ascii = false;
            fold_space |= c == 0xC2 && b.get(i + 1) == Some(&0xA0); // no-break space
        } else if c == b'\t' || c == b'\n' || c == b'\r' || (c == b' ' && b.get(i + 1) == Some(&b' ')) {
            fold_space = true;
        }
    }
    // Most text is already NFC (ASCII always is).
    // Precomposed Vietnamese lies below U+0300 or in Latin Extended Additional, where
    // every character is already NFC; anything else gets the full quick check.
    let nfc_ok = ascii
        || t.chars()
            .all(|c| (c as u32) < 0x300 || (0x1E00..=0x1EFF).contains(&(c as u32)))
        || unicode_normalization::is_nfc_quick(t.chars()) == unicode_normalization::IsNormalized::Yes;
    let n: String = if nfc_ok { t.to_string() } else { t.nfc().collect() };
    if !fold_space {
        return Some(n);
    }
    // So that "Sở  Y tế" groups with "Sở Y tế".
    Some(n.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// True for non-empty ASCII text of printable characters and single spaces, neither
/// starting nor ending with a space: what `clean_text` returns unchanged. Eight bytes at a time.
fn plain_ascii(b: &[u8]) -> bool {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    if b.is_empty() || b[0] == b' ' || b[b.len() - 1] == b' ' {
        return false;
    }
    let mut prev_space = false;
    let mut words = b.chunks_exact(8);
    for c in &mut words {
        let w = u64::from_le_bytes(c.try_into().expect("eight bytes"));
        // A byte ≥ 0x80, or (all below 0x80) one below 0x20: a control character.
        if w & HI != 0 || w.wrapping_sub(LO * 0x20) & !w & HI != 0 {
            return false;
        }
        // The high bit of each byte that is a space (exact, no carries between bytes).
        let t = w ^ (LO * 0x20);
        let space = !(((t & !HI).wrapping_add(!HI)) | t) & HI;
        if space & (space >> 8) != 0 || (prev_space && space & 0x80 != 0) {
            return false; // two spaces in a row
        }
        prev_space = space >> 63 != 0;
    }
    for &c in words.remainder() {
        if !(0x20..0x80).contains(&c) || (c == b' ' && prev_space) {
            return false;
        }
        prev_space = c == b' ';
    }
    true
}

/// Converts an Excel serial date (1900 system) to a timestamp.
pub fn excel_serial(v: f64) -> Option<NaiveDateTime> {
    if !v.is_finite() || !(1.0..2_958_466.0).contains(&v) {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_time(NaiveTime::MIN);
    let ms = (v * 86_400_000.0).round() as i64;
    // Round to the second: Excel stores times as fractions of a day.
    let secs = (ms + 500) / 1000;
    base.checked_add_signed(Duration::seconds(secs))
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn hms(parts: &[&str]) -> Option<NaiveTime> {
    let n: Vec<u32> = parts
        .iter()
        .map(|p| p.trim().parse::<u32>().ok())
        .collect::<Option<Vec<_>>>()?;
    match n.as_slice() {
        [h, m] => NaiveTime::from_hms_opt(*h, *m, 0),
        [h, m, s] => NaiveTime::from_hms_opt(*h, *m, *s),
        _ => None,
    }
}

/// Parses the date layouts met in exports: dd/mm/yyyy[ HH:MM[:SS]], dd-mm-yyyy,
/// ISO 8601 (with optional T, fraction and offset), yyyyMMdd[HHmmss] (DVCQG).
/// Times with an offset are converted to local time (UTC+7).
pub fn parse_date(raw: &str) -> Option<NaiveDateTime> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    if let Some(d) = parse_date_fixed(s.as_bytes()) {
        return Some(d);
    }
    let b = s.as_bytes();
    if b.iter().all(|c| c.is_ascii_digit()) {
        return match b.len() {
            8 | 12 | 14 => {
                let y = s[0..4].parse().ok()?;
                let m = s[4..6].parse().ok()?;
                let d = s[6..8].parse().ok()?;
                let date = ymd(y, m, d)?;
                let time = match b.len() {
                    8 => NaiveTime::MIN,
                    12 => hms(&[&s[8..10], &s[10..12]])?,
                    _ => hms(&[&s[8..10], &s[10..12], &s[12..14]])?,
                };
                Some(date.and_time(time))
            }
            _ => None,
        };
    }
    let (date_part, time_part) = match s.find(['T', ' ']) {
        Some(i) => (&s[..i], Some(s[i + 1..].trim())),
        None => (s, None),
    };
    let date = if date_part.len() >= 8 && date_part.as_bytes()[4] == b'-' {
        let p: Vec<&str> = date_part.split('-').collect();
        if p.len() != 3 {
            return None;
        }
        ymd(p[0].parse().ok()?, p[1].parse().ok()?, p[2].parse().ok()?)?
    } else {
        let p: Vec<&str> = date_part.split(['/', '-', '.']).collect();
        if p.len() != 3 || p[2].len() != 4 {
            return None;
        }
        ymd(p[2].parse().ok()?, p[1].parse().ok()?, p[0].parse().ok()?)?
    };
    let Some(t) = time_part.filter(|t| !t.is_empty()) else {
        return Some(date.and_time(NaiveTime::MIN));
    };
    // Split off a UTC offset or Z.
    let (clock, offset_min) = split_offset(t)?;
    let clock = clock.split('.').next()?; // drop fractional seconds
    let parts: Vec<&str> = clock.split(':').collect();
    let time = hms(&parts)?;
    let mut dt = date.and_time(time);
    if let Some(off) = offset_min {
        dt -= Duration::minutes(off);
        dt += Duration::hours(7);
    }
    Some(dt)
}

/// Fast path for the two layouts of almost every export: `YYYY-MM-DD[T ]HH:MM:SS` and
/// `DD/MM/YYYY HH:MM:SS`, read without allocating. Anything else goes the slow way.
fn parse_date_fixed(b: &[u8]) -> Option<NaiveDateTime> {
    if b.len() != 19 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter()
            .try_fold(0u32, |acc, c| c.is_ascii_digit().then(|| acc * 10 + (c - b'0') as u32))
    };
    let (y, m, d) = if b[4] == b'-' && b[7] == b'-' && (b[10] == b'T' || b[10] == b' ') {
        (num(0..4)?, num(5..7)?, num(8..10)?)
    } else if b[2] == b'/' && b[5] == b'/' && b[10] == b' ' {
        (num(6..10)?, num(3..5)?, num(0..2)?)
    } else {
        return None;
    };
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(y as i32, m, d)?;
    date.and_hms_opt(num(11..13)?, num(14..16)?, num(17..19)?)
}

fn split_offset(t: &str) -> Option<(&str, Option<i64>)> {
    if let Some(c) = t.strip_suffix('Z') {
        return Some((c, Some(0)));
    }
    if let Some(i) = t.rfind(['+', '-']) {
        let (c, off) = t.split_at(i);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let digits: String = off[1..].chars().filter(|c| c.is_ascii_digit()).collect();
        if digits.len() != 4 && digits.len() != 2 {
            return None;
        }
        let h: i64 = digits[..2].parse().ok()?;
        let m: i64 = if digits.len() == 4 {
            digits[2..].parse().ok()?
        } else {
            0
        };
        return Some((c, Some(sign * (h * 60 + m))));
    }
    Some((t, None))
}

/// Parses a number written Vietnamese-style (`1.500.000`, `12,5`) or plainly (`1500000.5`).
pub fn parse_number(raw: &str) -> Option<f64> {
    // Plain digits (most fees and counts): nothing to strip or regroup.
    if !raw.is_empty() && raw.bytes().all(|c| c.is_ascii_digit()) {
        let v: f64 = raw.parse().ok()?;
        return v.is_finite().then_some(v);
    }
    let s: String = raw
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect();
    let s = s
        .trim_end_matches("VNĐ")
        .trim_end_matches("VND")
        .trim_end_matches("đ")
        .trim_end_matches('₫');
    if s.is_empty() {
        return None;
    }
    let dots = s.matches('.').count();
    let commas = s.matches(',').count();
    let normal = match (dots, commas) {
        (0, 0) => s.to_string(),
        (_, 0) if dots > 1 || is_thousands(s, '.') => s.replace('.', ""),
        (_, 0) => s.to_string(),
        (0, 1) if !is_thousands(s, ',') => s.replace(',', "."),
        (0, _) if is_thousands(s, ',') => s.replace(',', ""),
        _ => {
            let last_dot = s.rfind('.').unwrap_or(0);
            let last_comma = s.rfind(',').unwrap_or(0);
            if last_comma > last_dot {
                s.replace('.', "").replace(',', ".")
            } else {
                s.replace(',', "")
            }
        }
    };
    let v: f64 = normal.parse().ok()?;
    v.is_finite().then_some(v)
}

/// True when `sep` is used as a thousands separator: groups of exactly three digits.
fn is_thousands(s: &str, sep: char) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s);
    let mut parts = body.split(sep);
    let first = parts.next().unwrap_or("");
    !first.is_empty()
        && first.len() <= 3
        && first.chars().all(|c| c.is_ascii_digit())
        && parts.all(|p| p.len() == 3 && p.chars().all(|c| c.is_ascii_digit()))
        && body.contains(sep)
}

/// Parses a 0/1 flag, also written as Có/Không, x, true/false.
pub fn parse_flag(raw: &str) -> Option<bool> {
    match raw.trim() {
        "1" => return Some(true),
        "0" => return Some(false),
        _ => {}
    }
    match fold(raw).as_str() {
        "1" | "co" | "x" | "true" | "yes" | "dung" => Some(true),
        "0" | "khong" | "false" | "no" | "sai" => Some(false),
        _ => None,
    }
}

/// Parses a small non-negative integer code, accepting `2`, `2.0` and ` 2 `.
pub fn parse_code(raw: &str) -> Option<i64> {
    let t = raw.trim();
    if let Ok(v) = t.parse::<i64>() {
        return Some(v);
    }
    let f: f64 = t.parse().ok()?;
    (f.fract() == 0.0 && f.abs() < 1e9).then_some(f as i64)
}

/// Dossier status (docs/rules.md, dossier statuses) from a code or its Vietnamese name.
pub fn parse_status(raw: &str) -> Option<i16> {
    if let Some(c) = parse_code(raw) {
        return (1..=10).contains(&c).then_some(c as i16);
    }
    let code = match fold(raw).as_str() {
        "moidangky" | "dangky" => 1,
        "duoctiepnhan" | "datiepnhan" | "tiepnhan" => 2,
        "khongduoctiepnhan" | "tuchoitiepnhan" | "tuchoi" => 3,
        "dangxuly" => 4,
        "yeucaubosunggiayto" | "yeucaubosung" | "chobosung" => 5,
        "yeucauthuchiennghiavutaichinh" | "chothuchiennghiavutaichinh" => 6,
        "congdanyeucauruthoso" | "ruthoso" | "darut" => 7,
        "dungxuly" | "tamdungxuly" => 8,
        "daxulyxong" | "daxuly" | "xulyxong" => 9,
        "datraketqua" | "traketqua" => 10,
        _ => return None,
    };
    Some(code)
}

/// Channel (KenhThucHien) from a code or its name; empty means in person.
pub fn parse_channel(raw: &str) -> Option<i16> {
    if let Some(c) = parse_code(raw) {
        return (1..=3).contains(&c).then_some(c as i16);
    }
    match fold(raw).as_str() {
        "tructiep" | "noptructiep" | "taiquay" => Some(1),
        "tructuyen" | "online" | "dichvucongtructuyen" => Some(2),
        "buuchinhcongich" | "buuchinh" | "quabuuchinh" => Some(3),
        _ => None,
    }
}

/// Online-service level (MucDo): toan_trinh, mot_phan, khac; legacy 4/3.
pub fn parse_level_of_service(raw: &str) -> Option<&'static str> {
    match raw {
        "toan_trinh" => return Some("toan_trinh"),
        "mot_phan" => return Some("mot_phan"),
        "khac" => return Some("khac"),
        _ => {}
    }
    match fold(raw).as_str() {
        "toantrinh" | "4" | "muc4" | "mucdo4" => Some("toan_trinh"),
        "motphan" | "3" | "muc3" => Some("mot_phan"),
        "khac" | "1" | "2" | "muc1" | "muc2" => Some("khac"),
        _ => None,
    }
}

/// Agency level (CapDonVi): tinh, huyen, xa.
pub fn parse_agency_level(raw: &str) -> Option<&'static str> {
    match raw {
        "tinh" => return Some("tinh"),
        "huyen" => return Some("huyen"),
        "xa" => return Some("xa"),
        _ => {}
    }
    let f = fold(raw);
    if f.contains("tinh") || f == "so" || f == "1" {
        Some("tinh")
    } else if f.contains("huyen") || f == "2" {
        Some("huyen")
    } else if f == "xa" || f.contains("capxa") || f.contains("phuong") || f == "3" {
        Some("xa")
    } else {
        None
    }
}

/// Infers the agency level from its name when the export has no level column.
pub fn infer_agency_level(name: &str) -> Option<&'static str> {
    // Only prefixes are tested, the longest 18 characters: fold no further (once per row).
    let f: String = folded(name).take(24).collect();
    if f.starts_with("so") || f.starts_with("ban") || f.starts_with("thanhtra") || f.starts_with("vanphong") {
        Some("tinh")
    } else if f.starts_with("ubndhuyen") || f.starts_with("uybannhandanhuyen") {
        Some("huyen")
    } else if f.starts_with("ubndxa")
        || f.starts_with("ubndphuong")
        || f.starts_with("ubndthitran")
        || f.starts_with("uybannhandanxa")
        || f.starts_with("uybannhandanphuong")
    {
        Some("xa")
    } else {
        None
    }
}

/// Online payment (DuocThanhToanTrucTuyen): 0 no, 1 DVCQG, 2 provincial gateway.
pub fn parse_payment(raw: &str) -> Option<i16> {
    if let Some(c) = parse_code(raw) {
        return (0..=2).contains(&c).then_some(c as i16);
    }
    match fold(raw).as_str() {
        "khong" => Some(0),
        "dvcqg" | "congdvcqg" => Some(1),
        "congthanhtoantinh" | "tinh" => Some(2),
        _ => None,
    }
}

/// Satisfaction rating (DanhGia), normalised to a code.
pub fn parse_rating(raw: &str) -> Option<&'static str> {
    match raw {
        "Rất hài lòng" => return Some("rat_hai_long"),
        "Hài lòng" => return Some("hai_long"),
        "Không hài lòng" => return Some("khong_hai_long"),
        _ => {}
    }
    match fold(raw).as_str() {
        "rathailong" | "3" => Some("rat_hai_long"),
        "hailong" | "2" => Some("hai_long"),
        "khonghailong" | "1" => Some("khong_hai_long"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn folds_vietnamese_headers() {
        assert_eq!(fold("Ngày hẹn trả"), "ngayhentra");
        assert_eq!(fold("NgayHenTra"), "ngayhentra");
        assert_eq!(fold("ngay_hen_tra"), "ngayhentra");
        assert_eq!(fold("Đơn vị"), "donvi");
        // Decomposed input folds the same.
        let nfd: String = "Ngày hẹn trả".nfd().collect();
        assert_eq!(fold(&nfd), "ngayhentra");
    }

    #[test]
    fn plain_ascii_is_what_clean_text_keeps() {
        let cases = [
            "",
            " ",
            "a",
            "ab",
            "a b",
            "a  b",
            " a",
            "a ",
            "abcdefgh",
            "abcdefg h",
            "abcdefgh i",
            "abcdefg  hijk",
            "abcdefgh  ijk",
            "abcdefghijklmno ",
            "2023-03-02T09:13:15",
            "a\tb",
            "abcdefgh\tijk",
            "abcdefghij\x0bk",
            "Sở Y tế",
            "abcdefgh\u{a0}x",
            "x\x7fy",
            "12345678 1234567 ",
            "1234567 8",
            "1234567  8",
            "123456 78",
        ];
        for c in cases {
            if plain_ascii(c.as_bytes()) {
                assert_eq!(clean_text(c).as_deref(), Some(c), "{c:?}");
            } else {
                // Only text clean_text would change (or must look at closely) is turned away.
                let obvious = c.bytes().all(|b| (0x20..0x80).contains(&b))
                    && !c.starts_with(' ')
                    && !c.ends_with(' ')
                    && !c.contains("  ")
                    && !c.is_empty();
                assert!(!obvious, "{c:?} should be plain");
            }
        }
    }

    #[test]
    fn parses_date_layouts() {
        assert_eq!(parse_date("15/05/2023"), Some(dt("2023-05-15 00:00:00")));
        assert_eq!(parse_date("5/6/2023 16:30"), Some(dt("2023-06-05 16:30:00")));
        assert_eq!(parse_date("05/06/2023 16:30:05"), Some(dt("2023-06-05 16:30:05")));
        assert_eq!(parse_date("2023-06-05T16:30:05"), Some(dt("2023-06-05 16:30:05")));
        assert_eq!(parse_date("2023-06-05 16:30:05.123"), Some(dt("2023-06-05 16:30:05")));
        assert_eq!(parse_date("2023-06-05T09:30:05Z"), Some(dt("2023-06-05 16:30:05")));
        assert_eq!(parse_date("2023-06-05T16:30:05+07:00"), Some(dt("2023-06-05 16:30:05")));
        assert_eq!(parse_date("20230605163005"), Some(dt("2023-06-05 16:30:05")));
        assert_eq!(parse_date("20230605"), Some(dt("2023-06-05 00:00:00")));
        assert_eq!(parse_date("31/02/2023"), None);
        assert_eq!(parse_date("hôm qua"), None);
        assert_eq!(parse_date("2023-13-01"), None);
        assert_eq!(parse_date("12/5/23"), None);
    }

    #[test]
    fn parses_excel_serials() {
        assert_eq!(excel_serial(45061.0), Some(dt("2023-05-15 00:00:00")));
        assert_eq!(excel_serial(45061.6875), Some(dt("2023-05-15 16:30:00")));
        assert_eq!(excel_serial(-3.0), None);
    }

    #[test]
    fn parses_vietnamese_numbers() {
        assert_eq!(parse_number("1.500.000"), Some(1_500_000.0));
        assert_eq!(parse_number("1.500.000,50"), Some(1_500_000.5));
        assert_eq!(parse_number("12,5"), Some(12.5));
        assert_eq!(parse_number("1500000"), Some(1_500_000.0));
        assert_eq!(parse_number("1,500,000"), Some(1_500_000.0));
        assert_eq!(parse_number("150.000 VNĐ"), Some(150_000.0));
        assert_eq!(parse_number("-50.000"), Some(-50_000.0));
        assert_eq!(parse_number("0"), Some(0.0));
        assert_eq!(parse_number("abc"), None);
    }

    #[test]
    fn parses_codes_and_names() {
        assert_eq!(parse_status("9"), Some(9));
        assert_eq!(parse_status("Đã trả kết quả"), Some(10));
        assert_eq!(parse_status("Công dân yêu cầu rút hồ sơ"), Some(7));
        assert_eq!(parse_status("Yêu cầu bổ sung giấy tờ"), Some(5));
        assert_eq!(parse_status("11"), None);
        assert_eq!(parse_status("Chờ duyệt"), None);
        assert_eq!(parse_channel("Trực tuyến"), Some(2));
        assert_eq!(parse_channel("Bưu chính công ích"), Some(3));
        assert_eq!(parse_channel("4"), None);
        assert_eq!(parse_rating("Rất hài lòng"), Some("rat_hai_long"));
        assert_eq!(parse_level_of_service("4"), Some("toan_trinh"));
        assert_eq!(parse_flag("Có"), Some(true));
        assert_eq!(infer_agency_level("Sở Y tế"), Some("tinh"));
        assert_eq!(infer_agency_level("UBND xã Nghi Lộc"), Some("xa"));
    }
}
