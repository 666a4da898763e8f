//! The built-in renderer: same figures as the Typst PDFs, fonts embedded as subsets,
//! valid PDF, byte-identical re-renders, pagination with repeated headers, no blanks for
//! missing glyphs, and the automatic fallback when typst is absent.

use crate::common::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn pdftext(pdf: &Path) -> String {
    let o = Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (make test-tools)");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Every formatted figure of a text: 21.969, 96,57%, 1.978/1.997 …
fn figures(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut cur = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() || ((c == '.' || c == ',' || c == '%') && !cur.is_empty()) {
            cur.push(c);
        } else {
            let t = cur.trim_end_matches(['.', ',']).to_string();
            if t.contains(['.', ',', '%']) {
                out.insert(t);
            }
            cur.clear();
        }
    }
    out
}

fn render(
    dir: &Path,
    fixture_dir: &str,
    renderer: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> (i32, PathBuf, String) {
    let db = dir.join(format!("{}.duckdb", fixture_dir));
    let db_s = db.to_str().unwrap().to_string();
    if !db.exists() {
        let (code, _, err) = run(&["--db", &db_s, "ingest", fixture(fixture_dir).to_str().unwrap()]);
        assert!(code <= 1, "{err}");
    }
    let cfg = fixture(&format!("{fixture_dir}/baocao.toml"));
    let out = dir.join(format!("out-{renderer}"));
    let mut all = vec![
        "--db",
        &db_s,
        "--config",
        cfg.to_str().unwrap(),
        "--renderer",
        renderer,
        "report",
    ];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", out.to_str().unwrap()]);
    let mut cmd = Command::new(bin());
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(&all)
        .env("BAOCAO_TODAY", "2026-11-22");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    let pdf = PathBuf::from(stdout.lines().next().unwrap_or(""));
    (
        o.status.code().unwrap_or(-1),
        pdf,
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn check(pdf: &Path) {
    let o = Command::new("qpdf")
        .args(["--check", pdf.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "qpdf: {}", String::from_utf8_lossy(&o.stdout));
    let f = String::from_utf8_lossy(&Command::new("pdffonts").arg(pdf).output().unwrap().stdout).into_owned();
    let rows: Vec<&str> = f.lines().skip(2).collect();
    assert_eq!(rows.len(), 4, "{f}");
    for r in rows {
        let c: Vec<&str> = r.split_whitespace().collect();
        assert!(
            c[0].contains('+') && c[0].contains("LiberationSerif"),
            "a subset of Liberation Serif: {r}"
        );
        assert_eq!(
            (c[c.len() - 5], c[c.len() - 4]),
            ("yes", "yes"),
            "embedded and subset: {r}"
        );
    }
}

#[test]
fn builtin_reports_carry_the_same_figures_as_typst() {
    let tmp = tempfile::tempdir().unwrap();
    for (fx, args, must) in [
        (
            "nghe-an-2023-06",
            &["monthly", "--period", "2023-06"][..],
            &[
                "21.969",
                "96,57%",
                "99,05%",
                "35,13%",
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Độc lập - Tự do - Hạnh phúc",
                "Biểu số II.06a/VPCP/KSTT",
            ][..],
        ),
        (
            "ba-ria-vung-tau-2023",
            &["annual", "--year", "2023"][..],
            &[
                "98,80%",
                "87,06%",
                "95,50%",
                "78,90%",
                "35/39 chỉ tiêu đạt và vượt",
                "82/82 (100,00%)",
                "TỈNH BÀ RỊA - VŨNG TÀU",
            ][..],
        ),
    ] {
        let (code, typst_pdf, err) = render(tmp.path(), fx, "typst", args, &[]);
        assert_eq!(code, 0, "{err}");
        let (code, builtin_pdf, err) = render(tmp.path(), fx, "builtin", args, &[]);
        assert_eq!(code, 0, "{err}");
        let (t, b) = (pdftext(&typst_pdf), pdftext(&builtin_pdf));
        for s in must {
            assert!(b.contains(s), "{fx}: built-in PDF lacks {s:?}");
        }
        let (ft, fb) = (figures(&t), figures(&b));
        assert!(ft.len() > 50, "{fx}: {ft:?}");
        assert_eq!(
            ft.difference(&fb).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "{fx}: figures only in the Typst PDF"
        );
        assert_eq!(
            fb.difference(&ft).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "{fx}: figures only in the built-in PDF"
        );
        check(&builtin_pdf);
        let first = std::fs::read(&builtin_pdf).unwrap();
        let (_, again, _) = render(tmp.path(), fx, "builtin", args, &[]);
        assert_eq!(first, std::fs::read(again).unwrap(), "{fx}: re-render differs");
        let m: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(builtin_pdf.with_extension("manifest.json")).unwrap())
                .unwrap();
        assert_eq!(m["renderer"], "builtin");
    }
}

#[test]
fn builtin_appendix_paginates_and_missing_glyphs_fail() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let mut csv = String::from(
        "Mã hồ sơ,Cơ quan giải quyết,Cấp,Trạng thái,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Hình thức nộp\n",
    );
    for i in 0..200 {
        csv.push_str(&format!(
            "U{i},UBND xã Số {i:03},xa,10,20/05/2023,30/05/2023,29/05/2023,1\n"
        ));
    }
    let db = ingest_text(d, "units.csv", &csv);
    let cfg = config_without_catalogue(d);
    let builtin = ["--renderer", "builtin"];
    let monthly = ["monthly", "--period", "2023-06"];
    let (code, out, err) = report(&db, &cfg, &builtin, &monthly, &d.join("o1"));
    // The rows' dates cover one day of the month: the report says so, and exits 1.
    assert_eq!(code, 1, "{err}");
    let t = pdftext(Path::new(out.lines().next().unwrap()));
    let pages: Vec<&str> = t.split('\u{c}').collect();
    let with_header = pages
        .iter()
        .filter(|p| p.contains("Số hồ sơ nhận giải quyết") && p.contains("(13)"))
        .count();
    assert!(with_header >= 3, "header on {with_header} pages");
    assert!(t.contains("UBND xã Số 199"));
    // A character Liberation Serif does not have: an error, never a blank.
    let cjk = d.join("cjk.csv");
    std::fs::write(
        &cjk,
        "Mã hồ sơ,Cơ quan giải quyết,Trạng thái,Ngày tiếp nhận\nZ,Sở 漢字,4,20/05/2023\n",
    )
    .unwrap();
    let (code, _, err) = run(&["--db", db.to_str().unwrap(), "ingest", cjk.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = report(&db, &cfg, &builtin, &monthly, &d.join("o2"));
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("no glyph") && err.contains("漢"), "{err}");
}

#[test]
fn auto_falls_back_to_builtin_without_typst_and_regenerates() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, pdf, err) = render(
        tmp.path(),
        "nghe-an-2023-06",
        "auto",
        &["monthly", "--period", "2023-06"],
        &[("BAOCAO_TYPST", "/nonexistent/typst")],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("built-in renderer"), "a warning says so: {err}");
    let manifest = pdf.with_extension("manifest.json");
    let m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    assert_eq!(m["renderer"], "builtin");
    let o = Command::new(bin())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["regenerate", manifest.to_str().unwrap()])
        .env("BAOCAO_TYPST", "/nonexistent/typst")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.starts_with("MATCH"), "{out}");
}
