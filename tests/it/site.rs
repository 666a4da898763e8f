//! The public HTML archive (`baocao site`): a report never issued is not published; the
//! preview with drafts (`--drafts`) marks them on every page; every link resolves inside the
//! site, the figures are on the report page (and in the DOM a real browser builds), versions
//! are listed, the output is deterministic, and a foreign folder is left alone. Issued
//! documents on the site are tested with real signatures in `issue.rs`.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// An archive of the Nghệ An fixture: the June 2023 report (PDF, XLSX, DOCX) and May's,
/// both with the built-in renderer, none issued; returns (database, site folder) after
/// `site --drafts` ran (and checks the public site, without `--drafts`, publishes none).
fn archive(dir: &Path) -> (PathBuf, PathBuf) {
    let db = dir.join("na.duckdb");
    let db_s = db.to_str().unwrap();
    let (code, _, err) = run(&["--db", db_s, "ingest", fixture("nghe-an-2023-06").to_str().unwrap()]);
    assert!(code <= 1, "{err}");
    let cfg = config_without_catalogue(dir);
    let out = dir.join("out");
    for (period, formats, unit) in [
        ("2023-05", "pdf", None),
        ("2023-06", "pdf,xlsx,docx", None),
        ("2023-06", "pdf", Some("Sở Y tế")),
    ] {
        let g = ["--renderer", "builtin", "--formats", formats];
        let mut args = vec!["monthly", "--period", period];
        if let Some(u) = unit {
            args.extend_from_slice(&["--unit", u]);
        }
        let (code, _, err) = report(&db, &cfg, &g, &args, &out);
        // May has no file of its own: its report says so, and exits 1.
        assert_eq!(code, i32::from(period == "2023-05"), "{period}: {err}");
    }
    let public = dir.join("public");
    let (code, out, err) = run(&["--db", db_s, "site", "--out", public.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("0 report pages, 0 issued; 3 drafts not published"),
        "{out}"
    );
    assert!(read(&public.join("index.html")).contains("Chưa có báo cáo nào được ban hành."));
    assert!(
        !public.join("reports").read_dir().unwrap().any(|_| true),
        "no page of a draft"
    );
    assert!(
        !public.join("files").read_dir().unwrap().any(|_| true),
        "no file of a draft"
    );
    let site = dir.join("site");
    let (code, out, err) = run(&["--db", db_s, "site", "--out", site.to_str().unwrap(), "--drafts"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("3 report pages, 0 issued, 3 drafts)"), "{out}");
    (db, site)
}

fn pages(site: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(site)
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    v.sort();
    v
}

/// The values of every `href="…"` and `src="…"` of a page.
fn links(html: &str) -> Vec<String> {
    let mut v = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').expect("a closed attribute");
            v.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    v
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn every_link_resolves_and_the_report_page_prints_the_published_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, site) = archive(tmp.path());
    let all = pages(&site);
    assert_eq!(all.len(), 4, "{all:?}");
    let mut walked = 0;
    for page in &all {
        let html = read(page);
        assert!(
            html.starts_with("<!DOCTYPE html>\n<html lang=\"vi\">"),
            "{}",
            page.display()
        );
        assert!(html.contains("<meta charset=\"utf-8\">") && html.contains("@media print"));
        assert!(html.contains("<th scope=\"col\"") && html.contains("<th scope=\"row\">"));
        assert!(html.contains("<caption"), "{}", page.display());
        assert!(!html.contains("<script"), "no JavaScript");
        assert!(html.contains("dự thảo chưa ban hành"), "{}: marked", page.display());
        for l in links(&html) {
            assert!(
                !l.contains("://") && !l.starts_with('/'),
                "{}: not a relative link: {l}",
                page.display()
            );
            let target = page.parent().unwrap().join(l.split('#').next().unwrap());
            assert!(target.is_file(), "{}: broken link {l}", page.display());
            walked += 1;
        }
    }
    assert!(walked >= 14, "{walked} links");
    let index = read(&site.join("index.html"));
    assert!(index.contains("href=\"reports/monthly-2023-06.html\""), "{index}");
    for f in ["pdf", "xlsx", "docx", "manifest.json"] {
        assert!(index.contains(&format!("href=\"files/monthly-2023-06.{f}\"")), "{f}");
    }
    // May was rendered as PDF only: no workbook is linked, none is invented.
    assert!(!index.contains("monthly-2023-05.xlsx"));
    let june = read(&site.join("reports/monthly-2023-06.html"));
    for figure in ["21.969", "17.789", "4.180", "16.840", "577", "96,57%", "22,45%"] {
        assert!(june.contains(figure), "{figure} missing");
    }
    assert!(june.contains("(Từ ngày 15/5/2023 đến ngày 14/6/2023)") && june.contains("ỦY BAN NHÂN DÂN"));
    assert!(
        june.contains("Xếp hạng chỉ số 766 các cơ quan, đơn vị"),
        "the 766 ranking"
    );
    assert!(june.contains("<th scope=\"rowgroup\""), "ranking groups");
    // The report's bar charts by department, with the published online intake of Industry and Trade.
    assert!(june.contains("Tỷ lệ tiếp nhận hồ sơ trực tuyến theo sở, ban, ngành"));
    assert!(june.contains("99,05% (1.978/1.997)") && june.contains("35,13% (281/800)"));
    // The trend: June and May from their reports, ten months without a report said so.
    assert!(june.contains("<svg") && june.contains("role=\"img\""));
    assert!(june.contains("href=\"monthly-2023-05.html\">T5/2023</a>"), "May linked");
    assert!(
        june.contains("12/12 tháng chưa có báo cáo tháng đã ban hành: T7/2022, T8/2022"),
        "months without an issued report named"
    );
    assert!(june.contains("Số liệu của T5/2023, T6/2023 lấy từ dự thảo chưa ban hành."));
    assert!(june.contains("DỰ THẢO — chưa ký số, chưa ban hành"));
    assert!(june.contains("Báo cáo này không có bảng đánh giá chỉ tiêu."));
    // A department's report is listed under its name, and its trend reads only its own
    // monthly reports (the province's May report is not the department's).
    assert!(
        index.contains("<td>Sở Y tế</td>") && index.contains("<td>Toàn tỉnh</td>"),
        "{index}"
    );
    let health_page = std::fs::read_dir(site.join("reports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("monthly-2023-06-so-y-te-")
        })
        .expect("the department's page");
    let health = read(&health_page);
    assert!(
        health.contains("12/12 tháng chưa có báo cáo tháng đã ban hành"),
        "{health}"
    );
    assert!(health.contains("Số liệu của T6/2023 lấy từ dự thảo"), "{health}");
    assert!(!health.contains("monthly-2023-05.html"));
    // The published files are the recorded ones, byte for byte.
    let pdf = std::fs::read(site.join("files/monthly-2023-06.pdf")).unwrap();
    assert_eq!(pdf, std::fs::read(tmp.path().join("out/monthly-2023-06.pdf")).unwrap());
    // Deterministic: a second run writes the same pages, and removes what is no longer there.
    std::fs::write(site.join("reports/stale.html"), "old").unwrap();
    let (code, _, err) = run(&[
        "--db",
        db.to_str().unwrap(),
        "site",
        "--out",
        site.to_str().unwrap(),
        "--drafts",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(read(&site.join("reports/monthly-2023-06.html")), june);
    assert_eq!(read(&site.join("index.html")), index);
    assert!(!site.join("reports/stale.html").exists());
}

#[test]
fn a_missing_pdf_is_not_published_and_a_foreign_folder_is_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, site) = archive(tmp.path());
    let db_s = db.to_str().unwrap();
    std::fs::remove_file(tmp.path().join("out/monthly-2023-05.pdf")).unwrap();
    let (code, out, _) = run(&["--db", db_s, "site", "--out", site.to_str().unwrap(), "--drafts"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("monthly-2023-05.pdf: PDF not found"), "{out}");
    assert!(!site.join("files/monthly-2023-05.pdf").exists());
    let index = read(&site.join("index.html"));
    assert!(index.contains("không được đăng"), "{index}");
    let foreign = tmp.path().join("foreign");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("keep.txt"), "mine").unwrap();
    let (code, _, err) = run(&["--db", db_s, "site", "--out", foreign.to_str().unwrap(), "--drafts"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is not a site written by baocao"), "{err}");
    assert_eq!(read(&foreign.join("keep.txt")), "mine");
}

#[test]
fn versions_of_a_report_are_listed_and_linked() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir_all(d.join("inbox")).unwrap();
    let cfg = "[metrics]\nconvention = \"cutoff15\"\n[report]\nprovince = \"Nghệ An\"\nrenderer = \"builtin\"\n[run]\ninbox = \"inbox\"\narchive = \"archive\"\nout = \"out\"\nreports = [\"monthly\"]\nfirst_period = \"2023-06\"\n";
    std::fs::write(d.join("baocao.toml"), issued(cfg)).unwrap();
    let header = "Mã hồ sơ,Cơ quan giải quyết,Trạng thái,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Hình thức nộp\n";
    let job = |args: &[&str]| {
        let mut all = vec!["--db", "data/b.duckdb"];
        all.extend_from_slice(args);
        run_in(&all, d)
    };
    std::fs::write(
        d.join("inbox/june.csv"),
        format!("Ngày xuất: 14/06/2023\nTừ ngày 15/05/2023 đến ngày 14/06/2023\n{header}A,Sở Y tế,4,20/05/2023,30/05/2023,,1\nB,Sở Y tế,10,21/05/2023,30/05/2023,25/05/2023,2\n"),
    )
    .unwrap();
    let (code, _, err) = job(&["run"]);
    assert_eq!(code, 0, "{err}");
    std::fs::write(
        d.join("inbox/june-fix.csv"),
        format!("Ngày xuất: 20/06/2023\nTừ ngày 15/05/2023 đến ngày 14/06/2023\n{header}A,Sở Y tế,10,20/05/2023,30/05/2023,02/06/2023,1\n"),
    )
    .unwrap();
    let (code, out, err) = job(&["run"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("monthly-2023-06-v2.pdf"), "{out}");
    // Paths recorded relative to the job's folder are read from the working directory.
    let (code, out, err) = job(&["site", "--out", "public", "--drafts"]);
    assert_eq!(code, 0, "{out}{err}");
    let index = read(&d.join("public/index.html"));
    assert!(
        index.contains("1 báo cáo, 0 văn bản đã ban hành, 2 dự thảo chưa ban hành"),
        "{index}"
    );
    assert!(
        index.contains("phiên bản 1 <span class=\"old\">(đã có phiên bản 2)</span>")
            && index.contains("phiên bản 2 (mới nhất)"),
        "{index}"
    );
    let v2 = read(&d.join("public/reports/monthly-2023-06-v2.html"));
    assert!(
        v2.contains("<a href=\"monthly-2023-06.html\">dự thảo phiên bản 1</a>"),
        "{v2}"
    );
    let v1 = read(&d.join("public/reports/monthly-2023-06.html"));
    assert!(v1.contains("đã có phiên bản mới hơn (2)"), "{v1}");
    // The trend reads the newest version of the month: v2's on-time rate, not v1's.
    assert!(v1.contains("href=\"monthly-2023-06-v2.html\">T6/2023</a>"), "{v1}");
}

/// The row of a month in the trend table of a page.
fn trend_row<'a>(html: &'a str, month: &str) -> &'a str {
    let at = html
        .find(&format!(">{month}</a>"))
        .unwrap_or_else(|| panic!("{month} not in the trend table"));
    let end = at + html[at..].find("</tr>").unwrap();
    &html[at..end]
}

/// The rows of the key-figures table of a report.json.
fn key_figure_rows(r: &mut serde_json::Value) -> &mut Vec<serde_json::Value> {
    let t = r["sections"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .filter_map(|s| s.get_mut("blocks").and_then(|b| b.as_array_mut()))
        .flatten()
        .find(|b| b["id"] == "key_figures")
        .unwrap();
    t["rows"].as_array_mut().unwrap()
}

#[test]
fn the_trend_finds_its_figures_by_key_not_by_label_and_the_model_reads_back() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, site) = archive(tmp.path());
    let json = tmp.path().join("out/monthly-2023-06.report.json");
    let text = read(&json);
    // The site reads the typed model: report.json reads back to the same bytes.
    let model: baocao::report::model::Report = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_string_pretty(&model).unwrap() + "\n", text);
    let june = read(&site.join("reports/monthly-2023-06.html"));
    let row = trend_row(&june, "T6/2023");
    assert!(row.contains(">96,57%<") && row.contains(">22,45%<"), "{row}");
    // Other words for both rates the trend reads: it still finds them, by their keys.
    let mut r: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut renamed = 0;
    for (i, row) in key_figure_rows(&mut r).iter_mut().enumerate() {
        if row["key"] == "on_time" || row["key"] == "online_intake" {
            row["cells"][0] = format!("Chỉ tiêu đổi tên {i}").into();
            renamed += 1;
        }
    }
    assert_eq!(renamed, 2, "the rows of on_time and online_intake carry their keys");
    std::fs::write(&json, serde_json::to_string_pretty(&r).unwrap() + "\n").unwrap();
    let rerun = || {
        let (code, out, err) = run(&[
            "--db",
            db.to_str().unwrap(),
            "site",
            "--out",
            site.to_str().unwrap(),
            "--drafts",
        ]);
        assert_eq!(code, 0, "{out}{err}");
        read(&site.join("reports/monthly-2023-06.html"))
    };
    let june = rerun();
    assert!(june.contains("Chỉ tiêu đổi tên"), "the renamed rows are printed");
    let row = trend_row(&june, "T6/2023");
    assert!(row.contains(">96,57%<") && row.contains(">22,45%<"), "{row}");
    assert!(!row.contains("không có trong báo cáo"), "{row}");
    assert!(
        june.contains(">96,57%</text>") && june.contains(">22,45%</text>"),
        "the chart's points"
    );
    // Without its key, a row is not found, whatever its words.
    for row in key_figure_rows(&mut r).iter_mut().filter(|row| row["key"] == "on_time") {
        row.as_object_mut().unwrap().remove("key");
        row["cells"][0] = "Tỷ lệ đúng hạn, trước hạn".into();
    }
    std::fs::write(&json, serde_json::to_string_pretty(&r).unwrap() + "\n").unwrap();
    let june = rerun();
    let row = trend_row(&june, "T6/2023");
    assert!(
        row.contains(">không có trong báo cáo<") && row.contains(">22,45%<"),
        "{row}"
    );
    // A report.json written before the rows carried keys: its figures are there, so the page
    // says how to read them instead of "not in the report".
    for row in key_figure_rows(&mut r).iter_mut() {
        row.as_object_mut().unwrap().remove("key");
    }
    std::fs::write(&json, serde_json::to_string_pretty(&r).unwrap() + "\n").unwrap();
    let row = trend_row(&rerun(), "T6/2023").to_string();
    assert!(
        row.contains("lập lại báo cáo tháng này") && !row.contains("không có trong báo cáo"),
        "{row}"
    );
}

