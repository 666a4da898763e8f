//! The editable Word draft: WordprocessingML written directly (docx-rs has no section
//! page numbering from page 2), zipped with fixed timestamps so the same model gives the
//! same bytes. The Decree 30 frame on A4 with its margins, Times New Roman 14 pt, justified
//! paragraphs with a first-line indent, page numbers from page 2, the body tables, the
//! closing block, and the appendix forms in a landscape section.

use crate::report::model::{Appendix, Block, Closing, Header, Report, Table, Text};
use anyhow::{Context, Result};
use std::fmt::Write as _;
use std::io::Write;

/// Twips per millimetre.
const MM: f64 = 56.692_913;

fn tw(mm: f64) -> i64 {
    (mm * MM).round() as i64
}

fn esc(s: &str) -> String {
    let s: String = unicode_normalization::UnicodeNormalization::nfc(s).collect();
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A run of text: bold, italic, size in points (None: the style's 14 pt).
#[derive(Clone, Copy, Default)]
struct Run {
    bold: bool,
    italic: bool,
    size: Option<f32>,
}

impl Run {
    fn b() -> Run {
        Run {
            bold: true,
            ..Run::default()
        }
    }
    fn i() -> Run {
        Run {
            italic: true,
            ..Run::default()
        }
    }
    fn sized(mut self, pt: f32) -> Run {
        self.size = Some(pt);
        self
    }
    fn xml(self, text: &str) -> String {
        let mut p = String::new();
        if self.bold {
            p.push_str("<w:b/>");
        }
        if self.italic {
            p.push_str("<w:i/>");
        }
        if let Some(s) = self.size {
            let hp = (s * 2.0).round() as i64;
            let _ = write!(p, "<w:sz w:val=\"{hp}\"/><w:szCs w:val=\"{hp}\"/>");
        }
        let rpr = if p.is_empty() {
            String::new()
        } else {
            format!("<w:rPr>{p}</w:rPr>")
        };
        format!("<w:r>{rpr}<w:t xml:space=\"preserve\">{}</w:t></w:r>", esc(text))
    }
}

/// Paragraph alignment and indent.
#[derive(Clone, Copy)]
enum Para {
    Body,
    Center,
    Left,
    Right,
}

fn para(kind: Para, run: Run, text: &str) -> String {
    let ppr = match kind {
        Para::Body => "<w:jc w:val=\"both\"/><w:ind w:firstLine=\"567\"/><w:spacing w:before=\"60\" w:after=\"60\"/>",
        Para::Center => "<w:jc w:val=\"center\"/><w:spacing w:before=\"0\" w:after=\"0\"/>",
        Para::Left => "<w:jc w:val=\"left\"/><w:spacing w:before=\"0\" w:after=\"0\"/>",
        Para::Right => "<w:jc w:val=\"right\"/><w:spacing w:before=\"0\" w:after=\"0\"/>",
    };
    format!("<w:p><w:pPr>{ppr}</w:pPr>{}</w:p>", run.xml(text))
}

fn heading(text: &str) -> String {
    format!(
        "<w:p><w:pPr><w:keepNext/><w:jc w:val=\"both\"/><w:ind w:firstLine=\"567\"/><w:spacing w:before=\"120\" w:after=\"60\"/></w:pPr>{}</w:p>",
        Run::b().xml(text)
    )
}

/// A cell: width in twips, its paragraphs, optional span and vertical merge.
fn tc(width: i64, span: usize, vmerge: Option<&str>, body: &str) -> String {
    let mut pr = format!("<w:tcW w:w=\"{width}\" w:type=\"dxa\"/>");
    if span > 1 {
        let _ = write!(pr, "<w:gridSpan w:val=\"{span}\"/>");
    }
    if let Some(v) = vmerge {
        let _ = write!(pr, "<w:vMerge w:val=\"{v}\"/>");
    }
    pr.push_str("<w:vAlign w:val=\"center\"/>");
    let body = if body.is_empty() { "<w:p/>" } else { body };
    format!("<w:tc><w:tcPr>{pr}</w:tcPr>{body}</w:tc>")
}

fn tbl(widths: &[i64], borders: bool, header_rows: usize, rows: &[String]) -> String {
    let total: i64 = widths.iter().sum();
    let b = if borders { "single" } else { "nil" };
    let mut x = format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"{total}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/><w:tblLayout w:type=\"fixed\"/><w:tblBorders>"
    );
    for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
        let _ = write!(
            x,
            "<w:{side} w:val=\"{b}\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
        );
    }
    x.push_str("</w:tblBorders><w:tblCellMar><w:left w:w=\"57\" w:type=\"dxa\"/><w:right w:w=\"57\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>");
    for w in widths {
        let _ = write!(x, "<w:gridCol w:w=\"{w}\"/>");
    }
    x.push_str("</w:tblGrid>");
    for (i, r) in rows.iter().enumerate() {
        let trpr = if i < header_rows {
            "<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>"
        } else {
            "<w:trPr><w:cantSplit/></w:trPr>"
        };
        let _ = write!(x, "<w:tr>{trpr}{r}</w:tr>");
    }
    x.push_str("</w:tbl>");
    x
}

