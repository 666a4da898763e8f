//! The reporting calendar beyond the month: quarterly, half-year and nine-month reports
//! (cutoff-15 dates), their refusal of a period of the wrong kind, and their scheduling.

use super::common::{fixture, issued, report_json, run, run_in};
use baocao::period::{Convention, Period};
use chrono::NaiveDate;
use std::path::Path;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn quarter_and_half_year_dates_follow_decree_09() {
    let q2 = Period::parse("2023-Q2", Convention::Cutoff15).unwrap();
    assert_eq!((q2.from, q2.to), (d("2023-03-15"), d("2023-06-14")));
    let h1 = Period::parse("2023-H1", Convention::Cutoff15).unwrap();
    assert_eq!((h1.from, h1.to), (d("2022-12-15"), d("2023-06-14")));
    let m9 = Period::parse("2023-9M", Convention::Cutoff15).unwrap();
    assert_eq!((m9.from, m9.to), (d("2022-12-15"), d("2023-09-14")));
    let q2c = Period::parse("2023-Q2", Convention::Calendar).unwrap();
    assert_eq!((q2c.from, q2c.to), (d("2023-04-01"), d("2023-06-30")));
}

fn pdf_text(pdf: &std::path::Path) -> String {
    let o = std::process::Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (make test-tools)");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn quarterly_and_half_year_reports_render_with_their_own_titles_and_dates() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("na.duckdb");
    let db = db.to_str().unwrap();
    let cfg = super::common::issued_config(tmp.path()).to_str().unwrap().to_string();
    let (code, _, err) = run(&["--db", db, "ingest", fixture("nghe-an-2023-06").to_str().unwrap()]);
    assert!(code <= 1, "{err}");
    let out = tmp.path().join("out");
    for (kind, period, label, dates) in [
        (
            "quarterly",
            "2023-Q2",
            "quý II năm 2023",
            "Từ ngày 15/3/2023 đến ngày 14/6/2023",
        ),
        (
            "half-year",
            "2023-H1",
            "6 tháng đầu năm 2023",
            "Từ ngày 15/12/2022 đến ngày 14/6/2023",
        ),
    ] {
        let (code, stdout, err) = run(&[
            "--db",
            db,
            "--config",
            &cfg,
            "--renderer",
            "builtin",
            "report",
            kind,
            "--period",
            period,
            "--out",
            out.to_str().unwrap(),
        ]);
        // The fixture covers 15/5–14/6 only: the quarter and the half-year are covered in
        // part, said in the report, and exit 1.
        assert_eq!(code, 1, "{kind}: {err}");
        let pdf = out.join(format!("{kind}-{period}.pdf"));
        assert!(stdout.contains(pdf.to_str().unwrap()), "{stdout}");
        let text = pdf_text(&pdf);
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(label), "{kind}: the subject names the period: {flat}");
        assert!(flat.contains(dates), "{kind}: the exact dates are stated: {flat}");
        assert!(flat.contains("Biểu số II.06a/VPCP/KSTT"), "{kind}: the II.06a appendix");
    }
    // A period of the wrong kind is refused, naming what fits.
    let (code, _, err) = run(&["--db", db, "--config", &cfg, "report", "monthly", "--period", "2023-Q2"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("a month such as"), "{err}");
    let (code, _, err) = run(&[
        "--db",
        db,
        "--config",
        &cfg,
        "report",
        "quarterly",
        "--period",
        "2023-06",
    ]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn the_job_schedules_quarterly_reports_when_configured() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir_all(d.join("inbox")).unwrap();
    std::fs::write(
        d.join("baocao.toml"),
        issued("[report]\nrenderer = \"builtin\"\n[run]\nreports = [\"monthly\", \"quarterly\"]\nfirst_period = \"2023-04\"\n"),
    )
    .unwrap();
    std::fs::copy(fixture("nghe-an-2023-06/dossiers.csv.gz"), d.join("inbox/na.csv.gz")).unwrap();
    let (code, out, err) = run_in(&["--db", "x.duckdb", "--config", "baocao.toml", "run"], d);
    assert!(code <= 1, "{err}");
    assert!(
        out.contains("rendered") && out.contains("quarterly-2023-Q2.pdf"),
        "{out}"
    );
    assert!(d.join("out/quarterly-2023-Q2.pdf").exists());
    assert!(d.join("out/quarterly-2023-Q2.manifest.json").exists());
    let (code, out, _) = run_in(&["regenerate", "out/quarterly-2023-Q2.manifest.json"], d);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("MATCH"), "{out}");
}

