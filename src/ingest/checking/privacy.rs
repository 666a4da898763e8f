//! Personal data stays in its place: applicants' names, ID numbers, phones, e-mails and
//! addresses in columns we do not read are withheld before validation, so they never reach
//! `extra`, the quarantine, a report or a log. The `[ingest] extra` policy says what else
//! of the unmatched columns is kept.

use super::columns;
use super::fields::HeaderMap;
use super::values::fold;
use crate::ingest::reading::record::{Cell, RawRow, Table};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

/// What happens to columns that match no field (`[ingest] extra`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(try_from = "RawPolicy", into = "RawPolicy")]
pub enum ExtraPolicy {
    /// Keep them in `extra`, except columns recognised as personal data (the default).
    #[default]
    Keep,
    /// Keep none.
    Drop,
    /// Keep only these columns (by header, ignoring case, accents and spaces), personal or not.
    Allow(Vec<String>),
}

/// The configuration file's spelling: "keep", "drop" or a list of headers.
#[derive(Deserialize, Serialize)]
#[serde(untagged)]
pub enum RawPolicy {
    Word(String),
    List(Vec<String>),
}

impl TryFrom<RawPolicy> for ExtraPolicy {
    type Error = String;
    fn try_from(r: RawPolicy) -> Result<Self, String> {
        match r {
            RawPolicy::Word(w) if w == "keep" => Ok(ExtraPolicy::Keep),
            RawPolicy::Word(w) if w == "drop" => Ok(ExtraPolicy::Drop),
            RawPolicy::Word(w) => Err(format!(
                "extra = \"{w}\": expected \"keep\", \"drop\" or a list of column headers"
            )),
            RawPolicy::List(l) => Ok(ExtraPolicy::Allow(l)),
        }
    }
}

impl From<ExtraPolicy> for RawPolicy {
    fn from(p: ExtraPolicy) -> Self {
        match p {
            ExtraPolicy::Keep => RawPolicy::Word("keep".into()),
            ExtraPolicy::Drop => RawPolicy::Word("drop".into()),
            ExtraPolicy::Allow(l) => RawPolicy::List(l),
        }
    }
}

/// Folded header fragments that name personal data (Chủ hồ sơ, Họ tên, Số điện thoại, Địa
/// chỉ, CCCD/CMND, Email, SoGiayTo, Ngày sinh, and their usual variants).
const PERSONAL_HEADERS: &[&str] = &[
    "chuhoso",
    "hoten",
    "hovaten",
    "tennguoi",
    "nguoinop",
    "nguoidenghi",
    "nguoiyeucau",
    "dienthoai",
    "sdt",
    "didong",
    "diachi",
    "noicutru",
    "thuongtru",
    "cccd",
    "cmnd",
    "cancuoc",
    "chungminh",
    "dinhdanh",
    "email",
    "thudientu",
    "giayto",
    "hochieu",
    "ngaysinh",
    "namsinh",
    "phone",
    "mobile",
    "address",
    "fullname",
    "applicant",
    "birth",
    "passport",
];

/// True when a header names personal data.
pub fn is_personal_header(name: &str) -> bool {
    let f = fold(name);
    !f.is_empty() && PERSONAL_HEADERS.iter().any(|p| f.contains(p))
}

/// Why a value looks personal (a 12-digit citizen ID, a phone number, an e-mail), if it does.
pub fn looks_personal(value: &str) -> Option<&'static str> {
    let v = value.trim();
    if v.contains('@') {
        let (user, host) = v.split_once('@')?;
        if !user.is_empty() && host.contains('.') && !v.contains(char::is_whitespace) {
            return Some("an e-mail address");
        }
        return None;
    }
    if v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit()) {
        return Some("a 12-digit ID number");
    }
    let digits: String = v
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
        .collect();
    let national = if let Some(r) = digits.strip_prefix("+84") {
        format!("0{r}")
    } else if digits.len() == 11 && digits.starts_with("84") {
        format!("0{}", &digits[2..])
    } else {
        digits
    };
    if !national.bytes().all(|b| b.is_ascii_digit()) || !national.starts_with('0') {
        return None;
    }
    let mobile = national.len() == 10 && national.as_bytes()[1] != b'0';
    let landline = national.len() == 11 && national.starts_with("02");
    (mobile || landline).then_some("a phone number")
}

/// A value shown only by its first character: enough to recognise a row, not a person.
pub fn mask(s: &str) -> String {
    match s.chars().next() {
        Some(c) => format!("{c}***"),
        None => String::new(),
    }
}

/// The columns withheld from a file, found by header before reading and by value while
/// reading (shared with the reading thread).
pub type Withheld = Arc<Mutex<BTreeSet<String>>>;

