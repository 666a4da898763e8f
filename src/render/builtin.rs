//! The built-in renderer (printpdf): the same report model as the Typst templates, drawn
//! with a small flow layout — Decree 30 frame, justified paragraphs, tables that break
//! across pages with their header repeated, bar charts as rectangles, page numbers from
//! page 2 — into a PDF with Liberation Serif embedded as subsets. No external tool.

use crate::error::{Exit, Failure};
use crate::report::model::*;
use anyhow::Result;
use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt,
    Rect, Rgb, TextItem,
};
use std::path::Path;
use unicode_normalization::UnicodeNormalization;

const MM: f32 = 72.0 / 25.4;

fn failure(msg: String) -> anyhow::Error {
    anyhow::Error::new(Failure::new(Exit::Render, msg))
}

#[derive(Clone, Copy, PartialEq)]
enum Style {
    Regular,
    Bold,
    Italic,
    BoldItalic,
}

struct Face {
    font: ParsedFont,
    id: FontId,
    upem: f32,
}

impl Face {
    /// Width of `s` at `size` pt; a character the font lacks is an error, not a blank.
    fn width(&self, s: &str, size: f32) -> Result<f32> {
        let mut w = 0u32;
        for c in s.chars() {
            let gid = self
                .font
                .lookup_glyph_index(c as u32)
                .ok_or_else(|| failure(format!("the font has no glyph for {c:?} (U+{:04X}) in {s:?}", c as u32)))?;
            w += self.font.get_horizontal_advance(gid) as u32;
        }
        Ok(w as f32 * size / self.upem)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Center,
    Right,
}

struct Page {
    landscape: bool,
    ops: Vec<Op>,
}

/// A flow layout over A4 pages; `y` grows downwards from the top edge, in points.
struct Layout {
    faces: Vec<Face>,
    pages: Vec<Page>,
    y: f32,
    landscape: bool,
    margin: (f32, f32, f32, f32), // top, right, bottom, left
}

impl Layout {
    fn face(&self, s: Style) -> &Face {
        &self.faces[s as usize]
    }

    fn size(&self) -> (f32, f32) {
        if self.landscape {
            (297.0 * MM, 210.0 * MM)
        } else {
            (210.0 * MM, 297.0 * MM)
        }
    }

    fn left(&self) -> f32 {
        self.margin.3
    }

    fn width(&self) -> f32 {
        self.size().0 - self.margin.1 - self.margin.3
    }

    fn bottom(&self) -> f32 {
        self.size().1 - self.margin.2
    }

    fn new_page(&mut self, landscape: bool, margin: (f32, f32, f32, f32)) {
        self.landscape = landscape;
        self.margin = margin;
        self.pages.push(Page {
            landscape,
            ops: Vec::new(),
        });
        self.y = margin.0;
    }

    /// True when a new page was started to make room for `h` points.
    fn ensure(&mut self, h: f32) -> bool {
        if self.y + h > self.bottom() {
            let (l, m) = (self.landscape, self.margin);
            self.new_page(l, m);
            return true;
        }
        false
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        &mut self.pages.last_mut().expect("a page").ops
    }

    /// Draws text with its top at `top`.
    fn text(&mut self, x: f32, top: f32, s: &str, style: Style, size: f32) {
        let h = self.size().1;
        let id = self.face(style).id.clone();
        let baseline = h - top - size * 0.86;
        let ops = self.ops();
        ops.push(Op::StartTextSection);
        ops.push(Op::SetFont {
            font: PdfFontHandle::External(id),
            size: Pt(size),
        });
        ops.push(Op::SetTextCursor {
            pos: Point {
                x: Pt(x),
                y: Pt(baseline),
            },
        });
        ops.push(Op::ShowText {
            items: vec![TextItem::Text(s.to_string())],
        });
        ops.push(Op::EndTextSection);
    }

