//! Ready to sign, on both renderers: the free area of the signature block, the number and
//! date left blank for the records office, and the empty signature field added as an
//! incremental update — listed by poppler's `pdfsig`, signed by it with a throw-away NSS
//! certificate and verified valid, the files passing `qpdf --check`.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const RENDERERS: [&str; 2] = ["typst", "builtin"];

/// The Nghệ An fixture ingested into `dir`.
fn database(dir: &Path) -> PathBuf {
    let db = dir.join("na.duckdb");
    let (code, _, err) = run(&[
        "--db",
        db.to_str().unwrap(),
        "ingest",
        fixture("nghe-an-2023-06").to_str().unwrap(),
    ]);
    assert!(code <= 1, "{err}");
    db
}

/// The fixture's configuration, PDF only, with the `[report]` keys of `extra` set.
fn config(dir: &Path, name: &str, extra: &str) -> PathBuf {
    let base = std::fs::read_to_string(fixture("nghe-an-2023-06/baocao.toml")).unwrap();
    let key = |l: &str| l.split('=').next().unwrap_or("").trim().to_string();
    let set: Vec<String> = extra.lines().map(key).collect();
    let kept: Vec<&str> = base
        .lines()
        .filter(|l| !set.contains(&key(l)) || !l.contains('='))
        .collect();
    let body = (kept.join("\n") + "\n")
        .replace("formats = [\"pdf\", \"xlsx\", \"docx\"]", "formats = [\"pdf\"]")
        .replacen("[report]\n", &format!("[report]\n{extra}\n"), 1);
    let p = dir.join(format!("{name}.toml"));
    std::fs::write(&p, body).unwrap();
    p
}

/// Renders `args` (a report kind and its period) with `renderer` into `out`; the PDF.
fn render(db: &Path, cfg: &Path, renderer: &str, args: &[&str], out: &Path) -> PathBuf {
    let (code, stdout, err) = report(db, cfg, &["--renderer", renderer], args, out);
    assert!(code <= 1, "{renderer} {args:?}: {err}");
    PathBuf::from(stdout.lines().next().expect("the PDF's path").trim())
}

fn tool(cmd: &str, args: &[&str]) -> (bool, String) {
    let o = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} (make test-tools): {e}"));
    let mut text = String::from_utf8_lossy(&o.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&o.stderr));
    (o.status.success(), text)
}

fn qpdf_check(pdf: &Path) {
    let (ok, text) = tool("qpdf", &["--check", pdf.to_str().unwrap()]);
    assert!(ok, "qpdf --check {}: {text}", pdf.display());
}

fn json(cmd: &str, args: &[&str]) -> Value {
    let (ok, text) = tool(cmd, args);
    assert!(ok, "{cmd} {args:?}: {text}");
    serde_json::from_str(&text).unwrap()
}

/// A word of `pdftotext -bbox`: its page (1-based), box (y from the top) and text; with
/// the pages' heights.
struct Word {
    page: usize,
    x_min: f64,
    y_min: f64,
    x_max: f64,
    y_max: f64,
    text: String,
}

fn words(pdf: &Path) -> (Vec<Word>, Vec<f64>) {
    let (ok, text) = tool("pdftotext", &["-bbox", pdf.to_str().unwrap(), "-"]);
    assert!(ok, "{text}");
    let attr = |line: &str, key: &str| -> f64 {
        let i = line.find(&format!("{key}=\"")).unwrap() + key.len() + 2;
        line[i..i + line[i..].find('"').unwrap()].parse().unwrap()
    };
    let (mut out, mut page, mut heights) = (Vec::new(), 0, Vec::new());
    for line in text.lines() {
        if line.contains("<page ") {
            page += 1;
            heights.push(attr(line, "height"));
        } else if line.contains("<word ") {
            let t = &line[line.find('>').unwrap() + 1..line.rfind("</word>").unwrap()];
            out.push(Word {
                page,
                x_min: attr(line, "xMin"),
                y_min: attr(line, "yMin"),
                x_max: attr(line, "xMax"),
                y_max: attr(line, "yMax"),
                text: t.to_string(),
            });
        }
    }
    (out, heights)
}