fn lines(kind: Para, run: Run, items: &[String]) -> String {
    items.iter().map(|s| para(kind, run, s)).collect()
}

/// Issuer and national title, number and place-date: a borderless two-column table.
fn frame(h: &Header) -> String {
    let (l, r) = (tw(62.0), tw(103.0));
    let mut left = String::new();
    for (i, s) in h.issuer.iter().enumerate() {
        let run = if i + 1 == h.issuer.len() {
            Run::b()
        } else {
            Run::default()
        };
        left.push_str(&para(Para::Center, run.sized(13.0), s));
    }
    left.push_str(&para(Para::Center, Run::default().sized(13.0), "———"));
    left.push_str(&para(Para::Center, Run::default().sized(13.0), &h.number));
    let right = [
        para(Para::Center, Run::b().sized(12.0), &h.national_title),
        para(Para::Center, Run::b(), &h.motto),
        para(Para::Center, Run::default().sized(13.0), "———————————"),
        para(Para::Center, Run::i(), &h.place_date),
    ]
    .concat();
    let row = tc(l, 1, None, &left) + &tc(r, 1, None, &right);
    tbl(&[l, r], false, 0, &[row])
}

fn body_table(t: &Table, width_mm: f64) -> String {
    let fixed: f64 = t.columns.iter().filter_map(|c| c.width_mm).map(f64::from).sum();
    let free = t.columns.iter().filter(|c| c.width_mm.is_none()).count().max(1) as f64;
    let widths: Vec<i64> = t
        .columns
        .iter()
        .map(|c| {
            tw(c.width_mm
                .map(f64::from)
                .unwrap_or(((width_mm - fixed) / free).max(20.0)))
        })
        .collect();
    let jc = |a: &str| match a {
        "right" => Para::Right,
        "center" => Para::Center,
        _ => Para::Left,
    };
    let mut rows = vec![t
        .columns
        .iter()
        .zip(&widths)
        .map(|(c, w)| tc(*w, 1, None, &para(Para::Center, Run::b().sized(t.size), &c.title)))
        .collect::<String>()];
    for r in &t.rows {
        let run = Run {
            bold: r.strong,
            ..Run::default()
        }
        .sized(t.size);
        rows.push(
            r.cells
                .iter()
                .zip(t.columns.iter().zip(&widths))
                .map(|(s, (c, w))| tc(*w, 1, None, &para(jc(&c.align), run, s)))
                .collect(),
        );
    }
    let mut x = heading(&t.heading);
    x.push_str(&lines(Para::Body, Run::default(), &t.intro));
    x.push_str(&tbl(&widths, true, 1, &rows));
    x.push_str(&lines(Para::Body, Run::b(), &t.notes));
    x
}

fn closing(c: &Closing) -> String {
    let (l, r) = (tw(80.0), tw(80.0));
    let mut left = para(
        Para::Left,
        Run {
            bold: true,
            italic: true,
            size: Some(12.0),
        },
        &c.recipients_title,
    );
    for s in &c.recipients {
        left.push_str(&para(Para::Left, Run::default().sized(11.0), &format!("- {s}")));
    }
    let mut right = lines(Para::Center, Run::b(), &c.signer_lines);
    for _ in 0..3 {
        right.push_str("<w:p/>");
    }
    right.push_str(&para(Para::Center, Run::b(), &c.signer_name));
    let row = tc(l, 1, None, &left) + &tc(r, 1, None, &right);
    tbl(&[l, r], false, 0, &[row])
}