/// Runs headless Chromium on a page; returns its stdout.
fn chromium(args: &[&str], page: &Path) -> String {
    let url = format!("file://{}", page.display());
    let o = Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"])
        .args(args)
        .arg(&url)
        .output()
        .expect("run chromium");
    assert!(o.status.success(), "chromium: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn has_chromium() -> bool {
    Command::new("chromium")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn a_real_browser_shows_the_published_figures() {
    if !has_chromium() {
        assert!(
            std::env::var_os("BAOCAO_NO_CHROMIUM").is_some_and(|v| v == "1"),
            "chromium is needed for this test: apt-get install chromium (make test-tools), \
             or set BAOCAO_NO_CHROMIUM=1 to leave the browser check out"
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (_, site) = archive(tmp.path());
    let page = site.join("reports/monthly-2023-06.html");
    let dom = chromium(&["--dump-dom"], &page);
    for figure in [
        "21.969",
        "96,57%",
        "22,45%",
        "Tình hình, kết quả giải quyết thủ tục hành chính tháng 6 năm 2023",
    ] {
        assert!(dom.contains(figure), "{figure} not in the DOM");
    }
    assert!(dom.contains("<svg") && dom.contains("scope=\"row\""));
    let index_dom = chromium(&["--dump-dom"], &site.join("index.html"));
    assert!(index_dom.contains("Danh sách báo cáo"), "{index_dom}");
    // The print stylesheet gives a printable A4 document.
    let printed = tmp.path().join("printed.pdf");
    chromium(
        &[
            "--no-pdf-header-footer",
            &format!("--print-to-pdf={}", printed.display()),
        ],
        &page,
    );
    let pdf = std::fs::read(&printed).unwrap();
    assert!(pdf.starts_with(b"%PDF-") && pdf.len() > 20_000, "{} bytes", pdf.len());
    // The browser draws both pages (the pictures of docs/ are `make pictures`).
    for (name, p) in [("site-index.png", site.join("index.html")), ("site-report.png", page)] {
        let png = tmp.path().join(name);
        chromium(
            &[&format!("--screenshot={}", png.display()), "--window-size=1280,1600"],
            &p,
        );
        let bytes = std::fs::read(&png).unwrap();
        assert!(
            bytes.starts_with(b"\x89PNG") && bytes.len() > 20_000,
            "{name}: {} bytes",
            bytes.len()
        );
    }
}
