//! The formats officials work in: the fonts built into the binary, the II.06a workbook
//! (read back with calamine and opened by LibreOffice), the Word draft (converted by
//! LibreOffice), byte-identical re-writes, and `regenerate` over every output.

use crate::common::*;
use calamine::{Data, Reader, Xlsx};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn typst_bin() -> String {
    std::env::var("BAOCAO_TYPST")
        .unwrap_or_else(|_| format!("{}/.cache/baocao/tools/bin/typst", std::env::var("HOME").unwrap()))
}

/// Ingests a fixture and renders one report in every format into `dir/out` (with `env`
/// set); returns the output stem path (`…/out/monthly-2023-06`).
fn render(dir: &Path, fixture_dir: &str, global: &[&str], args: &[&str], env: &[(&str, &str)]) -> PathBuf {
    let db = dir.join("f.duckdb");
    if !db.exists() {
        let (code, _, err) = run(&[
            "--db",
            db.to_str().unwrap(),
            "ingest",
            fixture(fixture_dir).to_str().unwrap(),
        ]);
        assert!(code <= 1, "{err}");
    }
    let cfg = fixture(&format!("{fixture_dir}/baocao.toml"));
    let out = dir.join("out");
    let mut all = vec!["--db", db.to_str().unwrap(), "--config", cfg.to_str().unwrap()];
    all.extend_from_slice(global);
    all.push("report");
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", out.to_str().unwrap()]);
    let o = Command::new(bin())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(&all)
        .env("BAOCAO_TODAY", "2026-11-22")
        .env("BAOCAO_TYPST", typst_bin())
        .envs(env.iter().copied())
        .output()
        .expect("run baocao");
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let pdf = PathBuf::from(stdout.lines().next().unwrap());
    pdf.with_extension("")
}

fn with_ext(stem: &Path, ext: &str) -> PathBuf {
    PathBuf::from(format!("{}.{ext}", stem.display()))
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// LibreOffice headless with a private profile (parallel tests would share one).
fn soffice(args: &[&str], profile: &Path) -> String {
    let o = Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .arg("--headless")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("soffice (LibreOffice) is needed for this test (make test-tools): {e}"));
    let all = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "soffice failed: {all}");
    all
}

