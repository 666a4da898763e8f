//! PDF reports with Typst: published figures in the text, fonts embedded, valid PDF/A,
//! byte-identical re-renders, literal printing of hostile names, clear failures.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn tool(name: &str, args: &[&str]) -> (bool, String) {
    let o = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} is needed for this test (make test-tools): {e}"));
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr),
    )
}

fn text_of(pdf: &Path) -> String {
    let (ok, out) = tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    assert!(ok, "{out}");
    out
}

/// Ingests a fixture folder and renders one report; returns the PDF path.
fn render(dir: &Path, fixture_dir: &str, args: &[&str]) -> PathBuf {
    let db = dir.join("r.duckdb");
    let db_s = db.to_str().unwrap().to_string();
    if !db.exists() {
        let (code, _, err) = run(&["--db", &db_s, "ingest", fixture(fixture_dir).to_str().unwrap()]);
        assert!(code <= 1, "{err}");
    }
    let cfg = fixture(&format!("{fixture_dir}/baocao.toml"));
    let out = dir.join("out");
    let mut all = vec!["--db", &db_s, "--config", cfg.to_str().unwrap(), "report"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", out.to_str().unwrap()]);
    let (code, stdout, err) = run_in(&all, Path::new(env!("CARGO_MANIFEST_DIR")));
    assert_eq!(code, 0, "{err}");
    PathBuf::from(stdout.lines().next().unwrap())
}

fn check_pdf(pdf: &Path) {
    let (ok, out) = tool("qpdf", &["--check", pdf.to_str().unwrap()]);
    assert!(ok, "qpdf --check: {out}");
    let (ok, fonts) = tool("pdffonts", &[pdf.to_str().unwrap()]);
    assert!(ok, "{fonts}");
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for r in rows {
        assert!(r.contains("LiberationSerif"), "only Liberation Serif: {r}");
        let cols: Vec<&str> = r.split_whitespace().collect();
        // name type encoding emb sub uni object ID
        assert_eq!(cols[cols.len() - 5], "yes", "font not embedded: {r}");
    }
}

#[test]
fn monthly_report_prints_the_published_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let pdf = render(tmp.path(), "nghe-an-2023-06", &["monthly", "--period", "2023-06"]);
    assert!(pdf.ends_with("monthly-2023-06.pdf"));
    assert!(pdf.with_file_name("monthly-2023-06.report.json").exists());
    let t = text_of(&pdf);
    for s in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN",
        "TỈNH NGHỆ AN",
        "Nghệ An, ngày 15 tháng 6 năm 2023",
        "BÁO CÁO",
        "Từ ngày 15/5/2023 đến ngày 14/6/2023",
        "21.969",
        "17.789",
        "3.993",
        "4.180",
        "16.840",
        "16.263",
        "96,57%",
        "577",
        "4.707",
        "101",
        "270",
        "99,05%",
        "35,13%",
        "97,47%",
        "81,18%",
        "Biểu số II.06a/VPCP/KSTT",
        "Đơn vị tính: Số hồ sơ TTHC",
        "Nơi nhận:",
        "Lưu: VT, KSTT.",
        "PHÓ CHỦ TỊCH",
    ] {
        assert!(t.contains(s), "monthly PDF lacks {s:?}");
    }
    check_pdf(&pdf);
    // Rendering again gives the same bytes.
    let first = std::fs::read(&pdf).unwrap();
    let again = render(tmp.path(), "nghe-an-2023-06", &["monthly", "--period", "2023-06"]);
    assert_eq!(first, std::fs::read(again).unwrap(), "re-render differs");
}

#[test]
fn annual_review_prints_targets_and_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let pdf = render(tmp.path(), "ba-ria-vung-tau-2023", &["annual", "--year", "2023"]);
    let t = text_of(&pdf);
    for s in [
        "TỈNH BÀ RỊA - VŨNG TÀU",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "98,80%",
        "87,06%",
        "95,50%",
        "78,90%",
        "35/39 chỉ tiêu đạt và vượt",
        "82/82 (100,00%)",
        "333",
        "Tổng cộng: 37/41 chỉ tiêu đạt và vượt",
        "766/QĐ-TTg",
        "Biểu số II.06a/VPCP/KSTT",
    ] {
        assert!(t.contains(s), "annual PDF lacks {s:?}");
    }
    check_pdf(&pdf);
}

