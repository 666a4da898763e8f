//! The layout engine of the built-in renderer: the fonts and their metrics, a flow of A4
//! pages (portrait or landscape), justified and aligned paragraphs that wrap by word, tables
//! whose header row repeats on every page they continue on, lines, rectangles and text.

use crate::error::{Exit, Failure};
use anyhow::Result;
use printpdf::{
    Color, FontId, Line, LinePoint, Op, ParsedFont, PdfDocument, PdfFontHandle, Point, Pt, Rect, Rgb, TextItem,
};
use unicode_normalization::UnicodeNormalization;

pub(super) const MM: f32 = 72.0 / 25.4;

pub(super) fn failure(msg: String) -> anyhow::Error {
    anyhow::Error::new(Failure::new(Exit::Render, msg))
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Style {
    Regular,
    Bold,
    Italic,
    BoldItalic,
}

pub(super) struct Face {
    pub(super) font: ParsedFont,
    pub(super) id: FontId,
    pub(super) upem: f32,
}

impl Face {
    /// Width of `s` at `size` pt; a character the font lacks is an error, not a blank.
    pub(super) fn width(&self, s: &str, size: f32) -> Result<f32> {
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
pub(super) enum Align {
    Left,
    Center,
    Right,
}

pub(super) struct Page {
    pub(super) landscape: bool,
    pub(super) ops: Vec<Op>,
}

/// A flow layout over A4 pages; `y` grows downwards from the top edge, in points.
pub(super) struct Layout {
    pub(super) faces: Vec<Face>,
    pub(super) pages: Vec<Page>,
    pub(super) y: f32,
    pub(super) landscape: bool,
    pub(super) margin: (f32, f32, f32, f32), // top, right, bottom, left
    /// The signature block's free area, once drawn (PDF coordinates).
    pub(super) sign_area: Option<crate::output::pdf::sign_field::Area>,
}

impl Layout {
    pub(super) fn face(&self, s: Style) -> &Face {
        &self.faces[s as usize]
    }

    pub(super) fn size(&self) -> (f32, f32) {
        if self.landscape {
            (297.0 * MM, 210.0 * MM)
        } else {
            (210.0 * MM, 297.0 * MM)
        }
    }

    pub(super) fn left(&self) -> f32 {
        self.margin.3
    }

    pub(super) fn width(&self) -> f32 {
        self.size().0 - self.margin.1 - self.margin.3
    }

    pub(super) fn bottom(&self) -> f32 {
        self.size().1 - self.margin.2
    }

    pub(super) fn new_page(&mut self, landscape: bool, margin: (f32, f32, f32, f32)) {
        self.landscape = landscape;
        self.margin = margin;
        self.pages.push(Page {
            landscape,
            ops: Vec::new(),
        });
        self.y = margin.0;
    }

    /// True when a new page was started to make room for `h` points.
    pub(super) fn ensure(&mut self, h: f32) -> bool {
        if self.y + h > self.bottom() {
            let (l, m) = (self.landscape, self.margin);
            self.new_page(l, m);
            return true;
        }
        false
    }

    pub(super) fn ops(&mut self) -> &mut Vec<Op> {
        &mut self.pages.last_mut().expect("a page").ops
    }

    /// Draws text with its top at `top`.
    pub(super) fn text(&mut self, x: f32, top: f32, s: &str, style: Style, size: f32) {
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

    pub(super) fn hline(&mut self, x1: f32, x2: f32, y: f32, thickness: f32) {
        self.line(x1, y, x2, y, thickness);
    }

    pub(super) fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, thickness: f32) {
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

    pub(super) fn bar(&mut self, x: f32, top: f32, w: f32, hgt: f32, grey: f32) {
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
    pub(super) fn wrap(&self, s: &str, style: Style, size: f32, width: f32, indent: f32) -> Result<Vec<Vec<String>>> {
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
    pub(super) fn paragraph(
        &mut self,
        x: f32,
        width: f32,
        s: &str,
        style: Style,
        size: f32,
        indent: f32,
        align: Option<Align>,
    ) -> Result<()> {
        self.runs(x, width, &[(s, style)], style, size, indent, align)
    }

    /// A paragraph of runs in several styles (the official's bold and italic words), laid
    /// out like `paragraph`; words are broken at white space only, so a run glued to the
    /// next ("**Sở Y tế**,") stays one word. `space` is the style whose space separates words.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn runs(
        &mut self,
        x: f32,
        width: f32,
        runs: &[(&str, Style)],
        space: Style,
        size: f32,
        indent: f32,
        align: Option<Align>,
    ) -> Result<()> {
        let lead = size * 1.28;
        let sp = self.face(space).width(" ", size)?;
        // Each word: its pieces (one style each) and its width.
        let mut words: Vec<(Vec<(String, Style)>, f32)> = Vec::new();
        let mut open = false;
        for (text, style) in runs {
            for (i, part) in text.split(char::is_whitespace).enumerate() {
                if i > 0 {
                    open = false;
                }
                if part.is_empty() {
                    continue;
                }
                let w = self.face(*style).width(part, size)?;
                match words.last_mut() {
                    Some((pieces, total)) if open => {
                        pieces.push((part.to_string(), *style));
                        *total += w;
                    }
                    _ => words.push((vec![(part.to_string(), *style)], w)),
                }
                open = true;
            }
            // A run ending in white space ends its word.
            if text.ends_with(char::is_whitespace) {
                open = false;
            }
        }
        let mut lines: Vec<Vec<usize>> = Vec::new();
        let mut cur: Vec<usize> = Vec::new();
        let mut cur_w = 0.0;
        for (k, (_, w)) in words.iter().enumerate() {
            let avail = if lines.is_empty() { width - indent } else { width };
            let need = if cur.is_empty() { *w } else { cur_w + sp + w };
            if need > avail && !cur.is_empty() {
                lines.push(std::mem::take(&mut cur));
                cur_w = *w;
            } else {
                cur_w = need;
            }
            cur.push(k);
        }
        if !cur.is_empty() || lines.is_empty() {
            lines.push(cur);
        }
        let n = lines.len();
        for (i, line) in lines.into_iter().enumerate() {
            self.ensure(lead);
            let ind = if i == 0 { indent } else { 0.0 };
            let total: f32 = line.iter().map(|&k| words[k].1).sum();
            let avail = width - ind;
            let natural = total + sp * (line.len().saturating_sub(1)) as f32;
            let (mut cx, gap) = match align {
                None if i + 1 < n && line.len() > 1 => (x + ind, (avail - total) / (line.len() - 1) as f32),
                Some(Align::Center) => (x + (width - natural) / 2.0, sp),
                Some(Align::Right) => (x + width - natural, sp),
                _ => (x + ind, sp),
            };
            let top = self.y;
            for &k in &line {
                let mut px = cx;
                for (piece, style) in &words[k].0 {
                    self.text(px, top, piece, *style, size);
                    px += self.face(*style).width(piece, size)?;
                }
                cx += words[k].1 + gap;
            }
            self.y += lead;
        }
        Ok(())
    }

    pub(super) fn centered(&mut self, x: f32, width: f32, s: &str, style: Style, size: f32) -> Result<()> {
        self.paragraph(x, width, s, style, size, 0.0, Some(Align::Center))
    }
}

pub(super) fn load_faces(doc: &mut PdfDocument, fonts: &crate::output::pdf::Fonts) -> Result<Vec<Face>> {
    let mut faces = Vec::new();
    for (f, bytes) in fonts {
        let font = ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
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

pub(super) fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// A table with fixed column widths; rows taller than one line wrap; the header row is
/// drawn again at the top of every page the table continues on.
pub(super) fn table(
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
pub(super) fn grid(l: &mut Layout, x0: f32, widths: &[f32], top: f32, h: f32) {
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
pub(super) fn header_cell(l: &mut Layout, x: f32, top: f32, w: f32, h: f32, s: &str, size: f32) -> Result<()> {
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

/// A one-row table header, as tall as its longest title wraps (two lines at least): a
/// fixed two-line row let a five-line title ("Cung cấp dịch vụ trực tuyến") run into the rows.
pub(super) fn simple_header(l: &mut Layout, widths: &[f32], titles: &[&str], size: f32) -> Result<()> {
    let mut most = 2;
    for (w, t) in widths.iter().zip(titles) {
        most = most.max(l.wrap(t, Style::Bold, size, w - 4.0, 0.0)?.len());
    }
    let h = size * 1.2 * most as f32 + 5.0;
    let (mut x, top) = (l.left(), l.y);
    for (w, t) in widths.iter().zip(titles) {
        header_cell(l, x, top, *w, h, t, size)?;
        x += w;
    }
    l.y = top + h;
    Ok(())
}
