//! The reporting calendar beyond the month: quarterly, half-year and nine-month reports
//! (cutoff-15 dates), their refusal of a period of the wrong kind, and their scheduling.

use super::common::{fixture, run, run_in};
use baocao::period::{Convention, Period};
use chrono::NaiveDate;

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
            "--renderer",
            "builtin",
            "report",
            kind,
            "--period",
            period,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{kind}: {err}");
        let pdf = out.join(format!("{kind}-{period}.pdf"));
        assert!(stdout.contains(pdf.to_str().unwrap()), "{stdout}");
        let text = pdf_text(&pdf);
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(label), "{kind}: the subject names the period: {flat}");
        assert!(flat.contains(dates), "{kind}: the exact dates are stated: {flat}");
        assert!(flat.contains("Biểu số II.06a/VPCP/KSTT"), "{kind}: the II.06a appendix");
    }
    // A period of the wrong kind is refused, naming what fits.
    let (code, _, err) = run(&["--db", db, "report", "monthly", "--period", "2023-Q2"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("a month such as"), "{err}");
    let (code, _, err) = run(&["--db", db, "report", "quarterly", "--period", "2023-06"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn the_job_schedules_quarterly_reports_when_configured() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir_all(d.join("inbox")).unwrap();
    std::fs::write(
        d.join("baocao.toml"),
        "[report]\nrenderer = \"builtin\"\n[run]\nreports = [\"monthly\", \"quarterly\"]\nfirst_period = \"2023-04\"\n",
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
