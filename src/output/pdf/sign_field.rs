//! The empty signature field of a rendered PDF: a signature form field whose widget lies
//! over the free area of the signature block, appended as an incremental update — the
//! renderer's bytes stay untouched, followed by the new objects (the widget and its empty
//! appearance, the page and the catalog rewritten), a cross-reference section with `/Prev`
//! and a trailer keeping `/Root`, `/Info` and `/ID`. PDF/A-2b holds: the widget is printed
//! (`/F 4`), its appearance dictionary has only a normal appearance (a Form XObject with a
//! `/BBox`), and the form has no `NeedAppearances`. Nothing depends on the clock.

use crate::error::{Exit, Failure};
use anyhow::Result;
use lopdf::{dictionary, Dictionary, Document, Object, ObjectId, Stream, StringFormat};
use std::io::Write;

/// Where the signature goes: a page (0-based) and a rectangle in PDF points, origin at the
/// page's bottom left.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    pub page: usize,
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

/// How a renderer tells where its signature area is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Anchor {
    /// The area itself (the built-in renderer lays it out).
    Area(Area),
    /// A named destination of the PDF `above` points over the area's top left corner, and
    /// the area's size (Typst).
    Destination {
        name: &'static str,
        above: f32,
        w: f32,
        h: f32,
    },
}

fn failure(msg: String) -> anyhow::Error {
    anyhow::Error::new(Failure::new(Exit::Render, msg))
}

/// True for a field name signing software accepts as it is: ASCII letters, digits, `_`
/// and `-` (a `.` would make it a child of another field).
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Points rounded to 1/100, the precision written into the PDF.
fn pt(v: f32) -> Object {
    Object::Real((v * 100.0).round() / 100.0)
}

/// `pdf` followed by an incremental update adding the empty signature field `name` over
/// the area `anchor` tells.
pub fn append(pdf: &[u8], anchor: &Anchor, name: &str) -> Result<Vec<u8>> {
    if !valid_name(name) {
        return Err(failure(format!(
            "signature field name {name:?}: use ASCII letters, digits, _ or -"
        )));
    }
    let doc = Document::load_mem(pdf).map_err(|e| failure(format!("reading the rendered PDF: {e}")))?;
    let bad = |what: &str| failure(format!("the rendered PDF has no {what}"));
    let root = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| bad("catalog"))?;
    let area = match *anchor {
        Anchor::Area(a) => a,
        Anchor::Destination { name, above, w, h } => {
            let (page, x, top) = destination(&doc, name).ok_or_else(|| bad(&format!("destination {name}")))?;
            Area {
                page,
                x,
                y: top - above - h,
                w,
                h,
            }
        }
    };
    let page = *doc
        .get_pages()
        .get(&(area.page as u32 + 1))
        .ok_or_else(|| bad(&format!("page {}", area.page + 1)))?;
    let size = doc
        .trailer
        .get(b"Size")
        .and_then(Object::as_i64)
        .map(|s| s as u32)
        .unwrap_or(0)
        .max(doc.max_id + 1);
    let (ap_id, field_id): (ObjectId, ObjectId) = ((size, 0), (size + 1, 0));

    // The normal appearance: an empty Form XObject the size of the field.
    let ap = Stream::new(
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Form",
            "BBox" => vec![pt(0.0), pt(0.0), pt(area.w), pt(area.h)],
            "Resources" => Dictionary::new(),
        },
        Vec::new(),
    );
    // The field and its widget in one dictionary; no /V: unsigned.
    let field = dictionary! {
        "Type" => "Annot",
        "Subtype" => "Widget",
        "FT" => "Sig",
        "T" => Object::string_literal(name),
        "F" => 4,
        "Rect" => vec![pt(area.x), pt(area.y), pt(area.x + area.w), pt(area.y + area.h)],
        "P" => page,
        "AP" => dictionary! { "N" => ap_id },
    };

    let mut page_dict = doc.get_dictionary(page).map_err(|_| bad("page dictionary"))?.clone();
    let mut annots = match page_dict.get(b"Annots") {
        Ok(Object::Array(a)) => a.clone(),
        Ok(Object::Reference(r)) => doc
            .get_object(*r)
            .and_then(Object::as_array)
            .cloned()
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    annots.push(Object::Reference(field_id));
    page_dict.set("Annots", annots);

    let mut catalog = doc.get_dictionary(root).map_err(|_| bad("catalog"))?.clone();
    let mut form = match catalog.get(b"AcroForm") {
        Ok(Object::Dictionary(d)) => d.clone(),
        Ok(Object::Reference(r)) => doc.get_dictionary(*r).cloned().unwrap_or_default(),
        _ => Dictionary::new(),
    };
    let mut fields = form
        .get(b"Fields")
        .and_then(Object::as_array)
        .cloned()
        .unwrap_or_default();
    fields.push(Object::Reference(field_id));
    form.set("Fields", fields);
    form.remove(b"NeedAppearances");
    // SignaturesExist: the document holds a signature field.
    form.set("SigFlags", 1);
    catalog.set("AcroForm", form);

    let mut objects = vec![
        (ap_id, Object::Stream(ap)),
        (field_id, Object::Dictionary(field)),
        (page, Object::Dictionary(page_dict)),
        (root, Object::Dictionary(catalog)),
    ];
    objects.sort_by_key(|(id, _)| *id);

    let mut trailer = Dictionary::new();
    trailer.set("Size", (size + 2) as i64);
    trailer.set("Root", root);
    for key in [&b"Info"[..], b"ID"] {
        if let Ok(v) = doc.trailer.get(key) {
            trailer.set(key, v.clone());
        }
    }
    trailer.set("Prev", doc.xref_start as i64);
    write_update(pdf, &objects, &trailer).map_err(|e| failure(format!("writing the signature field: {e}")))
}

