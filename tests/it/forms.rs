//! The appendix forms beyond II.06a: Biểu II.06b (per procedure, grouped by field; its
//! totals equal II.06a's) and Biểu II.07b (counted from the procedure catalogue), in the
//! PDF and the workbook, with form titles from the configuration.

use super::common::{fixture, issued, run};
use serde_json::Value;
use std::path::Path;

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

fn metrics_json(db: &str, period: &str) -> Value {
    let (code, out, err) = run(&["--db", db, "metrics", "--period", period, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

const COUNTS: &[&str] = &[
    "total_handled",
    "received_online",
    "received_offline",
    "carried_over",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "withdrawn",
    "in_progress",
    "in_progress_processing",
    "waiting_supplement",
    "paused",
    "in_progress_within",
    "in_progress_overdue",
    "refused",
];

#[test]
fn ii06b_totals_equal_ii06a_and_each_field_is_the_sum_of_its_procedures() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("na.duckdb");
    let db = db.to_str().unwrap();
    let (code, _, err) = run(&["--db", db, "ingest", fixture("nghe-an-2023-06").to_str().unwrap()]);
    assert!(code <= 1, "{err}");
    let m = metrics_json(db, "2023-06");
    let total = &m["ii06a"]["total"];
    assert_eq!(total["total_handled"], 21969, "the published total");
    let rows = m["ii06b"].as_array().unwrap();
    let fields: Vec<&Value> = rows.iter().filter(|r| r["grain"] == "field").collect();
    assert!(fields.len() > 3, "several fields");
    for k in COUNTS {
        let sum: i64 = fields.iter().map(|r| r[*k].as_i64().unwrap()).sum();
        assert_eq!(sum, total[*k].as_i64().unwrap(), "II.06b fields sum to II.06a's {k}");
        for f in &fields {
            let procs: i64 = rows
                .iter()
                .filter(|r| r["grain"] == "procedure" && r["field"] == f["field"])
                .map(|r| r[*k].as_i64().unwrap())
                .sum();
            assert_eq!(procs, f[*k].as_i64().unwrap(), "{}: {k}", f["field"]);
        }
    }
    // The fixture's catalogue names every procedure it handles.
    let procedures: Vec<&Value> = rows.iter().filter(|r| r["grain"] == "procedure").collect();
    assert!(procedures.len() > 20);
    assert!(procedures
        .iter()
        .all(|r| r["name"].as_str().unwrap().starts_with("Thủ tục")));
}

/// A small province: two departments, a catalogue with known counts, four dossiers.
fn small(dir: &Path, with_catalogue: bool) -> String {
    let db = dir.join("small.duckdb");
    let dossiers = dir.join("dossiers.csv");
    std::fs::write(
        &dossiers,
        "Từ ngày 15/05/2023 đến ngày 14/06/2023\n\
         MaHoSo,MaTTHC,TenTTHC,TenLinhVuc,TenDonVi,CapDonVi,KenhThucHien,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy\n\
         A1,1.001,Tên trong tệp xuất,Hộ tịch,Sở Tư pháp,tinh,2,10,16/05/2023,20/05/2023,19/05/2023\n\
         A2,1.001,Tên trong tệp xuất,Hộ tịch,Sở Tư pháp,tinh,1,10,17/05/2023,20/05/2023,25/05/2023\n\
         A3,1.002,Cấp phiếu lý lịch tư pháp,Lý lịch tư pháp,Sở Tư pháp,tinh,1,4,01/06/2023,30/06/2023,\n\
         B1,2.001,Cấp giấy phép xây dựng,Xây dựng,Sở Xây dựng,tinh,2,9,02/06/2023,10/06/2023,09/06/2023\n",
    )
    .unwrap();
    let (code, _, err) = run(&["--db", db.to_str().unwrap(), "ingest", dossiers.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    if with_catalogue {
        let cat = dir.join("catalogue.csv");
        std::fs::write(
            &cat,
            "Mã TTHC,Tên TTHC,Cơ quan quản lý,Cấp thực hiện,Thực hiện tại Bộ phận Một cửa,TTHC nội bộ\n\
             1.001,Đăng ký khai sinh,Sở Tư pháp,Cấp xã,Có,Không\n\
             1.002,Cấp phiếu lý lịch tư pháp,Sở Tư pháp,Cấp tỉnh,Có,Không\n\
             1.003,Chứng thực bản sao,Sở Tư pháp,Cấp huyện,Không,Không\n\
             1.004,Chứng thực chữ ký,Sở Tư pháp,Cấp xã,Có,Không\n\
             1.900,Thủ tục nội bộ về công chứng,Sở Tư pháp,Cấp tỉnh,Không,Có\n\
             2.001,Cấp giấy phép xây dựng,Sở Xây dựng,Cấp tỉnh,Có,Không\n\
             2.900,Thủ tục nội bộ về quy hoạch,Sở Xây dựng,Cấp xã,Không,Có\n",
        )
        .unwrap();
        let (code, _, err) = run(&["--db", db.to_str().unwrap(), "ingest", cat.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
    }
    db.to_str().unwrap().to_string()
}

/// `report monthly --period 2023-06` of `db` with `cfg` into `out`.
fn monthly_report(db: &str, cfg: &Path, out: &Path) -> (i32, String, String) {
    let (cfg, out) = (cfg.to_str().unwrap(), out.to_str().unwrap());
    run(&[
        "--db", db, "--config", cfg, "report", "monthly", "--period", "2023-06", "--out", out,
    ])
}

#[test]
fn ii07b_counts_the_catalogue_per_unit_and_level_and_keeps_internal_procedures_apart() {
    let tmp = tempfile::tempdir().unwrap();
    let db = small(tmp.path(), true);
    let m = metrics_json(&db, "2023-06");
    let rows = m["ii07b"].as_array().unwrap();
    let row = |grain: &str, unit: Option<&str>| {
        rows.iter()
            .find(|r| r["grain"] == grain && r["unit"].as_str() == unit)
            .unwrap_or_else(|| panic!("{grain} {unit:?} in {rows:?}"))
            .clone()
    };
    let by = |v: &Value| {
        (
            v["total"].as_i64().unwrap(),
            v["tinh"].as_i64().unwrap(),
            v["huyen"].as_i64().unwrap(),
            v["xa"].as_i64().unwrap(),
        )
    };
    let tp = row("unit", Some("Sở Tư pháp"));
    assert_eq!(by(&tp["authority"]), (4, 1, 1, 2));
    assert_eq!(by(&tp["one_stop"]), (3, 1, 0, 2));
    assert_eq!(by(&tp["internal"]), (1, 1, 0, 0));
    let xd = row("unit", Some("Sở Xây dựng"));
    assert_eq!(by(&xd["authority"]), (1, 1, 0, 0));
    assert_eq!(by(&xd["internal"]), (1, 0, 0, 1));
    let total = row("total", None);
    assert_eq!(by(&total["authority"]), (5, 2, 1, 2));
    assert_eq!(by(&total["one_stop"]), (4, 2, 0, 2));
    assert_eq!(by(&total["internal"]), (2, 1, 0, 1));

    // II.06b takes the catalogue's name of a procedure over the export's.
    let p = m["ii06b"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "1.001")
        .unwrap()
        .clone();
    assert_eq!(p["name"], "Đăng ký khai sinh");
    assert_eq!(
        (p["resolved_early"].as_i64(), p["resolved_late"].as_i64()),
        (Some(1), Some(1))
    );
}

#[test]
fn the_report_prints_the_forms_configured_with_their_titles_in_pdf_and_workbook() {
    let tmp = tempfile::tempdir().unwrap();
    let db = small(tmp.path(), true);
    let cfg = tmp.path().join("baocao.toml");
    std::fs::write(
        &cfg,
        issued(
            "[report]\nrenderer = \"builtin\"\nformats = [\"pdf\", \"xlsx\"]\nappendices = [\"ii06a\", \"ii06b\", \"ii07b\"]\n\
             [report.forms.ii06a]\ntitle = \"TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC TẠI TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG\"\n",
        ),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let (code, _, err) = monthly_report(&db, &cfg, &out);
    assert_eq!(code, 0, "{err}");
    let text = pdf_text(&out.join("monthly-2023-06.pdf"));
    let model: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("monthly-2023-06.report.json")).unwrap()).unwrap();
    let ids: Vec<&str> = model["appendices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["ii06a", "ii06b", "ii07b"]);
    // The configured title replaces the built-in one; the others keep today's wording.
    assert_eq!(
        model["appendices"][0]["title"],
        "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC TẠI TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"
    );
    for want in [
        "Biểu số II.06a/VPCP/KSTT",
        "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
        "Biểu số II.06b/VPCP/KSTT",
        "Lĩnh vực Hộ tịch",
        "Đăng ký khai sinh (1.001)",
        "Biểu số II.07b/VPCP/KSTT",
        "TỔNG HỢP SỐ LƯỢNG THỦ TỤC HÀNH CHÍNH",
        "Số TTHC thực hiện tại Bộ phận Một cửa",
        "Số TTHC nội bộ được ban hành",
    ] {
        assert!(text.contains(want), "the PDF prints '{want}': {text}");
    }
    // The forms come in the configured order, after the signature block.
    let pos = |s: &str| text.find(s).unwrap();
    assert!(pos("Nơi nhận") < pos("Biểu số II.06a/VPCP/KSTT"));
    assert!(pos("Biểu số II.06a/VPCP/KSTT") < pos("Biểu số II.06b/VPCP/KSTT"));
    assert!(pos("Biểu số II.06b/VPCP/KSTT") < pos("Biểu số II.07b/VPCP/KSTT"));

    use calamine::{Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = calamine::open_workbook(out.join("monthly-2023-06.xlsx")).unwrap();
    let names = wb.sheet_names();
    assert_eq!(
        &names[..4],
        ["II.06a", "Theo lĩnh vực", "II.06b", "II.07b"],
        "{names:?}"
    );
    let r = wb.worksheet_range("II.07b").unwrap();
    let row: Vec<Data> = (0..14)
        .map(|c| r.get_value((9, c)).cloned().unwrap_or(Data::Empty))
        .collect();
    assert_eq!(row[1], Data::String("TỔNG CỘNG".into()));
    let nums: Vec<f64> = row[2..]
        .iter()
        .map(|d| match d {
            Data::Float(f) => *f,
            other => panic!("not a number: {other:?}"),
        })
        .collect();
    assert_eq!(nums, [5.0, 2.0, 1.0, 2.0, 4.0, 2.0, 0.0, 2.0, 2.0, 1.0, 0.0, 1.0]);
    let r = wb.worksheet_range("II.06b").unwrap();
    let total: Vec<Data> = (0..13)
        .map(|c| r.get_value((9, c)).cloned().unwrap_or(Data::Empty))
        .collect();
    assert_eq!(total[2], Data::Float(4.0), "II.06b total handled = II.06a's");
}

#[test]
fn ii07b_without_a_catalogue_is_left_out_and_said() {
    let tmp = tempfile::tempdir().unwrap();
    let db = small(tmp.path(), false);
    let cfg = tmp.path().join("baocao.toml");
    std::fs::write(
        &cfg,
        issued("[report]\nrenderer = \"builtin\"\nappendices = [\"ii06a\", \"ii07b\"]\n"),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let (code, stdout, err) = monthly_report(&db, &cfg, &out);
    assert_eq!(code, 1, "a form left out is a warning: {stdout}{err}");
    assert!(
        format!("{stdout}{err}").contains("phụ lục ii07b không lập được: chưa nạp danh mục TTHC"),
        "{stdout}{err}"
    );
    let text = pdf_text(&out.join("monthly-2023-06.pdf"));
    assert!(text.contains("Biểu số II.06a/VPCP/KSTT"));
    assert!(!text.contains("II.07b"), "no empty form is printed");
    // Without a catalogue, II.06b names procedures as the export does.
    let m = metrics_json(&db, "2023-06");
    let p = m["ii06b"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "1.001")
        .unwrap()
        .clone();
    assert_eq!(p["name"], "Tên trong tệp xuất");
}
