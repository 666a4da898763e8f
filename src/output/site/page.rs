//! A report's page: the Decree 30 frame (with the number and date of issue of an issued
//! document), its versions and downloads, every table and bar chart of the model in print
//! order (the 12-month trend after the key figures), the narrative and the signature block —
//! each word a string of the report model or of the issue record. A draft's page says
//! "dự thảo" at its top.

use super::html::{esc, href, page};
use super::{trend, Item};
use crate::report::model::{Block, Chart, Report, Table, Text};
use std::fmt::Write as _;

/// The page of `it`, whose model is `r`; `drafts` for a preview with drafts.
pub(super) fn report(it: &Item, r: &Report, all: &[Item], drafts: bool) -> String {
    let h = &r.header;
    let mut b = String::new();
    b.push_str("<nav><a href=\"../index.html\">← Danh sách báo cáo</a></nav>\n");
    if it.draft() {
        b.push_str(
            "<p class=\"draft-banner\">DỰ THẢO — chưa ký số, chưa ban hành; không phải văn bản chính thức.</p>\n",
        );
    }
    // An issued document shows the number and date the records office gave it.
    let (number, place_date) = match &it.entry.issued {
        Some(i) => {
            let place = h.place_date.split(", ngày").next().unwrap_or("");
            (
                format!("Số: {}", i.number),
                format!("{place}, {}", crate::report::format::long_date(i.date)),
            )
        }
        None => (h.number.clone(), h.place_date.clone()),
    };
    b.push_str("<div class=\"frame\">\n<div>");
    for l in &h.issuer {
        let _ = write!(b, "<p class=\"issuer\">{}</p>", esc(l));
    }
    let _ = write!(b, "<p>{}</p></div>\n<div>", esc(&number));
    let _ = write!(
        b,
        "<p class=\"national\">{}</p><p class=\"national\">{}</p><p class=\"place\">{}</p></div>\n</div>\n",
        esc(&h.national_title),
        esc(&h.motto),
        esc(&place_date)
    );
    let _ = writeln!(
        b,
        "<div class=\"title\"><h1><span class=\"kind\">{}</span><br><span class=\"subject\">{}</span></h1><p>{}</p></div>",
        esc(&h.title),
        esc(&h.subject),
        esc(&h.period_line)
    );
    if let Some(f) = &h.footnote {
        let _ = writeln!(b, "<p class=\"muted\">{}</p>", esc(f));
    }
    versions(&mut b, it, all);
    b.push_str("<h2>Tệp tải về</h2>\n<ul class=\"files\">\n");
    for (label, f) in &it.files {
        let _ = writeln!(
            b,
            "<li><a href=\"../files/{}\">{}</a></li>",
            href(f),
            esc(file_vi(label, it.draft()))
        );
    }
    b.push_str("</ul>\n");
    match &it.entry.issued {
        Some(i) => {
            let _ = writeln!(
                b,
                "<p class=\"muted\">Mã băm SHA-256 của bản PDF đã ký số: <code>{}</code>; của bản baocao lập trước khi \
ký (phần đầu của bản đã ký, giữ nguyên từng byte): <code>{}</code>. Phiên bản dữ liệu: <code>{}</code>.</p>",
                esc(&i.signed_sha256),
                esc(&it.entry.pdf_sha256),
                esc(&r.data_version)
            );
        }
        None => {
            let _ = writeln!(
                b,
                "<p class=\"muted\">Mã băm SHA-256 của bản PDF: <code>{}</code>. Phiên bản dữ liệu: <code>{}</code>.</p>",
                esc(&it.entry.pdf_sha256),
                esc(&r.data_version)
            );
        }
    }
    for p in &it.problems {
        let _ = writeln!(b, "<p class=\"muted\">Không đăng: {}</p>", esc(p));
    }
    // The tables and charts in print order, the 12-month trend right after the key figures.
    let mut trend_done = false;
    for (n, block) in r.blocks().enumerate() {
        match block {
            Block::Chart(c) => bars(&mut b, c, n),
            Block::Table(t) => {
                table(&mut b, t);
                if t.id == "key_figures" {
                    trend::trend(&mut b, it, all, drafts);
                    trend_done = true;
                }
            }
        }
    }
    if !trend_done {
        trend::trend(&mut b, it, all, drafts);
    }
    if r.table("targets").is_none() {
        b.push_str("<h2>Chỉ tiêu</h2>\n<p class=\"muted\">Báo cáo này không có bảng đánh giá chỉ tiêu.</p>\n");
    }
    b.push_str("<h2>Nội dung báo cáo</h2>\n");
    for s in &r.sections {
        let _ = writeln!(b, "<h3>{}</h3>", esc(&s.heading));
        for p in &s.paragraphs {
            let _ = writeln!(b, "<p>{}</p>", esc(p));
        }
        for t in &s.text {
            official(&mut b, t);
        }
    }
    let c = &r.closing;
    b.push_str("<div class=\"frame\"><div></div><div>");
    for l in &c.signer_lines {
        let _ = write!(b, "<p class=\"national\">{}</p>", esc(l));
    }
    let _ = writeln!(b, "<p class=\"national\">{}</p></div></div>", esc(&c.signer_name));
    if !r.appendices.is_empty() {
        b.push_str("<p class=\"muted\">Các biểu phụ lục (Biểu II.06a …) có trong bản PDF và bảng tính Excel.</p>\n");
    }
    if let Some(a) = r.appendix("late_list") {
        super::appendix::late_list(&mut b, a);
    }
    let mut title = format!("{} — {}", h.subject, h.period_line);
    if it.draft() {
        title = format!("[Dự thảo] {title}");
    }
    page(&title, "../", &b, drafts)
}