/// The page (0-based), left and top of an XYZ named destination in the catalog's /Dests
/// name tree.
fn destination(doc: &Document, name: &str) -> Option<(usize, f32, f32)> {
    let deref = |o: &Object| -> Option<Object> {
        match o {
            Object::Reference(r) => doc.get_object(*r).ok().cloned(),
            other => Some(other.clone()),
        }
    };
    let root = doc.trailer.get(b"Root").ok()?.as_reference().ok()?;
    let names = deref(doc.get_dictionary(root).ok()?.get(b"Names").ok()?)?;
    let tree = deref(names.as_dict().ok()?.get(b"Dests").ok()?)?;
    let dest = lookup(doc, tree.as_dict().ok()?, name.as_bytes(), 0)?;
    let dest = match deref(&dest)? {
        Object::Dictionary(d) => deref(d.get(b"D").ok()?)?,
        other => other,
    };
    let a = dest.as_array().ok()?;
    let page_id = a.first()?.as_reference().ok()?;
    if a.get(1)?.as_name().ok()? != b"XYZ" {
        return None;
    }
    let page = doc.get_pages().into_iter().find(|(_, id)| *id == page_id)?.0 as usize - 1;
    Some((
        page,
        deref(a.get(2)?)?.as_float().ok()?,
        deref(a.get(3)?)?.as_float().ok()?,
    ))
}

/// The value of `key` in a name tree node (its /Names pairs, then its /Kids).
fn lookup(doc: &Document, node: &Dictionary, key: &[u8], depth: usize) -> Option<Object> {
    if depth > 16 {
        return None;
    }
    if let Ok(pairs) = node.get(b"Names").and_then(Object::as_array) {
        for pair in pairs.chunks(2) {
            if let [k, v] = pair {
                if k.as_str().ok() == Some(key) {
                    return Some(v.clone());
                }
            }
        }
    }
    for kid in node.get(b"Kids").and_then(Object::as_array).ok()? {
        let kid = doc.get_dictionary(kid.as_reference().ok()?).ok()?;
        if let Some(v) = lookup(doc, kid, key, depth + 1) {
            return Some(v);
        }
    }
    None
}