#[test]
fn hostile_names_print_literally_and_long_appendix_repeats_headers() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut csv = String::from(
        "Mã hồ sơ,Cơ quan giải quyết,Cấp,Trạng thái,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Hình thức nộp\n",
    );
    csv.push_str("H1,#set page(fill: red),tinh,10,20/05/2023,30/05/2023,25/05/2023,2\n");
    csv.push_str("H2,\"$x$ ] #panic(\"\"boom\"\")\",tinh,4,20/05/2023,30/05/2023,,1\n");
    for i in 0..200 {
        csv.push_str(&format!(
            "U{i},UBND xã Số {i:03},xa,10,20/05/2023,30/05/2023,29/05/2023,1\n"
        ));
    }
    let db = ingest_text(dir, "hostile.csv", &csv);
    let cfg = config_without_catalogue(dir);
    let (code, stdout, err) = report(&db, &cfg, &[], &["monthly", "--period", "2023-06"], &dir.join("out"));
    // The rows' dates cover a few days of the month: said in the report, exit 1.
    assert_eq!(code, 1, "{err}");
    let pdf = PathBuf::from(stdout.lines().next().unwrap());
    let t = text_of(&pdf);
    assert!(t.contains("#set page(fill: red)"), "injected name not literal");
    assert!(t.contains("$x$ ] #panic(\"boom\")"), "injected name not literal");
    assert!(t.contains("UBND xã Số 199"));
    // The appendix spans several landscape pages, each with the three-level header.
    let pages: Vec<&str> = t.split('\u{c}').collect();
    let with_header = pages
        .iter()
        .filter(|p| p.contains("Số hồ sơ nhận giải quyết") && p.contains("(13)"))
        .count();
    assert!(with_header >= 3, "header repeated on {with_header} pages");
    check_pdf(&pdf);
}

#[test]
fn missing_typst_or_font_is_exit_5_with_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("e.duckdb");
    let db_s = db.to_str().unwrap();
    let out = tmp.path().join("out");
    let o = Command::new(bin())
        .args([
            "--db",
            db_s,
            "--config",
            issued_config(tmp.path()).to_str().unwrap(),
            // Asked for Typst explicitly: no fallback (auto would use the built-in renderer).
            "--renderer",
            "typst",
            "report",
            "monthly",
            "--period",
            "2023-06",
            "--out",
            out.to_str().unwrap(),
        ])
        .env("BAOCAO_TYPST", "/nonexistent/typst")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&o.stderr).contains("typst 0.15.1 not found"));
    let cfg = tmp.path().join("baocao.toml");
    std::fs::write(
        &cfg,
        issued(&format!("[report]\nfonts_dir = \"{}\"\n", tmp.path().display())),
    )
    .unwrap();
    let (code, _, err) = run(&[
        "--db",
        db_s,
        "--config",
        cfg.to_str().unwrap(),
        "report",
        "monthly",
        "--period",
        "2023-06",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 5, "{err}");
    assert!(
        err.contains("LiberationSerif-Regular.ttf") && err.contains("fonts-liberation2"),
        "{err}"
    );
    assert!(!out.join("monthly-2023-06.pdf").exists());
}

#[test]
fn department_level_report_shows_only_that_agency() {
    let tmp = tempfile::tempdir().unwrap();
    let pdf = render(
        tmp.path(),
        "nghe-an-2023-06",
        &["monthly", "--period", "2023-06", "--unit", "Sở Y tế"],
    );
    let name = pdf.file_name().unwrap().to_str().unwrap().to_string();
    assert!(
        name.starts_with("monthly-2023-06-so-y-te-") && name.ends_with(".pdf"),
        "{name}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(pdf.with_extension("report.json")).unwrap()).unwrap();
    assert!(json["header"]["subject"].as_str().unwrap().ends_with("của Sở Y tế"));
    let t = text_of(&pdf);
    // Sở Y tế received 800 dossiers, 281 online (35,13%): the province totals are absent.
    assert!(t.contains("35,13%") && t.contains("281"), "{t}");
    assert!(!t.contains("21.969"));
}

#[test]
fn a_year_straddling_the_2025_merger_is_issued_by_the_successor_with_a_footnote() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let csv = "Mã hồ sơ,Cơ quan giải quyết,Cấp,Trạng thái,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Hình thức nộp\n\
               A,Sở Y tế,tinh,10,20/05/2025,30/05/2025,25/05/2025,2\nB,Sở Y tế,tinh,10,20/08/2025,30/08/2025,25/08/2025,1\n";
    let db = ingest_text(dir, "2025.csv", csv);
    // The province's configuration without its 2023 targets (a targets file must match the year).
    let text = std::fs::read_to_string(fixture("ba-ria-vung-tau-2023/baocao.toml")).unwrap();
    let cfg = dir.join("baocao.toml");
    std::fs::write(&cfg, text.replace("targets = \"targets-2023.toml\"", "")).unwrap();
    let (code, stdout, err) = report(&db, &cfg, &[], &["annual", "--year", "2025"], &dir.join("out"));
    // Two dossiers do not cover the year: said, exit 1.
    assert_eq!(code, 1, "{err}");
    let t = text_of(&PathBuf::from(stdout.lines().next().unwrap()));
    assert!(t.contains("THÀNH PHỐ HỒ CHÍ MINH"), "{t}");
    assert!(t.contains("Thành phố Hồ Chí Minh, ngày 01 tháng 01 năm"), "{t}");
    assert!(t.contains("202/2025/QH15"), "{t}");
}
