//! A report's page: the Decree 30 frame, its versions and downloads, every table and bar
//! chart of the model in print order (the 12-month trend after the key figures), the
//! narrative and the signature block — each word a string of the report model.

use super::html::{esc, href, page};
use super::{trend, Item};
use crate::report::model::{Block, Chart, Report, Table};
use std::fmt::Write as _;

/// The page of `it`, whose model is `r`.
pub(super) fn report(it: &Item, r: &Report, all: &[Item]) -> String {
    let h = &r.header;
    let mut b = String::new();
    b.push_str("<nav><a href=\"../index.html\">← Danh sách báo cáo</a></nav>\n");
    b.push_str("<div class=\"frame\">\n<div>");
    for l in &h.issuer {
        let _ = write!(b, "<p class=\"issuer\">{}</p>", esc(l));
    }
    let _ = write!(b, "<p>{}</p></div>\n<div>", esc(&h.number));
    let _ = write!(
        b,
        "<p class=\"national\">{}</p><p class=\"national\">{}</p><p class=\"place\">{}</p></div>\n</div>\n",
        esc(&h.national_title),
        esc(&h.motto),
        esc(&h.place_date)
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
            esc(file_vi(label))
        );
    }
    b.push_str("</ul>\n");
    let _ = writeln!(
        b,
        "<p class=\"muted\">Mã băm SHA-256 của bản PDF: <code>{}</code>. Phiên bản dữ liệu: <code>{}</code>.</p>",
        esc(&it.entry.pdf_sha256),
        esc(&r.data_version)
    );
    for p in &it.problems {
        let _ = writeln!(b, "<p class=\"muted\">Không đăng: {}</p>", esc(p));
    }
    // The tables and charts in print order, the 12-month trend right after the key figures.
    let mut trend_done = false;
    for (n, block) in r.blocks.iter().enumerate() {
        match block {
            Block::Chart(c) => bars(&mut b, c, n),
            Block::Table(t) => {
                table(&mut b, t);
                if t.id == "key_figures" {
                    trend::trend(&mut b, it, all);
                    trend_done = true;
                }
            }
        }
    }
    if !trend_done {
        trend::trend(&mut b, it, all);
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
    let title = format!("{} — {}", h.subject, h.period_line);
    page(&title, "../", &b)
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
