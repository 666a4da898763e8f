//! Apology letters as an input and the late-dossier appendix (docs/rules.md, Apology
//! letters): detected by header, stored with their history, counted per period (with /
//! without, late letters, a new date more than once), stated in section II only when loaded,
//! shown by `watch`, and listed in the `late_list` appendix of every format.

use crate::common::*;
use baocao::config::Shortcomings;
use baocao::metrics::{self, Options};
use baocao::period::{Convention, Period};
use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;
use std::process::Command;

/// October 2025, under the 2025 rule. D1 letter two days early; D2 on its due date (late);
/// D3 none; D4 two letters, the second from 15/9/2025 (a new date twice); D5 in progress
/// overdue, its letter after the due date; D6 overdue, its letter only after the period;
/// D7 on time; D8 two letters, both before 15/9/2025.
const DOSSIERS: &str =
    "MaHoSo,TenDonVi,CapDonVi,TenTTHC,KenhThucHien,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy
D1,Sở Y tế,tinh,Cấp giấy phép,1,10,01/09/2025,10/10/2025,15/10/2025
D2,Sở Y tế,tinh,Cấp giấy phép,1,10,01/09/2025,10/10/2025,20/10/2025
D3,Sở Tư pháp,tinh,Chứng thực,1,10,01/09/2025,10/10/2025,20/10/2025
D4,Sở Tư pháp,tinh,Chứng thực,1,10,01/09/2025,06/10/2025,28/10/2025
D5,Sở Y tế,tinh,Cấp giấy phép,1,4,01/09/2025,20/10/2025,
D6,Sở Y tế,tinh,Cấp giấy phép,1,4,01/09/2025,20/10/2025,
D7,Sở Y tế,tinh,Cấp giấy phép,1,10,01/09/2025,30/10/2025,15/10/2025
D8,Sở Tư pháp,tinh,Chứng thực,1,10,01/08/2025,05/09/2025,02/10/2025
";

const LETTERS: &str = "MaHoSo,NgayXinLoi,NgayHenTraMoi,SoVanBan
D1,08/10/2025,17/10/2025,1/VBXL
D2,10/10/2025,24/10/2025,2/VBXL
D4,03/10/2025,13/10/2025,3/VBXL
D4,12/10/2025,27/10/2025,4/VBXL
D5,21/10/2025,31/10/2025,
D6,03/11/2025,10/11/2025,6/VBXL
D7,01/10/2025,31/10/2025,7/VBXL
D8,01/09/2025,10/09/2025,8/VBXL
D8,10/09/2025,30/09/2025,9/VBXL
";

