//! The public HTML archive (`baocao site`): a static site written from the reports issued
//! (`baocao issue`) — an index of every issued document with its number and date, a page per
//! report (header, its tables, a 12-month trend chart as inline SVG, the narrative) and copies
//! of its signed PDF, XLSX, DOCX, manifest and report JSON, all linked relatively so the
//! folder can be copied to any web server. Drafts are shown only in a preview (`--drafts`),
//! marked "dự thảo" on every page.
//! Plain HTML and CSS, no script. Every figure printed is a string of a report model (read
//! back typed from report.json); the site never computes one (the charts only place the
//! printed rates on a 0–100 scale).
//!
//! This file decides which versions are shown and writes the index; `page` writes a
//! report's page, `trend` its 12-month chart, `html` the escaping and the page frame
//! (with `style.css`).

mod appendix;
mod html;
mod page;
mod trend;
mod watch;

use crate::error::{Exit, Failure};
use crate::fsx;
use crate::report::model::Report;
use anyhow::{Context, Result};
use html::{esc, href};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A file in the site folder saying the folder is ours to replace.
const MARKER: &str = ".baocao-site";

/// One report version produced (a `report_runs` row), with where its files were written.
#[derive(Debug, Clone)]
pub struct Entry {
    pub run_id: i64,
    /// monthly, quarterly, half-year, nine-months, annual.
    pub kind: String,
    /// The period key: 2023-06, 2023-Q2, 2023-H1, 2023-9M, 2023, or two dates.
    pub period: String,
    pub convention: String,
    pub version: i64,
    /// The agency of a department-level report; None for the province's.
    pub unit: Option<String>,
    pub pdf: PathBuf,
    pub pdf_sha256: String,
    pub manifest: PathBuf,
    /// The issued document, when the draft was issued.
    pub issued: Option<Issued>,
}

/// The signed file a draft was issued as, with its number and date (`report_issues`).
#[derive(Debug, Clone)]
pub struct Issued {
    pub number: String,
    pub date: chrono::NaiveDate,
    pub signed: PathBuf,
    pub signed_sha256: String,
}

/// Another issued version of the same report: the one this replaces, or its replacement.
#[derive(Debug, Clone)]
struct Link {
    number: String,
    date: chrono::NaiveDate,
    version: i64,
    /// Its page's name, when it has one.
    page: Option<String>,
}

/// What writing the site did.
#[derive(Debug, Default)]
pub struct Written {
    pub index: PathBuf,
    /// Report pages written.
    pub pages: usize,
    /// Files missing or changed since they were recorded (each also stated on the index).
    pub problems: Vec<String>,
}

