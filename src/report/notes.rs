//! The official's own text (docs/rules.md, The official's own text): a notes file in a
//! small Markdown subset, read into the causes of section "Tồn tại, hạn chế", the tasks
//! ahead and the proposals. Its characters are kept as written; each renderer prints them
//! literally.

use super::model::{Span, Text};
use crate::config::SectionTitles;
use crate::ingest::checking::values::fold;

/// A notes file as read: its name, its text and the text's hash (recorded in the manifest,
/// which `regenerate` replays).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NotesFile {
    pub file: String,
    pub sha256: String,
    pub text: String,
}

impl NotesFile {
    /// Reads a notes file: UTF-8 text (a byte-order mark is dropped, line ends kept as
    /// lines).
    pub fn read(path: &std::path::Path) -> Result<NotesFile, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("reading the notes {}: {e}", path.display()))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            format!(
                "the notes {} are not UTF-8 text (byte {})",
                path.display(),
                e.utf8_error().valid_up_to()
            )
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
        Ok(NotesFile {
            file: path.to_string_lossy().to_string(),
            sha256: crate::fsx::sha256(text.as_bytes()),
            text,
        })
    }
}

impl NotesFile {
    /// A file named for another period (`2023-06.md` given to the May report) is a slip, not
    /// that report's notes: the message saying so.
    pub fn named_for_another(&self, period: &crate::period::Period) -> Option<String> {
        let stem = std::path::Path::new(&self.file)
            .file_stem()?
            .to_string_lossy()
            .to_string();
        let named = crate::period::Period::parse(&stem, period.convention).ok()?;
        (named.key() != period.key()).then(|| {
            format!(
                "the notes {} are named for the period {}, not {}: give that period's notes",
                self.file,
                named.key(),
                period.key()
            )
        })
    }
}

/// The notes of one report, part by part; a part left empty is not printed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Notes {
    /// Printed at the end of section "Tồn tại, hạn chế", under its own sub-heading.
    pub causes: Vec<Text>,
    /// Section "Nhiệm vụ, giải pháp thời gian tới".
    pub tasks: Vec<Text>,
    /// Section "Đề xuất, kiến nghị".
    pub proposals: Vec<Text>,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Part {
    Causes,
    Tasks,
    Proposals,
}

/// The part a `## ` heading names: its configured title, or a key word of it, whatever the
/// case, the diacritics or a leading "III." — anything else is refused (None).
fn part_of(heading: &str, titles: &SectionTitles) -> Option<Part> {
    // "III. Nhiệm vụ", "2) Đề xuất": the number is not part of the name.
    let strip = |s: &str| {
        let t = s.trim_start();
        let num = t
            .find(['.', ')'])
            .filter(|&k| k > 0 && t[..k].chars().all(|c| c.is_ascii_digit() || "IVXivx".contains(c)));
        fold(num.map_or(t, |k| &t[k + 1..]))
    };
    let h = strip(heading);
    let words: [(Part, &str, &[&str]); 3] = [
        (Part::Causes, &titles.causes, &["nguyennhan"]),
        (Part::Tasks, &titles.tasks, &["nhiemvu", "phuonghuong", "giaiphap"]),
        (Part::Proposals, &titles.proposals, &["dexuat", "kiennghi"]),
    ];
    words
        .iter()
        .find(|(_, title, keys)| h == strip(title) || keys.iter().any(|k| h.contains(k)))
        .map(|(p, _, _)| *p)
}

/// Reads a notes file's text; an error names the line and what is expected there.
pub fn parse(text: &str, titles: &SectionTitles) -> Result<Notes, String> {
    let mut notes = Notes::default();
    let mut part: Option<Part> = None;
    let mut seen: Vec<Part> = Vec::new();
    // The block being written: its kind and its lines (joined with a space).
    let mut open: Option<(&'static str, Vec<String>)> = None;
    let flush = |notes: &mut Notes, part: Option<Part>, open: &mut Option<(&'static str, Vec<String>)>| {
        if let (Some(p), Some((kind, lines))) = (part, open.take()) {
            let t = Text {
                kind: kind.into(),
                spans: spans(&lines.join(" ")),
            };
            match p {
                Part::Causes => notes.causes.push(t),
                Part::Tasks => notes.tasks.push(t),
                Part::Proposals => notes.proposals.push(t),
            }
        }
    };
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end();
        let n = i + 1;
        if let Some(h) = line.strip_prefix("## ") {
            flush(&mut notes, part, &mut open);
            let p = part_of(h, titles).ok_or_else(|| {
                format!(
                    "line {n}: the heading «{}» names none of the report's parts: «## {}», «## {}», «## {}»",
                    h.trim(),
                    titles.causes,
                    titles.tasks,
                    titles.proposals
                )
            })?;
            if seen.contains(&p) {
                return Err(format!(
                    "line {n}: the heading «{}» names a part written above",
                    h.trim()
                ));
            }
            seen.push(p);
            part = Some(p);
            continue;
        }
        if line.trim().is_empty() {
            flush(&mut notes, part, &mut open);
            continue;
        }
        if part.is_none() {
            return Err(format!(
                "line {n}: text before the first heading; start with «## {}», «## {}» or «## {}»",
                titles.causes, titles.tasks, titles.proposals
            ));
        }
        if let Some(item) = line.strip_prefix("- ") {
            flush(&mut notes, part, &mut open);
            open = Some(("item", vec![item.trim().to_string()]));
        } else if let Some((_, lines)) = &mut open {
            lines.push(line.trim().to_string());
        } else {
            open = Some(("paragraph", vec![line.trim().to_string()]));
        }
    }
    flush(&mut notes, part, &mut open);
    Ok(notes)
}

