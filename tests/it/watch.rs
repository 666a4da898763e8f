//! `baocao watch`: the dossiers in progress on a date, banded by working days left on the
//! holiday calendar (docs/rules.md, Late dossiers before they are late).

use super::common::run;

/// Wednesday 7/2/2024, the day before Tết (8–14/2/2024 off): every band, a paused dossier,
/// one without a due date, and one finished before the date.
pub const EXPORT: &str =
    "MaHoSo,TenDonVi,CapDonVi,TenTTHC,KenhThucHien,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy
A1,Sở Y tế,tinh,Cấp giấy phép,1,4,20/01/2024,06/02/2024,
A2,Sở Y tế,tinh,Cấp giấy phép,1,4,20/01/2024,07/02/2024,
A3,Sở Y tế,tinh,Cấp giấy phép,1,4,20/01/2024,15/02/2024,
A4,Sở Y tế,tinh,Cấp giấy phép,1,4,20/01/2024,16/02/2024,
A5,Sở Y tế,tinh,Cấp giấy phép,1,4,20/01/2024,20/02/2024,
B1,Sở Tư pháp,tinh,Chứng thực,1,5,20/01/2024,01/02/2024,
B2,Sở Tư pháp,tinh,Chứng thực,1,4,20/01/2024,,
B3,Sở Tư pháp,tinh,Chứng thực,1,10,20/01/2024,06/02/2024,05/02/2024
B4,Sở Tư pháp,tinh,Chứng thực,1,4,20/01/2024,19/02/2024,
";

#[test]
fn the_bands_count_working_days_across_tet() {
    let tmp = tempfile::tempdir().unwrap();
    let db = super::common::ingest_text(tmp.path(), "w.csv", EXPORT);
    let db = db.to_str().unwrap();
    let (code, out, err) = run(&["--db", db, "watch", "--date", "2024-02-07", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let w: serde_json::Value = serde_json::from_str(&out).unwrap();
    let got: Vec<(String, String, Option<i64>)> = w["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["code"].as_str().unwrap().to_string(),
                i["band"].as_str().unwrap().to_string(),
                i["working_days_left"].as_i64(),
            )
        })
        .collect();
    // Counted by hand: the working days after 7/2 up to the due date, Tết and weekends off
    // (15/2 Thu = 1, 16/2 Fri = 2, 19/2 Mon = 3, 20/2 Tue = 4; back from 7/2 to 1/2: 2, 5, 6,
    // 7/2 = -4); B3 finished, not listed.
    let want = [
        ("B4", "soon", Some(3)),
        ("B1", "paused", Some(-4)),
        ("B2", "no_due_date", None),
        ("A1", "overdue", Some(-1)),
        ("A2", "due", Some(0)),
        ("A3", "due", Some(1)),
        ("A4", "soon", Some(2)),
        ("A5", "within", Some(4)),
    ];
    let want: Vec<(String, String, Option<i64>)> = want
        .iter()
        .map(|(c, b, n)| (c.to_string(), b.to_string(), *n))
        .collect();
    assert_eq!(got, want);
    // The table: the counts per agency, then the dossiers to act on.
    let (code, table, err) = run(&["--db", db, "watch", "--date", "2024-02-07"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        table.contains("quá hạn (1):") && table.contains("A1 | Sở Y tế"),
        "{table}"
    );
    assert!(table.contains("sắp đến hạn (2):"), "{table}");
    // CSV: one line per dossier in progress, the same on a second run.
    let (_, csv1, _) = run(&["--db", db, "watch", "--date", "2024-02-07", "--format", "csv"]);
    let (_, csv2, _) = run(&["--db", db, "watch", "--date", "2024-02-07", "--format", "csv"]);
    assert_eq!(csv1, csv2);
    assert_eq!(csv1.lines().count(), 1 + 8, "{csv1}");
    // --out: a workbook per agency (its own dossiers, most urgent first) and index.html,
    // the same bytes on a second run.
    let out = tmp.path().join("out");
    let written = |_: ()| {
        let (code, _, err) = run(&[
            "--db",
            db,
            "watch",
            "--date",
            "2024-02-07",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        let dir = out.join("canh-bao-2024-02-07");
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| {
                (
                    p.file_name().unwrap().to_string_lossy().to_string(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    };
    let first = written(());
    assert_eq!(first, written(()), "byte-identical on a second run");
    let names: Vec<&str> = first.iter().map(|(n, _)| n.as_str()).collect();
    // Two workbooks, index.html, the summary PDF and its data, the manifest.
    assert_eq!(names.len(), 6, "{names:?}");
    assert!(
        names.contains(&"index.html") && names.iter().any(|n| n.starts_with("so-y-te-")),
        "{names:?}"
    );
    let html = String::from_utf8(first.iter().find(|(n, _)| n == "index.html").unwrap().1.clone()).unwrap();
    assert!(
        html.contains("Hồ sơ đang giải quyết ngày 07/02/2024") && html.contains("<td>1</td>"),
        "{html}"
    );
    use calamine::Reader;
    let yte = out
        .join("canh-bao-2024-02-07")
        .join(names.iter().find(|n| n.starts_with("so-y-te-")).unwrap());
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&yte).unwrap();
    let sheet = book.worksheet_range("Canh bao").unwrap();
    let codes: Vec<String> = sheet.rows().skip(4).map(|r| r[0].to_string()).collect();
    assert_eq!(
        codes,
        ["A1", "A2", "A3", "A4", "A5"],
        "Sở Y tế's own, most urgent first"
    );
    assert_eq!(sheet.get_value((4, 5)).unwrap().to_string(), "quá hạn");
    // A date the holiday calendar does not cover is refused, never counted without holidays.
    let (code, _, err) = run(&["--db", db, "watch", "--date", "2031-03-02"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("holiday calendar"), "{err}");
}