/// A report version as the site shows it: its entry, its model (when report.json is there)
/// and the files copied into the site, by label.
struct Item {
    entry: Entry,
    name: String,
    report: Option<Report>,
    files: Vec<(&'static str, String)>,
    problems: Vec<String>,
    latest: i64,
    end: Option<(i32, u32)>,
    /// The earlier issued version this one supersedes, and the later one superseding it.
    replaces: Option<Link>,
    replaced_by: Option<Link>,
}

impl Item {
    /// Not issued: shown only in a preview, marked "dự thảo".
    fn draft(&self) -> bool {
        self.entry.issued.is_none()
    }
}

/// Writes the whole site to `out` (built beside it, then swapped in: `fsx::replace_dir`):
/// the issued versions among `entries`, and with `drafts` the drafts too, with the newest
/// day's warning list found under `watch` (`watch::publish`).
/// A folder that is not empty and was not written by this command is left alone (error).
pub fn write(entries: &[Entry], watch: Option<&Path>, out: &Path, drafts: bool) -> Result<Written> {
    let shown: Vec<Entry> = entries
        .iter()
        .filter(|e| drafts || e.issued.is_some())
        .cloned()
        .collect();
    let entries = &shown[..];
    let usage = |m: String| anyhow::Error::new(Failure::new(Exit::Usage, m));
    if out.file_name().is_none() || out.ends_with("..") {
        return Err(usage(format!("--out {}: name the site's own folder", out.display())));
    }
    if out.exists() && !out.join(MARKER).exists() && std::fs::read_dir(out)?.next().is_some() {
        return Err(usage(format!(
            "{} is not empty and is not a site written by baocao: choose an empty or new folder",
            out.display()
        )));
    }
    let mut w = fsx::replace_dir(out, |tmp| {
        for d in ["reports", "files"] {
            std::fs::create_dir_all(tmp.join(d)).with_context(|| format!("creating {}", tmp.display()))?;
        }
        let mut items = collect(entries, tmp)?;
        link_issues(&mut items);
        sort(&mut items);
        let mut w = Written::default();
        for it in &items {
            if let Some(r) = &it.report {
                let doc = page::report(it, r, &items, drafts);
                fsx::write_atomic(&tmp.join("reports").join(format!("{}.html", it.name)), doc.as_bytes())?;
                w.pages += 1;
            }
            w.problems.extend(it.problems.iter().cloned());
        }
        let day = match watch {
            Some(dir) => watch::publish(dir, tmp, &mut w.problems)?,
            None => None,
        };
        let extra = day.as_ref().map(watch::section).unwrap_or_default();
        fsx::write_atomic(&tmp.join("index.html"), index_page(&items, drafts, &extra).as_bytes())?;
        fsx::write_atomic(
            &tmp.join(MARKER),
            b"Written by `baocao site`; replaced as a whole on each run.\n",
        )?;
        Ok(w)
    })?;
    w.index = out.join("index.html");
    Ok(w)
}

/// Reads each version's report.json and copies its files into `<site>/files/`.
fn collect(entries: &[Entry], site: &Path) -> Result<Vec<Item>> {
    let mut latest: BTreeMap<(String, String, String, Option<String>), i64> = BTreeMap::new();
    for e in entries {
        let k = (e.kind.clone(), e.period.clone(), e.convention.clone(), e.unit.clone());
        let v = latest.entry(k).or_insert(e.version);
        *v = (*v).max(e.version);
    }
    let mut stems: BTreeMap<String, usize> = BTreeMap::new();
    for e in entries {
        *stems.entry(stem(&e.pdf)).or_default() += 1;
    }
    let mut items = Vec::new();
    let mut names = BTreeSet::new();
    for e in entries {
        let s = stem(&e.pdf);
        // Two conventions (or folders) may give the same file name: tell them apart.
        let mut name = if stems[&s] > 1 {
            format!("{s}-{}", e.convention)
        } else {
            s.clone()
        };
        if !names.insert(name.clone()) {
            name = format!("{name}-r{}", e.run_id);
            names.insert(name.clone());
        }
        let k = (e.kind.clone(), e.period.clone(), e.convention.clone(), e.unit.clone());
        let mut it = Item {
            entry: e.clone(),
            name: name.clone(),
            report: None,
            files: Vec::new(),
            problems: Vec::new(),
            latest: latest[&k],
            end: period_end(&e.period),
            replaces: None,
            replaced_by: None,
        };
        let dir = e.pdf.parent().unwrap_or(Path::new(""));
        let json = dir.join(format!("{s}.report.json"));
        match std::fs::read_to_string(&json).map(|t| serde_json::from_str::<Report>(&t)) {
            Ok(Ok(v)) => it.report = Some(v),
            Ok(Err(e)) => it
                .problems
                .push(format!("{}: unreadable report data ({e})", json.display())),
            Err(_) => it.problems.push(format!("{}: report data not found", json.display())),
        }
        // Only the PDF that was recorded is published: the signed one of an issued version.
        let (pdf, pdf_sha, what) = match &e.issued {
            Some(i) => (&i.signed, &i.signed_sha256, "signed PDF"),
            None => (&e.pdf, &e.pdf_sha256, "PDF"),
        };
        let pdf_ok = match fsx::sha256_file(pdf) {
            Ok((sha, _)) if sha == *pdf_sha => true,
            Ok(_) => {
                it.problems.push(format!(
                    "{}: the {what} differs from the one recorded (sha256), not published",
                    pdf.display()
                ));
                false
            }
            Err(_) => {
                it.problems.push(format!("{}: {what} not found", pdf.display()));
                false
            }
        };
        let candidates = [
            ("PDF", pdf.clone(), "pdf", pdf_ok),
            ("XLSX", dir.join(format!("{s}.xlsx")), "xlsx", true),
            ("DOCX", dir.join(format!("{s}.docx")), "docx", true),
            ("Manifest", e.manifest.clone(), "manifest.json", true),
            ("JSON", json, "report.json", it.report.is_some()),
        ];
        for (label, from, ext, ok) in candidates {
            if !ok || !from.is_file() {
                if label == "Manifest" {
                    it.problems.push(format!("{}: manifest not found", from.display()));
                }
                continue;
            }
            let file = format!("{name}.{ext}");
            fsx::copy_atomic(&from, &site.join("files").join(&file))?;
            it.files.push((label, file));
        }
        items.push(it);
    }
    Ok(items)
}

/// Links each issued version to the issued version of the same report it supersedes (the
/// newest with a lower version) and to the one superseding it.
fn link_issues(items: &mut [Item]) {
    let same = |a: &Entry, b: &Entry| {
        a.kind == b.kind && a.period == b.period && a.convention == b.convention && a.unit == b.unit
    };
    let link = |o: &Item| {
        o.entry.issued.as_ref().map(|i| Link {
            number: i.number.clone(),
            date: i.date,
            version: o.entry.version,
            page: o.report.as_ref().map(|_| o.name.clone()),
        })
    };
    for n in 0..items.len() {
        let e = &items[n].entry;
        if e.issued.is_none() {
            continue;
        }
        let issued_same = || items.iter().filter(|o| o.entry.issued.is_some() && same(&o.entry, e));
        let older = issued_same()
            .filter(|o| o.entry.version < e.version)
            .max_by_key(|o| (o.entry.version, o.entry.run_id))
            .and_then(link);
        let newer = issued_same()
            .filter(|o| o.entry.version > e.version)
            .min_by_key(|o| (o.entry.version, o.entry.run_id))
            .and_then(link);
        items[n].replaces = older;
        items[n].replaced_by = newer;
    }
}

/// "số 123/BC-UBND ngày 10/7/2023".
fn issued_vi(number: &str, date: chrono::NaiveDate) -> String {
    format!("số {number} ngày {}", crate::report::format::short_date(date))
}

/// The file name of a PDF without `.pdf`.
fn stem(pdf: &Path) -> String {
    let n = pdf
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    n.strip_suffix(".pdf").unwrap_or(&n).to_string()
}

/// The last month (year, month) of a named period key; None for custom dates.
fn period_end(key: &str) -> Option<(i32, u32)> {
    let (y, rest) = match key.split_once('-') {
        Some((y, r)) => (y.parse().ok()?, Some(r)),
        None => (key.parse().ok()?, None),
    };
    let m = match rest {
        None => 12,
        Some("9M") => 9,
        Some(r) if r.starts_with('Q') => 3 * r[1..].parse::<u32>().ok()?,
        Some(r) if r.starts_with('H') => 6 * r[1..].parse::<u32>().ok()?,
        Some(r) => r.parse().ok()?,
    };
    (1..=12).contains(&m).then_some((y, m))
}

/// Newest period first; then kind, agency, convention; newest version first.
fn sort(items: &mut [Item]) {
    let kind_order = |k: &str| {
        ["annual", "nine-months", "half-year", "quarterly", "monthly"]
            .iter()
            .position(|x| *x == k)
            .unwrap_or(9)
    };
    items.sort_by(|a, b| {
        let (ea, eb) = (&a.entry, &b.entry);
        b.end
            .cmp(&a.end)
            .then(eb.period.cmp(&ea.period))
            .then(kind_order(&ea.kind).cmp(&kind_order(&eb.kind)))
            .then(ea.unit.cmp(&eb.unit))
            .then(ea.convention.cmp(&eb.convention))
            .then(eb.version.cmp(&ea.version))
            .then(ea.run_id.cmp(&eb.run_id))
    });
}

/// The Vietnamese name of a report kind.
fn kind_vi(kind: &str) -> &str {
    match kind {
        "monthly" => "Báo cáo tháng",
        "quarterly" => "Báo cáo quý",
        "half-year" => "Báo cáo 6 tháng",
        "nine-months" => "Báo cáo 9 tháng",
        "annual" => "Báo cáo tổng kết năm",
        k => k,
    }
}

/// Whom a report is of: its agency, else the whole territory in the issuer's word
/// ("Toàn thành phố" for a centrally-run city; docs/rules.md, units of their time).
fn scope_vi(it: &Item) -> String {
    if let Some(u) = &it.entry.unit {
        return u.clone();
    }
    let issuer = it
        .report
        .as_ref()
        .map(|r| r.header.issuer.join(" "))
        .unwrap_or_default();
    if issuer.contains("THÀNH PHỐ") || issuer.contains("Thành phố") || issuer.contains("TP ") {
        "Toàn thành phố".into()
    } else {
        "Toàn tỉnh".into()
    }
}

/// The page's subject line ("Tình hình, kết quả … tháng 6 năm 2023"), or the period key.
fn subject(it: &Item) -> String {
    match &it.report {
        Some(r) => r.header.subject.clone(),
        None => format!("{} {}", kind_vi(&it.entry.kind), it.entry.period),
    }
}

/// The list of the issued documents (and, in a preview, the drafts), newest period first,
/// after `extra` (the day's warning list, when there is one).
fn index_page(items: &[Item], drafts: bool, extra: &str) -> String {
    let mut b = String::new();
    let issuers: BTreeSet<String> = items
        .iter()
        .filter_map(|i| i.report.as_ref())
        .map(|r| r.header.issuer.join(" "))
        .collect();
    b.push_str("<h1>Kho báo cáo giải quyết thủ tục hành chính</h1>\n");
    for i in &issuers {
        let _ = writeln!(b, "<p class=\"issuer\">{}</p>", esc(i));
    }
    b.push_str(extra);
    let reports: BTreeSet<_> = items
        .iter()
        .map(|i| (&i.entry.kind, &i.entry.period, &i.entry.convention, &i.entry.unit))
        .collect();
    let issued = items.iter().filter(|i| !i.draft()).count();
    let mut intro = format!("{} báo cáo, {issued} văn bản đã ban hành", reports.len());
    if drafts {
        let _ = write!(intro, ", {} dự thảo chưa ban hành", items.len() - issued);
    }
    let _ = writeln!(
        b,
        "<p>{intro}. Mỗi báo cáo có trang xem trực tuyến và các tệp tải về; văn bản đã được thay thế \
vẫn được giữ nguyên để đối chiếu.</p>"
    );
    if items.is_empty() {
        b.push_str("<p>Chưa có báo cáo nào được ban hành.</p>\n");
        return html::page("Kho báo cáo giải quyết thủ tục hành chính", "", &b, drafts);
    }
    b.push_str("<table>\n<caption>Danh sách báo cáo</caption>\n<thead><tr>");
    for h in ["Báo cáo", "Loại", "Phạm vi", "Số, ngày ban hành", "Tệp tải về"] {
        let _ = write!(b, "<th scope=\"col\">{h}</th>");
    }
    b.push_str("</tr></thead>\n<tbody>\n");
    for it in items {
        let e = &it.entry;
        let mut name = esc(&subject(it));
        if let Some(r) = &it.report {
            name = format!("{name}<br><span class=\"muted\">{}</span>", esc(&r.header.period_line));
        }
        let head = if it.report.is_some() {
            format!("<a href=\"reports/{}.html\">{name}</a>", href(&it.name))
        } else {
            name
        };
        let status = match &e.issued {
            Some(i) => {
                let mut s = format!(
                    "{}<br>ngày {}",
                    esc(&i.number),
                    crate::report::format::short_date(i.date)
                );
                if let Some(o) = &it.replaces {
                    let _ = write!(
                        s,
                        "<br><span class=\"muted\">thay thế văn bản {}</span>",
                        esc(&issued_vi(&o.number, o.date))
                    );
                }
                if let Some(n) = &it.replaced_by {
                    let _ = write!(
                        s,
                        "<br><span class=\"old\">đã được thay thế bằng văn bản {}</span>",
                        esc(&issued_vi(&n.number, n.date))
                    );
                }
                s
            }
            None => {
                let mut s = format!("<span class=\"draft\">Dự thảo</span>, phiên bản {}", e.version);
                if e.version < it.latest {
                    let _ = write!(s, " <span class=\"old\">(đã có phiên bản {})</span>", it.latest);
                } else if e.version > 1 {
                    s.push_str(" (mới nhất)");
                }
                s.push_str("<br>chưa ban hành");
                s
            }
        };
        let files: Vec<String> = it
            .files
            .iter()
            .map(|(l, f)| format!("<a href=\"files/{}\">{}</a>", href(f), esc(&link_label(l, it.draft()))))
            .collect();
        let mut cell = files.join(" · ");
        if !it.problems.is_empty() {
            let _ = write!(
                cell,
                "<br><span class=\"muted\">Một số tệp không còn ở nơi lưu hoặc đã thay đổi so với bản \
đã lập nên không được đăng ({}).</span>",
                it.problems.len()
            );
        }
        let _ = writeln!(
            b,
            "<tr><th scope=\"row\">{head}</th><td>{}</td><td>{}</td><td>{status}</td><td>{cell}</td></tr>",
            esc(kind_vi(&e.kind)),
            esc(&scope_vi(it)),
        );
    }
    b.push_str("</tbody>\n</table>\n");
    html::page("Kho báo cáo giải quyết thủ tục hành chính", "", &b, drafts)
}

/// A download link's short label in the index: the PDF says whether it is signed.
fn link_label(label: &str, draft: bool) -> String {
    match (label, draft) {
        ("PDF", false) => "PDF đã ký số".into(),
        ("PDF", true) => "PDF dự thảo".into(),
        (l, _) => l.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_end_in_their_last_month() {
        assert_eq!(period_end("2023-06"), Some((2023, 6)));
        assert_eq!(period_end("2023-Q2"), Some((2023, 6)));
        assert_eq!(period_end("2023-H2"), Some((2023, 12)));
        assert_eq!(period_end("2023-9M"), Some((2023, 9)));
        assert_eq!(period_end("2023"), Some((2023, 12)));
        assert_eq!(period_end("2023-05-15_2023-06-14"), None);
    }
}