/// The runs of a block: `**bold**` and `*italic*` (an italic inside bold too); a marker
/// without its pair, and `\*`, are printed as written.
fn spans(s: &str) -> Vec<Span> {
    // An escaped star stands aside as a private-use character until the runs are found.
    const STAR: char = '\u{E000}';
    let s = s.replace("\\*", &STAR.to_string());
    let mut out: Vec<Span> = Vec::new();
    let mut push = |text: &str, bold: bool, italic: bool| {
        if text.is_empty() {
            return;
        }
        match out.last_mut() {
            Some(l) if l.bold == bold && l.italic == italic => l.text.push_str(text),
            _ => out.push(Span {
                text: text.into(),
                bold,
                italic,
            }),
        }
    };
    let mut rest = s.as_str();
    let mut plain = String::new();
    while !rest.is_empty() {
        if let Some((inner, r)) = delimited(rest, "**") {
            push(&plain, false, false);
            plain.clear();
            for x in italics(inner) {
                push(&x.0, true, x.1);
            }
            rest = r;
        } else if let Some((inner, r)) = delimited(rest, "*") {
            push(&plain, false, false);
            plain.clear();
            push(inner, false, true);
            rest = r;
        } else {
            let c = rest.chars().next().expect("not empty");
            plain.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    push(&plain, false, false);
    for x in &mut out {
        x.text = x.text.replace(STAR, "*");
    }
    out
}

/// `*x*` runs inside a bold run: (text, italic).
fn italics(s: &str) -> Vec<(String, bool)> {
    let mut v = Vec::new();
    let mut rest = s;
    let mut plain = String::new();
    while !rest.is_empty() {
        if let Some((inner, r)) = delimited(rest, "*") {
            if !plain.is_empty() {
                v.push((std::mem::take(&mut plain), false));
            }
            v.push((inner.to_string(), true));
            rest = r;
        } else {
            let c = rest.chars().next().expect("not empty");
            plain.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    if !plain.is_empty() {
        v.push((plain, false));
    }
    v
}

/// When `s` opens with `mark` and a matching `mark` closes a non-empty run that neither
/// starts nor ends with a space: (the run, what follows).
fn delimited<'a>(s: &'a str, mark: &str) -> Option<(&'a str, &'a str)> {
    let body = s.strip_prefix(mark)?;
    if mark == "*" && body.starts_with('*') {
        return None;
    }
    let mut from = 0;
    while let Some(k) = body[from..].find(mark) {
        let end = from + k;
        let after = &body[end + mark.len()..];
        // "**" closing an italic run is not its end.
        let doubled = mark == "*" && (after.starts_with('*') || body[..end].ends_with('*'));
        let inner = &body[..end];
        if !doubled && !inner.is_empty() && !inner.starts_with(' ') && !inner.ends_with(' ') {
            return Some((inner, after));
        }
        from = end + mark.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titles() -> SectionTitles {
        SectionTitles::default()
    }

    #[test]
    fn headings_map_to_parts_by_title_or_key_word() {
        let n = parse(
            "## Nguyên nhân\nMột.\n\n## III. NHIỆM VỤ THỜI GIAN TỚI\n- Hai\n- Ba\n\n## Kiến nghị\nBốn\nnăm.\n",
            &titles(),
        )
        .unwrap();
        assert_eq!(n.causes.len(), 1);
        assert_eq!(
            n.tasks.iter().map(|t| t.kind.as_str()).collect::<Vec<_>>(),
            ["item", "item"]
        );
        assert_eq!(n.proposals[0].plain(), "Bốn năm.");
    }

    #[test]
    fn a_heading_of_no_part_and_text_before_any_heading_are_refused_with_the_line() {
        let e = parse("## Nguyên nhân\nx\n## Tình hình chung\n", &titles()).unwrap_err();
        assert!(e.starts_with("line 3:"), "{e}");
        let e = parse("Mở đầu\n## Nguyên nhân\n", &titles()).unwrap_err();
        assert!(e.starts_with("line 1:"), "{e}");
    }

    #[test]
    fn bold_italic_and_lone_markers() {
        let s = spans("a **b *c* d** e *f* 2*3 \\*g\\* **h");
        let got: Vec<(&str, bool, bool)> = s.iter().map(|x| (x.text.as_str(), x.bold, x.italic)).collect();
        assert_eq!(
            got,
            [
                ("a ", false, false),
                ("b ", true, false),
                ("c", true, true),
                (" d", true, false),
                (" e ", false, false),
                ("f", false, true),
                (" 2*3 *g* **h", false, false),
            ]
        );
    }

    #[test]
    fn characters_of_typst_html_and_xml_are_kept_as_written() {
        let n = parse(
            "## Đề xuất\n#set page $x$ <script>alert(1)</script> ]]> & \"q\"\n",
            &titles(),
        )
        .unwrap();
        assert_eq!(
            n.proposals[0].plain(),
            "#set page $x$ <script>alert(1)</script> ]]> & \"q\""
        );
    }
}
