//! The Decree 30 document drawn by the built-in renderer from the report model: the
//! header frame, the narrative, the body's tables and charts, "Nơi nhận" and the signature,
//! and the appendix forms. Every word comes from the model.

use super::layout::*;
use crate::output::pdf::sign_field::Area;
use crate::report::model::*;
use anyhow::Result;

/// Draws a whole report onto the layout's pages.
pub(super) fn draw(l: &mut Layout, r: &Report) -> Result<()> {
    header(l, &r.header)?;
    for s in &r.sections {
        heading(l, &s.heading)?;
        for p in &s.paragraphs {
            let (x, w) = (l.left(), l.width());
            l.paragraph(x, w, &nfc(p), Style::Regular, 13.5, 1.0 * 28.35, None)?;
        }
        for t in &s.text {
            official(l, t)?;
        }
        for b in &s.blocks {
            match b {
                Block::Table(t) => body_table(l, t)?,
                Block::Chart(c) => chart(l, c)?,
            }
        }
    }
    closing(l, &r.closing)?;
    for a in &r.appendices {
        appendix(l, a)?;
    }
    Ok(())
}

/// A block of the official's text: a paragraph, a list item ("- " first) or a sub-heading
/// (kept with what follows), its bold and italic runs as written.
fn official(l: &mut Layout, t: &Text) -> Result<()> {
    let texts: Vec<(String, Style)> = t
        .spans
        .iter()
        .map(|s| {
            let style = match (s.bold, s.italic) {
                (false, false) => Style::Regular,
                (true, false) => Style::Bold,
                (false, true) => Style::Italic,
                (true, true) => Style::BoldItalic,
            };
            (nfc(&s.text), style)
        })
        .collect();
    let mut runs: Vec<(&str, Style)> = Vec::new();
    if t.kind == "item" {
        runs.push(("- ", Style::Regular));
    }
    runs.extend(texts.iter().map(|(s, st)| (s.as_str(), *st)));
    if t.kind == "heading" {
        l.ensure(40.0);
    }
    let (x, w) = (l.left(), l.width());
    l.runs(x, w, &runs, Style::Regular, 13.5, 28.35, None)
}

/// A table of the body: its heading, intro paragraphs, the table, its bold notes.
fn body_table(l: &mut Layout, t: &Table) -> Result<()> {
    heading(l, &t.heading)?;
    for p in &t.intro {
        let (x, w) = (l.left(), l.width());
        l.paragraph(x, w, &nfc(p), Style::Regular, 13.5, 28.35, None)?;
    }
    let fixed: f32 = t.columns.iter().filter_map(|c| c.width_mm).sum::<f32>() * MM;
    let flexible = t.columns.iter().filter(|c| c.width_mm.is_none()).count().max(1) as f32;
    let rest = (l.width() - fixed) / flexible;
    let widths: Vec<f32> = t
        .columns
        .iter()
        .map(|c| c.width_mm.map(|w| w * MM).unwrap_or(rest))
        .collect();
    let titles: Vec<String> = t.columns.iter().map(|c| nfc(&c.title)).collect();
    let titles: Vec<&str> = titles.iter().map(String::as_str).collect();
    let aligns: Vec<Align> = t
        .columns
        .iter()
        .map(|c| match c.align.as_str() {
            "center" => Align::Center,
            "right" => Align::Right,
            _ => Align::Left,
        })
        .collect();
    let rows: Vec<(Vec<String>, bool)> = t.rows.iter().map(|r| (r.cells.clone(), r.strong)).collect();
    table(
        l,
        &widths,
        &|l: &mut Layout| simple_header(l, &widths, &titles, t.size),
        &rows,
        &aligns,
        t.size,
    )?;
    for s in &t.notes {
        let (x, w) = (l.left(), l.width());
        l.paragraph(x, w, &nfc(s), Style::Bold, 13.0, 0.0, Some(Align::Left))?;
    }
    Ok(())
}