    fn hline(&mut self, x1: f32, x2: f32, y: f32, thickness: f32) {
        self.line(x1, y, x2, y, thickness);
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, thickness: f32) {
        let h = self.size().1;
        let p = |x: f32, y: f32| LinePoint {
            p: Point { x: Pt(x), y: Pt(h - y) },
            bezier: false,
        };
        let ops = self.ops();
        ops.push(Op::SetOutlineColor {
            col: Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None)),
        });
        ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        ops.push(Op::DrawLine {
            line: Line {
                points: vec![p(x1, y1), p(x2, y2)],
                is_closed: false,
            },
        });
    }

    fn bar(&mut self, x: f32, top: f32, w: f32, hgt: f32, grey: f32) {
        let h = self.size().1;
        let ops = self.ops();
        ops.push(Op::SetFillColor {
            col: Color::Rgb(Rgb::new(grey, grey, grey, None)),
        });
        ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x),
                y: Pt(h - top - hgt),
                width: Pt(w),
                height: Pt(hgt),
                mode: None,
                winding_order: None,
            },
        });
        ops.push(Op::SetFillColor {
            col: Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None)),
        });
    }

    /// Breaks `s` into lines of words no wider than `width` (the first line `width - indent`).
    fn wrap(&self, s: &str, style: Style, size: f32, width: f32, indent: f32) -> Result<Vec<Vec<String>>> {
        let face = self.face(style);
        let space = face.width(" ", size)?;
        let mut lines: Vec<Vec<String>> = Vec::new();
        let mut cur: Vec<String> = Vec::new();
        let mut cur_w = 0.0;
        for word in s.split_whitespace() {
            let w = face.width(word, size)?;
            let avail = if lines.is_empty() { width - indent } else { width };
            let need = if cur.is_empty() { w } else { cur_w + space + w };
            if need > avail && !cur.is_empty() {
                lines.push(std::mem::take(&mut cur));
                cur_w = w;
            } else {
                cur_w = need;
            }
            cur.push(word.to_string());
        }
        if !cur.is_empty() || lines.is_empty() {
            lines.push(cur);
        }
        Ok(lines)
    }

    /// A paragraph: wrapped, justified or aligned, first line indented; breaks across pages.
    #[allow(clippy::too_many_arguments)]
    fn paragraph(
        &mut self,
        x: f32,
        width: f32,
        s: &str,
        style: Style,
        size: f32,
        indent: f32,
        align: Option<Align>,
    ) -> Result<()> {
        let lead = size * 1.28;
        let lines = self.wrap(s, style, size, width, indent)?;
        let n = lines.len();
        for (i, words) in lines.into_iter().enumerate() {
            self.ensure(lead);
            let ind = if i == 0 { indent } else { 0.0 };
            let widths: Vec<f32> = words
                .iter()
                .map(|w| self.face(style).width(w, size))
                .collect::<Result<_>>()?;
            let total: f32 = widths.iter().sum();
            let space = self.face(style).width(" ", size)?;
            let avail = width - ind;
            let natural = total + space * (words.len().saturating_sub(1)) as f32;
            let (mut cx, gap) = match align {
                None if i + 1 < n && words.len() > 1 => (x + ind, (avail - total) / (words.len() - 1) as f32),
                Some(Align::Center) => (x + (width - natural) / 2.0, space),
                Some(Align::Right) => (x + width - natural, space),
                _ => (x + ind, space),
            };
            let top = self.y;
            for (w, ww) in words.iter().zip(&widths) {
                self.text(cx, top, w, style, size);
                cx += ww + gap;
            }
            self.y += lead;
        }
        Ok(())
    }

    fn centered(&mut self, x: f32, width: f32, s: &str, style: Style, size: f32) -> Result<()> {
        self.paragraph(x, width, s, style, size, 0.0, Some(Align::Center))
    }
}

fn load_faces(doc: &mut PdfDocument, dir: &Path) -> Result<Vec<Face>> {
    let mut faces = Vec::new();
    for f in crate::render::typst::FONT_FILES {
        let bytes = std::fs::read(dir.join(f)).map_err(|e| failure(format!("font {f} in {}: {e}", dir.display())))?;
        let font = ParsedFont::from_bytes(&bytes, 0, &mut Vec::new())
            .ok_or_else(|| failure(format!("cannot parse font {f}")))?;
        let upem = font.font_metrics.units_per_em as f32;
        // Our own resource name: printpdf's add_font names fonts from a process-wide
        // counter, so a second report in the same process (a `run`) got other bytes. Its
        // first six letters are the subset tag (`BAOCAA+LiberationSerif`): capitals only.
        let id = FontId(format!("BAOCA{}", char::from(b'A' + faces.len() as u8)));
        doc.resources
            .fonts
            .map
            .insert(id.clone(), printpdf::PdfFont::new(font.clone()));
        faces.push(Face { font, id, upem });
    }
    Ok(faces)
}

fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// The Decree 30 header: issuer and number left, national title and motto right.
fn header(l: &mut Layout, h: &Header) -> Result<()> {
    let x = l.left();
    let w = l.width();
    let lw = w * 0.4;
    let rx = x + lw + 4.0 * MM;
    let rw = w - lw - 4.0 * MM;
    let top = l.y;
    for line in &h.issuer {
        l.centered(x, lw, &nfc(line), Style::Bold, 12.5)?;
    }
    let rule = lw * 0.4;
    let ry = l.y + 1.0;
    l.hline(x + (lw - rule) / 2.0, x + (lw + rule) / 2.0, ry, 0.6);
    l.y += 5.0;
    // The number keeps its spaces (the clerk writes the number in the gap).
    let number = nfc(&h.number);
    let nw = l.face(Style::Regular).width(&number, 13.0)?;
    let ny = l.y;
    l.text(x + (lw - nw) / 2.0, ny, &number, Style::Regular, 13.0);
    l.y += 13.0 * 1.28;
    let left_end = l.y;
    l.y = top;
    l.centered(rx, rw, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", Style::Bold, 12.5)?;
    let motto = "Độc lập - Tự do - Hạnh phúc";
    let mw = l.face(Style::Bold).width(motto, 13.5)?;
    l.centered(rx, rw, motto, Style::Bold, 13.5)?;
    l.hline(rx + (rw - mw) / 2.0, rx + (rw + mw) / 2.0, l.y + 1.0, 0.6);
    l.y += 6.0;
    l.centered(rx, rw, &nfc(&h.place_date), Style::Italic, 13.5)?;
    l.y = l.y.max(left_end) + 10.0;
    l.centered(x, w, &nfc(&h.title), Style::Bold, 14.0)?;
    l.centered(x, w, &nfc(&h.subject), Style::Bold, 14.0)?;
    l.hline(x + w * 0.35, x + w * 0.65, l.y + 1.0, 0.6);
    l.y += 4.0;
    l.centered(x, w, &nfc(&h.period_line), Style::Italic, 13.0)?;
    if let Some(f) = &h.footnote {
        l.centered(x + w * 0.075, w * 0.85, &nfc(f), Style::Italic, 11.0)?;
    }
    l.y += 8.0;
    Ok(())
}

fn heading(l: &mut Layout, s: &str) -> Result<()> {
    l.ensure(40.0);
    l.y += 4.0;
    let (x, w) = (l.left(), l.width());
    l.paragraph(x, w, &nfc(s), Style::Bold, 13.5, 0.0, Some(Align::Left))
}

/// A table with fixed column widths; rows taller than one line wrap; the header row is
/// drawn again at the top of every page the table continues on.
fn table(
    l: &mut Layout,
    widths: &[f32],
    header: &dyn Fn(&mut Layout) -> Result<()>,
    rows: &[(Vec<String>, bool)],
    aligns: &[Align],
    size: f32,
) -> Result<()> {
    let x0 = l.left();
    let lead = size * 1.25;
    let pad = 2.5;
    header(l)?;
    for (cells, strong) in rows {
        let style = if *strong { Style::Bold } else { Style::Regular };
        let wrapped: Vec<Vec<Vec<String>>> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| l.wrap(&nfc(c), style, size, w - 2.0 * pad, 0.0))
            .collect::<Result<_>>()?;
        let lines = wrapped.iter().map(|w| w.len()).max().unwrap_or(1);
        let h = lines as f32 * lead + 2.0 * pad;
        if l.ensure(h) {
            header(l)?;
        }
        let top = l.y;
        let mut x = x0;
        for ((wr, w), a) in wrapped.iter().zip(widths).zip(aligns) {
            for (k, words) in wr.iter().enumerate() {
                let s = words.join(" ");
                let tw = l.face(style).width(&s, size)?;
                let tx = match a {
                    Align::Left => x + pad,
                    Align::Center => x + (w - tw) / 2.0,
                    Align::Right => x + w - pad - tw,
                };
                l.text(tx, top + pad + k as f32 * lead, &s, style, size);
            }
            x += w;
        }
        grid(l, x0, widths, top, h);
        l.y = top + h;
    }
    Ok(())
}