/// A block of the official's text, escaped: bold and italic runs as written, a list item
/// after "- ".
fn official(b: &mut String, t: &Text) {
    let mut inner = String::new();
    if t.kind == "item" {
        inner.push_str("- ");
    }
    for s in &t.spans {
        let text = esc(&s.text);
        let _ = match (s.bold, s.italic) {
            (true, true) => write!(inner, "<strong><em>{text}</em></strong>"),
            (true, false) => write!(inner, "<strong>{text}</strong>"),
            (false, true) => write!(inner, "<em>{text}</em>"),
            (false, false) => write!(inner, "{text}"),
        };
    }
    let _ = writeln!(b, "<p class=\"{}\">{inner}</p>", t.kind);
}

/// What a download link is called.
fn file_vi(label: &str, draft: bool) -> &'static str {
    match label {
        "PDF" if draft => "Bản PDF dự thảo (chưa ký số, chưa ban hành)",
        "PDF" => "Bản PDF đã ký số (văn bản chính thức)",
        "XLSX" => "Bảng tính Excel (XLSX)",
        "DOCX" => "Bản Word (DOCX, dự thảo chỉnh sửa được)",
        "Manifest" => "Manifest (dữ liệu đầu vào, mã băm, để lập lại báo cáo)",
        _ => "Dữ liệu báo cáo (JSON)",
    }
}

/// The state of this version (issued with its number, or a draft), what it supersedes or
/// what superseded it, and the other versions of the same report, linked.
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
    let mut line = match &e.issued {
        Some(i) => format!(
            "Văn bản {} (phiên bản {})",
            esc(&super::issued_vi(&i.number, i.date)),
            e.version
        ),
        None => format!("Dự thảo, phiên bản {}", e.version),
    };
    if let Some(o) = &it.replaces {
        let what = esc(&super::issued_vi(&o.number, o.date));
        let _ = match &o.page {
            Some(p) => write!(
                line,
                " — thay thế <a href=\"{}.html\">văn bản {what}</a> (phiên bản {})",
                href(p),
                o.version
            ),
            None => write!(line, " — thay thế văn bản {what} (phiên bản {})", o.version),
        };
    }
    if let Some(n) = &it.replaced_by {
        let what = esc(&super::issued_vi(&n.number, n.date));
        let _ = match &n.page {
            Some(p) => write!(
                line,
                " — đã được thay thế bằng <a href=\"{}.html\">văn bản {what}</a>",
                href(p)
            ),
            None => write!(line, " — đã được thay thế bằng văn bản {what}"),
        };
    } else if e.version < it.latest {
        let _ = write!(line, " — đã có phiên bản mới hơn ({})", it.latest);
    }
    if same.len() > 1 {
        let links: Vec<String> = same
            .iter()
            .filter(|o| o.entry.run_id != e.run_id && o.report.is_some())
            .map(|o| {
                let what = match &o.entry.issued {
                    Some(i) => format!("văn bản số {}", esc(&i.number)),
                    None => format!("dự thảo phiên bản {}", o.entry.version),
                };
                format!("<a href=\"{}.html\">{what}</a>", href(&o.name))
            })
            .collect();
        if !links.is_empty() {
            let _ = write!(line, ". Các phiên bản khác: {}", links.join(", "));
        }
    }
    let _ = writeln!(b, "<p><strong>{line}.</strong></p>");
}

