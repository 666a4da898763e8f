//! Pre-Unicode Vietnamese encodings: TCVN3 (ABC) and VNI Windows, decoded to NFC text, and
//! told apart from Windows-1258 by which decoding gives real Vietnamese words.
//! The tables are data (`reference/tcvn3.tsv`, `reference/vni.tsv`, sources cited there).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

/// The two legacy encodings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Legacy {
    Tcvn3,
    Vni,
}

const TCVN3_TSV: &str = include_str!("../../../reference/tcvn3.tsv");
const VNI_TSV: &str = include_str!("../../../reference/vni.tsv");

/// Data lines of a table file: "left<TAB>right", comments (#) skipped.
fn pairs(text: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
}

/// TCVN3 byte 0x80 + i → character.
fn tcvn3_table() -> &'static [char; 128] {
    static T: OnceLock<[char; 128]> = OnceLock::new();
    T.get_or_init(|| {
        let mut t = ['\u{FFFD}'; 128];
        for (hex, ch) in pairs(TCVN3_TSV) {
            let b = u8::from_str_radix(hex, 16).expect("reference/tcvn3.tsv: hex byte");
            t[(b - 0x80) as usize] = ch.chars().next().expect("reference/tcvn3.tsv: a character");
        }
        t
    })
}

/// VNI spellings (one or two Windows-1252 characters) → Unicode letter.
fn vni_table() -> &'static BTreeMap<Vec<char>, char> {
    static T: OnceLock<BTreeMap<Vec<char>, char>> = OnceLock::new();
    T.get_or_init(|| {
        pairs(VNI_TSV)
            .map(|(u, v)| (v.chars().collect(), u.chars().next().expect("reference/vni.tsv")))
            .collect()
    })
}

/// Decodes bytes of a legacy encoding to NFC text (never fails: every byte means something).
pub fn decode(bytes: &[u8], enc: Legacy) -> String {
    match enc {
        Legacy::Tcvn3 => {
            let t = tcvn3_table();
            bytes
                .iter()
                .map(|&b| if b < 0x80 { b as char } else { t[(b - 0x80) as usize] })
                .nfc()
                .collect()
        }
        Legacy::Vni => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            from_vni_text(&text)
        }
    }
}

/// Converts text whose characters are VNI's Windows-1252 view ("Sôû Y teá") to Unicode.
fn from_vni_text(text: &str) -> String {
    let t = vni_table();
    let cs: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < cs.len() {
        if i + 1 < cs.len() {
            if let Some(c) = t.get(&cs[i..i + 2]) {
                out.push(*c);
                i += 2;
                continue;
            }
        }
        out.push(t.get(&cs[i..i + 1]).copied().unwrap_or(cs[i]));
        i += 1;
    }
    out.nfc().collect()
}

/// Encodes NFC text in a legacy encoding (the fixture generator writes such files). A capital
/// TCVN3 cannot hold is written in lower case, as the .VnTimeH fonts did.
pub fn encode(text: &str, enc: Legacy) -> Vec<u8> {
    match enc {
        Legacy::Tcvn3 => {
            let t = tcvn3_table();
            let mut out = Vec::new();
            for c in text.nfc() {
                if (c as u32) < 0x80 {
                    out.push(c as u8);
                    continue;
                }
                let find = |c: char| t.iter().position(|x| *x == c).map(|i| i as u8 + 0x80);
                match find(c).or_else(|| c.to_lowercase().next().and_then(find)) {
                    Some(b) => out.push(b),
                    None => out.push(b'?'),
                }
            }
            out
        }
        Legacy::Vni => {
            let t = vni_table();
            let mut s = String::new();
            for c in text.nfc() {
                match t.iter().find(|(_, u)| **u == c) {
                    Some((v, _)) => s.extend(v.iter()),
                    None => s.push(c),
                }
            }
            encoding_rs::WINDOWS_1252.encode(&s).0.into_owned()
        }
    }
}

