//! The one-table summary (`pdf::summary::Summary`) drawn by the built-in renderer: the
//! title, its lines, the table on A4 landscape with its header repeated on every page.

use super::layout::*;
use crate::output::pdf::summary::Summary;
use anyhow::Result;
use printpdf::PdfDocument;

/// Renders a summary to PDF bytes; its IDs come from `identifier` (a hash of its data) and
/// its date from `creation_timestamp`, so the same summary gives the same bytes.
pub fn render(
    s: &Summary,
    fonts: &crate::output::pdf::Fonts,
    creation_timestamp: i64,
    identifier: &str,
) -> Result<Vec<u8>> {
    let mut doc = PdfDocument::new(&nfc(&s.title));
    let faces = load_faces(&mut doc, fonts)?;
    let mut l = Layout {
        faces,
        pages: Vec::new(),
        y: 0.0,
        landscape: true,
        margin: (0.0, 0.0, 0.0, 0.0),
        sign_area: None,
    };
    l.new_page(true, (20.0 * MM, 15.0 * MM, 20.0 * MM, 20.0 * MM));
    let (x, w) = (l.left(), l.width());
    l.centered(x, w, &nfc(&s.title), Style::Bold, 14.0)?;
    l.y += 4.0;
    for line in &s.lines {
        l.paragraph(x, w, &nfc(line), Style::Regular, 12.0, 0.0, None)?;
    }
    l.y += 6.0;
    // The agency column takes what the count columns (26 mm each) leave.
    let counts = s.columns.len().saturating_sub(1);
    let mut widths = vec![w - counts as f32 * 26.0 * MM];
    widths.extend(std::iter::repeat_n(26.0 * MM, counts));
    let titles: Vec<String> = s.columns.iter().map(|c| nfc(c)).collect();
    let titles: Vec<&str> = titles.iter().map(String::as_str).collect();
    let mut aligns = vec![Align::Left];
    aligns.extend(std::iter::repeat_n(Align::Center, counts));
    let mut rows: Vec<(Vec<String>, bool)> = s.rows.iter().map(|r| (r.clone(), false)).collect();
    rows.push((s.total.clone(), true));
    table(
        &mut l,
        &widths,
        &|l: &mut Layout| simple_header(l, &widths, &titles, 10.0),
        &rows,
        &aligns,
        11.0,
    )?;
    super::finish(doc, l, creation_timestamp, identifier)
}