/// Cell borders of one row.
fn grid(l: &mut Layout, x0: f32, widths: &[f32], top: f32, h: f32) {
    let total: f32 = widths.iter().sum();
    l.hline(x0, x0 + total, top, 0.5);
    l.hline(x0, x0 + total, top + h, 0.5);
    let mut x = x0;
    l.line(x, top, x, top + h, 0.5);
    for w in widths {
        x += w;
        l.line(x, top, x, top + h, 0.5);
    }
}

/// A header cell spanning a box, text centred and wrapped.
fn header_cell(l: &mut Layout, x: f32, top: f32, w: f32, h: f32, s: &str, size: f32) -> Result<()> {
    let lines = l.wrap(s, Style::Bold, size, w - 4.0, 0.0)?;
    let lead = size * 1.2;
    let mut y = top + (h - lines.len() as f32 * lead) / 2.0;
    for words in lines {
        let t = words.join(" ");
        let tw = l.face(Style::Bold).width(&t, size)?;
        l.text(x + (w - tw) / 2.0, y, &t, Style::Bold, size);
        y += lead;
    }
    l.line(x, top, x + w, top, 0.5);
    l.line(x, top + h, x + w, top + h, 0.5);
    l.line(x, top, x, top + h, 0.5);
    l.line(x + w, top, x + w, top + h, 0.5);
    Ok(())
}

fn simple_header(l: &mut Layout, widths: &[f32], titles: &[&str], size: f32) -> Result<()> {
    let h = size * 1.2 * 2.0 + 5.0;
    let (mut x, top) = (l.left(), l.y);
    for (w, t) in widths.iter().zip(titles) {
        header_cell(l, x, top, *w, h, t, size)?;
        x += w;
    }
    l.y = top + h;
    Ok(())
}

fn chart(l: &mut Layout, c: &Chart) -> Result<()> {
    let row = 11.0;
    l.ensure(40.0 + row * c.bars.len().min(6) as f32);
    l.y += 6.0;
    let (x, w) = (l.left(), l.width());
    l.centered(x, w, &nfc(&c.title), Style::Bold, 12.0)?;
    l.centered(x, w, &nfc(&c.note), Style::Italic, 10.5)?;
    l.y += 4.0;
    let label_w = w * 0.42;
    for b in &c.bars {
        l.ensure(row);
        let top = l.y;
        let label = nfc(&b.label);
        let lw = l.face(Style::Regular).width(&label, 9.5)?;
        l.text(x + label_w - lw, top, &label, Style::Regular, 9.5);
        let bx = x + label_w + 5.0;
        let bw = (w - label_w - 5.0) * 0.62 * b.fraction as f32;
        l.bar(bx, top + 1.0, bw.max(0.5), 8.0, 0.35);
        l.text(bx + bw + 3.0, top, &nfc(&b.value), Style::Regular, 9.0);
        l.y += row;
    }
    l.y += 6.0;
    Ok(())
}

fn closing(l: &mut Layout, c: &Closing) -> Result<()> {
    let need = 30.0 + 12.0 * c.recipients.len().max(c.signer_lines.len() + 5) as f32;
    l.ensure(need);
    l.y += 12.0;
    let (x, w) = (l.left(), l.width());
    let top = l.y;
    l.paragraph(x, w / 2.0, "Nơi nhận:", Style::BoldItalic, 12.0, 0.0, Some(Align::Left))?;
    for r in &c.recipients {
        l.paragraph(
            x,
            w / 2.0,
            &format!("- {}", nfc(r)),
            Style::Regular,
            11.0,
            0.0,
            Some(Align::Left),
        )?;
    }
    let left_end = l.y;
    l.y = top;
    for s in &c.signer_lines {
        l.centered(x + w / 2.0, w / 2.0, &nfc(s), Style::Bold, 13.0)?;
    }
    l.y += 22.0 * MM;
    l.centered(x + w / 2.0, w / 2.0, &nfc(&c.signer_name), Style::Bold, 13.0)?;
    l.y = l.y.max(left_end);
    Ok(())
}