/// An appendix form: header block and the table with its multi-level header (vertical
/// merges continue a cell that spans rows, gridSpan one that spans columns).
fn appendix(a: &Appendix) -> String {
    // The landscape text width is 262 mm; the name column takes what the others leave.
    let fixed: f64 = a
        .columns
        .iter()
        .filter_map(|c| c.width_mm)
        .map(|w| f64::from(w) + 1.0)
        .sum();
    let widths: Vec<i64> = a
        .columns
        .iter()
        .map(|c| {
            tw(c.width_mm
                .map(|w| f64::from(w) + 1.0)
                .unwrap_or((259.0 - fixed).max(40.0)))
        })
        .collect();
    let span_w = |col: usize, n: usize| widths[col..col + n].iter().sum::<i64>();
    let hd =
        |w: i64, span: usize, vm: Option<&str>, s: &str| tc(w, span, vm, &para(Para::Center, Run::b().sized(9.0), s));
    let mut rows = Vec::new();
    for r in 0..a.head_heights.len() {
        let mut x = String::new();
        let mut col = 0;
        while col < widths.len() {
            let start = a.head.iter().find(|h| h.row == r && h.col == col);
            let above = a
                .head
                .iter()
                .find(|h| h.col == col && h.row < r && h.row + h.rowspan > r);
            match (start, above) {
                (Some(h), _) => {
                    let vm = (h.rowspan > 1).then_some("restart");
                    x.push_str(&hd(span_w(col, h.colspan), h.colspan, vm, &h.text));
                    col += h.colspan;
                }
                (None, Some(h)) => {
                    x.push_str(&hd(span_w(col, h.colspan), h.colspan, Some("continue"), ""));
                    col += h.colspan;
                }
                (None, None) => {
                    x.push_str(&hd(widths[col], 1, None, ""));
                    col += 1;
                }
            }
        }
        rows.push(x);
    }
    for r in &a.rows {
        let run = Run {
            bold: r.strong,
            ..Run::default()
        }
        .sized(9.5);
        let mut x = tc(widths[0], 1, None, &para(Para::Center, run, &r.stt));
        x.push_str(&tc(widths[1], 1, None, &para(Para::Left, run, &r.name)));
        for ((c, w), col) in r.cells.iter().zip(&widths[2..]).zip(&a.columns[2..]) {
            let place = match col.align.as_str() {
                "left" => Para::Left,
                "center" => Para::Center,
                _ => Para::Right,
            };
            x.push_str(&tc(*w, 1, None, &para(place, run, c)));
        }
        rows.push(x);
    }
    let top = tbl(
        &[tw(70.0), tw(122.0), tw(70.0)],
        false,
        0,
        &[tc(tw(70.0), 1, None, &para(Para::Left, Run::b().sized(11.0), &a.form))
            + &tc(
                tw(122.0),
                1,
                None,
                &(para(Para::Center, Run::b().sized(13.0), &a.title)
                    + &para(Para::Center, Run::i().sized(11.0), &a.period_line)),
            )
            + &tc(
                tw(70.0),
                1,
                None,
                &lines(
                    Para::Left,
                    Run::default().sized(10.0),
                    &[a.reporting_unit.clone(), a.receiving_unit.clone(), a.unit_note.clone()],
                ),
            )],
    );
    let mut x = top;
    x.push_str("<w:p/>");
    x.push_str(&tbl(&widths, true, a.head_heights.len(), &rows));
    x.push_str(&para(Para::Left, Run::i().sized(10.0), &a.note));
    x
}

/// Section properties: A4 portrait with the Decree 30 margins, or landscape; page number
/// in the header, none on the first page.
fn sect(landscape: bool) -> String {
    let (w, h, orient) = if landscape {
        (16838, 11906, " w:orient=\"landscape\"")
    } else {
        (11906, 16838, "")
    };
    let (top, bottom, left, right) = if landscape {
        (tw(18.0), tw(15.0), tw(20.0), tw(15.0))
    } else {
        (tw(20.0), tw(20.0), tw(30.0), tw(15.0))
    };
    let first = if landscape { "" } else { "<w:titlePg/>" };
    format!(
        "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rIdHeader\"/><w:pgSz w:w=\"{w}\" w:h=\"{h}\"{orient}/>\
         <w:pgMar w:top=\"{top}\" w:right=\"{right}\" w:bottom=\"{bottom}\" w:left=\"{left}\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/>{first}</w:sectPr>"
    )
}

/// A table, or a chart as its lines ("label: value").
fn body_block(block: &Block) -> String {
    match block {
        Block::Table(t) => body_table(t, 165.0),
        Block::Chart(c) => {
            let mut b = heading(&c.title);
            for bar in &c.bars {
                b.push_str(&para(
                    Para::Body,
                    Run::default().sized(12.0),
                    &format!("{}: {}", bar.label, bar.value),
                ));
            }
            b.push_str(&para(Para::Body, Run::i().sized(12.0), &c.note));
            b
        }
    }
}

