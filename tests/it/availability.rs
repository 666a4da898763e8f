//! Absent is not zero: an export without a column (digitised, reuse, sync, service level…)
//! gives its rates "không có số liệu" (`percent: null`, `reason: "no_column"`), never 0 %, and
//! its 766 indicators are unscorable; with the column in only some files, the rate is over
//! the dossiers of those files and every output states the basis.

use super::common::{fixture, run, run_in};
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The reporting window of June 2023 (cut on the 15th), as an export's title block states it.
const WINDOW: &str = "Từ ngày 15/05/2023 đến ngày 14/06/2023";

/// Sở A's export: no HoSoCoThanhPhanSoHoa, TaiSuDungDuLieu, DaDongBoDVCQG, MucDo,
/// CoKetQuaDienTu or YeuCauKetQuaGiay. Received 4 (A1–A4), resolved 3 (A1 A2 A4); fee > 0:
/// A1 A2, paid online A1; rated A1 (satisfied) and A4 (dissatisfied).
const WITHOUT: &str = "MaHoSo,TenDonVi,CapDonVi,KenhThucHien,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy,LePhi,DuocThanhToanTrucTuyen,DanhGia
A1,Sở A,tinh,2,10,16/05/2023,30/05/2023,20/05/2023,50000,1,Hài lòng
A2,Sở A,tinh,1,10,17/05/2023,30/05/2023,01/06/2023,50000,0,
A3,Sở A,tinh,2,4,18/05/2023,30/06/2023,,0,0,
A4,Sở A,tinh,1,10,19/05/2023,25/05/2023,26/05/2023,0,0,Không hài lòng
";

fn write(dir: &Path, name: &str, body: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, format!("{WINDOW}\n{body}")).unwrap();
    p
}