/// A bar chart of the model (a rate per agency) as inline SVG: each bar's length is the
/// model's fraction, its label and printed value are the model's strings; the same
/// figures follow as a table. `n` numbers the chart on the page.
fn bars(b: &mut String, c: &Chart, n: usize) {
    let title = &c.title;
    let _ = writeln!(b, "<section>\n<h2>{}</h2>", esc(title));
    if !c.note.is_empty() {
        let _ = writeln!(b, "<p>{}</p>", esc(&c.note));
    }
    let (label_w, bar_x, bar_w, row_h) = (330.0, 340.0, 260.0, 22.0);
    let h = row_h * c.bars.len() as f64 + 8.0;
    let _ = writeln!(
        b,
        "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 760 {h}\" width=\"760\" height=\"{h}\" \
role=\"img\" aria-labelledby=\"chart{n}-title\" font-family=\"Liberation Serif, Times New Roman, serif\">\n\
<title id=\"chart{n}-title\">{}</title>",
        esc(title)
    );
    for (i, r) in c.bars.iter().enumerate() {
        let y = 4.0 + row_h * i as f64;
        let f = r.fraction.clamp(0.0, 1.0);
        let _ = writeln!(
            b,
            "<text x=\"{label_w}\" y=\"{:.1}\" font-size=\"13\" text-anchor=\"end\">{}</text>\
<rect x=\"{bar_x}\" y=\"{:.1}\" width=\"{:.1}\" height=\"14\" fill=\"#0b4f8a\"/>\
<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\">{}</text>",
            y + 14.0,
            esc(&r.label),
            y + 3.0,
            bar_w * f,
            bar_x + bar_w * f + 6.0,
            y + 14.0,
            esc(&r.value)
        );
    }
    b.push_str("</svg>\n</figure>\n");
    let _ = write!(
        b,
        "<details><summary>Số liệu của biểu đồ</summary>\n<table class=\"narrow\">\n<caption class=\"sr\">{}</caption>\n\
<thead><tr><th scope=\"col\">Cơ quan, đơn vị</th><th scope=\"col\" class=\"right\">Tỷ lệ</th></tr></thead>\n<tbody>\n",
        esc(title)
    );
    for r in &c.bars {
        let _ = writeln!(
            b,
            "<tr><th scope=\"row\">{}</th><td class=\"right\">{}</td></tr>",
            esc(&r.label),
            esc(&r.value)
        );
    }
    b.push_str("</tbody>\n</table>\n</details>\n</section>\n");
}

/// A table block of the model as an accessible HTML table: the first left-aligned column
/// heads each row; a bold row with only its label is a group heading.
fn table(b: &mut String, t: &Table) {
    let _ = writeln!(b, "<section>\n<h2>{}</h2>", esc(&t.heading));
    for p in &t.intro {
        let _ = writeln!(b, "<p>{}</p>", esc(p));
    }
    let cols = &t.columns;
    let aligns: Vec<&str> = cols.iter().map(|c| c.align.as_str()).collect();
    let head_col = aligns.iter().position(|a| *a == "left").unwrap_or(0);
    let class = if cols.len() <= 3 { " class=\"narrow\"" } else { "" };
    let _ = write!(
        b,
        "<table{class}>\n<caption class=\"sr\">{}</caption>\n<thead><tr>",
        esc(&t.heading)
    );
    for (c, align) in cols.iter().zip(&aligns) {
        let _ = write!(b, "<th scope=\"col\" class=\"{align}\">{}</th>", esc(&c.title));
    }
    b.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        let cells = &row.cells;
        let label_only = cells.iter().enumerate().all(|(i, c)| i == head_col || c.is_empty());
        if row.strong && label_only {
            let _ = writeln!(
                b,
                "<tr><th scope=\"rowgroup\" colspan=\"{}\">{}</th></tr>",
                cols.len().max(1),
                esc(cells.get(head_col).map(String::as_str).unwrap_or(""))
            );
            continue;
        }
        b.push_str(if row.strong { "<tr class=\"strong\">" } else { "<tr>" });
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
    for n in &t.notes {
        let _ = writeln!(b, "<p class=\"note\">{}</p>", esc(n));
    }
    b.push_str("</section>\n");
}
