//! The day's warning list as files and as a daily job: the summary PDF (both renderers) states
//! the counts per agency and band, the folder is the same bytes when written again, `run`
//! with `[run] watch` writes the day's folder once and then touches nothing, `site` links
//! the newest day, and the 20 % rule (docs/rules.md, Late dossiers before they are late).
//! Kept apart from `watch.rs` (the list itself).

use super::common::*;
use super::watch::EXPORT;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Every file of a folder, by name, with its bytes and modification time.
fn files(dir: &Path) -> Vec<(String, Vec<u8>, SystemTime)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read(&p).unwrap(),
                std::fs::metadata(&p).unwrap().modified().unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The rows of the summary PDF's table as pdftotext reads them: the agency (or "Tổng
/// cộng") and its seven numbers (printed with `.` between thousands).
fn pdf_rows(pdf: &Path) -> Vec<(String, Vec<u64>)> {
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext");
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .filter_map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            let count = |w: &str| w.replace('.', "").parse::<u64>().ok();
            let n = words.iter().rev().take_while(|w| count(w).is_some()).count();
            (n == 7 && words.len() > 7).then(|| {
                let (name, nums) = words.split_at(words.len() - 7);
                (name.join(" "), nums.iter().map(|w| count(w).unwrap()).collect())
            })
        })
        .collect()
}

fn watch_out(db: &Path, renderer: &str, out: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "--db",
        db.to_str().unwrap(),
        "--renderer",
        renderer,
        "watch",
        "--date",
        "2024-02-07",
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let (code, json, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("canh-bao-2024-02-07"), "{err}");
    json
}

