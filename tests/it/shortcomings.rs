//! Section II "Tồn tại, hạn chế và nguyên nhân" from the data (docs/rules.md, Shortcomings
//! from the data), on a constructed month: late dossiers concentrated in one department and
//! one field, an overdue backlog, agencies below the threshold and at 100 %, and an agency
//! covered only in part that is neither blamed nor praised.

use super::common::{issued, report_json, run};
use std::path::Path;

const HEADER: &str =
    "MaHoSo,TenDonVi,CapDonVi,TenLinhVuc,KenhThucHien,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy";

/// `n` dossiers of an agency and field: received 20/5, due 30/5, finished on `finished`
/// (status 10), or still in progress (status 4) when it is empty.
fn lines(prefix: &str, agency: &str, field: &str, n: usize, finished: &str) -> String {
    (0..n)
        .map(|i| {
            let status = if finished.is_empty() { 4 } else { 10 };
            format!("{prefix}{i},{agency},tinh,{field},1,{status},20/05/2023,30/05/2023,{finished}\n")
        })
        .collect()
}

/// Ingests the exports into a new store and returns the paragraphs of section II of the
/// June 2023 report (cut on the 15th).
fn june_section_two(dir: &Path, exports: &[(&str, String)]) -> Vec<String> {
    let db = dir.join("s.duckdb");
    for (name, body) in exports {
        let f = dir.join(name);
        std::fs::write(&f, body).unwrap();
        let (code, _, err) = run(&["--db", db.to_str().unwrap(), "ingest", f.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
    }
    let cfg = dir.join("c.toml");
    std::fs::write(&cfg, issued("")).unwrap();
    let r = report_json(
        &db,
        &cfg,
        &["monthly", "--period", "2023-06"],
        &dir.join("out"),
        "monthly-2023-06",
    );
    let s = &r["sections"][1];
    assert_eq!(s["heading"], "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN");
    s["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect()
}

/// A month of three departments covered whole and Sở Nội vụ covered 1/6–14/6 only.
fn section_two(dir: &Path) -> Vec<String> {
    // The whole month for three departments; Sở Nội vụ's export covers 1/6–14/6 only.
    let whole = format!(
        "Từ ngày 15/05/2023 đến ngày 14/06/2023\n{HEADER}\n{}{}{}{}{}{}",
        lines("XL", "Sở Xây dựng", "Xây dựng", 6, "05/06/2023"),
        lines("XO", "Sở Xây dựng", "Xây dựng", 4, "25/05/2023"),
        lines("XP", "Sở Xây dựng", "Xây dựng", 2, ""),
        lines("YL", "Sở Y tế", "Dược", 1, "05/06/2023"),
        lines("YO", "Sở Y tế", "Dược", 4, "25/05/2023"),
        lines("TO", "Sở Tư pháp", "Chứng thực", 4, "25/05/2023"),
    );
    let part = format!(
        "Từ ngày 01/06/2023 đến ngày 14/06/2023\n{HEADER}\n{}",
        lines("NL", "Sở Nội vụ", "Công chức", 8, "05/06/2023")
            .replace("20/05/2023,30/05/2023", "01/06/2023,02/06/2023")
    );
    june_section_two(dir, &[("whole.csv", whole), ("part.csv", part)])
}

#[test]
fn late_dossiers_concentrated_in_one_agency_and_field_are_named_with_count_rate_and_share() {
    let tmp = tempfile::tempdir().unwrap();
    let ii = section_two(tmp.path());
    let all = ii.join("\n");
    // 6 + 1 + 8 late; Sở Xây dựng resolved 10, 6 of them late: 60 % of its own, 6/15 of all.
    assert!(all.contains("có 15 hồ sơ giải quyết quá hạn"), "{all}");
    assert!(
        all.contains("Sở Xây dựng 6 hồ sơ (tỷ lệ quá hạn 60,00%, chiếm 40,00% số hồ sơ quá hạn)"),
        "{all}"
    );
    assert!(all.contains("Xây dựng 6 hồ sơ (chiếm 40,00%)"), "the field: {all}");
    // The backlog: Sở Xây dựng's two dossiers due 30/5 and not finished by 14/6.
    assert!(
        all.contains("trong đó 2 hồ sơ đã quá hạn") && all.contains("Sở Xây dựng 2 hồ sơ"),
        "{all}"
    );
    // Below 95 %, lowest first, and the agency at 100 %.
    assert!(all.contains("Sở Xây dựng 40,00%; Sở Y tế 80,00%"), "{all}");
    assert!(
        all.contains("1 cơ quan, đơn vị giải quyết 100% hồ sơ đúng hạn, trước hạn: Sở Tư pháp."),
        "{all}"
    );
}

#[test]
fn agencies_not_covered_are_neither_blamed_nor_praised() {
    let tmp = tempfile::tempdir().unwrap();
    let ii = section_two(tmp.path());
    let all = ii.join("\n");
    // Sở Nội vụ has the most late dossiers (8) but covers 14 of 31 days: it is not named (its
    // dossiers still count in the totals and the fields, which are of the data loaded), and
    // the whole is not called "toàn tỉnh".
    assert!(!all.contains("Sở Nội vụ") && !all.contains("Toàn tỉnh"), "{all}");
    assert!(all.starts_with("Trong phạm vi số liệu đã có, có 15 hồ sơ"), "{all}");
}

/// An agency whose on-time rate fell by `drop_points` or more against a previous month that
/// both months' files cover is named with both rates; a steady one is not.
#[test]
fn an_agency_whose_on_time_rate_fell_is_named_with_both_rates() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let month = |window: &str, recv: &str, due: &str, ok: &str, late: &str, a_late: usize| {
        let row =
            |code: String, agency: &str, fin: &str| format!("{code},{agency},tinh,Đất đai,1,10,{recv},{due},{fin}\n");
        let mut s = format!("{window}\n{HEADER}\n");
        for i in 0..5 {
            s += &row(
                format!("A{recv}{i}"),
                "Sở Tài nguyên và Môi trường",
                if i < a_late { late } else { ok },
            );
            s += &row(format!("B{recv}{i}"), "Sở Tư pháp", ok);
        }
        s
    };
    let may = month(
        "Từ ngày 15/04/2023 đến ngày 14/05/2023",
        "20/04/2023",
        "30/04/2023",
        "25/04/2023",
        "05/05/2023",
        0,
    );
    let june = month(
        "Từ ngày 15/05/2023 đến ngày 14/06/2023",
        "20/05/2023",
        "30/05/2023",
        "25/05/2023",
        "05/06/2023",
        2,
    );
    let all = june_section_two(dir, &[("may.csv", may), ("june.csv", june)]).join("\n");
    assert!(
        all.contains("giảm từ 5 điểm phần trăm trở lên so với tháng 5 năm 2023: Sở Tài nguyên và Môi trường từ 100,00% xuống 60,00% (giảm\u{a0}40\u{a0}điểm\u{a0}phần\u{a0}trăm)."),
        "{all}"
    );
    assert!(!all.contains("Sở Tư pháp từ"), "a steady agency is not named: {all}");
}