/// Which columns of a file are matched by a field of its kind (the rest would be extras).
fn matched_columns(header: &[String]) -> Vec<bool> {
    match columns::kind_of(header) {
        None => HeaderMap::new(header.to_vec())
            .fields
            .iter()
            .map(Option::is_some)
            .collect(),
        Some(kind) => {
            let mut seen = Vec::new();
            header
                .iter()
                .map(|n| match columns::column_of(&kind, n) {
                    Some(c) if !seen.contains(&c) => {
                        seen.push(c);
                        true
                    }
                    _ => false,
                })
                .collect()
        }
    }
}

/// The column's name as the warning shows it.
fn label(header: &[String], i: usize) -> String {
    match header.get(i) {
        Some(h) if !h.trim().is_empty() => h.clone(),
        _ => format!("column_{}", i + 1),
    }
}

/// Wraps a table so that unmatched columns the policy does not keep are emptied, and
/// values that look personal are never passed on. Returns the personal columns found.
pub fn guard(mut table: Table, policy: &ExtraPolicy) -> (Table, Withheld) {
    let header = table.layout.header.clone();
    let matched = matched_columns(&header);
    let allowed = |i: usize| match policy {
        ExtraPolicy::Keep => !is_personal_header(&header[i]),
        ExtraPolicy::Drop => false,
        ExtraPolicy::Allow(list) => list.iter().any(|a| fold(a) == fold(&header[i])),
    };
    // Per column: Some(keep?) for an unmatched column, None for a field.
    let keep: Vec<Option<bool>> = (0..header.len()).map(|i| (!matched[i]).then(|| allowed(i))).collect();
    let check_values = *policy == ExtraPolicy::Keep;
    let found: Withheld = Arc::default();
    {
        let mut f = found.lock().expect("withheld lock");
        for (i, k) in keep.iter().enumerate() {
            if *k == Some(false) && is_personal_header(&header[i]) {
                f.insert(label(&header, i));
            }
        }
    }
    let any_personal_column = header
        .iter()
        .enumerate()
        .any(|(i, h)| !matched[i] && is_personal_header(h));
    let shared = found.clone();
    let rows = std::mem::replace(&mut table.rows, Box::new(std::iter::empty()));
    let guarded = rows.map(move |row| {
        let mut row: RawRow = row?;
        if row.cells.len() != keep.len() {
            // Cells out of line with the header: any of them may be a personal column's.
            for c in row.cells.iter_mut() {
                if let Cell::Text(t) = c {
                    if any_personal_column || looks_personal(t).is_some() {
                        *t = mask(t);
                    }
                }
            }
            return Ok(row);
        }
        for (i, c) in row.cells.iter_mut().enumerate() {
            let Some(k) = keep[i] else { continue };
            if !k {
                *c = Cell::Empty;
                continue;
            }
            let personal = match c {
                Cell::Text(t) => looks_personal(t),
                Cell::Number(n) => looks_personal(&crate::ingest::reading::record::format_number(*n)),
                _ => None,
            };
            if let (true, Some(why)) = (check_values, personal) {
                let name = label(&header, i);
                let mut f = shared.lock().expect("withheld lock");
                if f.insert(name.clone()) {
                    tracing::debug!("column '{name}' holds {why}");
                }
                *c = Cell::Empty;
            }
        }
        Ok(row)
    });
    table.rows = Box::new(guarded);
    (table, found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_personal_headers() {
        for h in [
            "Chủ hồ sơ",
            "Họ tên",
            "Số điện thoại",
            "Địa chỉ",
            "CCCD/CMND",
            "Email",
            "SoGiayTo",
            "Ngày sinh",
        ] {
            assert!(is_personal_header(h), "{h}");
        }
        for h in ["Ghi chú", "Mã hồ sơ liên thông", "Kết quả"] {
            assert!(!is_personal_header(h), "{h}");
        }
    }

    #[test]
    fn recognises_personal_values() {
        assert_eq!(looks_personal("038095001234"), Some("a 12-digit ID number"));
        assert_eq!(looks_personal("0912 345 678"), Some("a phone number"));
        assert_eq!(looks_personal("+84912345678"), Some("a phone number"));
        assert_eq!(looks_personal("0238.3844.567"), Some("a phone number"));
        assert_eq!(looks_personal("nguyen.van.a@gmail.com"), Some("an e-mail address"));
        for v in [
            "000.00.01.H40",
            "2023",
            "150000",
            "Đã trả kết quả",
            "H40.12-230601-0001",
            "@",
        ] {
            assert_eq!(looks_personal(v), None, "{v}");
        }
    }

    #[test]
    fn policies_parse_from_toml() {
        #[derive(Deserialize)]
        struct T {
            extra: ExtraPolicy,
        }
        let p = |s: &str| toml::from_str::<T>(s).map(|t| t.extra);
        assert_eq!(p("extra = \"drop\"").unwrap(), ExtraPolicy::Drop);
        assert_eq!(p("extra = \"keep\"").unwrap(), ExtraPolicy::Keep);
        assert_eq!(
            p("extra = [\"Ghi chú\"]").unwrap(),
            ExtraPolicy::Allow(vec!["Ghi chú".into()])
        );
        assert!(p("extra = \"all\"").is_err());
    }
}