/// The one signature field (qpdf's reading): its name, page, flags and /Rect.
fn signature_field(pdf: &Path) -> (String, usize, i64, [f64; 4]) {
    let p = pdf.to_str().unwrap();
    let form = json("qpdf", &["--json", "--json-key=acroform", p]);
    let fields = form["acroform"]["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 1, "one field: {form}");
    let f = &fields[0];
    assert_eq!(f["fieldtype"], "/Sig", "{f}");
    assert_eq!(f["value"], Value::Null, "unsigned: {f}");
    assert_eq!(form["acroform"]["needappearances"], false);
    let obj = f["object"].as_str().unwrap().split(' ').next().unwrap().to_string();
    let o = json(
        "qpdf",
        &["--json", "--json-key=qpdf", &format!("--json-object={obj}"), p],
    );
    let widget = &o["qpdf"][1][format!("obj:{obj} 0 R")]["value"];
    // PDF/A-2b: printed, a normal appearance only (a Form XObject with a /BBox).
    let ap = widget["/AP"].as_object().unwrap();
    assert_eq!(ap.keys().collect::<Vec<_>>(), ["/N"], "{widget}");
    let n = ap["/N"].as_str().unwrap().split(' ').next().unwrap().to_string();
    let x = json("qpdf", &["--json", "--json-key=qpdf", &format!("--json-object={n}"), p]);
    let xobj = &x["qpdf"][1][format!("obj:{n} 0 R")]["stream"]["dict"];
    assert_eq!(
        (&xobj["/Type"], &xobj["/Subtype"]),
        (&"/XObject".into(), &"/Form".into()),
        "{xobj}"
    );
    assert!(xobj["/BBox"].is_array(), "{xobj}");
    let r: Vec<f64> = widget["/Rect"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    (
        f["fullname"].as_str().unwrap().to_string(),
        f["pageposfrom1"].as_u64().unwrap() as usize,
        widget["/F"].as_i64().unwrap(),
        [r[0], r[1], r[2], r[3]],
    )
}

#[test]
fn the_signature_field_lies_over_the_free_area_as_an_incremental_update() {
    let tmp = tempfile::tempdir().unwrap();
    let db = database(tmp.path());
    let signed = config(tmp.path(), "field", "");
    let plain = config(tmp.path(), "plain", "signature_field = \"\"");
    let args = ["monthly", "--period", "2023-06"];
    for r in RENDERERS {
        let a = render(&db, &signed, r, &args, &tmp.path().join(format!("{r}-a")));
        let b = render(&db, &signed, r, &args, &tmp.path().join(format!("{r}-b")));
        let o = render(&db, &plain, r, &args, &tmp.path().join(format!("{r}-plain")));
        let (a_bytes, o_bytes) = (std::fs::read(&a).unwrap(), std::fs::read(&o).unwrap());
        assert_eq!(a_bytes, std::fs::read(&b).unwrap(), "{r}: two renders, the same bytes");
        qpdf_check(&a);

        // The renderer's own file is a prefix: the field is an appended revision with its
        // own cross-reference section chained to the first, the trailer's IDs kept.
        assert!(a_bytes.starts_with(&o_bytes), "{r}: the original revision is a prefix");
        let update = String::from_utf8_lossy(&a_bytes[o_bytes.len()..]).into_owned();
        let tail = String::from_utf8_lossy(&o_bytes[o_bytes.len() - 40..]).into_owned();
        let prev = tail
            .split("startxref")
            .nth(1)
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap();
        for needle in [
            "xref\n",
            "trailer\n",
            "/Root ",
            "/Info ",
            "/ID ",
            &format!("/Prev {prev}>>"),
        ] {
            assert!(update.contains(needle), "{r}: the update has {needle:?}:\n{update}");
        }
        assert!(!update.contains("%PDF"), "{r}: no second header");
        assert!(update.ends_with("%%EOF\n"));
        let o_text = String::from_utf8_lossy(&o_bytes);
        let id = |t: &str| -> String {
            let s = t[t.rfind("/ID").unwrap()..].split(']').next().unwrap();
            s.chars().filter(|c| !c.is_whitespace()).collect()
        };
        assert_eq!(id(&update), id(&o_text), "{r}: the same document ID");

        // pdfsig lists the field, unsigned.
        let (ok, text) = tool("pdfsig", &[a.to_str().unwrap()]);
        assert!(ok, "{text}");
        assert!(text.contains("Signature Field Name: ChuKy"), "{r}: {text}");
        assert!(text.contains("The signature form field is not signed."), "{r}: {text}");

        // The field: 60 × 35 mm, printed, on the page of the signature block, between
        // the signer's title lines and the name.
        let (name, page, flags, [x1, y1, x2, y2]) = signature_field(&a);
        assert_eq!((name.as_str(), flags), ("ChuKy", 4), "{r}");
        let mm = 72.0 / 25.4;
        assert!(
            ((x2 - x1) - 60.0 * mm).abs() < 0.1 && ((y2 - y1) - 35.0 * mm).abs() < 0.1,
            "{r}: size"
        );
        let (ws, heights) = words(&a);
        let height = heights[page - 1];
        let on = |t: &str| -> &Word {
            ws.iter()
                .find(|w| w.page == page && w.text == t)
                .unwrap_or_else(|| panic!("{r}: {t:?} on page {page}"))
        };
        let (title, name_word) = (on("PHÓ"), on("Nguyễn"));
        let (top, bottom) = (height - y2, height - y1);
        assert!(
            title.y_max <= top + 0.5 && top - title.y_max < 12.0,
            "{r}: the area starts under the signer's title ({} / {top})",
            title.y_max
        );
        assert!(
            bottom <= name_word.y_min && name_word.y_min - bottom < 12.0,
            "{r}: the name comes right under the area ({bottom} / {})",
            name_word.y_min
        );
        assert!(
            x1 < title.x_min && title.x_max < x2 && x1 < name_word.x_min && name_word.x_max < x2,
            "{r}"
        );
        let words_inside = ws
            .iter()
            .filter(|w| w.page == page && w.y_min > top && w.y_max < bottom && w.x_max > x1 && w.x_min < x2)
            .count();
        assert_eq!(words_inside, 0, "{r}: the area is free");
    }
}

/// A throw-away NSS database with a test CA and a signing certificate it issued.
fn nss(dir: &Path) -> String {
    let db = format!("sql:{}", dir.display());
    let noise = dir.join("noise");
    std::fs::write(&noise, b"baocao signing test: seed for the key generator".repeat(4)).unwrap();
    let noise = noise.to_str().unwrap();
    let (ok, text) = tool("certutil", &["-N", "-d", &db, "--empty-password"]);
    assert!(ok, "certutil (make test-tools): {text}");
    // The CA: self-signed, trusted, with the basic constraints extension (answers on stdin).
    let mut ca = Command::new("certutil")
        .args([
            "-S",
            "-d",
            &db,
            "-n",
            "ca",
            "-s",
            "CN=baocao test CA,C=VN",
            "-x",
            "-t",
            "CT,C,C",
            "-k",
            "rsa",
            "-g",
            "2048",
            "-Z",
            "SHA256",
            "-v",
            "12",
            "-m",
            "1",
            "-z",
            noise,
            "-2",
            "--keyUsage",
            "certSigning,crlSigning",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write;
    ca.stdin.take().unwrap().write_all(b"y\n-1\ny\n").unwrap();
    assert!(ca.wait().unwrap().success(), "certutil: the test CA");
    let (ok, text) = tool(
        "certutil",
        &[
            "-S",
            "-d",
            &db,
            "-n",
            "signer",
            "-s",
            "CN=Bui Dinh Long,O=UBND tinh Nghe An,C=VN",
            "-c",
            "ca",
            "-t",
            ",,",
            "-k",
            "rsa",
            "-g",
            "2048",
            "-Z",
            "SHA256",
            "-v",
            "12",
            "-m",
            "2",
            "-z",
            noise,
            "--keyUsage",
            "digitalSignature,nonRepudiation",
            "--extKeyUsage",
            "emailProtection",
        ],
    );
    assert!(ok, "certutil: the signing certificate: {text}");
    db
}

#[test]
fn pdfsig_signs_the_empty_field_and_verifies_the_signature() {
    let tmp = tempfile::tempdir().unwrap();
    let db = database(tmp.path());
    let cfg = config(tmp.path(), "field", "");
    let keys = tmp.path().join("nss");
    std::fs::create_dir(&keys).unwrap();
    let nssdir = nss(&keys);
    for r in RENDERERS {
        let pdf = render(&db, &cfg, r, &["monthly", "--period", "2023-06"], &tmp.path().join(r));
        let out = tmp.path().join(format!("{r}-signed.pdf"));
        let (ok, text) = tool(
            "pdfsig",
            &[
                "-nssdir",
                &nssdir,
                "-nick",
                "signer",
                "-sign",
                "ChuKy",
                "-etsi",
                pdf.to_str().unwrap(),
                out.to_str().unwrap(),
            ],
        );
        assert!(ok, "{r}: pdfsig -sign: {text}");
        let (ok, text) = tool("pdfsig", &["-nssdir", &nssdir, out.to_str().unwrap()]);
        assert!(ok, "{text}");
        // That very field was signed (no second field), over the whole file, valid, by a
        // certificate the database trusts.
        assert_eq!(text.matches("Signature #").count(), 1, "{r}: {text}");
        for needle in [
            "Signature Field Name: ChuKy",
            "Signer Certificate Common Name: Bui Dinh Long",
            "Total document signed",
            "Signature Validation: Signature is Valid.",
            "Certificate Validation: Certificate is Trusted.",
        ] {
            assert!(text.contains(needle), "{r}: {needle:?} in\n{text}");
        }
        // The CMS carries the ESS signing-certificate-v2 attribute (id-aa 47) CAdES needs;
        // poppler 22.12 names it adbe.pkcs7.detached all the same (README, "Ready to sign").
        assert!(
            text.contains("Signature Type: ETSI.CAdES.detached")
                || text.contains("Signature Type: adbe.pkcs7.detached"),
            "{r}: {text}"
        );
        let signed = std::fs::read(&out).unwrap();
        let hex = String::from_utf8_lossy(&signed).to_lowercase();
        assert!(
            hex.contains("060b2a864886f70d010910022f"),
            "{r}: signing-certificate-v2"
        );
        assert!(
            signed.starts_with(&std::fs::read(&pdf).unwrap()),
            "{r}: signed as a further revision"
        );
        qpdf_check(&out);
    }
}

/// The PAdES signer (pyHanko, installed by `make test-tools`).
fn pyhanko() -> String {
    std::env::var("BAOCAO_PYHANKO").unwrap_or_else(|_| {
        format!(
            "{}/.cache/baocao/tools/pyhanko/bin/pyhanko",
            std::env::var("HOME").unwrap_or_default()
        )
    })
}

#[test]
fn a_pades_signer_signs_the_empty_field_as_etsi_cades_and_pdfsig_verifies_it() {
    let tmp = tempfile::tempdir().unwrap();
    let db = database(tmp.path());
    let cfg = config(tmp.path(), "field", "");
    let keys = tmp.path().join("nss");
    std::fs::create_dir(&keys).unwrap();
    let nssdir = nss(&keys);
    // The signer's key and certificate out of the NSS database, for pyHanko.
    let p12 = tmp.path().join("signer.p12");
    let pass = tmp.path().join("pass");
    std::fs::write(&pass, "test").unwrap();
    let (ok, text) = tool(
        "pk12util",
        &["-o", p12.to_str().unwrap(), "-n", "signer", "-d", &nssdir, "-W", "test"],
    );
    assert!(ok, "pk12util: {text}");
    for r in RENDERERS {
        let pdf = render(&db, &cfg, r, &["monthly", "--period", "2023-06"], &tmp.path().join(r));
        let out = tmp.path().join(format!("{r}-pades.pdf"));
        let (ok, text) = tool(
            &pyhanko(),
            &[
                "sign",
                "addsig",
                "--field",
                "ChuKy",
                "--existing-only",
                "--use-pades",
                "pkcs12",
                "--passfile",
                pass.to_str().unwrap(),
                pdf.to_str().unwrap(),
                out.to_str().unwrap(),
                p12.to_str().unwrap(),
            ],
        );
        assert!(ok, "{r}: pyhanko sign addsig --existing-only (make test-tools): {text}");
        let (ok, text) = tool("pdfsig", &["-nssdir", &nssdir, out.to_str().unwrap()]);
        assert!(ok, "{text}");
        assert_eq!(
            text.matches("Signature #").count(),
            1,
            "{r}: that very field, no other: {text}"
        );
        for needle in [
            "Signature Field Name: ChuKy",
            "Signature Type: ETSI.CAdES.detached",
            "Total document signed",
            "Signature Validation: Signature is Valid.",
            "Certificate Validation: Certificate is Trusted.",
        ] {
            assert!(text.contains(needle), "{r}: {needle:?} in\n{text}");
        }
        assert!(
            std::fs::read(&out).unwrap().starts_with(&std::fs::read(&pdf).unwrap()),
            "{r}: signed as a further revision"
        );
        qpdf_check(&out);
    }
}

/// The x-gap between the word `a` on page 1 and the word `b` following it on its line.
fn gap(ws: &[Word], a: &str, b: &str) -> f64 {
    let wa = ws
        .iter()
        .find(|w| w.page == 1 && w.text == a)
        .unwrap_or_else(|| panic!("{a:?} on page 1"));
    let next = ws
        .iter()
        .filter(|w| w.page == 1 && (w.y_min - wa.y_min).abs() < 2.0 && w.x_min > wa.x_max)
        .min_by(|p, q| p.x_min.total_cmp(&q.x_min))
        .unwrap_or_else(|| panic!("a word after {a:?}"));
    assert_eq!(next.text, b, "{a:?} then {b:?}");
    next.x_min - wa.x_max
}

#[test]
fn leave_number_blank_leaves_the_number_and_the_day_and_month_blank() {
    let tmp = tempfile::tempdir().unwrap();
    let db = database(tmp.path());
    let numbered = "number = \"Số: 123/BC-UBND\"";
    let cfg = config(tmp.path(), "numbered", numbered);
    let blank = config(tmp.path(), "blank", &format!("{numbered}\nleave_number_blank = true"));
    for r in RENDERERS {
        let pdf = render(&db, &cfg, r, &["monthly", "--period", "2023-06"], &tmp.path().join(r));
        let text = tool("pdftotext", &["-l", "1", pdf.to_str().unwrap(), "-"]).1;
        assert!(text.contains("Số: 123/BC-UBND"), "{r}: {text}");
        assert!(text.contains("ngày 15 tháng 6 năm 2023"), "{r}: {text}");
        for (kind, period) in [("monthly", "2023-06"), ("quarterly", "2023-Q2")] {
            let out = tmp.path().join(format!("{r}-{kind}-blank"));
            let pdf = render(&db, &blank, r, &[kind, "--period", period], &out);
            let (ws, _) = words(&pdf);
            let text = tool("pdftotext", &["-l", "1", pdf.to_str().unwrap(), "-"]).1;
            assert!(!text.contains("123"), "{r} {kind}: the number is gone: {text}");
            // The form stays, with room to write in: about six spaces of 13–13.5 pt.
            assert!(gap(&ws, "Số:", "/BC-UBND") > 12.0, "{r} {kind}: room for the number");
            assert!(gap(&ws, "ngày", "tháng") > 12.0, "{r} {kind}: room for the day");
            assert!(gap(&ws, "tháng", "năm") > 12.0, "{r} {kind}: room for the month");
            assert!(gap(&ws, "năm", "2023") < 6.0, "{r} {kind}: the year kept");
        }
    }
}

#[test]
fn a_field_name_signing_software_would_mangle_is_a_configuration_error() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = config(tmp.path(), "bad", "signature_field = \"Chữ ký\"");
    let db = tmp.path().join("none.duckdb");
    let (code, _, err) = report(&db, &cfg, &[], &["monthly", "--period", "2023-06"], tmp.path());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("signature_field") && err.contains("ASCII"), "{err}");
}
