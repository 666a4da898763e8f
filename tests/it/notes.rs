//! The official's own text (docs/rules.md, The official's own text): a notes file printed
//! literally in every output, recorded in the manifest and replayed by `regenerate`; the
//! period's file from `[report] notes_dir`, and the attention when it is missing.

use super::common::{bin, issued, report, run};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Characters that mean something to Typst, HTML and XML, on a line of their own.
const HOSTILE: &str = "#set page(width: 1cm) $x$ <script>alert(1)</script> ]]> & \\*";

const NOTES: &str = "## Nguyên nhân\n\
Một số hồ sơ phải **lấy ý kiến** của *nhiều cơ quan*.\n\
\n\
## Nhiệm vụ, giải pháp thời gian tới\n\
- Xử lý dứt điểm hồ sơ quá hạn.\n\
- Theo dõi danh sách cảnh báo.\n\
\n\
## Đề xuất, kiến nghị\n";

/// A month of one department (cut on the 15th): six dossiers on time, two late.
fn store(dir: &Path) -> PathBuf {
    let mut body = String::from(
        "Từ ngày 15/05/2023 đến ngày 14/06/2023\n\
         MaHoSo,TenDonVi,CapDonVi,TenLinhVuc,KenhThucHien,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy\n",
    );
    for i in 0..8 {
        let finished = if i < 6 { "25/05/2023" } else { "05/06/2023" };
        body.push_str(&format!(
            "H{i},Sở Xây dựng,tinh,Xây dựng,1,10,20/05/2023,30/05/2023,{finished}\n"
        ));
    }
    let f = dir.join("xd.csv");
    std::fs::write(&f, body).unwrap();
    let db = dir.join("s.duckdb");
    let (code, _, err) = run(&["--db", db.to_str().unwrap(), "ingest", f.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    db
}

fn config(dir: &Path, extra: &str) -> PathBuf {
    let p = dir.join("c.toml");
    std::fs::write(&p, issued(&format!("[report]\nformats = [\"pdf\", \"docx\"]\n{extra}"))).unwrap();
    p
}

fn pdf_text(pdf: &Path) -> String {
    let o = Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    assert!(o.status.success());
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The words of a DOCX body (tags dropped, entities read), one paragraph a line.
fn docx_text(docx: &Path) -> (String, String) {
    let f = std::fs::File::open(docx).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut z.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    for c in xml.replace("</w:p>", "\n").chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    (text, xml)
}

#[test]
fn notes_print_literally_in_pdf_docx_and_site_and_regenerate_matches() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let db = store(d);
    let cfg = config(d, "");
    let notes = d.join("nhan-xet.md");
    std::fs::write(&notes, format!("{NOTES}{HOSTILE}\n")).unwrap();
    for renderer in ["typst", "builtin"] {
        let out = d.join(renderer);
        let (code, _, err) = report(
            &db,
            &cfg,
            &["--renderer", renderer],
            &["monthly", "--period", "2023-06", "--notes", notes.to_str().unwrap()],
            &out,
        );
        assert_eq!(code, 0, "{renderer}: {err}");
        let text = pdf_text(&out.join("monthly-2023-06.pdf"));
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for want in [
            "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
            "Nguyên nhân Một số hồ sơ phải lấy ý kiến của nhiều cơ quan.",
            "III. NHIỆM VỤ, GIẢI PHÁP THỜI GIAN TỚI - Xử lý dứt điểm hồ sơ quá hạn. - Theo dõi danh sách cảnh báo.",
            &format!("IV. ĐỀ XUẤT, KIẾN NGHỊ {}", HOSTILE.replace("\\*", "*")),
        ] {
            assert!(flat.contains(want), "{renderer}: «{want}» not in\n{text}");
        }
        // Section I comes first, the official's sections before the signature.
        let (i, iv, sign) = (
            flat.find("I. TÌNH HÌNH").unwrap(),
            flat.find("IV. ĐỀ XUẤT").unwrap(),
            flat.find("Nơi nhận").unwrap(),
        );
        assert!(i < iv && iv < sign, "{renderer}: order");
        let (docx, xml) = docx_text(&out.join("monthly-2023-06.docx"));
        assert!(docx.contains(&HOSTILE.replace("\\*", "*")), "{renderer}: docx\n{docx}");
        assert!(xml.contains("<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">lấy ý kiến</w:t></w:r>"));
        assert!(xml.contains("<w:r><w:rPr><w:i/></w:rPr><w:t xml:space=\"preserve\">nhiều cơ quan</w:t></w:r>"));
        // With every part written, the draft has no empty heading to fill.
        assert!(!docx.contains("\nIII. NHIỆM VỤ, GIẢI PHÁP THỜI GIAN TỚI\n\n"), "{docx}");
    }
    // The manifest holds the text and its hash; regenerate replays it after the file changed.
    let manifest = d.join("typst/monthly-2023-06.manifest.json");
    let m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    assert_eq!(m["notes"]["text"], format!("{NOTES}{HOSTILE}\n"));
    std::fs::write(&notes, "## Đề xuất\nKhác.\n").unwrap();
    let o = Command::new(bin())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["regenerate", manifest.to_str().unwrap()])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{said}");
    assert!(said.starts_with("MATCH"), "{said}");
    // The site prints the words escaped, bold and italic as written.
    let site = d.join("site");
    let (code, out, err) = run(&[
        "--db",
        db.to_str().unwrap(),
        "site",
        "--drafts",
        "--out",
        site.to_str().unwrap(),
    ]);
    assert!(code <= 1, "{out}{err}");
    let page = walkdir::WalkDir::new(&site)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .find(|h| h.contains("IV. ĐỀ XUẤT"))
        .expect("a report page");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; &amp; *"),
        "{page}"
    );
    assert!(!page.contains("<script>alert"));
    assert!(page.contains("<strong>lấy ý kiến</strong>") && page.contains("<em>nhiều cơ quan</em>"));
}

#[test]
fn the_period_file_of_notes_dir_is_taken_and_its_absence_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let db = store(d);
    std::fs::create_dir(d.join("notes")).unwrap();
    let cfg = config(d, "notes_dir = \"notes\"\n");
    let out = d.join("out");
    let monthly = ["monthly", "--period", "2023-06"];
    let (code, said, err) = report(&db, &cfg, &["--renderer", "builtin"], &monthly, &out);
    assert_eq!(code, 1, "{said}{err}");
    assert!(
        said.contains("2023-06.md") && said.contains("chưa có phần viết"),
        "{said}"
    );
    // The PDF stops at section II; the draft carries III and IV with a paragraph to fill.
    let text = pdf_text(&out.join("monthly-2023-06.pdf"));
    assert!(
        text.contains("II. TỒN TẠI") && !text.contains("III.") && !text.contains("Nguyên nhân"),
        "{text}"
    );
    let (docx, _) = docx_text(&out.join("monthly-2023-06.docx"));
    assert!(
        docx.contains("\nIII. NHIỆM VỤ, GIẢI PHÁP THỜI GIAN TỚI\n\nIV. ĐỀ XUẤT, KIẾN NGHỊ\n\n"),
        "{docx}"
    );
    // The period's file, once written, is taken (a new version: the report says more).
    std::fs::write(d.join("notes/2023-06.md"), NOTES).unwrap();
    let (code, said, err) = report(&db, &cfg, &["--renderer", "builtin"], &monthly, &out);
    assert_eq!(code, 0, "{said}{err}");
    let text = pdf_text(&out.join("monthly-2023-06-v2.pdf"));
    assert!(text.contains("III. NHIỆM VỤ") && text.contains("Nguyên nhân"), "{text}");
    // The proposals are left empty: the PDF has no heading IV, the draft has it to fill.
    assert!(!text.contains("IV. ĐỀ XUẤT"), "{text}");
    let (docx, _) = docx_text(&out.join("monthly-2023-06-v2.docx"));
    assert!(docx.contains("\nIV. ĐỀ XUẤT, KIẾN NGHỊ\n\n"), "{docx}");
}

#[test]
fn a_heading_of_no_section_is_refused_naming_the_line_and_titles_follow_the_configuration() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let db = store(d);
    let notes = d.join("n.md");
    std::fs::write(&notes, "## Nguyên nhân\nMột.\n\n## Tình hình chung\nHai.\n").unwrap();
    let cfg = config(d, "");
    let args = ["monthly", "--period", "2023-06", "--notes", notes.to_str().unwrap()];
    let (code, _, err) = report(&db, &cfg, &["--renderer", "builtin"], &args, &d.join("o1"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("line 4") && err.contains("Tình hình chung"), "{err}");
    // Titles are settings; a heading naming the configured title maps to its section.
    std::fs::write(&notes, "## Phương hướng kỳ tới\nBa.\n").unwrap();
    let cfg = config(d, "[report.sections]\ntasks = \"PHƯƠNG HƯỚNG KỲ TỚI\"\n");
    let (code, _, err) = report(&db, &cfg, &["--renderer", "builtin"], &args, &d.join("o2"));
    assert_eq!(code, 0, "{err}");
    let text = pdf_text(&d.join("o2/monthly-2023-06.pdf"));
    assert!(text.contains("III. PHƯƠNG HƯỚNG KỲ TỚI"), "{text}");
}

#[test]
fn run_takes_the_period_file_and_a_new_text_makes_a_new_version() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let db = store(d);
    std::fs::create_dir_all(d.join("inbox")).unwrap();
    std::fs::rename(d.join("xd.csv"), d.join("inbox/xd.csv")).unwrap();
    std::fs::remove_file(&db).unwrap();
    std::fs::create_dir(d.join("notes")).unwrap();
    let cfg = "[metrics]\nconvention = \"cutoff15\"\n[report]\nnotes_dir = \"notes\"\n[run]\ninbox = \"inbox\"\n\
               archive = \"archive\"\nout = \"out\"\nreports = [\"monthly\"]\nfirst_period = \"2023-06\"\n";
    std::fs::write(d.join("baocao.toml"), issued(cfg)).unwrap();
    let job = || super::common::run_in(&["--db", "b.duckdb", "--renderer", "builtin", "run"], d);
    let (code, out, err) = job();
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("notes/2023-06.md"), "{out}");
    std::fs::write(d.join("notes/2023-06.md"), NOTES).unwrap();
    let (code, out, err) = job();
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("rendered out/monthly-2023-06-v2.pdf"), "{out}");
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("out/monthly-2023-06-v2.report.json")).unwrap()).unwrap();
    assert_eq!(r["sections"][2]["heading"], "III. NHIỆM VỤ, GIẢI PHÁP THỜI GIAN TỚI");
    // The same text again: nothing to render.
    let (code, out, _) = job();
    assert_eq!(code, 0);
    assert!(!out.contains("rendered"), "{out}");
}

#[test]
fn notes_named_for_another_period_are_refused_and_empty_notes_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let db = store(d);
    let cfg = config(d, "");
    // June's notes given to the May report: refused, naming both periods.
    let june = d.join("2023-06.md");
    std::fs::write(&june, NOTES).unwrap();
    let args = ["monthly", "--period", "2023-05", "--notes", june.to_str().unwrap()];
    let (code, _, err) = report(&db, &cfg, &["--renderer", "builtin"], &args, &d.join("o1"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("named for the period 2023-06, not 2023-05"), "{err}");
    // A file with headings and no words: the report is the data's sections, and says so.
    let empty = d.join("nhan-xet.md");
    std::fs::write(&empty, "## Nguyên nhân\n\n## Đề xuất, kiến nghị\n").unwrap();
    let args = ["monthly", "--period", "2023-06", "--notes", empty.to_str().unwrap()];
    let (code, said, err) = report(&db, &cfg, &["--renderer", "builtin"], &args, &d.join("o2"));
    assert_eq!(code, 1, "{said}{err}");
    assert!(said.contains("không có nội dung"), "{said}");
}