/// A block of the official's text: its runs bold or italic as written, a list item after
/// "- ", a sub-heading kept with the next paragraph.
fn official(t: &Text) -> String {
    let ppr = if t.kind == "heading" {
        "<w:keepNext/><w:jc w:val=\"both\"/><w:ind w:firstLine=\"567\"/><w:spacing w:before=\"60\" w:after=\"60\"/>"
    } else {
        "<w:jc w:val=\"both\"/><w:ind w:firstLine=\"567\"/><w:spacing w:before=\"60\" w:after=\"60\"/>"
    };
    let mut runs = String::new();
    if t.kind == "item" {
        runs.push_str(&Run::default().xml("- "));
    }
    for s in &t.spans {
        let run = Run {
            bold: s.bold,
            italic: s.italic,
            size: None,
        };
        runs.push_str(&run.xml(&s.text));
    }
    format!("<w:p><w:pPr>{ppr}</w:pPr>{runs}</w:p>")
}

fn document(r: &Report) -> String {
    let h = &r.header;
    let mut b = frame(h);
    b.push_str("<w:p/>");
    b.push_str(&para(Para::Center, Run::b(), &h.title));
    b.push_str(&para(Para::Center, Run::b(), &h.subject));
    b.push_str(&para(Para::Center, Run::i(), &h.period_line));
    b.push_str(&para(Para::Center, Run::default(), "————"));
    for s in &r.sections {
        b.push_str(&heading(&s.heading));
        b.push_str(&lines(Para::Body, Run::default(), &s.paragraphs));
        for t in &s.text {
            b.push_str(&official(t));
        }
        for block in &s.blocks {
            b.push_str(&body_block(block));
        }
    }
    // The sections the official has yet to write: a heading and an empty paragraph each.
    for h in &r.unwritten {
        b.push_str(&heading(h));
        b.push_str(&para(Para::Body, Run::default(), ""));
    }
    if let Some(f) = &h.footnote {
        b.push_str(&para(Para::Body, Run::i().sized(12.0), f));
    }
    b.push_str("<w:p/>");
    b.push_str(&closing(&r.closing));
    // The portrait section ends with this paragraph; the appendix is landscape.
    let _ = write!(b, "<w:p><w:pPr>{}</w:pPr></w:p>", sect(false));
    for (i, a) in r.appendices.iter().enumerate() {
        if i > 0 {
            b.push_str("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>");
        }
        b.push_str(&appendix(a));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"{W}\" xmlns:r=\"{R}\"><w:body>{b}{}</w:body></w:document>",
        sect(true)
    )
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

fn styles() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles xmlns:w=\"{W}\"><w:docDefaults><w:rPrDefault><w:rPr>\
         <w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:cs=\"Times New Roman\" w:eastAsia=\"Times New Roman\"/>\
         <w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/><w:lang w:val=\"vi-VN\"/></w:rPr></w:rPrDefault>\
         <w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"276\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>\
         <w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/></w:style></w:styles>"
    )
}

fn page_header() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:hdr xmlns:w=\"{W}\"><w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr>\
         <w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>\
         <w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>2</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p></w:hdr>"
    )
}

fn core(r: &Report, creation_timestamp: i64) -> String {
    let date = chrono::DateTime::from_timestamp(creation_timestamp, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <dc:title>{}</dc:title><dc:creator>baocao</dc:creator><dc:description>data version {}</dc:description>\
         <dcterms:created xsi:type=\"dcterms:W3CDTF\">{date}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{date}</dcterms:modified></cp:coreProperties>",
        esc(&r.header.subject),
        esc(&r.data_version)
    )
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/header1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/></Types>";

const RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/></Relationships>";

const DOC_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rIdStyles\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rIdHeader\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" Target=\"header1.xml\"/></Relationships>";

/// Writes the DOCX of a report; `creation_timestamp` (from the report data) fixes its
/// properties, and every zip entry carries the same fixed time.
pub fn write(r: &Report, creation_timestamp: i64) -> Result<Vec<u8>> {
    let parts: [(&str, String); 6] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", RELS.to_string()),
        ("docProps/core.xml", core(r, creation_timestamp)),
        ("word/_rels/document.xml.rels", DOC_RELS.to_string()),
        ("word/styles.xml", styles()),
        ("word/header1.xml", page_header()),
    ];
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let doc = document(r);
    for (name, body) in parts
        .iter()
        .map(|(n, b)| (*n, b.as_str()))
        .chain(std::iter::once(("word/document.xml", doc.as_str())))
    {
        z.start_file(name, opts).with_context(|| format!("docx part {name}"))?;
        z.write_all(body.as_bytes())?;
    }
    Ok(z.finish().context("finishing the docx")?.into_inner())
}