/// Frequent syllables of agency exports (headers, units, procedures, title blocks): a
/// decoding that yields many of them is the right one.
const SYLLABLES: &[&str] = &[
    "mã",
    "hồ",
    "sơ",
    "thủ",
    "tục",
    "tên",
    "đơn",
    "vị",
    "ngày",
    "nộp",
    "tiếp",
    "nhận",
    "hẹn",
    "trả",
    "kết",
    "thúc",
    "xử",
    "lý",
    "trạng",
    "thái",
    "kênh",
    "thực",
    "hiện",
    "mức",
    "độ",
    "lĩnh",
    "vực",
    "cấp",
    "xã",
    "huyện",
    "tỉnh",
    "sở",
    "ủy",
    "nhân",
    "dân",
    "phường",
    "thị",
    "trấn",
    "phòng",
    "tư",
    "pháp",
    "tài",
    "nguyên",
    "môi",
    "trường",
    "giáo",
    "dục",
    "đào",
    "tạo",
    "tế",
    "công",
    "thương",
    "nội",
    "vụ",
    "động",
    "xây",
    "dựng",
    "thông",
    "vận",
    "tải",
    "văn",
    "hóa",
    "thể",
    "du",
    "lịch",
    "kế",
    "hoạch",
    "đầu",
    "học",
    "nghệ",
    "nông",
    "nghiệp",
    "phát",
    "triển",
    "chính",
    "quyết",
    "định",
    "giấy",
    "chứng",
    "đăng",
    "ký",
    "hộ",
    "tịch",
    "sinh",
    "đất",
    "xuất",
    "từ",
    "đến",
    "báo",
    "cáo",
    "số",
    "lượng",
    "hạn",
    "đúng",
    "quá",
    "đã",
    "giải",
    "đang",
    "phí",
    "lệ",
    "bổ",
    "sung",
    "yêu",
    "cầu",
    "cơ",
    "quan",
    "hành",
    "danh",
    "sách",
    "trực",
    "tuyến",
    "điện",
    "tử",
    "dịch",
    "vụ",
    "thanh",
    "toán",
    "đánh",
    "giá",
    "hài",
    "lòng",
    "quả",
    "cấp",
    "phép",
    "hợp",
    "đồng",
    "gia",
    "đình",
    "người",
    "khai",
    "tử",
    "kết",
    "hôn",
    "bảo",
    "hiểm",
    "xã",
    "nghệ",
    "an",
    "tĩnh",
    "thành",
    "phố",
    "quận",
    "vinh",
    "cửa",
    "lò",
    "bến",
    "thủy",
    "đông",
    "nam",
    "bắc",
    "tây",
    "trung",
    "tâm",
    "phục",
    "địa",
    "chỉ",
    "điện",
    "thoại",
    "họ",
];

fn syllables() -> &'static BTreeSet<&'static str> {
    static S: OnceLock<BTreeSet<&'static str>> = OnceLock::new();
    S.get_or_init(|| SYLLABLES.iter().copied().collect())
}

/// How many words of `text` are known Vietnamese syllables with a diacritic.
pub fn score(text: &str) -> usize {
    let known = syllables();
    text.nfc()
        .collect::<String>()
        .to_lowercase()
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_ascii() && known.contains(w))
        .count()
}

/// Which reading of non-UTF-8 bytes gives Vietnamese: None means Windows-1258 (the default
/// when no legacy reading is clearly better).
pub fn guess_bytes(sample: &[u8]) -> Option<Legacy> {
    let (cp, _, _) = encoding_rs::WINDOWS_1258.decode(sample);
    pick(score(&cp), |l| score(&decode(sample, l)))
}

/// The legacy encoding that scores best and beats the plain reading by a clear margin.
fn pick(plain: usize, score_of: impl Fn(Legacy) -> usize) -> Option<Legacy> {
    let (t, v) = (score_of(Legacy::Tcvn3), score_of(Legacy::Vni));
    let (best, s) = if t >= v { (Legacy::Tcvn3, t) } else { (Legacy::Vni, v) };
    (s >= 2 && s > plain * 2).then_some(best)
}

/// The bytes behind text that a spreadsheet stored as Windows-1252 characters (a legacy
/// font's text), or None when a character is beyond Windows-1252 (then it is real Unicode).
pub fn cp1252_bytes(text: &str) -> Option<Vec<u8>> {
    if text.chars().any(|c| c as u32 > 0xFF && !is_cp1252_extra(c)) {
        return None;
    }
    let (b, _, bad) = encoding_rs::WINDOWS_1252.encode(text);
    (!bad).then(|| b.into_owned())
}

