//! The public HTML archive (`baocao site`): a static site written from the reports already
//! produced — an index of every version, a page per report (header, its tables, a 12-month
//! trend chart as inline SVG, the narrative) and copies of its PDF, XLSX, DOCX, manifest and
//! report JSON, all linked relatively so the folder can be copied to any web server.
//! Plain HTML and CSS, no script. Every figure printed is a string of a report model; the
//! site never computes one (the chart only places the printed rates on a 0–100 scale).

use crate::error::{Exit, Failure};
use crate::fsx;
use anyhow::{Context, Result};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The labels of the key-figure rows the trend chart reads (src/report/build.rs).
const ON_TIME: &str = "Tỷ lệ đúng hạn, trước hạn";
const ONLINE: &str = "Tỷ lệ tiếp nhận trực tuyến";
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
    report: Option<Value>,
    files: Vec<(&'static str, String)>,
    problems: Vec<String>,
    latest: i64,
    end: Option<(i32, u32)>,
}

/// Writes the whole site to `out` (built beside it, then swapped in). A folder that is not
/// empty and was not written by this command is left alone (error).
pub fn write(entries: &[Entry], out: &Path) -> Result<Written> {
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
    let tmp = sibling(out, "tmp");
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).with_context(|| format!("removing {}", tmp.display()))?;
    }
    for d in ["reports", "files"] {
        std::fs::create_dir_all(tmp.join(d)).with_context(|| format!("creating {}", tmp.display()))?;
    }
    let mut items = collect(entries, &tmp)?;
    sort(&mut items);
    let mut w = Written::default();
    for it in &items {
        if it.report.is_some() {
            let html = report_page(it, &items);
            fsx::write_atomic(&tmp.join("reports").join(format!("{}.html", it.name)), html.as_bytes())?;
            w.pages += 1;
        }
        w.problems.extend(it.problems.iter().cloned());
    }
    fsx::write_atomic(&tmp.join("index.html"), index_page(&items).as_bytes())?;
    fsx::write_atomic(
        &tmp.join(MARKER),
        b"Written by `baocao site`; replaced as a whole on each run.\n",
    )?;
    swap_in(&tmp, out)?;
    w.index = out.join("index.html");
    Ok(w)
}

/// `<out>.<what>` beside the site folder.
fn sibling(out: &Path, what: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "site".into());
    out.with_file_name(format!(".{name}.{what}"))
}

/// Replaces `out` with the freshly written folder: the old site is moved aside, then removed.
fn swap_in(tmp: &Path, out: &Path) -> Result<()> {
    if out.exists() {
        let old = sibling(out, "old");
        if old.exists() {
            std::fs::remove_dir_all(&old).with_context(|| format!("removing {}", old.display()))?;
        }
        std::fs::rename(out, &old).with_context(|| format!("moving {} aside", out.display()))?;
        std::fs::rename(tmp, out).with_context(|| format!("moving {} to {}", tmp.display(), out.display()))?;
        std::fs::remove_dir_all(&old).with_context(|| format!("removing {}", old.display()))?;
    } else {
        if let Some(p) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(p).with_context(|| format!("creating {}", p.display()))?;
        }
        std::fs::rename(tmp, out).with_context(|| format!("moving {} to {}", tmp.display(), out.display()))?;
    }
    Ok(())
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
        };
        let dir = e.pdf.parent().unwrap_or(Path::new(""));
        let json = dir.join(format!("{s}.report.json"));
        match std::fs::read_to_string(&json).map(|t| serde_json::from_str::<Value>(&t)) {
            Ok(Ok(v)) => it.report = Some(v),
            Ok(Err(e)) => it
                .problems
                .push(format!("{}: unreadable report data ({e})", json.display())),
            Err(_) => it.problems.push(format!("{}: report data not found", json.display())),
        }
        // Only the PDF that was recorded is published.
        let pdf_ok = match fsx::sha256_file(&e.pdf) {
            Ok((sha, _)) if sha == e.pdf_sha256 => true,
            Ok(_) => {
                it.problems.push(format!(
                    "{}: the PDF differs from the one recorded (sha256), not published",
                    e.pdf.display()
                ));
                false
            }
            Err(_) => {
                it.problems.push(format!("{}: PDF not found", e.pdf.display()));
                false
            }
        };
        let candidates = [
            ("PDF", e.pdf.clone(), "pdf", pdf_ok),
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
/// ("Toàn thành phố" for a centrally-run city, domain.md §12).
fn scope_vi(it: &Item) -> String {
    if let Some(u) = &it.entry.unit {
        return u.clone();
    }
    let issuer = it
        .report
        .as_ref()
        .map(|r| strings(&r["header"]["issuer"]).join(" "))
        .unwrap_or_default();
    if issuer.contains("THÀNH PHỐ") || issuer.contains("Thành phố") || issuer.contains("TP ") {
        "Toàn thành phố".into()
    } else {
        "Toàn tỉnh".into()
    }
}

/// What a download link is called.
fn file_vi(label: &str) -> &'static str {
    match label {
        "PDF" => "Bản PDF (văn bản chính thức)",
        "XLSX" => "Bảng tính Excel (XLSX)",
        "DOCX" => "Bản Word (DOCX, dự thảo chỉnh sửa được)",
        "Manifest" => "Manifest (dữ liệu đầu vào, mã băm, để lập lại báo cáo)",
        _ => "Dữ liệu báo cáo (JSON)",
    }
}

