//! The late-dossier list on a report's page: the appendix's rows as an HTML table (the other
//! forms are in the PDF and the workbook only), its header from the model's header cells.

use super::html::esc;
use crate::report::model::Appendix;
use std::fmt::Write as _;

/// The list `a` (the `late_list` appendix) as a section of the page.
pub(super) fn late_list(b: &mut String, a: &Appendix) {
    let _ = writeln!(
        b,
        "<section>\n<h2>{}</h2>\n<p>{}</p>",
        esc(&a.title),
        esc(&a.period_line)
    );
    let _ = write!(
        b,
        "<table>\n<caption class=\"sr\">{}</caption>\n<thead><tr>",
        esc(&a.title)
    );
    for h in a.head.iter().filter(|h| h.row == 0) {
        let _ = write!(b, "<th scope=\"col\">{}</th>", esc(&h.text));
    }
    b.push_str("</tr></thead>\n<tbody>\n");
    for r in &a.rows {
        let tag = if r.strong { "th" } else { "td" };
        let _ = write!(
            b,
            "<tr><td class=\"center\">{}</td><{tag}>{}</{tag}>",
            esc(&r.stt),
            esc(&r.name)
        );
        for (c, col) in r.cells.iter().zip(a.columns.iter().skip(2)) {
            let _ = write!(b, "<td class=\"{}\">{}</td>", esc(&col.align), esc(c));
        }
        b.push_str("</tr>\n");
    }
    let _ = writeln!(
        b,
        "</tbody>\n</table>\n<p class=\"muted\">{}</p>\n</section>",
        esc(&a.note)
    );
}