fn key_figures(l: &mut Layout, rows: &[Figure], first: &str) -> Result<()> {
    let w = l.width();
    let widths = [w - 3.0 * 32.0 * MM, 32.0 * MM, 32.0 * MM, 32.0 * MM];
    let titles = ["Chỉ tiêu", first, "Kỳ trước", "Thay đổi"];
    let body: Vec<(Vec<String>, bool)> = rows
        .iter()
        .map(|f| {
            (
                vec![f.label.clone(), f.value.clone(), f.previous.clone(), f.change.clone()],
                false,
            )
        })
        .collect();
    table(
        l,
        &widths,
        &|l: &mut Layout| simple_header(l, &widths, &titles, 11.0),
        &body,
        &[Align::Left, Align::Right, Align::Right, Align::Right],
        11.0,
    )
}

/// Biểu II.06a on landscape pages, its three-level header repeated on each.
fn appendix(l: &mut Layout, a: &Appendix) -> Result<()> {
    l.new_page(true, (18.0 * MM, 15.0 * MM, 15.0 * MM, 20.0 * MM));
    let (x, w) = (l.left(), l.width());
    let top = l.y;
    l.paragraph(x, w * 0.25, &nfc(&a.form), Style::Bold, 11.0, 0.0, Some(Align::Left))?;
    l.y = top;
    l.centered(x + w * 0.25, w * 0.45, &nfc(&a.title), Style::Bold, 13.0)?;
    l.centered(x + w * 0.25, w * 0.45, &nfc(&a.period_line), Style::Italic, 11.0)?;
    let mid = l.y;
    l.y = top;
    for s in [&a.reporting_unit, &a.receiving_unit, &a.unit_note] {
        l.paragraph(
            x + w * 0.72,
            w * 0.28,
            &nfc(s),
            Style::Regular,
            10.0,
            0.0,
            Some(Align::Left),
        )?;
    }
    l.y = l.y.max(mid) + 6.0;
    let num = 16.0 * MM;
    let mut widths = vec![9.0 * MM, w - 9.0 * MM - 11.0 * num];
    widths.extend(std::iter::repeat_n(num, 11));
    let hdr = |l: &mut Layout| -> Result<()> {
        let s = 8.5;
        let (x0, t) = (l.left(), l.y);
        let (h1, h2, h3, h4) = (14.0, 14.0, 44.0, 12.0);
        let name_x = x0 + widths[0];
        let c = |i: usize| x0 + widths[..i].iter().sum::<f32>();
        header_cell(l, x0, t, widths[0], h1 + h2 + h3, "STT", s)?;
        header_cell(l, name_x, t, widths[1], h1 + h2 + h3, "Tên đơn vị / lĩnh vực", s)?;
        header_cell(l, c(2), t, 4.0 * num, h1, "Số hồ sơ nhận giải quyết", s)?;
        header_cell(l, c(6), t, 7.0 * num, h1, "Kết quả giải quyết", s)?;
        header_cell(l, c(2), t + h1, num, h2 + h3, "Tổng số", s)?;
        header_cell(l, c(3), t + h1, 3.0 * num, h2, "Trong đó", s)?;
        header_cell(l, c(6), t + h1, 4.0 * num, h2, "Số hồ sơ đã giải quyết", s)?;
        header_cell(l, c(10), t + h1, 3.0 * num, h2, "Số hồ sơ đang giải quyết", s)?;
        let third = [
            "Số mới tiếp nhận trực tuyến",
            "Số mới tiếp nhận trực tiếp hoặc qua BCCI",
            "Số kỳ trước chuyển qua",
            "Tổng số",
            "Trả trước hạn",
            "Trả đúng hạn",
            "Trả quá hạn",
            "Tổng số",
            "Chưa đến hạn",
            "Quá hạn",
        ];
        for (k, title) in third.iter().enumerate() {
            header_cell(l, c(3 + k), t + h1 + h2, num, h3, title, s)?;
        }
        for (i, wd) in widths.iter().enumerate() {
            header_cell(l, c(i), t + h1 + h2 + h3, *wd, h4, &format!("({})", i + 1), s)?;
        }
        l.y = t + h1 + h2 + h3 + h4;
        Ok(())
    };
    let rows: Vec<(Vec<String>, bool)> = a
        .rows
        .iter()
        .map(|r| {
            let mut cells = vec![r.stt.clone(), r.name.clone()];
            cells.extend(r.cells.iter().cloned());
            (cells, r.strong)
        })
        .collect();
    let mut aligns = vec![Align::Center, Align::Left];
    aligns.extend(std::iter::repeat_n(Align::Right, 11));
    table(l, &widths, &hdr, &rows, &aligns, 9.0)?;
    l.y += 4.0;
    l.paragraph(x, w, &nfc(&a.note), Style::Italic, 10.0, 0.0, Some(Align::Left))
}