fn write(dir: &Path, name: &str, body: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

fn october() -> Period {
    Period::parse("2025-10", Convention::Calendar).unwrap()
}

fn store(dir: &Path, letters: bool) -> duckdb::Connection {
    let conn = baocao::store::open_in_memory().unwrap();
    counts(&ingest(&conn, &write(dir, "d.csv", DOSSIERS)));
    if letters {
        let r = ingest(&conn, &write(dir, "letters.csv", LETTERS));
        assert_eq!(counts(&r).rows_loaded, 9);
    }
    conn
}

#[test]
fn the_late_letter_and_new_date_counts_on_a_constructed_case() {
    let tmp = tempfile::tempdir().unwrap();
    let conn = store(tmp.path(), true);
    assert_eq!(
        scalar(&conn, "SELECT count(*) FROM ingest_files WHERE kind = 'letters'"),
        1
    );
    let m = metrics::compute(&conn, &october(), &Options::default()).unwrap();
    let l = m.letters.expect("letters dated in the period");
    assert_eq!(m.ii06a.total.counts.resolved_late, 5);
    assert_eq!((l.resolved_late_with, l.resolved_late_without), (4, 1));
    assert_eq!((l.overdue_with, l.overdue_without), (1, 1));
    // D2 (on its due date) and D5 (after it); D4's first letter was in time.
    assert_eq!(l.late_letters, 2);
    // D4 only: D8's two letters are both before 15/9/2025.
    assert_eq!(l.new_date_more_than_once, 1);
    let text = baocao::report::shortcomings::paragraphs(&m, "tỉnh", &Shortcomings::default()).join("\n");
    assert!(
        text.contains(
            "Trong 5 hồ sơ giải quyết quá hạn, 4 hồ sơ đã có văn bản xin lỗi và đề nghị gia hạn, 1 hồ sơ chưa có."
        ),
        "{text}"
    );
    assert!(
        text.contains("Trong 2 hồ sơ đang giải quyết đã quá hạn, 1 hồ sơ đã có"),
        "{text}"
    );
    assert!(
        text.contains("2 hồ sơ có văn bản xin lỗi và đề nghị gia hạn ban hành muộn"),
        "{text}"
    );
    assert!(
        text.contains("1 hồ sơ được hẹn lại ngày trả kết quả từ hai lần trở lên"),
        "{text}"
    );
    assert!(!text.contains("phiếu xin lỗi"), "{text}");
}

#[test]
fn the_label_follows_the_date_of_the_period() {
    let tmp = tempfile::tempdir().unwrap();
    // The same dossiers and letters three years earlier: the 2018 form, and no count of a new
    // date set twice (the once-only rule starts on 15/9/2025).
    let shift = |s: &str| s.replace("/2025", "/2022");
    let conn = baocao::store::open_in_memory().unwrap();
    counts(&ingest(&conn, &write(tmp.path(), "d.csv", &shift(DOSSIERS))));
    counts(&ingest(&conn, &write(tmp.path(), "l.csv", &shift(LETTERS))));
    let p = Period::parse("2022-10", Convention::Calendar).unwrap();
    let m = metrics::compute(&conn, &p, &Options::default()).unwrap();
    let l = m.letters.unwrap();
    assert_eq!(
        (l.resolved_late_with, l.late_letters, l.new_date_more_than_once),
        (4, 2, 0)
    );
    let text = baocao::report::shortcomings::paragraphs(&m, "tỉnh", &Shortcomings::default()).join("\n");
    assert!(text.contains("4 hồ sơ đã có phiếu xin lỗi, 1 hồ sơ chưa có."), "{text}");
    assert!(!text.contains("văn bản xin lỗi") && !text.contains("hai lần"), "{text}");
}

#[test]
fn without_letters_for_the_period_nothing_is_said_of_letters() {
    let tmp = tempfile::tempdir().unwrap();
    let conn = store(tmp.path(), false);
    let m = metrics::compute(&conn, &october(), &Options::default()).unwrap();
    assert!(m.letters.is_none());
    let text = baocao::report::shortcomings::paragraphs(&m, "tỉnh", &Shortcomings::default()).join("\n");
    assert!(text.contains("hồ sơ giải quyết quá hạn"), "{text}");
    assert!(!text.contains("xin lỗi"), "{text}");
    // The late list says an empty letter cell is not "no letter".
    let o = Options {
        late_list: true,
        ..Options::default()
    };
    let m = metrics::compute(&conn, &october(), &o).unwrap();
    let a = baocao::report::late_list::appendix(&m, &baocao::config::ReportConfig::default());
    assert_eq!(a.rows.len(), 1 + 2 + 5);
    assert!(a.rows.iter().all(|r| r.cells[4].is_empty()));
    assert!(
        a.note.contains("ô để trống không có nghĩa là hồ sơ chưa có"),
        "{}",
        a.note
    );
    // Letters loaded, but none dated in the period: they do not reach it either.
    let conn = store(tmp.path(), true);
    let november = Period::parse("2025-12", Convention::Calendar).unwrap();
    let m = metrics::compute(&conn, &november, &Options::default()).unwrap();
    assert!(m.letters.is_none());
}

/// The codes of a letters CSV issued on or before `last` (read here, not by baocao).
fn letter_codes(path: &Path, last: chrono::NaiveDate) -> BTreeSet<String> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .unwrap();
    r.records()
        .map(Result::unwrap)
        .filter(|x| x.len() == 4)
        .filter_map(|x| {
            let d = chrono::NaiveDate::parse_from_str(&x[1], "%d/%m/%Y").ok()?;
            (d <= last).then(|| x[0].to_string())
        })
        .collect()
}

#[test]
fn loading_the_fixture_letters_moves_dossiers_from_without_to_with_exactly() {
    let conn = baocao::store::open_in_memory().unwrap();
    counts(&ingest(&conn, &fixture("nghe-an-2023-06/dossiers.csv.gz")));
    let p = Period::parse("2023-06", Convention::Cutoff15).unwrap();
    let o = Options {
        late_list: true,
        ..Options::default()
    };
    let before = metrics::compute(&conn, &p, &o).unwrap();
    assert!(before.letters.is_none());
    let late: BTreeSet<String> = before.late_list.iter().map(|d| d.code.clone()).collect();
    assert_eq!(late.len() as i64, before.ii06a.total.counts.resolved_late);
    let file = fixture("nghe-an-2023-06/letters.csv");
    let r = ingest(&conn, &file);
    let c = counts(&r);
    assert_eq!((c.rows_read, c.rows_quarantined), (c.rows_loaded, 0));
    let after = metrics::compute(&conn, &p, &o).unwrap();
    let l = after.letters.expect("the fixture's letters reach June");
    // An independent count: the codes of the file (read here) among the dossiers resolved late.
    let with = letter_codes(&file, p.to).intersection(&late).count() as i64;
    assert!(with > 0 && with < late.len() as i64, "{with}");
    assert_eq!(l.resolved_late_with, with);
    assert_eq!(l.resolved_late_without, late.len() as i64 - with);
    assert_eq!(
        l.overdue_with + l.overdue_without,
        after.ii06a.total.counts.in_progress_overdue
    );
    assert!(l.overdue_with > 0 && l.late_letters > 0, "{l:?}");
    // The figures themselves do not move.
    assert_eq!(after.ii06a, before.ii06a);
    assert_eq!(
        after.late_list.iter().filter(|d| d.letter.is_some()).count() as i64,
        with
    );
}