/// The original bytes, then each object, the cross-reference section and the trailer.
fn write_update(pdf: &[u8], objects: &[(ObjectId, Object)], trailer: &Dictionary) -> std::io::Result<Vec<u8>> {
    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") && !out.ends_with(b"\r") {
        out.push(b'\n');
    }
    let mut offsets = Vec::new();
    for (id, obj) in objects {
        offsets.push((*id, out.len()));
        writeln!(out, "{} {} obj", id.0, id.1)?;
        serialise(&mut out, obj);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n");
    // One subsection per run of consecutive object numbers.
    let mut i = 0;
    while i < offsets.len() {
        let mut j = i + 1;
        while j < offsets.len() && offsets[j].0 .0 == offsets[j - 1].0 .0 + 1 {
            j += 1;
        }
        writeln!(out, "{} {}", offsets[i].0 .0, j - i)?;
        for (id, off) in &offsets[i..j] {
            write!(out, "{off:010} {:05} n\r\n", id.1)?;
        }
        i = j;
    }
    out.extend_from_slice(b"trailer\n");
    serialise(&mut out, &Object::Dictionary(trailer.clone()));
    write!(out, "\nstartxref\n{xref}\n%%EOF\n")?;
    Ok(out)
}

/// Writes one object in PDF syntax (lopdf 0.44 keeps its writer private).
fn serialise(out: &mut Vec<u8>, obj: &Object) {
    match obj {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Object::Real(r) => out.extend_from_slice(r.to_string().as_bytes()),
        Object::Name(n) => name(out, n),
        Object::String(s, StringFormat::Hexadecimal) => {
            out.push(b'<');
            out.extend_from_slice(crate::fsx::hex(s).as_bytes());
            out.push(b'>');
        }
        Object::String(s, StringFormat::Literal) => {
            out.push(b'(');
            for &b in s {
                match b {
                    b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    _ => out.push(b),
                }
            }
            out.push(b')');
        }
        Object::Array(a) => {
            out.push(b'[');
            for (i, o) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                serialise(out, o);
            }
            out.push(b']');
        }
        Object::Dictionary(d) => dict(out, d),
        Object::Stream(st) => {
            dict(out, &st.dict);
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(&st.content);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Reference((n, g)) => out.extend_from_slice(format!("{n} {g} R").as_bytes()),
    }
}

fn dict(out: &mut Vec<u8>, d: &Dictionary) {
    out.extend_from_slice(b"<<");
    for (k, v) in d {
        name(out, k);
        out.push(b' ');
        serialise(out, v);
    }
    out.extend_from_slice(b">>");
}

/// A name, its delimiters, white space and bytes outside `!`..`~` as `#xx`.
fn name(out: &mut Vec<u8>, n: &[u8]) {
    out.push(b'/');
    for &b in n {
        if b"()<>[]{}/%#".contains(&b) || !(b'!'..=b'~').contains(&b) {
            out.extend_from_slice(format!("#{b:02X}").as_bytes());
        } else {
            out.push(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_are_written_in_pdf_syntax() {
        let mut out = Vec::new();
        let d = dictionary! {
            "T" => Object::string_literal("a(b)\\c"),
            "Rect" => vec![pt(1.004), Object::Integer(2)],
            "P" => (7, 0),
            "N" => Object::Name(b"A B".to_vec()),
        };
        serialise(&mut out, &Object::Dictionary(d));
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r"<</T (a\(b\)\\c)/Rect [1 2]/P 7 0 R/N /A#20B>>"
        );
    }

    #[test]
    fn field_names() {
        assert!(valid_name("ChuKy"));
        assert!(valid_name("Chu_Ky-1"));
        assert!(!valid_name(""));
        assert!(!valid_name("Chữ ký"));
        assert!(!valid_name("a.b"));
    }
}