/// The first-half fixture ingested into a fresh store: (temp dir, database path).
fn first_half() -> (tempfile::TempDir, String) {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("h1.duckdb").to_str().unwrap().to_string();
    let (code, _, err) = run(&["--db", &db, "ingest", fixture("nghe-an-2023-h1").to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    (tmp, db)
}

#[test]
fn first_half_fixture_gives_each_quarter_and_the_half_year_exactly_as_calibrated() {
    use baocao::synth::calibrate::{read_spec, Totals};
    let spec = read_spec(&fixture("nghe-an-2023-h1/spec.toml")).unwrap();
    // The spec's half-year is what its quarters add up to.
    let parts: Vec<Totals> = spec.part.iter().map(|p| p.totals.clone()).collect();
    assert_eq!(baocao::synth::chain::combined(&parts), spec.totals);
    let (_tmp, db) = first_half();
    let periods = [
        ("2023-Q1", "2022-12-15", "2023-03-14", &spec.part[0].totals),
        ("2023-Q2", "2023-03-15", "2023-06-14", &spec.part[1].totals),
        ("2023-H1", "2022-12-15", "2023-06-14", &spec.totals),
    ];
    for (key, from, to, t) in periods {
        let (code, out, err) = run(&["--db", &db, "metrics", "--period", key, "--format", "json"]);
        assert_eq!(code, 0, "{key}: {err}");
        let j: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            (j["period"]["from"].as_str(), j["period"]["to"].as_str()),
            (Some(from), Some(to)),
            "{key}"
        );
        let total = &j["ii06a"]["total"];
        for (name, want) in [
            ("received_online", t.received_online),
            ("received_offline", t.received_offline),
            ("carried_over", t.carried_over),
            ("resolved_early", t.resolved_early),
            ("resolved_on_time", t.resolved_on_time),
            ("resolved_late", t.resolved_late),
            ("withdrawn", t.withdrawn),
            ("in_progress_processing", t.in_progress_processing),
            ("waiting_supplement", t.waiting_supplement),
            ("paused", t.paused),
            ("refused", t.refused),
        ] {
            assert_eq!(total[name].as_u64(), Some(want), "{key}: {name}");
        }
        // The identities of docs/rules.md (Biểu II.06a).
        let n = |k: &str| total[k].as_i64().unwrap();
        assert_eq!(
            n("total_handled"),
            n("resolved") + n("withdrawn") + n("in_progress"),
            "{key}"
        );
        assert_eq!(
            n("in_progress"),
            n("in_progress_within") + n("in_progress_overdue"),
            "{key}"
        );
    }
    // The literal figures the reports print (spec.toml's comments).
    let (_, out, _) = run(&["--db", &db, "metrics", "--period", "2023-Q2", "--format", "json"]);
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j["ii06a"]["total"]["total_handled"], 7000);
    assert_eq!(j["rates"]["on_time"]["numerator"], 6042);
    assert_eq!(j["rates"]["on_time"]["denominator"], 6138);
    // The form's columns (3)–(11): (7) and (9) include the 41 withdrawn dossiers.
    let f = &j["ii06a"]["total"]["form"];
    let cols: Vec<i64> = (3..=11).map(|c| f[format!("c{c}")].as_i64().unwrap()).collect();
    assert_eq!(cols, [7000, 2740, 3520, 740, 6179, 4720, 1363, 96, 821]);
    // The export states its window: every agency covers the quarter and the half-year
    // (all 182 days), but not the quarter before the window.
    for (key, days) in [("2023-Q2", 92), ("2023-H1", 182)] {
        let (code, out, err) = run(&["--db", &db, "coverage", "--period", key, "--json"]);
        assert_eq!(code, 0, "{key}: {out}{err}");
        let j: serde_json::Value = serde_json::from_str(&out).unwrap();
        let agencies = j["agencies"].as_array().unwrap();
        assert!(agencies.len() > 20, "{key}");
        for a in agencies {
            assert_eq!(a["status"], "covered", "{key}: {a}");
            assert_eq!(a["period_days"], days, "{key}");
            assert_eq!(a["inferred"], false, "{key}");
        }
    }
    let (_, out, _) = run(&["--db", &db, "coverage", "--period", "2022-Q4", "--json"]);
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(j["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["status"] == "not_covered"));
}

/// Renders `kind` for `period` on the first-half fixture with `renderer`; the PDF's text,
/// laid out and on one line.
fn first_half_report(db: &str, out: &std::path::Path, renderer: &str, kind: &str, period: &str) -> (String, String) {
    let config = fixture("nghe-an-2023-h1/baocao.toml");
    let (code, stdout, err) = run(&[
        "--db",
        db,
        "--config",
        config.to_str().unwrap(),
        "--renderer",
        renderer,
        "report",
        kind,
        "--period",
        period,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{kind} {period} ({renderer}): {err}");
    let pdf = out.join(format!("{kind}-{period}.pdf"));
    assert!(stdout.contains(pdf.to_str().unwrap()), "{stdout}");
    let text = pdf_text(&pdf);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (text, flat)
}

#[test]
fn quarterly_report_prints_the_calibrated_quarter_and_compares_it_with_quarter_one() {
    let (tmp, db) = first_half();
    for renderer in ["builtin", "typst"] {
        let out = tmp.path().join(renderer);
        let (text, flat) = first_half_report(&db, &out, renderer, "quarterly", "2023-Q2");
        for want in [
            "BÁO CÁO Tình hình, kết quả giải quyết thủ tục hành chính quý II năm 2023 (Từ ngày 15/3/2023 đến ngày 14/6/2023)",
            "Trong kỳ báo cáo (từ ngày 15/3/2023 đến ngày 14/6/2023)",
            // 740 carried over + 6.260 new (2.740 online, 43,77%; 3.520 in person or by post).
            "đã tiếp nhận và giải quyết 7.000 hồ sơ",
            "tiếp nhận mới 6.260 hồ sơ (trực tuyến 2.740 hồ sơ, chiếm 43,77%; trực tiếp và qua dịch vụ bưu chính công ích 3.520 hồ sơ)",
            "kỳ trước chuyển qua 740 hồ sơ",
            "Đã giải quyết 6.138 hồ sơ, trong đó trước hạn và đúng hạn 6.042 hồ sơ (đạt tỷ lệ 98,44%), quá hạn 96 hồ sơ",
            "công dân rút hồ sơ 41 hồ sơ. Đang giải quyết 821 hồ sơ, trong đó: đang xử lý 761 hồ sơ, chờ bổ sung giấy tờ 36 hồ sơ",
            "(chờ thực hiện nghĩa vụ tài chính, dừng xử lý) 24 hồ sơ",
            // Quarter I is covered by the same export, like for like: a comparison with
            // figures; quarter II of 2022 is not covered.
            "So với kỳ trước (quý I năm 2023): tổng số hồ sơ tiếp nhận và giải quyết tăng 830 hồ sơ (7.000 so với 6.170)",
            "tỷ lệ giải quyết đúng hạn, trước hạn tăng 0,63 điểm phần trăm (kỳ so sánh 97,81%, kỳ này 98,44%)",
            "tỷ lệ tiếp nhận trực tuyến tăng 4,35 điểm phần trăm (kỳ so sánh 39,42%, kỳ này 43,77%)",
            "so với cùng kỳ năm trước (quý II năm 2022): chưa đủ số liệu để so sánh",
            "Biểu số II.06a/VPCP/KSTT",
            "Kỳ báo cáo: quý II năm 2023",
        ] {
            assert!(flat.contains(want), "{renderer}: missing «{want}» in {flat}");
        }
        // The key figures compare the quarters column by column; a change of a rate stays
        // on its row, in its column (it once overflowed into "Kỳ trước" or wrapped).
        let rows: Vec<String> = text
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        for want in [
            "Chỉ tiêu Kỳ này Kỳ trước Thay đổi",
            "Tổng số hồ sơ nhận giải quyết 7.000 6.170 +830",
            "Kỳ trước chuyển qua 740 640 +100",
            "Quá hạn 96 118 -22",
            "Tỷ lệ đúng hạn, trước hạn 98,44% 97,81% tăng 0,63 điểm phần trăm",
            "Tỷ lệ tiếp nhận trực tuyến 43,77% 39,42% tăng 4,35 điểm phần trăm",
        ] {
            assert!(rows.iter().any(|r| r == want), "{renderer}: no row «{want}» in {text}");
        }
    }
}

#[test]
fn half_year_report_prints_the_calibrated_half_and_declines_to_compare() {
    let (tmp, db) = first_half();
    for renderer in ["builtin", "typst"] {
        let out = tmp.path().join(renderer);
        let (_, flat) = first_half_report(&db, &out, renderer, "half-year", "2023-H1");
        for want in [
            "BÁO CÁO Tình hình, kết quả giải quyết thủ tục hành chính 6 tháng đầu năm 2023 (Từ ngày 15/12/2022 đến ngày 14/6/2023)",
            "Trong kỳ báo cáo (từ ngày 15/12/2022 đến ngày 14/6/2023)",
            "đã tiếp nhận và giải quyết 12.430 hồ sơ",
            "tiếp nhận mới 11.790 hồ sơ (trực tuyến 4.920 hồ sơ, chiếm 41,73%; trực tiếp và qua dịch vụ bưu chính công ích 6.870 hồ sơ)",
            "kỳ trước chuyển qua 640 hồ sơ",
            "Đã giải quyết 11.536 hồ sơ, trong đó trước hạn và đúng hạn 11.322 hồ sơ (đạt tỷ lệ 98,14%), quá hạn 214 hồ sơ",
            "công dân rút hồ sơ 73 hồ sơ. Đang giải quyết 821 hồ sơ",
            // Neither the half before nor the same half of 2022 is in the export.
            "So với kỳ trước (6 tháng cuối năm 2022): chưa đủ số liệu để so sánh",
            "so với cùng kỳ năm trước (6 tháng đầu năm 2022): chưa đủ số liệu để so sánh",
            "Biểu số II.06a/VPCP/KSTT",
        ] {
            assert!(flat.contains(want), "{renderer}: missing «{want}» in {flat}");
        }
    }
}

#[test]
fn a_period_covered_only_in_part_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("h1.duckdb");
    let db = db.to_str().unwrap();
    let cfg = super::common::issued_config(tmp.path()).to_str().unwrap().to_string();
    let (code, _, err) = run(&["--db", db, "ingest", fixture("nghe-an-2023-h1").to_str().unwrap()]);
    assert!(code <= 1, "{err}");
    let out = tmp.path().join("out");
    // The report's words, one space apart, rendered by the built-in renderer.
    let words = |db: &str, kind: &str, period: &str| {
        let o = out.to_str().unwrap();
        let args = [
            "--db",
            db,
            "--config",
            &cfg,
            "--renderer",
            "builtin",
            "report",
            kind,
            "--period",
            period,
            "--out",
            o,
        ];
        let (code, _, err) = run(&args);
        assert!(code <= 1, "{kind} {period}: {err}");
        pdf_text(&out.join(format!("{kind}-{period}.pdf")))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let flat = words(db, "nine-months", "2023-9M");
    assert!(
        flat.contains("mới bao phủ 182/274 ngày của kỳ báo cáo; số liệu trong báo cáo chỉ phản ánh những ngày này"),
        "{flat}"
    );
    // The half-year itself is covered: no such sentence.
    let flat = words(db, "half-year", "2023-H1");
    assert!(!flat.contains("Lưu ý"), "{flat}");

    // A file that states no window: the report says coverage is not established.
    let d = tmp.path();
    let csv = d.join("notitle.csv");
    std::fs::write(
        &csv,
        "MaHoSo,TenDonVi,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy\n\
         N1,Sở A,10,20/05/2023,30/05/2023,29/05/2023\nN2,Sở A,10,21/05/2023,30/05/2023,29/05/2023\n",
    )
    .unwrap();
    let db2 = d.join("nt.duckdb");
    let db2 = db2.to_str().unwrap();
    let (code, _, err) = run(&["--db", db2, "ingest", csv.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let flat = words(db2, "quarterly", "2023-Q2");
    assert!(flat.contains("không ghi kỳ số liệu"), "{flat}");
    assert!(flat.contains("chưa khẳng định được số liệu đã đủ cả kỳ"), "{flat}");
}

/// A province whose months run from the 21st to the 20th (`[metrics] month_start_day = 21`):
/// August is 21/7–20/8, and its figures count exactly the dossiers of those days.
#[test]
fn a_month_from_the_21st_to_the_20th_reports_exactly_its_days() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // Received on the day before, the first day, the last day and the day after August.
    let csv = "Mã hồ sơ,Cơ quan giải quyết,Cấp,Trạng thái,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Hình thức nộp\n\
               A,Sở Y tế,tinh,10,20/07/2021,30/07/2021,20/07/2021,2\n\
               B,Sở Y tế,tinh,10,21/07/2021,30/07/2021,25/07/2021,2\n\
               C,Sở Y tế,tinh,10,20/08/2021,30/08/2021,20/08/2021,2\n\
               D,Sở Y tế,tinh,10,21/08/2021,30/08/2021,21/08/2021,2\n";
    let db = super::common::ingest_text(dir, "vp.csv", csv);
    let db = db.to_str().unwrap();
    let cfg = dir.join("baocao.toml");
    std::fs::write(&cfg, issued("[metrics]\nmonth_start_day = 21\n")).unwrap();
    let cfg = cfg.to_str().unwrap();
    let (code, out, err) = run(&[
        "--db", db, "--config", cfg, "metrics", "--period", "2021-08", "--format", "json",
    ]);
    assert!(code <= 1, "{err}");
    let m: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(m["period"]["from"], "2021-07-21", "{}", m["period"]);
    assert_eq!(m["period"]["to"], "2021-08-20");
    assert_eq!(m["period"]["convention"], "day21");
    let total = &m["ii06a"]["total"];
    assert_eq!(total["total_handled"], 2, "B and C: {total}");
    assert_eq!(total["received_online"], 2, "B and C: {total}");
    assert_eq!(total["carried_over"], 0, "A was resolved the day it came: {total}");
    assert_eq!(total["resolved"], 2, "B and C: {total}");
    // The same from the flag, without the configuration.
    let (_, flag, _) = run(&[
        "--db",
        db,
        "metrics",
        "--period",
        "2021-08",
        "--convention",
        "day21",
        "--format",
        "json",
    ]);
    let f: serde_json::Value = serde_json::from_str(&flag).unwrap();
    assert_eq!(f["ii06a"]["total"], *total);
    // The report's cover line, and a quarter and a year under the same rule.
    let out_dir = dir.join("out");
    let (dbp, cfgp) = (Path::new(db), Path::new(cfg));
    let monthly = report_json(
        dbp,
        cfgp,
        &["monthly", "--period", "2021-08"],
        &out_dir,
        "monthly-2021-08",
    );
    assert!(
        monthly.to_string().contains("Từ ngày 21/7/2021 đến ngày 20/8/2021"),
        "{monthly}"
    );
    // The national portal scores 766 on calendar months: the annual review says over which days its score is.
    let annual = report_json(dbp, cfgp, &["annual", "--year", "2021"], &out_dir, "annual-2021").to_string();
    assert!(
        annual.contains("Chỉ số tính trên số liệu kỳ báo cáo (từ ngày 21/12/2020 đến ngày 20/12/2021)"),
        "{annual}"
    );
    let c = Convention::from_day(21).unwrap();
    let q3 = Period::parse("2021-Q3", c).unwrap();
    assert_eq!((q3.from, q3.to), (d("2021-06-21"), d("2021-09-20")));
    let y = Period::parse("2022", c).unwrap();
    assert_eq!(
        (y.from, y.to),
        (d("2021-12-21"), d("2022-12-20")),
        "a year across the New Year"
    );
    let jan = Period::parse("2022-01", c).unwrap();
    assert_eq!((jan.from, jan.to), (d("2021-12-21"), d("2022-01-20")));
    // Day 1 and day 15 are the two usual conventions; a day the calendar lacks is refused.
    assert_eq!(Convention::from_day(1).unwrap(), Convention::Calendar);
    assert_eq!(Convention::from_day(15).unwrap(), Convention::Cutoff15);
    assert!(Convention::from_day(29).is_err() && Convention::from_day(0).is_err());
    // Both keys, disagreeing: the configuration is refused, naming them.
    std::fs::write(
        dir.join("both.toml"),
        issued("[metrics]\nconvention = \"cutoff15\"\nmonth_start_day = 21\n"),
    )
    .unwrap();
    let both = dir.join("both.toml");
    let (code, _, err) = run(&[
        "--db",
        db,
        "--config",
        both.to_str().unwrap(),
        "metrics",
        "--period",
        "2021-08",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("month_start_day") && err.contains("convention"), "{err}");
}