#[test]
fn the_summary_pdf_states_the_counts_and_is_the_same_bytes_again() {
    let tmp = tempfile::tempdir().unwrap();
    let db = ingest_text(tmp.path(), "w.csv", EXPORT);
    for renderer in ["builtin", "typst"] {
        let out = tmp.path().join(renderer);
        let json = watch_out(&db, renderer, &out, &[]);
        let day = out.join("canh-bao-2024-02-07");
        // The counts the PDF states, against a count of the list's own dossiers by band.
        let w: serde_json::Value = serde_json::from_str(&json).unwrap();
        let bands = ["overdue", "due", "soon", "within", "paused", "no_due_date"];
        let count = |agency: Option<&str>| -> Vec<u64> {
            let items: Vec<&serde_json::Value> = w["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|i| agency.is_none_or(|a| i["agency"] == a))
                .collect();
            let mut v: Vec<u64> = bands
                .iter()
                .map(|b| items.iter().filter(|i| i["band"] == *b).count() as u64)
                .collect();
            v.push(items.len() as u64);
            v
        };
        let want = vec![
            ("Sở Tư pháp".to_string(), count(Some("Sở Tư pháp"))),
            ("Sở Y tế".to_string(), count(Some("Sở Y tế"))),
            ("Tổng cộng".to_string(), count(None)),
        ];
        let pdf = day.join("tong-hop.pdf");
        assert_eq!(pdf_rows(&pdf), want, "{renderer}");
        // And by hand: A1 overdue; A2, A3 due; A4, B4 soon; A5 within; B1 paused; B2 no date.
        assert_eq!(want[2].1, [1, 2, 2, 1, 1, 1, 8]);
        let text = String::from_utf8(
            std::process::Command::new("pdftotext")
                .args([pdf.to_str().unwrap(), "-"])
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
        for s in [
            "Tổng hợp hồ sơ đang giải quyết ngày 07/02/2024",
            "sắp đến hạn: còn không quá 3 ngày làm việc",
            "không tính thứ Bảy, Chủ nhật, ngày nghỉ lễ, Tết",
        ] {
            assert!(text.contains(s), "{renderer}: {s} not in {text}");
        }
        // A second run finds the list unchanged and touches nothing.
        let first = files(&day);
        let names: Vec<&str> = first.iter().map(|f| f.0.as_str()).collect();
        assert!(
            names.contains(&"manifest.json") && names.contains(&"tong-hop.pdf"),
            "{names:?}"
        );
        let (code, _, err) = run(&[
            "--db",
            db.to_str().unwrap(),
            "--renderer",
            renderer,
            "watch",
            "--date",
            "2024-02-07",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("up to date"), "{err}");
        assert_eq!(files(&day), first, "{renderer}: untouched");
        // Written again from nothing: the same bytes, file for file.
        std::fs::remove_dir_all(&day).unwrap();
        watch_out(&db, renderer, &out, &[]);
        let again: Vec<(String, Vec<u8>)> = files(&day).into_iter().map(|(n, b, _)| (n, b)).collect();
        let first: Vec<(String, Vec<u8>)> = first.into_iter().map(|(n, b, _)| (n, b)).collect();
        assert_eq!(again, first, "{renderer}: byte-identical");
        let m: serde_json::Value = serde_json::from_slice(&std::fs::read(day.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(m["renderer"], renderer);
        assert_eq!(m["files"].as_array().unwrap().len(), 5, "{m}");
    }
}

/// A job folder: an inbox with the export, `[run] watch = true`, no report kinds.
fn job_dir(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir.join("inbox")).unwrap();
    std::fs::write(dir.join("inbox/w.csv"), EXPORT).unwrap();
    let cfg = "[report]\nrenderer = \"builtin\"\n[run]\ninbox = \"inbox\"\nout = \"out\"\nreports = []\nwatch = true\n";
    std::fs::write(dir.join("baocao.toml"), issued(cfg)).unwrap();
    // The run date of `run_in`.
    dir.join("out/canh-bao-2026-11-22")
}

#[test]
fn run_writes_the_days_list_once_and_site_links_the_newest_day() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let day = job_dir(d);
    let job = |args: &[&str]| {
        let mut all = vec!["--db", "data/b.duckdb"];
        all.extend_from_slice(args);
        run_in(&all, d)
    };
    let (code, out, err) = job(&["run", "--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("would write the warning list out/canh-bao-2026-11-22"),
        "{out}"
    );
    assert!(!day.exists());
    let (code, out, err) = job(&["run"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("wrote the warning list out/canh-bao-2026-11-22"), "{out}");
    let first = files(&day);
    // On 22/11/2026 every dossier of February 2024 still open is long overdue.
    let pdf = pdf_rows(&day.join("tong-hop.pdf"));
    assert_eq!(
        pdf.last().unwrap(),
        &("Tổng cộng".to_string(), vec![6, 0, 0, 0, 1, 1, 8])
    );
    // Nothing new in the inbox, the same date: no file changes, not even its time.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let (code, out, err) = job(&["run"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("warning list up to date: out/canh-bao-2026-11-22"),
        "{out}"
    );
    assert!(out.contains("nothing to do"), "{out}");
    assert_eq!(files(&day), first);
    // `watch --out` takes the run lock: while a run holds it, exit 4 and nothing written.
    let held = std::process::Command::new(bin())
        .current_dir(d)
        .args(["--db", "data/b.duckdb", "run"])
        .env("BAOCAO_TODAY", "2026-11-22")
        .env("BAOCAO_TEST_HOLD_LOCK_MS", "1500")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let lock = d.join("data/b.duckdb.lock");
    for _ in 0..200 {
        if std::fs::read_to_string(&lock).is_ok_and(|t| !t.is_empty()) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let (code, _, err) = job(&["watch", "--date", "2024-02-07", "--out", "out"]);
    assert_eq!(code, 4, "{err}");
    assert!(!d.join("out/canh-bao-2024-02-07").exists());
    assert_eq!(held.wait_with_output().unwrap().status.code(), Some(0));
    assert_eq!(files(&day), first);
    // An older day beside it: the site links the newest, its files copied.
    let (code, _, err) = job(&["watch", "--date", "2024-02-07", "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = job(&["site", "--out", "public"]);
    assert_eq!(code, 0, "{out}{err}");
    let index = std::fs::read_to_string(d.join("public/index.html")).unwrap();
    assert!(
        index.contains("ngày 22/11/2026")
            && index.contains("href=\"canh-bao/2026-11-22/index.html\"")
            && index.contains("href=\"canh-bao/2026-11-22/tong-hop.pdf\""),
        "{index}"
    );
    assert!(!index.contains("07/02/2024"), "{index}");
    let published = d.join("public/canh-bao/2026-11-22");
    for (name, bytes, _) in &first {
        assert_eq!(&std::fs::read(published.join(name)).unwrap(), bytes, "{name}");
    }
    // A file changed since it was written: not published, and said.
    std::fs::write(day.join("index.html"), "changed").unwrap();
    let (code, out, _) = job(&["site", "--out", "public"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("the warning list is not published"), "{out}");
    let index = std::fs::read_to_string(d.join("public/index.html")).unwrap();
    assert!(!index.contains("canh-bao/"), "{index}");
}

/// Monday 11/3/2024: X (received Fri 16/2, due Fri 15/3: 20 working days) has 4 left, a
/// fifth; Y (due Mon 18/3: 21) has 5, more than a fifth; Z (received Thu 7/3, due 15/3: 6)
/// has 4 of 6. None is within `soon_days` (3).
const SHARE: &str =
    "MaHoSo,TenDonVi,CapDonVi,TenTTHC,KenhThucHien,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy
X,Sở Xây dựng,tinh,Cấp phép xây dựng,1,4,16/02/2024,15/03/2024,
Y,Sở Xây dựng,tinh,Cấp phép xây dựng,1,4,16/02/2024,18/03/2024,
Z,Sở Xây dựng,tinh,Cấp phép xây dựng,1,4,07/03/2024,15/03/2024,
";

#[test]
fn the_share_rule_marks_a_dossier_with_a_fifth_of_its_time_left() {
    let tmp = tempfile::tempdir().unwrap();
    let db = ingest_text(tmp.path(), "s.csv", SHARE);
    let bands = |config: Option<&Path>| -> Vec<(String, String, i64)> {
        let mut args = vec!["--db", db.to_str().unwrap()];
        if let Some(c) = config {
            args.extend(["--config", c.to_str().unwrap()]);
        }
        args.extend(["watch", "--date", "2024-03-11", "--format", "json"]);
        let (code, out, err) = run(&args);
        assert_eq!(code, 0, "{err}");
        let w: serde_json::Value = serde_json::from_str(&out).unwrap();
        let mut v: Vec<_> = w["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["code"].as_str().unwrap().to_string(),
                    i["band"].as_str().unwrap().to_string(),
                    i["working_days_left"].as_i64().unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let owned = |v: [(&str, &str, i64); 3]| -> Vec<(String, String, i64)> {
        v.iter().map(|(c, b, n)| (c.to_string(), b.to_string(), *n)).collect()
    };
    // Off by default.
    assert_eq!(
        bands(None),
        owned([("X", "within", 4), ("Y", "within", 5), ("Z", "within", 4)])
    );
    let cfg = tmp.path().join("share.toml");
    std::fs::write(&cfg, "[watch]\nshare_left_percent = 20\n").unwrap();
    assert_eq!(
        bands(Some(&cfg)),
        owned([("X", "soon", 4), ("Y", "within", 5), ("Z", "within", 4)])
    );
    // The files say the rule is on.
    let out = tmp.path().join("out");
    let (code, _, err) = run(&[
        "--db",
        db.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
        "--renderer",
        "builtin",
        "watch",
        "--date",
        "2024-03-11",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(out.join("canh-bao-2024-03-11/index.html")).unwrap();
    assert!(html.contains("hoặc còn không quá 20% thời hạn giải quyết"), "{html}");
    let rows = pdf_rows(&out.join("canh-bao-2024-03-11/tong-hop.pdf"));
    assert_eq!(rows[0], ("Sở Xây dựng".to_string(), vec![0, 0, 1, 2, 0, 0, 3]));
}

/// Nghệ An, 14/6/2023, the last day of the June period (cutoff15): for every agency the
/// summary PDF's dossiers in progress and "quá hạn" are II.06a's columns (11) and (13),
/// counted by another query — in all 5.028 and the published 2.309.
#[test]
fn on_the_last_day_of_a_period_the_summary_agrees_with_ii06a() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("na.duckdb");
    let db = db.to_str().unwrap();
    let (code, _, err) = run(&["--db", db, "ingest", fixture("nghe-an-2023-06").to_str().unwrap()]);
    assert!(code <= 1, "{err}");
    let (code, json, err) = run(&[
        "--db",
        db,
        "metrics",
        "--period",
        "2023-06",
        "--convention",
        "cutoff15",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let m: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut want: Vec<(String, u64, u64)> = m["ii06a"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["grain"] == "agency")
        .map(|r| {
            (
                r["unit"].as_str().unwrap().to_string(),
                r["form"]["c13"].as_u64().unwrap(),
                r["form"]["c11"].as_u64().unwrap(),
            )
        })
        .filter(|(_, _, n)| *n > 0)
        .collect();
    want.sort();
    let out = tmp.path().join("out");
    watch_out_on(db, "2023-06-14", &out);
    let rows = pdf_rows(&out.join("canh-bao-2023-06-14/tong-hop.pdf"));
    let (total, agencies) = rows.split_last().unwrap();
    let mut got: Vec<(String, u64, u64)> = agencies.iter().map(|(a, n)| (a.clone(), n[0], n[6])).collect();
    got.sort();
    assert_eq!(got.len(), 42);
    assert_eq!(got, want);
    assert_eq!(
        total,
        &("Tổng cộng".to_string(), vec![2309, 324, 309, 1765, 321, 0, 5028])
    );
}

/// `watch --date DATE --out OUT` with the built-in renderer.
fn watch_out_on(db: &str, date: &str, out: &Path) {
    let (code, _, err) = run(&[
        "--db",
        db,
        "--renderer",
        "builtin",
        "watch",
        "--date",
        date,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
}