#[test]
fn a_bad_letter_row_is_quarantined_with_its_reason_and_the_newest_export_wins() {
    let tmp = tempfile::tempdir().unwrap();
    let conn = store(tmp.path(), false);
    let bad = "Ngày xuất: 05/11/2025 08:00:00
MaHoSo,NgayXinLoi,NgayHenTraMoi,SoVanBan
D1,08/10/2025,17/10/2025,1
,09/10/2025,17/10/2025,2
D2,32/10/2025,17/10/2025,3
D3,12/10/2025,11/10/2025,4
D5,21/10/2025,31/10/2025,5
D5,21/10/2025,01/11/2025,6
D6,20/11/2025,30/11/2025,7
";
    let r = ingest(&conn, &write(tmp.path(), "bad-letters.csv", bad));
    let c = counts(&r).clone();
    assert_eq!(c.rows_read, 7);
    assert_eq!(c.rows_read, c.rows_loaded + c.rows_quarantined);
    assert_eq!((c.rows_loaded, c.rows_quarantined), (2, 5));
    let mut st = conn
        .prepare("SELECT source_row, column_name, reason FROM quarantine ORDER BY source_row, reason")
        .unwrap();
    let got: Vec<(i64, String, String)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let want = [
        (4, "MaHoSo", "missing_key"),
        (5, "NgayXinLoi", "invalid_date"),
        (6, "NgayHenTraMoi", "new_date_before_letter"),
        (7, "MaHoSo", "duplicate_in_file"),
        (9, "NgayXinLoi", "future_date"),
    ];
    let want: Vec<(i64, String, String)> = want
        .iter()
        .map(|(r, c, x)| (*r, c.to_string(), x.to_string()))
        .collect();
    assert_eq!(got, want);
    // A later export of D1's letters replaces them; the earlier one stays in the history.
    let newer = "Ngày xuất: 06/11/2025 08:00:00\nMaHoSo,NgayXinLoi,NgayHenTraMoi\nD1,07/10/2025,18/10/2025\n";
    counts(&ingest(&conn, &write(tmp.path(), "newer.csv", newer)));
    assert_eq!(
        scalar(&conn, "SELECT count(*) FROM letter_versions WHERE ma_ho_so = 'D1'"),
        2
    );
    assert_eq!(
        scalar(
            &conn,
            "SELECT count(*) FROM letters WHERE ma_ho_so = 'D1' AND day(ngay_xin_loi) = 7"
        ),
        1
    );
    assert_eq!(scalar(&conn, "SELECT count(*) FROM letters"), 2);
}