/// Renders a report model to PDF bytes. `kind` is "monthly" or "annual"; `seed` (the report's
/// data version) fixes the document IDs so that the same model gives the same bytes.
pub fn render(r: &Report, fonts_dir: &Path, creation_timestamp: i64) -> Result<Vec<u8>> {
    let mut doc = PdfDocument::new(&nfc(&r.header.subject));
    let faces = load_faces(&mut doc, fonts_dir)?;
    let mut l = Layout {
        faces,
        pages: Vec::new(),
        y: 0.0,
        landscape: false,
        margin: (0.0, 0.0, 0.0, 0.0),
    };
    let portrait = (20.0 * MM, 15.0 * MM, 20.0 * MM, 30.0 * MM);
    l.new_page(false, portrait);
    header(&mut l, &r.header)?;
    let annual = r.kind == "annual";
    for s in &r.sections {
        heading(&mut l, &s.heading)?;
        for p in &s.paragraphs {
            let (x, w) = (l.left(), l.width());
            l.paragraph(x, w, &nfc(p), Style::Regular, 13.5, 1.0 * 28.35, None)?;
        }
    }
    if let Some(t) = &r.targets {
        heading(&mut l, "III. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU")?;
        let w = l.width();
        let widths = [
            17.0 * MM,
            w - (17.0 + 24.0 + 30.0 + 19.0) * MM,
            24.0 * MM,
            30.0 * MM,
            19.0 * MM,
        ];
        let rows: Vec<(Vec<String>, bool)> = t
            .rows
            .iter()
            .map(|x| {
                (
                    vec![
                        x.id.clone(),
                        format!("{} ({})", x.label, x.note),
                        x.target.clone(),
                        x.actual.clone(),
                        x.verdict.clone(),
                    ],
                    false,
                )
            })
            .collect();
        let titles = ["Mã", "Chỉ tiêu", "Kế hoạch", "Thực hiện", "Đánh giá"];
        table(
            &mut l,
            &widths,
            &|l: &mut Layout| simple_header(l, &widths, &titles, 10.0),
            &rows,
            &[Align::Center, Align::Left, Align::Center, Align::Right, Align::Center],
            10.0,
        )?;
        for s in &t.summary {
            let (x, w) = (l.left(), l.width());
            l.paragraph(x, w, &nfc(s), Style::Bold, 13.0, 0.0, Some(Align::Left))?;
        }
    }
    heading(
        &mut l,
        if annual {
            "IV. SỐ LIỆU CHỦ YẾU"
        } else {
            "Số liệu chủ yếu"
        },
    )?;
    key_figures(&mut l, &r.key_figures, if annual { "Năm nay" } else { "Kỳ này" })?;
    for c in &r.charts {
        chart(&mut l, c)?;
    }
    if !r.ranking.is_empty() {
        heading(&mut l, "V. XẾP HẠNG CÁC SỞ, BAN, NGÀNH THEO TỶ LỆ GIẢI QUYẾT ĐÚNG HẠN")?;
        let w = l.width();
        let widths = [
            14.0 * MM,
            w - 14.0 * MM - 3.0 * 28.0 * MM,
            28.0 * MM,
            28.0 * MM,
            28.0 * MM,
        ];
        let rows: Vec<(Vec<String>, bool)> = r
            .ranking
            .iter()
            .map(|x| {
                (
                    vec![
                        x.rank.clone(),
                        x.unit.clone(),
                        x.resolved.clone(),
                        x.on_time.clone(),
                        x.online.clone(),
                    ],
                    false,
                )
            })
            .collect();
        let titles = ["Hạng", "Đơn vị", "Đã giải quyết", "Đúng hạn", "Trực tuyến"];
        table(
            &mut l,
            &widths,
            &|l: &mut Layout| simple_header(l, &widths, &titles, 10.5),
            &rows,
            &[Align::Center, Align::Left, Align::Right, Align::Right, Align::Right],
            10.5,
        )?;
    }
    if let Some(i) = &r.index766 {
        heading(&mut l, "VI. CHỈ SỐ THEO QUYẾT ĐỊNH 766/QĐ-TTg")?;
        let (x, w) = (l.left(), l.width());
        l.paragraph(
            x,
            w,
            &nfc(&format!("Tổng điểm: {} (xếp loại: {}). {}", i.total, i.band, i.note)),
            Style::Regular,
            13.5,
            28.35,
            None,
        )?;
        let widths = [w - 2.0 * 28.0 * MM, 28.0 * MM, 28.0 * MM];
        let rows: Vec<(Vec<String>, bool)> = i
            .groups
            .iter()
            .map(|g| (vec![g.label.clone(), g.points.clone(), g.max.clone()], false))
            .collect();
        let titles = ["Nhóm chỉ số", "Điểm", "Tối đa"];
        table(
            &mut l,
            &widths,
            &|l: &mut Layout| simple_header(l, &widths, &titles, 11.0),
            &rows,
            &[Align::Left, Align::Right, Align::Right],
            11.0,
        )?;
    }
    closing(&mut l, &r.closing)?;
    appendix(&mut l, &r.appendix)?;

    // Page numbers, centred in the top margin, from page 2.
    let n = l.pages.len();
    for i in 1..n {
        l.landscape = l.pages[i].landscape;
        let (pw, _) = l.size();
        let label = (i + 1).to_string();
        let tw = l.face(Style::Regular).width(&label, 13.0)?;
        let page_h = l.size().1;
        let id = l.face(Style::Regular).id.clone();
        let ops = &mut l.pages[i].ops;
        ops.push(Op::StartTextSection);
        ops.push(Op::SetFont {
            font: PdfFontHandle::External(id),
            size: Pt(13.0),
        });
        ops.push(Op::SetTextCursor {
            pos: Point {
                x: Pt((pw - tw) / 2.0),
                y: Pt(page_h - 10.0 * MM),
            },
        });
        ops.push(Op::ShowText {
            items: vec![TextItem::Text(label)],
        });
        ops.push(Op::EndTextSection);
    }
    let pages: Vec<PdfPage> = l
        .pages
        .into_iter()
        .map(|p| {
            let (w, h) = if p.landscape {
                (Mm(297.0), Mm(210.0))
            } else {
                (Mm(210.0), Mm(297.0))
            };
            PdfPage::new(w, h, p.ops)
        })
        .collect();
    let date = printpdf::OffsetDateTime::from_unix_timestamp(creation_timestamp)
        .map_err(|e| failure(format!("timestamp: {e}")))?;
    doc.metadata.info.creation_date = date;
    doc.metadata.info.modification_date = date;
    doc.metadata.info.metadata_date = date;
    doc.metadata.info.identifier = r.data_version.clone();
    doc.metadata.info.producer = "baocao (built-in renderer, printpdf)".into();
    doc.metadata.info.creator = "baocao".into();
    let bytes = doc.with_pages(pages).save(&PdfSaveOptions::default(), &mut Vec::new());
    Ok(fix_ids(bytes, &r.data_version))
}

/// printpdf draws the trailer's two IDs from a process-wide counter: replace them with
/// IDs derived from the report's data version, so the same model gives the same bytes.
fn fix_ids(mut bytes: Vec<u8>, seed: &str) -> Vec<u8> {
    let needle = b"/ID";
    if let Some(pos) = bytes.windows(needle.len()).rposition(|w| w == needle) {
        let id: Vec<u8> = crate::fsx::sha256(seed.as_bytes()).bytes().take(32).collect();
        let mut i = pos + needle.len();
        let mut replaced = 0;
        while i < bytes.len() && replaced < 2 {
            if bytes[i] == b'(' {
                let end = bytes[i + 1..]
                    .iter()
                    .position(|b| *b == b')')
                    .map(|p| i + 1 + p)
                    .unwrap_or(i);
                if end - (i + 1) == 32 {
                    bytes[i + 1..end].copy_from_slice(&id);
                }
                replaced += 1;
                i = end;
            }
            i += 1;
        }
    }
    bytes
}
