//! The built-in renderer (printpdf): the same report model as the Typst templates, drawn
//! with a small flow layout (`layout`) as the Decree 30 document (`document`) — frame,
//! justified paragraphs, tables that break across pages with their header repeated, bar
//! charts, page numbers from page 2 — into a PDF with Liberation Serif embedded as subsets.
//! No external tool.

mod document;
mod layout;
pub mod summary;

use crate::output::pdf::sign_field::Anchor;
use crate::report::model::*;
use anyhow::Result;
use layout::*;
use printpdf::{Mm, Op, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, TextItem};

/// Renders a report model to PDF bytes, with the signature block's free area. The report's
/// data version fixes the document IDs and the timestamp comes from the report, so the same
/// model gives the same bytes.
pub fn render(r: &Report, fonts: &super::Fonts, creation_timestamp: i64) -> Result<(Vec<u8>, Option<Anchor>)> {
    let mut doc = PdfDocument::new(&nfc(&r.header.subject));
    let faces = load_faces(&mut doc, fonts)?;
    let mut l = Layout {
        faces,
        pages: Vec::new(),
        y: 0.0,
        landscape: false,
        margin: (0.0, 0.0, 0.0, 0.0),
        sign_area: None,
    };
    let portrait = (20.0 * MM, 15.0 * MM, 20.0 * MM, 30.0 * MM);
    l.new_page(false, portrait);
    document::draw(&mut l, r)?;
    let sign_area = l.sign_area;
    let bytes = finish(doc, l, creation_timestamp, &r.data_version)?;
    Ok((bytes, sign_area.map(Anchor::Area)))
}

/// Numbers the pages from page 2, dates the document by `creation_timestamp` and saves it,
/// its IDs derived from `identifier`: the same drawing gives the same bytes.
fn finish(mut doc: PdfDocument, mut l: Layout, creation_timestamp: i64, identifier: &str) -> Result<Vec<u8>> {
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
    doc.metadata.info.identifier = identifier.to_string();
    doc.metadata.info.producer = "baocao (built-in renderer, printpdf)".into();
    doc.metadata.info.creator = "baocao".into();
    let bytes = doc.with_pages(pages).save(&PdfSaveOptions::default(), &mut Vec::new());
    Ok(fix_ids(bytes, identifier))
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