/// A relative link: path bytes other than letters, digits and `-._~/` percent-encoded.
fn href(path: &str) -> String {
    let mut o = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            o.push(b as char);
        } else {
            let _ = write!(o, "%{b:02X}");
        }
    }
    o
}

/// HTML-escapes text for an element or an attribute.
fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

fn text<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut v = v;
    for p in path {
        v = &v[*p];
    }
    v.as_str().unwrap_or("")
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The page's subject line ("Tình hình, kết quả … tháng 6 năm 2023"), or the period key.
fn subject(it: &Item) -> String {
    match &it.report {
        Some(r) => text(r, &["header", "subject"]).to_string(),
        None => format!("{} {}", kind_vi(&it.entry.kind), it.entry.period),
    }
}

const CSS: &str = "
:root { --ink: #1a1a1a; --line: #9aa4ad; --soft: #eef2f5; --accent: #0b4f8a; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 16px/1.5 'Times New Roman', 'Liberation Serif', Tinos, serif; }
header.site, footer.site { background: var(--accent); color: #fff; padding: .6rem 1.5rem; }
header.site a, footer.site a { color: #fff; }
footer.site { background: var(--soft); color: var(--ink); font-size: .9rem; margin-top: 2rem; }
main { max-width: 62rem; margin: 0 auto; padding: 1rem 1.5rem; }
h1 { font-size: 1.6rem; margin: .5rem 0; }
h2 { font-size: 1.25rem; margin: 1.6rem 0 .4rem; border-bottom: 1px solid var(--line); }
a { color: var(--accent); }
a:focus { outline: 3px solid #f2a900; }
.frame { display: flex; justify-content: space-between; gap: 1rem; text-align: center; }
.frame p { margin: 0; }
.issuer { font-weight: bold; text-transform: uppercase; }
.national { font-weight: bold; }
.place { font-style: italic; margin-top: .4rem !important; }
.title { text-align: center; margin: 1rem 0; }
.title p { margin: .1rem 0; }
.title .kind { font-weight: bold; font-size: 1.3rem; }
.title .subject { font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0; font-size: .95rem; }
table.narrow { width: auto; min-width: 60%; }
caption { text-align: left; font-weight: bold; padding: .3rem 0; }
th, td { border: 1px solid var(--line); padding: .25rem .45rem; vertical-align: top; }
thead th { background: var(--soft); }
td.right, th.right { text-align: right; }
td.right { white-space: nowrap; }
th[scope=row] { min-width: 9rem; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
td.center, th.center { text-align: center; }
th[scope=row] { text-align: left; font-weight: normal; }
tr.strong th, tr.strong td { font-weight: bold; }
th[scope=rowgroup] { background: var(--soft); text-align: left; }
.note { font-weight: bold; }
.muted { color: #4a5560; }
.old { color: #4a5560; }
ul.files { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; }
figure { margin: .5rem 0; }
summary { cursor: pointer; color: var(--accent); }
svg { max-width: 100%; height: auto; }
code { font-size: .85rem; word-break: break-all; }
@media print {
  header.site, footer.site, nav { display: none; }
  body { font-size: 12pt; }
  main { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  table, figure { page-break-inside: avoid; }
  thead { display: table-header-group; }
  h2 { page-break-after: avoid; }
  @page { size: A4; margin: 20mm 15mm 20mm 30mm; }
}
";

/// The page frame: head with the style, the site bar, `main`, the footer.
fn page(title: &str, root: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n\
<style>{CSS}</style>\n</head>\n<body>\n<header class=\"site\"><a href=\"{root}index.html\">\
Kho báo cáo công khai về giải quyết thủ tục hành chính</a></header>\n<main>\n{body}</main>\n\
<footer class=\"site\">Trang được lập tự động từ các báo cáo đã ban hành (baocao); số liệu \
đúng như trong văn bản PDF. Văn bản có giá trị pháp lý là bản PDF.</footer>\n</body>\n</html>\n",
        esc(title)
    )
}

/// The list of every report version produced, newest period first.
fn index_page(items: &[Item]) -> String {
    let mut b = String::new();
    let issuers: BTreeSet<String> = items
        .iter()
        .filter_map(|i| i.report.as_ref())
        .map(|r| strings(&r["header"]["issuer"]).join(" "))
        .collect();
    b.push_str("<h1>Kho báo cáo giải quyết thủ tục hành chính</h1>\n");
    for i in &issuers {
        let _ = writeln!(b, "<p class=\"issuer\">{}</p>", esc(i));
    }
    let reports: BTreeSet<_> = items
        .iter()
        .map(|i| (&i.entry.kind, &i.entry.period, &i.entry.convention, &i.entry.unit))
        .collect();
    let _ = writeln!(
        b,
        "<p>{} báo cáo, {} phiên bản. Mỗi báo cáo có trang xem trực tuyến và các tệp tải về; \
phiên bản cũ được giữ nguyên để đối chiếu.</p>",
        reports.len(),
        items.len()
    );
    if items.is_empty() {
        b.push_str("<p>Chưa có báo cáo nào được lập.</p>\n");
        return page("Kho báo cáo giải quyết thủ tục hành chính", "", &b);
    }
    b.push_str("<table>\n<caption>Danh sách báo cáo đã lập</caption>\n<thead><tr>");
    for h in ["Báo cáo", "Loại", "Phạm vi", "Phiên bản", "Tệp tải về"] {
        let _ = write!(b, "<th scope=\"col\">{h}</th>");
    }
    b.push_str("</tr></thead>\n<tbody>\n");
    for it in items {
        let e = &it.entry;
        let mut name = esc(&subject(it));
        if let Some(r) = &it.report {
            name = format!(
                "{name}<br><span class=\"muted\">{}</span>",
                esc(text(r, &["header", "period_line"]))
            );
        }
        let head = if it.report.is_some() {
            format!("<a href=\"reports/{}.html\">{name}</a>", href(&it.name))
        } else {
            name
        };
        let version = if e.version < it.latest {
            format!(
                "<span class=\"old\">{} (đã có phiên bản {})</span>",
                e.version, it.latest
            )
        } else if e.version > 1 {
            format!("{} (mới nhất)", e.version)
        } else {
            e.version.to_string()
        };
        let files: Vec<String> = it
            .files
            .iter()
            .map(|(l, f)| format!("<a href=\"files/{}\">{}</a>", href(f), esc(l)))
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
            "<tr><th scope=\"row\">{head}</th><td>{}</td><td>{}</td><td class=\"center\">{version}</td><td>{cell}</td></tr>",
            esc(kind_vi(&e.kind)),
            esc(&scope_vi(it)),
        );
    }
    b.push_str("</tbody>\n</table>\n");
    page("Kho báo cáo giải quyết thủ tục hành chính", "", &b)
}

/// One report's page.
fn report_page(it: &Item, all: &[Item]) -> String {
    let r = it.report.as_ref().expect("a page is written only with its model");
    let h = &r["header"];
    let mut b = String::new();
    b.push_str("<nav><a href=\"../index.html\">← Danh sách báo cáo</a></nav>\n");
    b.push_str("<div class=\"frame\">\n<div>");
    for l in strings(&h["issuer"]) {
        let _ = write!(b, "<p class=\"issuer\">{}</p>", esc(l));
    }
    let _ = write!(b, "<p>{}</p></div>\n<div>", esc(text(h, &["number"])));
    let _ = write!(
        b,
        "<p class=\"national\">{}</p><p class=\"national\">{}</p><p class=\"place\">{}</p></div>\n</div>\n",
        esc(text(h, &["national_title"])),
        esc(text(h, &["motto"])),
        esc(text(h, &["place_date"]))
    );
    let _ = writeln!(
        b,
        "<div class=\"title\"><h1><span class=\"kind\">{}</span><br><span class=\"subject\">{}</span></h1><p>{}</p></div>",
        esc(text(h, &["title"])),
        esc(text(h, &["subject"])),
        esc(text(h, &["period_line"]))
    );
    if let Some(f) = h["footnote"].as_str() {
        let _ = writeln!(b, "<p class=\"muted\">{}</p>", esc(f));
    }
    versions(&mut b, it, all);
    b.push_str("<h2>Tệp tải về</h2>\n<ul class=\"files\">\n");
    for (label, f) in &it.files {
        let _ = writeln!(
            b,
            "<li><a href=\"../files/{}\">{}</a></li>",
            href(f),
            esc(file_vi(label))
        );
    }
    b.push_str("</ul>\n");
    let _ = writeln!(
        b,
        "<p class=\"muted\">Mã băm SHA-256 của bản PDF: <code>{}</code>. Phiên bản dữ liệu: <code>{}</code>.</p>",
        esc(&it.entry.pdf_sha256),
        esc(text(r, &["data_version"]))
    );
    for p in &it.problems {
        let _ = writeln!(b, "<p class=\"muted\">Không đăng: {}</p>", esc(p));
    }
    let blocks = r["blocks"].as_array().cloned().unwrap_or_default();
    let has_targets = blocks.iter().any(|t| t["id"] == "targets");
    // The tables and charts in print order, the 12-month trend right after the key figures.
    let mut trend_done = false;
    for (n, t) in blocks.iter().enumerate() {
        if t["type"] == "chart" {
            bars(&mut b, t, n);
            continue;
        }
        table(&mut b, t);
        if t["id"] == "key_figures" {
            trend(&mut b, it, all);
            trend_done = true;
        }
    }
    if !trend_done {
        trend(&mut b, it, all);
    }
    if !has_targets {
        b.push_str("<h2>Chỉ tiêu</h2>\n<p class=\"muted\">Báo cáo này không có bảng đánh giá chỉ tiêu.</p>\n");
    }
    if let Some(sections) = r["sections"].as_array() {
        b.push_str("<h2>Nội dung báo cáo</h2>\n");
        for s in sections {
            let _ = writeln!(b, "<h3>{}</h3>", esc(text(s, &["heading"])));
            for p in strings(&s["paragraphs"]) {
                let _ = writeln!(b, "<p>{}</p>", esc(p));
            }
        }
    }
    let c = &r["closing"];
    b.push_str("<div class=\"frame\"><div></div><div>");
    for l in strings(&c["signer_lines"]) {
        let _ = write!(b, "<p class=\"national\">{}</p>", esc(l));
    }
    let _ = writeln!(
        b,
        "<p class=\"national\">{}</p></div></div>",
        esc(text(c, &["signer_name"]))
    );
    if r["appendices"].as_array().is_some_and(|a| !a.is_empty()) {
        b.push_str("<p class=\"muted\">Các biểu phụ lục (Biểu II.06a …) có trong bản PDF và bảng tính Excel.</p>\n");
    }
    let title = format!("{} — {}", text(h, &["subject"]), text(h, &["period_line"]));
    page(&title, "../", &b)
}

/// The other versions of the same report, linked.
fn versions(b: &mut String, it: &Item, all: &[Item]) {
    let e = &it.entry;
    let same: Vec<&Item> = all
        .iter()
        .filter(|o| {
            o.entry.kind == e.kind
                && o.entry.period == e.period
                && o.entry.convention == e.convention
                && o.entry.unit == e.unit
        })
        .collect();
    let mut line = format!("Phiên bản {}", e.version);
    if e.version < it.latest {
        let _ = write!(line, " — đã có phiên bản mới hơn ({})", it.latest);
    }
    if same.len() > 1 {
        let links: Vec<String> = same
            .iter()
            .filter(|o| o.entry.run_id != e.run_id && o.report.is_some())
            .map(|o| format!("<a href=\"{}.html\">phiên bản {}</a>", href(&o.name), o.entry.version))
            .collect();
        if !links.is_empty() {
            let _ = write!(line, ". Các phiên bản khác: {}", links.join(", "));
        }
    }
    let _ = writeln!(b, "<p><strong>{line}.</strong></p>");
}

/// A bar chart of the model (a rate per agency) as inline SVG: each bar's length is the
/// model's fraction, its label and printed value are the model's strings; the same
/// figures follow as a table.
fn bars(b: &mut String, c: &Value, n: usize) {
    let title = text(c, &["title"]);
    let rows: Vec<&Value> = c["bars"].as_array().map(|a| a.iter().collect()).unwrap_or_default();
    let _ = writeln!(b, "<section>\n<h2>{}</h2>", esc(title));
    let note = text(c, &["note"]);
    if !note.is_empty() {
        let _ = writeln!(b, "<p>{}</p>", esc(note));
    }
    let (label_w, bar_x, bar_w, row_h) = (330.0, 340.0, 260.0, 22.0);
    let h = row_h * rows.len() as f64 + 8.0;
    let _ = writeln!(
        b,
        "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 760 {h}\" width=\"760\" height=\"{h}\" \
role=\"img\" aria-labelledby=\"chart{n}-title\" font-family=\"Liberation Serif, Times New Roman, serif\">\n\
<title id=\"chart{n}-title\">{}</title>",
        esc(title)
    );
    for (i, r) in rows.iter().enumerate() {
        let y = 4.0 + row_h * i as f64;
        let f = r["fraction"].as_f64().unwrap_or(0.0).clamp(0.0, 1.0);
        let _ = writeln!(
            b,
            "<text x=\"{label_w}\" y=\"{:.1}\" font-size=\"13\" text-anchor=\"end\">{}</text>\
<rect x=\"{bar_x}\" y=\"{:.1}\" width=\"{:.1}\" height=\"14\" fill=\"#0b4f8a\"/>\
<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\">{}</text>",
            y + 14.0,
            esc(text(r, &["label"])),
            y + 3.0,
            bar_w * f,
            bar_x + bar_w * f + 6.0,
            y + 14.0,
            esc(text(r, &["value"]))
        );
    }
    b.push_str("</svg>\n</figure>\n");
    let _ = write!(
        b,
        "<details><summary>Số liệu của biểu đồ</summary>\n<table class=\"narrow\">\n<caption class=\"sr\">{}</caption>\n\
<thead><tr><th scope=\"col\">Cơ quan, đơn vị</th><th scope=\"col\" class=\"right\">Tỷ lệ</th></tr></thead>\n<tbody>\n",
        esc(title)
    );
    for r in &rows {
        let _ = writeln!(
            b,
            "<tr><th scope=\"row\">{}</th><td class=\"right\">{}</td></tr>",
            esc(text(r, &["label"])),
            esc(text(r, &["value"]))
        );
    }
    b.push_str("</tbody>\n</table>\n</details>\n</section>\n");
}

/// A table block of the model as an accessible HTML table: the first left-aligned column
/// heads each row; a bold row with only its label is a group heading.
fn table(b: &mut String, t: &Value) {
    let heading = text(t, &["heading"]);
    let _ = writeln!(b, "<section>\n<h2>{}</h2>", esc(heading));
    for p in strings(&t["intro"]) {
        let _ = writeln!(b, "<p>{}</p>", esc(p));
    }
    let cols = t["columns"].as_array().cloned().unwrap_or_default();
    let aligns: Vec<&str> = cols.iter().map(|c| c["align"].as_str().unwrap_or("left")).collect();
    let head_col = aligns.iter().position(|a| *a == "left").unwrap_or(0);
    let class = if cols.len() <= 3 { " class=\"narrow\"" } else { "" };
    let _ = write!(
        b,
        "<table{class}>\n<caption class=\"sr\">{}</caption>\n<thead><tr>",
        esc(heading)
    );
    for (i, c) in cols.iter().enumerate() {
        let _ = write!(
            b,
            "<th scope=\"col\" class=\"{}\">{}</th>",
            aligns[i],
            esc(text(c, &["title"]))
        );
    }
    b.push_str("</tr></thead>\n<tbody>\n");
    for row in t["rows"].as_array().into_iter().flatten() {
        let cells = strings(&row["cells"]);
        let strong = row["strong"].as_bool().unwrap_or(false);
        let label_only = cells.iter().enumerate().all(|(i, c)| i == head_col || c.is_empty());
        if strong && label_only {
            let _ = writeln!(
                b,
                "<tr><th scope=\"rowgroup\" colspan=\"{}\">{}</th></tr>",
                cols.len().max(1),
                esc(cells.get(head_col).copied().unwrap_or(""))
            );
            continue;
        }
        b.push_str(if strong { "<tr class=\"strong\">" } else { "<tr>" });
        for (i, c) in cells.iter().enumerate() {
            let align = aligns.get(i).copied().unwrap_or("left");
            if i == head_col {
                let _ = write!(b, "<th scope=\"row\">{}</th>", esc(c));
            } else {
                let _ = write!(b, "<td class=\"{align}\">{}</td>", esc(c));
            }
        }
        b.push_str("</tr>\n");
    }
    b.push_str("</tbody>\n</table>\n");
    for n in strings(&t["notes"]) {
        let _ = writeln!(b, "<p class=\"note\">{}</p>", esc(n));
    }
    b.push_str("</section>\n");
}

/// A month of the trend: its label, the monthly report's page and its two printed rates.
struct Month {
    label: String,
    page: Option<String>,
    on_time: Option<String>,
    online: Option<String>,
}

/// The printed value of a key-figure row ("96,57%", "không phát sinh").
fn key_figure(r: &Value, label: &str) -> Option<String> {
    let t = r["blocks"].as_array()?.iter().find(|t| t["id"] == "key_figures")?;
    let row = t["rows"].as_array()?.iter().find(|row| row["cells"][0] == label)?;
    row["cells"][1].as_str().map(str::to_string)
}

/// "96,57%" → 96.57; None for words ("không phát sinh").
fn percent(s: &str) -> Option<f64> {
    let n = s.trim().strip_suffix('%')?.trim().replace('.', "").replace(',', ".");
    n.parse::<f64>().ok().map(|v| v.clamp(0.0, 100.0))
}

/// The 12 months up to the report's last month, each with the latest version of its
/// monthly report in the archive (same convention and agency), if there is one.
fn months(it: &Item, all: &[Item]) -> Option<Vec<Month>> {
    let (y, m) = it.end?;
    let e = &it.entry;
    let mut out = Vec::new();
    for back in (0..12).rev() {
        let idx = y * 12 + m as i32 - 1 - back;
        let (yy, mm) = (idx.div_euclid(12), idx.rem_euclid(12) as u32 + 1);
        let key = format!("{yy}-{mm:02}");
        let found = all
            .iter()
            .filter(|o| {
                o.entry.kind == "monthly"
                    && o.entry.period == key
                    && o.entry.convention == e.convention
                    && o.entry.unit == e.unit
                    && o.report.is_some()
            })
            .max_by_key(|o| (o.entry.version, o.entry.run_id));
        let r = found.and_then(|o| o.report.as_ref());
        out.push(Month {
            label: format!("T{mm}/{yy}"),
            page: found.map(|o| format!("{}.html", o.name)),
            on_time: r.and_then(|r| key_figure(r, ON_TIME)),
            online: r.and_then(|r| key_figure(r, ONLINE)),
        });
    }
    Some(out)
}

/// The 12-month trend of the on-time and online-intake rates: an SVG line chart (a month
/// without a report is a gap saying so) and the same figures as a table.
fn trend(b: &mut String, it: &Item, all: &[Item]) {
    b.push_str("<section>\n<h2>Diễn biến 12 tháng</h2>\n");
    let Some(ms) = months(it, all) else {
        b.push_str(
            "<p class=\"muted\">Báo cáo theo khoảng ngày tùy chọn: không có biểu đồ 12 tháng.</p>\n</section>\n",
        );
        return;
    };
    let span = format!("từ {} đến {}", ms[0].label, ms[11].label);
    let (w, x0, x1, y0, y1) = (760.0, 56.0, 744.0, 44.0, 264.0);
    let step = (x1 - x0) / 12.0;
    let x = |i: usize| x0 + step * (i as f64 + 0.5);
    let y = |v: f64| y1 - (y1 - y0) * v / 100.0;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} 292\" width=\"{w}\" height=\"292\" role=\"img\" \
aria-labelledby=\"trend-title trend-desc\" font-family=\"Liberation Serif, Times New Roman, serif\">\n\
<title id=\"trend-title\">Tỷ lệ giải quyết đúng hạn và tỷ lệ tiếp nhận trực tuyến, {span}</title>\n\
<desc id=\"trend-desc\">Số liệu từng tháng lấy từ báo cáo tháng trong kho lưu trữ; xem bảng số liệu dưới biểu đồ.</desc>\n"
    );
    for g in [0, 25, 50, 75, 100] {
        let yy = y(g as f64);
        let _ = writeln!(
            s,
            "<line x1=\"{x0}\" y1=\"{yy}\" x2=\"{x1}\" y2=\"{yy}\" stroke=\"#c8d0d7\"/><text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\">{g}%</text>",
            x0 - 6.0,
            yy + 4.0
        );
    }
    for (i, mo) in ms.iter().enumerate() {
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\">{}</text>",
            x(i),
            y1 + 18.0,
            esc(&mo.label)
        );
        if mo.page.is_none() {
            let _ = writeln!(
                s,
                "<rect x=\"{}\" y=\"{y0}\" width=\"{}\" height=\"{}\" fill=\"#eef0f2\"/>\
<text transform=\"translate({},{}) rotate(-90)\" font-size=\"12\" fill=\"#4a5560\" text-anchor=\"middle\">chưa có báo cáo tháng</text>",
                x(i) - step / 2.0 + 2.0,
                step - 4.0,
                y1 - y0,
                x(i) + 4.0,
                (y0 + y1) / 2.0
            );
        }
    }
    let series = [
        Series {
            name: ON_TIME,
            colour: "#0b4f8a",
            dash: "",
            get: on_time,
        },
        Series {
            name: ONLINE,
            colour: "#b34700",
            dash: "6 4",
            get: online,
        },
    ];
    for (k, se) in series.iter().enumerate() {
        let (name, colour, dash, get) = (se.name, se.colour, se.dash, se.get);
        let mut d = String::new();
        let mut pen = false;
        for (i, mo) in ms.iter().enumerate() {
            match get(mo).and_then(percent) {
                Some(v) => {
                    let _ = write!(d, "{}{:.1} {:.1} ", if pen { "L" } else { "M" }, x(i), y(v));
                    pen = true;
                }
                None => pen = false,
            }
        }
        if !d.is_empty() {
            let _ = writeln!(
                s,
                "<path d=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\" stroke-dasharray=\"{dash}\"/>",
                d.trim_end()
            );
        }
        for (i, mo) in ms.iter().enumerate() {
            let (Some(txt), Some(v)) = (get(mo), get(mo).and_then(percent)) else {
                continue;
            };
            let other = (series[1 - k].get)(mo).and_then(percent).unwrap_or(-1.0);
            // The higher of the two values is labelled above its point, the lower below,
            // unless that would fall under the axis.
            let dy = if v >= other || y(v) + 19.0 > y1 - 2.0 {
                -9.0
            } else {
                19.0
            };
            let marker = if k == 0 {
                format!(
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{colour}\"/>",
                    x(i),
                    y(v)
                )
            } else {
                format!(
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"8\" height=\"8\" fill=\"{colour}\"/>",
                    x(i) - 4.0,
                    y(v) - 4.0
                )
            };
            let _ = writeln!(
                s,
                "{marker}<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"{colour}\">{}</text>",
                x(i),
                y(v) + dy,
                esc(txt)
            );
        }
        let lx = x0 + 10.0 + 300.0 * k as f64;
        let _ = writeln!(
            s,
            "<line x1=\"{lx}\" y1=\"18\" x2=\"{}\" y2=\"18\" stroke=\"{colour}\" stroke-width=\"2.5\" stroke-dasharray=\"{dash}\"/>\
<text x=\"{}\" y=\"22\" font-size=\"13\">{name}</text>",
            lx + 30.0,
            lx + 36.0
        );
    }
    s.push_str("</svg>");
    let _ = writeln!(b, "<figure>\n{s}\n</figure>");
    let missing = ms.iter().filter(|m| m.page.is_none()).count();
    if missing > 0 {
        let _ = writeln!(
            b,
            "<p class=\"muted\">{missing}/12 tháng chưa có báo cáo tháng trong kho lưu trữ: để trống, không ước tính.</p>"
        );
    }
    let _ = write!(
        b,
        "<table>\n<caption>Số liệu của biểu đồ ({span})</caption>\n<thead><tr><th scope=\"col\">Tháng</th>\
<th scope=\"col\" class=\"right\">{ON_TIME}</th><th scope=\"col\" class=\"right\">{ONLINE}</th></tr></thead>\n<tbody>\n"
    );
    for mo in &ms {
        let name = match &mo.page {
            Some(p) => format!("<a href=\"{}\">{}</a>", href(p), esc(&mo.label)),
            None => esc(&mo.label),
        };
        let cell = |v: &Option<String>| match (&mo.page, v) {
            (None, _) => "chưa có báo cáo tháng".to_string(),
            (Some(_), Some(v)) => esc(v),
            (Some(_), None) => "không có trong báo cáo".to_string(),
        };
        let _ = writeln!(
            b,
            "<tr><th scope=\"row\">{name}</th><td class=\"right\">{}</td><td class=\"right\">{}</td></tr>",
            cell(&mo.on_time),
            cell(&mo.online)
        );
    }
    b.push_str("</tbody>\n</table>\n</section>\n");
}

/// A line of the trend chart: its name, colour, dash pattern and a month's printed value.
struct Series {
    name: &'static str,
    colour: &'static str,
    dash: &'static str,
    get: fn(&Month) -> Option<&str>,
}

fn on_time(m: &Month) -> Option<&str> {
    m.on_time.as_deref()
}

fn online(m: &Month) -> Option<&str> {
    m.online.as_deref()
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

    #[test]
    fn printed_rates_are_read_back_and_words_are_not() {
        assert_eq!(percent("96,57%"), Some(96.57));
        assert_eq!(percent("100%"), Some(100.0));
        assert_eq!(percent("không phát sinh"), None);
        assert_eq!(esc("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        assert_eq!(href("files/a b\"<.pdf"), "files/a%20b%22%3C.pdf");
    }
}