/// The Decree 30 header: issuer and number left, national title and motto right.
pub(super) fn header(l: &mut Layout, h: &Header) -> Result<()> {
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
    l.centered(rx, rw, &nfc(&h.national_title), Style::Bold, 12.5)?;
    let motto = nfc(&h.motto);
    let mw = l.face(Style::Bold).width(&motto, 13.5)?;
    l.centered(rx, rw, &motto, Style::Bold, 13.5)?;
    l.hline(rx + (rw - mw) / 2.0, rx + (rw + mw) / 2.0, l.y + 1.0, 0.6);
    l.y += 6.0;
    // The date keeps its spaces too (a blank day and month, `leave_number_blank`).
    let date = nfc(&h.place_date);
    let dw = l.face(Style::Italic).width(&date, 13.5)?;
    if dw <= rw {
        let dy = l.y;
        l.text(rx + (rw - dw) / 2.0, dy, &date, Style::Italic, 13.5);
        l.y += 13.5 * 1.28;
    } else {
        l.centered(rx, rw, &date, Style::Italic, 13.5)?;
    }
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

pub(super) fn heading(l: &mut Layout, s: &str) -> Result<()> {
    l.ensure(40.0);
    l.y += 4.0;
    let (x, w) = (l.left(), l.width());
    l.paragraph(x, w, &nfc(s), Style::Bold, 13.5, 0.0, Some(Align::Left))
}

pub(super) fn chart(l: &mut Layout, c: &Chart) -> Result<()> {
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

/// The free area of the signature block, between the signer's title lines and the name,
/// where the signature image and the seal go: 60 × 35 mm, with a small gap above and below.
const SIGN_W: f32 = 60.0 * MM;
const SIGN_H: f32 = 35.0 * MM;
const SIGN_GAP: f32 = 3.0;

/// Height of lines of `s` wrapped to `width`.
fn height(l: &Layout, s: &str, style: Style, size: f32, width: f32) -> Result<f32> {
    Ok(l.wrap(s, style, size, width, 0.0)?.len() as f32 * size * 1.28)
}

/// "Nơi nhận" on the left; on the right the signer lines, the free area (recorded as the
/// layout's signature area) and the name; the whole block on one page.
pub(super) fn closing(l: &mut Layout, c: &Closing) -> Result<()> {
    let (x, w) = (l.left(), l.width());
    let half = w / 2.0;
    let mut left_h = height(l, &nfc(&c.recipients_title), Style::BoldItalic, 12.0, half)?;
    for r in &c.recipients {
        left_h += height(l, &format!("- {}", nfc(r)), Style::Regular, 11.0, half)?;
    }
    let mut right_h = SIGN_H + 2.0 * SIGN_GAP + 13.0 * 1.28;
    for s in &c.signer_lines {
        right_h += height(l, &nfc(s), Style::Bold, 13.0, half)?;
    }
    l.ensure(12.0 + left_h.max(right_h));
    l.y += 12.0;
    let top = l.y;
    l.paragraph(
        x,
        half,
        &nfc(&c.recipients_title),
        Style::BoldItalic,
        12.0,
        0.0,
        Some(Align::Left),
    )?;
    for r in &c.recipients {
        l.paragraph(
            x,
            half,
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
        l.centered(x + half, half, &nfc(s), Style::Bold, 13.0)?;
    }
    l.y += SIGN_GAP;
    l.sign_area = Some(Area {
        page: l.pages.len() - 1,
        x: x + half + (half - SIGN_W) / 2.0,
        y: l.size().1 - l.y - SIGN_H,
        w: SIGN_W,
        h: SIGN_H,
    });
    l.y += SIGN_H + SIGN_GAP;
    l.centered(x + half, half, &nfc(&c.signer_name), Style::Bold, 13.0)?;
    l.y = l.y.max(left_end);
    Ok(())
}

/// An appendix form on landscape pages, its multi-level header repeated on each.
pub(super) fn appendix(l: &mut Layout, a: &Appendix) -> Result<()> {
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
    let fixed: f32 = a.columns.iter().filter_map(|c| c.width_mm).sum::<f32>() * MM;
    let widths: Vec<f32> = a
        .columns
        .iter()
        .map(|c| c.width_mm.map(|mm| mm * MM).unwrap_or(w - fixed))
        .collect();
    let hdr = |l: &mut Layout| -> Result<()> {
        let (x0, t) = (l.left(), l.y);
        let c = |i: usize| x0 + widths[..i].iter().sum::<f32>();
        let r = |i: usize| t + a.head_heights[..i].iter().sum::<f32>();
        for h in &a.head {
            header_cell(
                l,
                c(h.col),
                r(h.row),
                c(h.col + h.colspan) - c(h.col),
                r(h.row + h.rowspan) - r(h.row),
                &nfc(&h.text),
                8.5,
            )?;
        }
        l.y = r(a.head_heights.len());
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
    let aligns: Vec<Align> = a
        .columns
        .iter()
        .map(|c| match c.align.as_str() {
            "center" => Align::Center,
            "right" => Align::Right,
            _ => Align::Left,
        })
        .collect();
    table(l, &widths, &hdr, &rows, &aligns, 9.0)?;
    l.y += 4.0;
    l.paragraph(x, w, &nfc(&a.note), Style::Italic, 10.0, 0.0, Some(Align::Left))
}