/// The characters Windows-1252 puts at 0x80–0x9F beyond Latin-1 (€, ‚, ƒ, „, …).
fn is_cp1252_extra(c: char) -> bool {
    let mut buf = [0u8; 4];
    let (b, _, bad) = encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut buf));
    !bad && b.len() == 1
}

/// Which legacy encoding, if any, the strings of a workbook are in. Conservative: a single
/// character beyond Windows-1252 means the workbook is Unicode.
pub fn guess_strings<'a>(strings: impl Iterator<Item = &'a str>) -> Option<Legacy> {
    let mut bytes = Vec::new();
    let mut plain = String::new();
    for s in strings {
        bytes.extend(cp1252_bytes(s)?);
        bytes.push(b' ');
        plain.push_str(s);
        plain.push(' ');
    }
    if bytes.is_ascii() {
        return None;
    }
    pick(score(&plain), |l| score(&decode(&bytes, l)))
}

/// Converts one spreadsheet string from a legacy font's text to Unicode; strings with a
/// character beyond Windows-1252 are returned as they are.
pub fn convert_string(s: &str, enc: Legacy) -> String {
    match cp1252_bytes(s) {
        Some(b) if !b.is_ascii() => decode(&b, enc),
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_examples_of_both_tables() {
        let vni = encoding_rs::WINDOWS_1252.encode("Sôû Y teá").0.into_owned();
        assert_eq!(decode(&vni, Legacy::Vni), "Sở Y tế");
        // "Mã hồ sơ" in TCVN3: m, 0xB7 (ã), h, 0xE5 (ồ), s, 0xAC (ơ).
        assert_eq!(decode(b"M\xB7 h\xE5 s\xAC", Legacy::Tcvn3), "Mã hồ sơ");
    }

    #[test]
    fn encode_then_decode_is_the_identity_for_lower_case() {
        let s = "ủy ban nhân dân xã nghĩa đàn, phường hưng dũng: đăng ký khai sinh";
        for l in [Legacy::Tcvn3, Legacy::Vni] {
            assert_eq!(decode(&encode(s, l), l), s, "{l:?}");
        }
        assert_eq!(
            decode(&encode("ỦY BAN NHÂN DÂN", Legacy::Vni), Legacy::Vni),
            "ỦY BAN NHÂN DÂN"
        );
    }

    #[test]
    fn guesses_each_encoding_and_keeps_windows_1258() {
        let text = "Mã hồ sơ;Tên đơn vị;Ngày tiếp nhận\nHS1;Sở Tư pháp;01/02/2023\nHS2;UBND xã Nghĩa Đàn;02/02/2023";
        assert_eq!(guess_bytes(&encode(text, Legacy::Tcvn3)), Some(Legacy::Tcvn3));
        assert_eq!(guess_bytes(&encode(text, Legacy::Vni)), Some(Legacy::Vni));
        let cp = encoding_rs::WINDOWS_1258.encode(text).0.into_owned();
        assert_eq!(guess_bytes(&cp), None);
    }

    #[test]
    fn unicode_workbook_strings_are_never_reinterpreted() {
        assert_eq!(guess_strings(["Mã hồ sơ", "Sở Tư pháp"].into_iter()), None);
        assert_eq!(guess_strings(["MaHoSo", "Ghi chu"].into_iter()), None);
        let vni: Vec<String> = ["Mã hồ sơ", "Sở Tư pháp", "Ngày tiếp nhận"]
            .iter()
            .map(|s| encoding_rs::WINDOWS_1252.decode(&encode(s, Legacy::Vni)).0.into_owned())
            .collect();
        assert_eq!(guess_strings(vni.iter().map(String::as_str)), Some(Legacy::Vni));
        assert_eq!(convert_string(&vni[1], Legacy::Vni), "Sở Tư pháp");
        assert_eq!(convert_string("Sở Tư pháp", Legacy::Vni), "Sở Tư pháp");
    }
}
