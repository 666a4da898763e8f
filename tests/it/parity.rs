//! Both renderers print the same words in the same order: the fixture reports (monthly
//! with a targets file, annual) rendered with Typst and with the built-in renderer, their
//! `pdftotext -raw` text compared word by word.
//!
//! The only normalisation is for what page breaks legitimately change: the page number of
//! each page (its own line) and the repeats of a table's header row on the pages a table
//! continues on (the renderers break pages at different places), and the order in which a
//! multi-level header's cells are written (compared as a set of words). Everything else —
//! every heading, sentence, label, figure and name — must be equal and in the same order.

use super::common::{fixture, run_in};
use std::path::Path;

/// The words of a PDF, page numbers left out.
fn words(pdf: &Path) -> Vec<String> {
    let o = std::process::Command::new("pdftotext")
        .args(["-raw", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (make test-tools)");
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    let mut out = Vec::new();
    for (i, page) in text.split('\u{c}').enumerate() {
        let number = (i + 1).to_string();
        let mut skipped = i == 0; // no number on page 1
        for line in page.lines() {
            if !skipped && line.trim() == number {
                skipped = true;
                continue;
            }
            out.extend(line.split_whitespace().map(str::to_string));
        }
    }
    out
}

/// The header rows of every table in a report model, as word sequences.
fn headers(report_json: &Path) -> Vec<Vec<String>> {
    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(report_json).unwrap()).unwrap();
    let split = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    let mut hs: Vec<Vec<String>> = crate::common::blocks(&r)
        .iter()
        .filter(|b| b["type"] == "table")
        .map(|t| {
            t["columns"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|c| split(c["title"].as_str().unwrap()))
                .collect()
        })
        .collect();
    // Each appendix form's header, cell by cell (both renderers draw them in this order).
    for f in r["appendices"].as_array().unwrap() {
        let a: Vec<String> = f["head"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| split(c["text"].as_str().unwrap()))
            .collect();
        hs.push(a);
    }
    hs
}

/// Replaces the first occurrence of each header by a marker and removes the later ones.
/// A header is matched as a set of words: a multi-level header's cells are written in
/// layout order, which differs between the renderers (Typst emits the row-spanning cells
/// after the top row); the words themselves must be the same.
fn without_repeated_headers(mut w: Vec<String>, headers: &[Vec<String>]) -> Vec<String> {
    for (k, h) in headers.iter().enumerate().filter(|(_, h)| !h.is_empty()) {
        let mut want = h.clone();
        want.sort();
        let mut seen = false;
        let mut i = 0;
        while i + h.len() <= w.len() {
            let mut window = w[i..i + h.len()].to_vec();
            window.sort();
            if window == want {
                w.drain(i..i + h.len());
                if !seen {
                    w.insert(i, format!("<header {k}>"));
                    i += 1;
                    seen = true;
                }
                continue;
            }
            i += 1;
        }
    }
    w
}

fn render(
    dir: &Path,
    db: &str,
    renderer: &str,
    config: &str,
    args: &[&str],
) -> (std::path::PathBuf, std::path::PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = dir.join(renderer);
    let mut all = vec!["--db", db, "--config", config, "--renderer", renderer, "report"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", out.to_str().unwrap()]);
    let (code, stdout, err) = run_in(&all, root);
    assert_eq!(code, 0, "{renderer}: {err}");
    let mut lines = stdout.lines();
    (lines.next().unwrap().into(), lines.next().unwrap().into())
}

fn assert_same_words(dir: &Path, db: &str, config: &str, args: &[&str]) {
    let (typst_pdf, typst_json) = render(dir, db, "typst", config, args);
    let (builtin_pdf, _) = render(dir, db, "builtin", config, args);
    let hs = headers(&typst_json);
    let a = without_repeated_headers(words(&typst_pdf), &hs);
    let b = without_repeated_headers(words(&builtin_pdf), &hs);
    // Compared as one stream of characters: pdftotext sometimes misses a word gap in one
    // renderer's output ("XẾPHẠNG"), which is extraction, not content.
    let (ca, cb): (Vec<char>, Vec<char>) = (a.concat().chars().collect(), b.concat().chars().collect());
    if ca != cb {
        let at = ca
            .iter()
            .zip(&cb)
            .position(|(x, y)| x != y)
            .unwrap_or(ca.len().min(cb.len()));
        let show = |c: &[char]| {
            c[at.saturating_sub(40)..(at + 40).min(c.len())]
                .iter()
                .collect::<String>()
        };
        panic!(
            "{args:?}: the renderers differ at character {at}:\n typst:   {}\n builtin: {}",
            show(&ca),
            show(&cb)
        );
    }
    assert!(a.len() > 1000, "a whole report: {} words", a.len());
}

#[test]
fn both_renderers_print_the_same_words_in_the_same_order() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (db, fx) in [("na.duckdb", "nghe-an-2023-06"), ("br.duckdb", "ba-ria-vung-tau-2023")] {
        let db = d.join(db);
        let (code, _, err) = run_in(
            &["--db", db.to_str().unwrap(), "ingest", fixture(fx).to_str().unwrap()],
            root,
        );
        assert!(code <= 1, "{err}");
    }
    let targets = fixture("ba-ria-vung-tau-2023/targets-2023.toml");
    assert_same_words(
        &d.join("monthly"),
        d.join("na.duckdb").to_str().unwrap(),
        "fixtures/nghe-an-2023-06/baocao.toml",
        &["monthly", "--period", "2023-06", "--targets", targets.to_str().unwrap()],
    );
    assert_same_words(
        &d.join("annual"),
        d.join("br.duckdb").to_str().unwrap(),
        "fixtures/ba-ria-vung-tau-2023/baocao.toml",
        &["annual", "--year", "2023"],
    );
}