fn ingest(db: &str, files: &[&Path]) {
    for f in files {
        let (code, _, err) = run(&["--db", db, "ingest", f.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
    }
}

fn metrics_json(db: &str) -> Value {
    let (code, out, err) = run(&["--db", db, "metrics", "--period", "2023-06", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

/// A target on the digitised rate.
const TARGETS: &str = r#"year = 2023
[[target]]
id = "CDS-05"
label = "Tỷ lệ số hóa hồ sơ"
metric = "digitised"
comparator = ">="
threshold = 60
set_by = "HĐND tỉnh"
"#;

/// The row of a target in the report's targets table.
fn target_row(report: &Value, id: &str) -> Vec<String> {
    let t = crate::common::blocks(report)
        .into_iter()
        .find(|b| b["id"] == "targets")
        .expect("targets table");
    let row = t["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["cells"][0] == id)
        .unwrap();
    row["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect()
}

/// Renders the monthly report (built-in renderer; PDF, XLSX, DOCX) with a target on the
/// digitised rate; returns the PDF path.
fn report(db: &str, out: &Path) -> PathBuf {
    let targets = out.with_extension("targets.toml");
    std::fs::write(&targets, TARGETS).unwrap();
    // The Nghệ An configuration without the catalogue's appendix (no catalogue is loaded).
    let text = std::fs::read_to_string(fixture("nghe-an-2023-06/baocao.toml")).unwrap();
    let cfg = out.with_extension("toml");
    std::fs::write(
        &cfg,
        text.replace(
            r#"appendices = ["ii06a", "ii06b", "ii07b"]"#,
            r#"appendices = ["ii06a"]"#,
        ),
    )
    .unwrap();
    let (code, stdout, err) = run_in(
        &[
            "--db",
            db,
            "--config",
            cfg.to_str().unwrap(),
            "--renderer",
            "builtin",
            "report",
            "monthly",
            "--period",
            "2023-06",
            "--out",
            out.to_str().unwrap(),
            "--targets",
            targets.to_str().unwrap(),
        ],
        Path::new(env!("CARGO_MANIFEST_DIR")),
    );
    assert_eq!(code, 0, "{err}");
    PathBuf::from(stdout.lines().next().unwrap())
}

/// The text of one part of a zip package (DOCX, XLSX).
fn zip_part(path: &Path, part: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    z.by_name(part).unwrap().read_to_string(&mut s).unwrap();
    s
}

fn pdf_text(pdf: &Path) -> String {
    let o = std::process::Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (make test-tools)");
    String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The key-figures cell of a row of report.json.
fn key_figure(report: &Value, label: &str) -> String {
    let t = crate::common::blocks(report)
        .into_iter()
        .find(|b| b["id"] == "key_figures")
        .expect("key figures");
    let row = t["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["cells"][0] == label)
        .unwrap_or_else(|| panic!("row {label}"));
    row["cells"][1].as_str().unwrap().to_string()
}

#[test]
fn an_export_without_a_column_gives_no_data_never_zero() {
    let tmp = tempfile::tempdir().unwrap();
    let f = write(tmp.path(), "a.csv", WITHOUT);
    let db = tmp.path().join("a.duckdb");
    let db = db.to_str().unwrap();
    ingest(db, &[&f]);
    let j = metrics_json(db);
    let rates = &j["rates"];
    // Received 4, none from a file with the columns: no data, the 4 are missing.
    for key in ["digitised", "reuse", "synced", "full_online"] {
        let r = &rates[key];
        assert!(r["percent"].is_null(), "{key}: {r}");
        assert_eq!(r["reason"], "no_column", "{key}");
        assert_eq!(
            (r["numerator"].as_i64(), r["denominator"].as_i64()),
            (Some(0), Some(0)),
            "{key}"
        );
        assert_eq!(r["missing"], 4, "{key}");
        let unit = &j["rates_by_unit"]["Sở A"][key];
        assert_eq!(unit["reason"], "no_column", "{key} of Sở A");
    }
    // Electronic results need both CoKetQuaDienTu and YeuCauKetQuaGiay: the 3 resolved.
    assert_eq!(rates["e_result"]["reason"], "no_column");
    assert_eq!(rates["e_result"]["missing"], 3);
    // The rates whose columns the file carried, or that need none, are as before.
    assert_eq!(rates["online_payment"]["percent"], 50.0);
    assert!(rates["online_payment"]["reason"].is_null());
    assert_eq!(rates["online_payment"]["missing"], 0);
    assert_eq!(rates["satisfaction"]["percent"], 50.0);
    assert_eq!(rates["on_time"]["denominator"], 3);
    assert_eq!(rates["on_time"]["missing"], 0);
    assert!(rates["on_time"]["reason"].is_null());
    // The 766 indicators built on them are unscorable, not 0 points: the score is partial.
    let idx = &j["index766"];
    for i in idx["indicators"].as_array().unwrap() {
        if ["digitised", "reuse", "synced", "e_result", "full_online"].contains(&i["metric"].as_str().unwrap()) {
            assert!(i["points"].is_null(), "{i}");
        }
    }
    assert_eq!(idx["complete"], false);
    assert!(idx["band"].is_null());
    // The metrics table says it, never "0%".
    let (code, table, err) = run(&["--db", db, "metrics", "--period", "2023-06"]);
    assert_eq!(code, 0, "{err}");
    let line = table
        .lines()
        .find(|l| l.trim_start().starts_with("Số hóa hồ sơ"))
        .expect("digitised line");
    assert!(line.contains("không có số liệu") && !line.contains("0%"), "{line}");
    assert!(line.contains("4 hồ sơ thuộc tệp không có cột cần thiết"), "{line}");

    // The report: the key figure, a sentence, the same words in every format.
    let pdf = report(db, &tmp.path().join("out"));
    let model: Value =
        serde_json::from_str(&std::fs::read_to_string(pdf.with_extension("report.json")).unwrap()).unwrap();
    assert_eq!(key_figure(&model, "Tỷ lệ số hóa hồ sơ"), "không có số liệu");
    assert_eq!(key_figure(&model, "Tỷ lệ thanh toán trực tuyến"), "50,00%");
    // A target on it has no data, never "not met".
    let target = target_row(&model, "CDS-05");
    assert_eq!(
        (target[3].as_str(), target[4].as_str()),
        ("không có số liệu", "Không có số liệu")
    );
    let text = model.to_string();
    assert!(
        text.contains("không có số liệu về tỷ lệ hồ sơ trực tuyến toàn trình, tỷ lệ số hóa hồ sơ, tỷ lệ trả kết quả điện tử, tỷ lệ tái sử dụng dữ liệu số hóa, tỷ lệ đồng bộ hồ sơ lên Cổng DVCQG"),
        "{text}"
    );
    let pdf_text = pdf_text(&pdf);
    assert!(pdf_text.contains("không có số liệu"), "{pdf_text}");
    assert!(!pdf_text.contains("Tỷ lệ số hóa hồ sơ 0%"), "{pdf_text}");
    let docx = zip_part(&pdf.with_extension("docx"), "word/document.xml");
    assert!(docx.contains("không có số liệu"));
    let xlsx = zip_part(&pdf.with_extension("xlsx"), "xl/sharedStrings.xml");
    assert!(xlsx.contains("không có số liệu"));
}

#[test]
fn a_column_in_some_files_rates_those_dossiers_and_states_the_basis() {
    let tmp = tempfile::tempdir().unwrap();
    // Sở A's export carries HoSoCoThanhPhanSoHoa (received 4, digitised 3); Sở B's does
    // not (received 3).
    let with = write(
        tmp.path(),
        "a.csv",
        "MaHoSo,TenDonVi,CapDonVi,KenhThucHien,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy,HoSoCoThanhPhanSoHoa
A1,Sở A,tinh,2,10,16/05/2023,30/05/2023,20/05/2023,1
A2,Sở A,tinh,1,10,17/05/2023,30/05/2023,01/06/2023,1
A3,Sở A,tinh,2,4,18/05/2023,30/06/2023,,0
A4,Sở A,tinh,1,10,19/05/2023,25/05/2023,26/05/2023,1
",
    );
    let without = write(
        tmp.path(),
        "b.csv",
        "MaHoSo,TenDonVi,CapDonVi,KenhThucHien,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy
B1,Sở B,tinh,2,10,16/05/2023,30/05/2023,20/05/2023
B2,Sở B,tinh,1,4,17/05/2023,30/06/2023,
B3,Sở B,tinh,1,10,18/05/2023,30/05/2023,22/05/2023
",
    );
    let db = tmp.path().join("ab.duckdb");
    let db = db.to_str().unwrap();
    ingest(db, &[&with, &without]);
    let j = metrics_json(db);
    let d = &j["rates"]["digitised"];
    assert_eq!(
        (
            d["numerator"].as_i64(),
            d["denominator"].as_i64(),
            d["missing"].as_i64()
        ),
        (Some(3), Some(4), Some(3)),
        "{d}"
    );
    assert_eq!(d["percent"], 75.0);
    assert!(d["reason"].is_null());
    assert_eq!(j["rates_by_unit"]["Sở A"]["digitised"]["percent"], 75.0);
    assert_eq!(j["rates_by_unit"]["Sở B"]["digitised"]["reason"], "no_column");
    // Online intake needs no optional column: all 7 received count.
    assert_eq!(j["rates"]["online_intake"]["denominator"], 7);

    let pdf = report(db, &tmp.path().join("out"));
    let model: Value =
        serde_json::from_str(&std::fs::read_to_string(pdf.with_extension("report.json")).unwrap()).unwrap();
    assert_eq!(key_figure(&model, "Tỷ lệ số hóa hồ sơ"), "75,00%");
    let target = target_row(&model, "CDS-05");
    assert!(
        target[1].ends_with("(HĐND tỉnh; tính từ dữ liệu hồ sơ (trên 4/7 hồ sơ có số liệu))"),
        "{target:?}"
    );
    assert_eq!((target[3].as_str(), target[4].as_str()), ("75,00%", "Đạt"));
    let text = model.to_string();
    assert!(
        text.contains("Tỷ lệ số hóa hồ sơ kỳ này tính trên 4/7 hồ sơ có số liệu."),
        "the table's note: {text}"
    );
    assert!(
        text.contains("Tỷ lệ số hóa hồ sơ tính trên 4/7 hồ sơ có số liệu là 75,00%"),
        "the narrative: {text}"
    );
    assert!(pdf_text(&pdf).contains("tính trên 4/7 hồ sơ có số liệu"));
}

/// The lake carries each rate's missing dossiers, and the national roll-up adds them up:
/// a province whose export lacks the column adds no "0 %" to the national rate.
#[test]
fn the_lake_and_the_national_roll_up_keep_what_is_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let lake = tmp.path().join("lake");
    // Tỉnh A: no digitised column (4 received); Tỉnh B: the column, 3 of 4 digitised.
    let with = "MaHoSo,TenDonVi,CapDonVi,KenhThucHien,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy,HoSoCoThanhPhanSoHoa
B1,Sở B,tinh,2,10,16/05/2023,30/05/2023,20/05/2023,1
B2,Sở B,tinh,1,10,17/05/2023,30/05/2023,01/06/2023,1
B3,Sở B,tinh,2,4,18/05/2023,30/06/2023,,0
B4,Sở B,tinh,1,10,19/05/2023,25/05/2023,26/05/2023,1
";
    for (province, name, body) in [("Tỉnh A", "a.csv", WITHOUT), ("Tỉnh B", "b.csv", with)] {
        let f = write(tmp.path(), name, body);
        let db = tmp.path().join(format!("{name}.duckdb"));
        let db = db.to_str().unwrap();
        ingest(db, &[&f]);
        let (code, _, err) = run(&[
            "--db",
            db,
            "export",
            "--parquet",
            lake.to_str().unwrap(),
            "--period",
            "2023-06",
            "--province",
            province,
        ]);
        assert_eq!(code, 0, "{err}");
    }
    let (code, out, err) = run(&[
        "rollup",
        lake.to_str().unwrap(),
        "--period",
        "2023-06",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let n: Value = serde_json::from_str(&out).unwrap();
    let a = n["provinces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["province"] == "Tỉnh A")
        .unwrap()
        .clone();
    assert_eq!(a["rates"]["digitised"]["reason"], "no_column", "{a}");
    assert_eq!(a["rates"]["digitised"]["missing"], 4);
    let d = &n["rates"]["digitised"];
    assert_eq!(
        (
            d["numerator"].as_i64(),
            d["denominator"].as_i64(),
            d["missing"].as_i64()
        ),
        (Some(3), Some(4), Some(4)),
        "{d}"
    );
    assert_eq!(d["percent"], 75.0);
}
