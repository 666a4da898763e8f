//! Names people type (a unit, a province) matched to the names the data holds: the same
//! name after NFC, case and white space; otherwise the closest ones, for the message.

use crate::ingest::checking::values::{clean_text, fold};

/// The matching key of a name: NFC, trimmed, runs of white space folded, lower case.
pub fn key(s: &str) -> String {
    clean_text(s).unwrap_or_default().to_lowercase()
}

/// The name of `names` that `typed` means, if one is the same after normalisation.
pub fn find<'a>(typed: &str, names: &'a [String]) -> Option<&'a String> {
    let k = key(typed);
    names.iter().find(|n| key(n) == k)
}

/// Up to `n` names closest to `typed` (diacritics, case and spacing ignored), closest first.
pub fn closest(typed: &str, names: &[String], n: usize) -> Vec<String> {
    let t = fold(typed);
    let mut scored: Vec<(usize, &String)> = names
        .iter()
        .map(|name| {
            let f = fold(name);
            // A name containing what was typed (or the reverse) is as close as can be.
            let d = if !t.is_empty() && (f.contains(&t) || t.contains(&f)) {
                0
            } else {
                distance(&t, &f)
            };
            (d, name)
        })
        .collect();
    scored.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)));
    let limit = (t.chars().count() / 2).max(3);
    scored
        .into_iter()
        .filter(|(d, _)| *d <= limit)
        .take(n)
        .map(|(_, s)| s.clone())
        .collect()
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        ["Sở Y tế", "Sở Tài chính", "Sở Tư pháp", "UBND xã Hưng Nguyên"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn the_same_name_after_case_spacing_and_nfc() {
        let n = names();
        for typed in [
            "sở y tế",
            "Sở Y Tế",
            "  Sở  Y tế ",
            "So\u{31b}\u{309} Y te\u{302}\u{301}",
        ] {
            assert_eq!(find(typed, &n).map(String::as_str), Some("Sở Y tế"), "{typed:?}");
        }
        assert_eq!(find("So Y te", &n), None, "without its diacritics it is another name");
    }

    #[test]
    fn the_closest_names_are_suggested() {
        let n = names();
        assert_eq!(closest("So Y te", &n, 3)[0], "Sở Y tế");
        assert_eq!(closest("Sở Tài chinh", &n, 1), vec!["Sở Tài chính".to_string()]);
        assert!(closest("Bộ Quốc phòng xyz", &n, 3).is_empty());
    }
}