fn pdftext(pdf: &Path) -> String {
    let o = Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (make test-tools)");
    assert!(o.status.success());
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const ALL: &[&str] = &["--formats", "pdf,xlsx,docx"];

#[test]
fn both_renderers_use_the_fonts_built_into_the_binary() {
    let tmp = tempfile::tempdir().unwrap();
    // An empty home: no cached fonts, and the fixtures' configurations name no fonts_dir.
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let home_s = home.to_str().unwrap();
    let repo_fonts = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
    let faces = [
        "LiberationSerif-Regular.ttf",
        "LiberationSerif-Bold.ttf",
        "LiberationSerif-Italic.ttf",
        "LiberationSerif-BoldItalic.ttf",
    ];
    let expected: Vec<(String, String)> = faces
        .iter()
        .map(|f| {
            (
                f.to_string(),
                baocao::fsx::sha256(&std::fs::read(repo_fonts.join(f)).unwrap()),
            )
        })
        .collect();
    let mut hashes = Vec::new();
    for renderer in ["builtin", "typst"] {
        let d = tmp.path().join(renderer);
        let stem = render(
            &d,
            "nghe-an-2023-06",
            &["--renderer", renderer],
            &["monthly", "--period", "2023-06"],
            &[("HOME", home_s)],
        );
        let m = json(&with_ext(&stem, "manifest.json"));
        assert_eq!(m["renderer"], renderer);
        let fonts: Vec<(String, String)> = m["fonts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h["name"].as_str().unwrap().to_string(),
                    h["sha256"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(fonts, expected, "{renderer}: the manifest hashes the embedded fonts");
        hashes.push(fonts);
        let o = Command::new("pdffonts")
            .arg(with_ext(&stem, "pdf"))
            .output()
            .expect("pdffonts");
        let list = String::from_utf8_lossy(&o.stdout);
        assert!(list.contains("LiberationSerif"), "{renderer}: {list}");
    }
    // Typst read the embedded fonts written once to the cache folder: the same bytes.
    let cache: Vec<PathBuf> = std::fs::read_dir(home.join(".cache/baocao"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("fonts-"))
        .collect();
    assert_eq!(cache.len(), 1, "{cache:?}");
    for f in faces {
        assert_eq!(
            std::fs::read(cache[0].join(f)).unwrap(),
            std::fs::read(repo_fonts.join(f)).unwrap(),
            "{f}"
        );
    }
    assert!(
        cache[0].join("LICENSE-OFL-1.1.txt").is_file(),
        "the licence ships with the fonts"
    );
}

/// The cell at (row, col) as a number, if it is one.
fn number(d: &Data) -> Option<f64> {
    match d {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        _ => None,
    }
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// Every II.06a row of the JSON is a row of the sheet: STT, name and the eleven figures
/// as numbers equal to the model's counts and to its printed cells.
fn check_form(wb: &mut Xlsx<std::io::BufReader<std::fs::File>>, sheet: &str, rows: &[Value]) {
    let range = wb
        .worksheet_range(sheet)
        .unwrap_or_else(|e| panic!("sheet {sheet}: {e}"));
    let (r0, _) = range.start().unwrap();
    let cell = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    // Row 9 (0-based 8) carries the column numbers (1)…(n).
    assert!(!rows.is_empty());
    let n = rows[0]["counts"].as_array().unwrap().len();
    assert_eq!(text(&cell(8, 0)), "(1)", "{sheet}");
    assert_eq!(text(&cell(8, 1 + n as u32)), format!("({})", n + 2), "{sheet}");
    assert_eq!(r0, 0);
    for (i, row) in rows.iter().enumerate() {
        let y = 9 + i as u32;
        assert_eq!(text(&cell(y, 0)), row["stt"].as_str().unwrap(), "{sheet} row {y}");
        assert_eq!(text(&cell(y, 1)), row["name"].as_str().unwrap(), "{sheet} row {y}");
        let counts = row["counts"].as_array().unwrap();
        let cells = row["cells"].as_array().unwrap();
        assert_eq!(counts.len(), n);
        for (c, (n, printed)) in counts.iter().zip(cells).enumerate() {
            let v = cell(y, 2 + c as u32);
            let got = number(&v).unwrap_or_else(|| panic!("{sheet} ({y},{}) is not a number: {v:?}", 2 + c));
            assert_eq!(got, n.as_i64().unwrap() as f64, "{sheet} ({y},{})", 2 + c);
            let digits: String = printed
                .as_str()
                .unwrap()
                .chars()
                .filter(|c| c.is_ascii_digit())
                .collect();
            assert_eq!(
                digits,
                n.as_i64().unwrap().to_string(),
                "the printed cell says the same"
            );
        }
    }
    assert_eq!(
        cell(9 + rows.len() as u32, 2),
        Data::Empty,
        "{sheet}: no row beyond the JSON's"
    );
}

#[test]
fn the_workbook_holds_the_form_as_numbers_and_is_reproducible() {
    let tmp = tempfile::tempdir().unwrap();
    for (fixture_dir, args) in [
        ("nghe-an-2023-06", &["monthly", "--period", "2023-06"][..]),
        ("ba-ria-vung-tau-2023", &["annual", "--year", "2023"][..]),
    ] {
        let d = tmp.path().join(fixture_dir);
        let stem = render(&d, fixture_dir, ALL, args, &[]);
        let report = json(&with_ext(&stem, "report.json"));
        let forms = report["appendices"].as_array().unwrap();
        let xlsx = with_ext(&stem, "xlsx");
        let mut wb: Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
        let names = wb.sheet_names();
        assert_eq!(names[0], "II.06a", "{names:?}");
        // One sheet per form (II.06a's fields apart), then per table and chart, in print order.
        let mut want = Vec::new();
        let mut sheets = Vec::new();
        for f in forms {
            let rows = f["rows"].as_array().unwrap().clone();
            let sheet = f["sheet"].as_str().unwrap().to_string();
            match rows.iter().position(|r| r["counts"].as_array().unwrap().is_empty()) {
                Some(s) => {
                    want.push(sheet.clone());
                    sheets.push((sheet, rows[..s].to_vec()));
                    want.push("Theo lĩnh vực".to_string());
                    sheets.push(("Theo lĩnh vực".to_string(), rows[s + 1..].to_vec()));
                }
                None => {
                    want.push(sheet.clone());
                    sheets.push((sheet, rows));
                }
            }
        }
        let form_sheets = want.len();
        let mut charts = 0;
        for b in crate::common::blocks(&report) {
            want.push(match b["id"].as_str() {
                Some("key_figures") => "Số liệu chính".into(),
                Some("targets") => "Chỉ tiêu".into(),
                Some("index766") => "Chỉ số 766".into(),
                Some("ranking") => "Xếp hạng đơn vị".into(),
                Some("ranking766") => "Xếp hạng 766".into(),
                Some(other) => panic!("unexpected table {other}"),
                None => {
                    charts += 1;
                    format!("Biểu đồ {charts}")
                }
            });
        }
        assert_eq!(names, want);
        // A chart's sheet carries its bars: label and printed value.
        let chart = crate::common::blocks(&report)
            .into_iter()
            .find(|b| b["type"] == "chart")
            .unwrap();
        let r = wb.worksheet_range("Biểu đồ 1").unwrap();
        let bar = &chart["bars"][0];
        assert_eq!(text(r.get_value((1, 0)).unwrap()), bar["label"].as_str().unwrap());
        assert_eq!(text(r.get_value((1, 1)).unwrap()), bar["value"].as_str().unwrap());
        let head = wb.worksheet_range("II.06a").unwrap();
        let at = |r: u32, c: u32| text(head.get_value((r, c)).unwrap_or(&Data::Empty));
        assert_eq!(at(0, 0), "Biểu số II.06a/VPCP/KSTT");
        assert_eq!(at(2, 0), forms[0]["title"].as_str().unwrap());
        assert_eq!(at(3, 0), forms[0]["period_line"].as_str().unwrap());
        assert_eq!(at(4, 9), "Đơn vị tính: Số hồ sơ TTHC");
        assert_eq!(at(0, 9), forms[0]["reporting_unit"].as_str().unwrap());
        for (sheet, rows) in &sheets {
            check_form(&mut wb, sheet, rows);
        }
        // Each table's sheet prints the model's rows, word for word.
        for b in crate::common::blocks(&report).iter().filter(|b| b["type"] == "table") {
            let sheet = &want[crate::common::blocks(&report).iter().position(|x| x == b).unwrap() + form_sheets];
            let r = wb.worksheet_range(sheet).unwrap();
            let sheet_rows: Vec<Vec<String>> = r.rows().map(|row| row.iter().map(text).collect()).collect();
            for row in b["rows"].as_array().unwrap() {
                let cells: Vec<String> = row["cells"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_str().unwrap().to_string())
                    .collect();
                assert!(
                    sheet_rows
                        .iter()
                        .any(|s| s.len() >= cells.len() && s[..cells.len()] == cells[..]),
                    "{sheet}: {cells:?}"
                );
            }
        }

        // The same model twice: the same bytes, in both formats.
        let again = render(
            &tmp.path().join(format!("{fixture_dir}-again")),
            fixture_dir,
            ALL,
            args,
            &[],
        );
        for ext in ["xlsx", "docx"] {
            let a = std::fs::read(with_ext(&stem, ext)).unwrap();
            let b = std::fs::read(with_ext(&again, ext)).unwrap();
            assert!(a.len() > 1000, "{ext}");
            assert!(a == b, "{fixture_dir}: the {ext} differs between two runs");
        }
    }
}

#[test]
fn libreoffice_opens_the_workbook_and_the_draft() {
    let tmp = tempfile::tempdir().unwrap();
    let stem = render(
        tmp.path(),
        "nghe-an-2023-06",
        ALL,
        &["monthly", "--period", "2023-06"],
        &[],
    );
    let report = json(&with_ext(&stem, "report.json"));
    let profile = tmp.path().join("lo-profile");
    let conv = tmp.path().join("conv");
    let conv_s = conv.to_str().unwrap();

    // The workbook: its first sheet as CSV, the totals row carrying the form's figures.
    soffice(
        &[
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
            conv_s,
            with_ext(&stem, "xlsx").to_str().unwrap(),
        ],
        &profile,
    );
    let csv = std::fs::read_to_string(conv.join("monthly-2023-06.csv")).unwrap();
    let total = &report["appendices"][0]["rows"][0];
    assert_eq!(total["name"], "TỔNG CỘNG");
    let line = csv
        .lines()
        .find(|l| l.contains("TỔNG CỘNG"))
        .unwrap_or_else(|| panic!("no totals row:\n{csv}"));
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(line.as_bytes());
    let fields: Vec<String> = rdr
        .records()
        .next()
        .unwrap()
        .unwrap()
        .iter()
        .map(String::from)
        .collect();
    let got: Vec<i64> = fields[2..13]
        .iter()
        .map(|f| {
            f.replace([',', '.'], "")
                .parse()
                .unwrap_or_else(|_| panic!("not a figure: {f} in {line}"))
        })
        .collect();
    let want: Vec<i64> = total["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert_eq!(got, want, "{line}");

    // The draft: converted to PDF, its text holds the published figures and the diacritics.
    soffice(
        &[
            "--convert-to",
            "pdf",
            "--outdir",
            conv_s,
            with_ext(&stem, "docx").to_str().unwrap(),
        ],
        &profile,
    );
    let pdf = conv.join("monthly-2023-06.pdf");
    let text = pdftext(&pdf);
    for needle in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Nơi nhận:",
        "Biểu số II.06a/VPCP/KSTT",
        report["header"]["subject"].as_str().unwrap(),
        report["closing"]["signer_name"].as_str().unwrap(),
    ] {
        assert!(text.contains(needle), "{needle} not in the draft");
    }
    for c in total["cells"].as_array().unwrap() {
        assert!(text.contains(c.as_str().unwrap()), "total {c} not in the draft");
    }
    let key = crate::common::blocks(&report)
        .into_iter()
        .find(|b| b["id"] == "key_figures")
        .unwrap();
    for row in key["rows"].as_array().unwrap() {
        assert!(
            text.contains(row["cells"][1].as_str().unwrap()),
            "key figure {row} not in the draft"
        );
    }
    // A4 portrait pages, then the landscape appendix; no page number on page 1.
    let o = Command::new("pdfinfo")
        .args(["-f", "1", "-l", "99"])
        .arg(&pdf)
        .output()
        .expect("pdfinfo");
    let info = String::from_utf8_lossy(&o.stdout);
    let sizes: Vec<&str> = info
        .lines()
        .filter(|l| l.starts_with("Page") && l.contains("size:"))
        .collect();
    assert!(sizes.first().unwrap().contains("595.304 x 841.89"), "{info}");
    assert!(sizes.last().unwrap().contains("841.89 x 595.304"), "{info}");
    let first_page = text.split('\u{c}').next().unwrap();
    let second_page = text.split('\u{c}').nth(1).unwrap();
    assert!(
        second_page.lines().find(|l| !l.trim().is_empty()).unwrap().trim() == "2",
        "page 2 is numbered"
    );
    assert!(
        first_page.lines().find(|l| !l.trim().is_empty()).unwrap().trim() != "1",
        "page 1 is not"
    );
}

#[test]
fn regenerate_checks_every_output_of_the_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let stem = render(
        tmp.path(),
        "nghe-an-2023-06",
        ALL,
        &["monthly", "--period", "2023-06"],
        &[],
    );
    let mpath = with_ext(&stem, "manifest.json");
    let mut m = json(&mpath);
    assert_eq!(
        m["config"]["report"]["formats"],
        serde_json::json!(["pdf", "xlsx", "docx"])
    );
    let outputs: Vec<&str> = m["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(outputs, ["monthly-2023-06.xlsx", "monthly-2023-06.docx"]);
    for h in m["outputs"].as_array().unwrap() {
        let file = stem.with_file_name(h["name"].as_str().unwrap());
        assert_eq!(
            baocao::fsx::sha256_file(&file).unwrap().0,
            h["sha256"].as_str().unwrap()
        );
    }
    let regen = |p: &Path| {
        run_in(
            &["regenerate", p.to_str().unwrap()],
            Path::new(env!("CARGO_MANIFEST_DIR")),
        )
    };
    let (code, out, err) = regen(&mpath);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("MATCH"), "{out}");
    // A workbook that does not come out the same is a mismatch, named.
    m["outputs"][0]["sha256"] = Value::String("0".repeat(64));
    std::fs::write(&mpath, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    let (code, out, _) = regen(&mpath);
    assert_ne!(code, 0, "{out}");
    assert!(
        out.contains("MISMATCH") && out.contains("output monthly-2023-06.xlsx differs"),
        "{out}"
    );
}