#[test]
fn watch_shows_each_dossiers_latest_letter() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("w.duckdb");
    let db = db.to_str().unwrap();
    for f in [
        write(tmp.path(), "d.csv", DOSSIERS),
        write(tmp.path(), "l.csv", LETTERS),
    ] {
        let (code, _, err) = run(&["--db", db, "ingest", f.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
    }
    let (code, out, err) = run(&["--db", db, "watch", "--date", "2025-10-22", "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.lines().next().unwrap().ends_with(",letter"), "{out}");
    let d5 = out.lines().find(|l| l.contains("D5")).unwrap();
    assert!(d5.ends_with(",21/10/2025"), "{out}");
    // D6's letter is dated after the list's day: not shown.
    let d6 = out.lines().find(|l| l.contains("D6")).unwrap();
    assert!(d6.ends_with(','), "{out}");
}

fn pdf_pages(pdf: &Path) -> Vec<String> {
    let o = Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (make test-tools)");
    String::from_utf8_lossy(&o.stdout)
        .split('\u{c}')
        .map(str::to_string)
        .collect()
}

fn zip_part(path: &Path, part: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    z.by_name(part).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// 120 dossiers resolved late in October 2025 over two agencies, half with a letter.
fn long_list(dir: &Path) -> std::path::PathBuf {
    let mut d = DOSSIERS.to_string();
    let mut l = LETTERS.to_string();
    for i in 0..120 {
        let agency = if i % 2 == 0 {
            "Sở Xây dựng"
        } else {
            "UBND xã Hưng Lộc"
        };
        d.push_str(&format!(
            "L{i:03},{agency},tinh,Cấp phép xây dựng,1,10,01/09/2025,07/10/2025,{:02}/10/2025\n",
            8 + i % 20
        ));
        if i % 2 == 1 {
            l.push_str(&format!("L{i:03},03/10/2025,20/10/2025,{i}/XL\n"));
        }
    }
    let db = dir.join("long.duckdb");
    for (name, body) in [("d.csv", d), ("l.csv", l)] {
        let f = write(dir, name, &body);
        let (code, _, err) = run(&["--db", db.to_str().unwrap(), "ingest", f.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
    }
    db
}

#[test]
fn the_late_list_appendix_is_in_every_format_and_repeats_its_header_on_each_page() {
    let tmp = tempfile::tempdir().unwrap();
    let db = long_list(tmp.path());
    let cfg = tmp.path().join("c.toml");
    std::fs::write(
        &cfg,
        issued("[report]\nformats = [\"pdf\", \"xlsx\", \"docx\"]\nappendices = [\"ii06a\", \"late_list\"]\n"),
    )
    .unwrap();
    let mut renderers = vec!["builtin"];
    if std::env::var_os("BAOCAO_TYPST").is_some() {
        renderers.push("typst");
    }
    for renderer in renderers {
        let out = tmp.path().join(renderer);
        let (code, _, err) = report(
            &db,
            &cfg,
            &["--renderer", renderer],
            &["monthly", "--period", "2025-10", "--convention", "calendar"],
            &out,
        );
        assert!(code <= 1, "{renderer}: {err}");
        let stem = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "pdf"))
            .unwrap();
        let pages = pdf_pages(&stem);
        let listed: Vec<&String> = pages.iter().filter(|p| p.contains("L0")).collect();
        assert!(listed.len() >= 2, "{renderer}: {} pages list dossiers", listed.len());
        for p in &listed {
            assert!(
                p.contains("Mã hồ sơ") && p.contains("(6)") && p.contains("(7)"),
                "{renderer}: a page of the list without its header:\n{p}"
            );
        }
        let all = pages.join("\n");
        assert!(all.contains("DANH SÁCH HỒ SƠ GIẢI QUYẾT QUÁ HẠN"), "{renderer}");
        assert!(
            all.contains("L001") && all.contains("3/10/2025") && all.contains("1/XL"),
            "{renderer}"
        );
        if renderer != "builtin" {
            continue;
        }
        // The workbook: a sheet of the list, read back.
        use calamine::{Data, Reader, Xlsx};
        let mut wb: Xlsx<_> = calamine::open_workbook(stem.with_extension("xlsx")).unwrap();
        let sheet = wb.worksheet_range("Hồ sơ quá hạn").unwrap();
        let cells: Vec<String> = sheet
            .rows()
            .flat_map(|r| {
                r.iter().map(|c| match c {
                    Data::String(s) => s.clone(),
                    other => other.to_string(),
                })
            })
            .collect();
        assert!(cells.iter().any(|c| c == "L001"));
        assert!(cells.iter().any(|c| c == "Sở Xây dựng"));
        assert!(cells.iter().any(|c| c == "3/10/2025, số 1/XL"));
        // 125 dossiers, 2 + 3 agencies' heading rows, the total.
        assert_eq!(cells.iter().filter(|c| c.starts_with('L') && c.len() == 4).count(), 120);
        // The Word draft, with its header rows marked to repeat.
        let doc = zip_part(&stem.with_extension("docx"), "word/document.xml");
        assert!(doc.contains("DANH SÁCH HỒ SƠ GIẢI QUYẾT QUÁ HẠN") && doc.contains("L119"));
        assert!(doc.contains("<w:tblHeader/>"));
        // The model (JSON) carries it too.
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(stem.with_extension("report.json")).unwrap()).unwrap();
        let a = json["appendices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == "late_list")
            .unwrap();
        // The total, two agencies of the constructed case, two of the long list, 125 dossiers.
        assert_eq!(a["rows"].as_array().unwrap().len(), 1 + 4 + 125);
        // The site's report page lists it too.
        let site = tmp.path().join("site");
        let (code, out, err) = run(&[
            "--db",
            db.to_str().unwrap(),
            "site",
            "--drafts",
            "--out",
            site.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{out}{err}");
        let page = walkdir::WalkDir::new(&site)
            .into_iter()
            .map(|e| e.unwrap().into_path())
            .filter(|p| p.extension().is_some_and(|e| e == "html"))
            .map(|p| std::fs::read_to_string(p).unwrap())
            .find(|h| h.contains("DANH SÁCH HỒ SƠ GIẢI QUYẾT QUÁ HẠN"))
            .expect("a page with the list");
        assert!(page.contains("<td>L119</td>") && page.contains("3/10/2025, số 1/XL"));
    }
}
