//! The house rules of the repository itself: the configuration reference names every key,
//! every citation and link points at a file of the repository, the README stays a front
//! door, no source file grows past 600 lines, and each picture in docs/ is of the current
//! output.

use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Every file under `rel` (recursively) whose name ends with one of `exts`.
fn files(rel: &str, exts: &[&str]) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root().join(rel))
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.is_file() && exts.iter().any(|x| p.to_string_lossy().ends_with(x)))
        .collect()
}

/// The keys a TOML file may hold, read off the serde structs of `src`: (struct, key) for
/// every field of a struct that derives Deserialize, after `rename`, without `skip`.
fn serde_keys(src: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut in_struct: Option<String> = None;
    let mut derives = false;
    let mut attrs = String::new();
    for line in src.lines() {
        let t = line.trim();
        if t.starts_with("#[derive(") {
            derives = t.contains("Deserialize");
        }
        if let Some(rest) = t.strip_prefix("pub struct ") {
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            in_struct = (derives && t.ends_with('{')).then_some(name);
            attrs.clear();
            continue;
        }
        let Some(s) = &in_struct else { continue };
        if t == "}" {
            in_struct = None;
            derives = false;
            continue;
        }
        if t.starts_with("#[serde(") {
            attrs.push_str(t);
            continue;
        }
        if let Some(rest) = t.strip_prefix("pub ") {
            let field: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            // `skip`, not `skip_serializing_if`: a field left out of serialisation is still a key.
            let skipped = attrs
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .any(|w| w == "skip");
            if rest[field.len()..].starts_with(':') && !skipped {
                let key = attrs
                    .split("rename = \"")
                    .nth(1)
                    .and_then(|r| r.split('"').next())
                    .map(str::to_string)
                    .unwrap_or(field);
                out.push((s.clone(), key));
            }
            attrs.clear();
        } else if !t.starts_with("///") && !t.starts_with("//") {
            attrs.clear();
        }
    }
    out
}

#[test]
fn the_configuration_reference_names_every_key() {
    let doc = read("docs/configuration.md");
    let mut keys = serde_keys(&read("src/config.rs"));
    assert!(
        keys.iter().any(|(s, k)| s == "ReportConfig" && k == "signer_lines"),
        "the reader of src/config.rs found no [report] keys: {keys:?}"
    );
    keys.extend(serde_keys(&read("src/metrics/targets.rs")));
    let mut missing = Vec::new();
    for (s, k) in &keys {
        // The sections of baocao.toml are the fields of Config: "[report]", "[run]", …
        let named = if s == "Config" {
            doc.contains(&format!("[{k}]"))
        } else {
            doc.contains(&format!("`{k}`"))
        };
        if !named {
            missing.push(format!("{s}.{k}"));
        }
    }
    assert!(
        missing.is_empty(),
        "docs/configuration.md does not describe: {missing:?}"
    );
}

#[test]
fn the_key_reader_sees_a_new_field() {
    let src = "#[derive(Debug, Deserialize)]\n#[serde(default)]\npub struct RunConfig {\n    /// Doc.\n    pub inbox: PathBuf,\n    #[serde(skip)]\n    pub source: Option<PathBuf>,\n    #[serde(default, skip_serializing_if = \"Option::is_none\")]\n    pub day: Option<u32>,\n    #[serde(rename = \"target\")]\n    pub targets: Vec<Target>,\n}\n";
    assert_eq!(
        serde_keys(src),
        vec![
            ("RunConfig".to_string(), "inbox".to_string()),
            ("RunConfig".to_string(), "day".to_string()),
            ("RunConfig".to_string(), "target".to_string())
        ]
    );
}

/// The text files a reader of the repository follows citations in.
fn tracked_text() -> Vec<PathBuf> {
    let mut v = Vec::new();
    for dir in [
        "src",
        "sql",
        "tests",
        "reports",
        "reference",
        "docs",
        "bench",
        "fixtures",
    ] {
        v.extend(files(
            dir,
            &[".rs", ".sql", ".toml", ".typ", ".md", ".sh", ".py", ".tsv", ".css"],
        ));
    }
    v.extend(["README.md", "Makefile", ".ci/run", "Cargo.toml"].map(|f| root().join(f)));
    v
}

#[test]
fn every_citation_is_of_a_file_in_the_repository() {
    // The brief the project was written from is not in the repository: nothing may cite it.
    let outside = [
        ["domain", ".md"].concat(),
        ["design", ".md"].concat(),
        ["../", "shared"].concat(),
    ];
    let mut found = Vec::new();
    for p in tracked_text() {
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            if outside.iter().any(|o| line.contains(o.as_str())) {
                found.push(format!(
                    "{}:{}: {}",
                    p.strip_prefix(root()).unwrap().display(),
                    n + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "citations of files outside the repository:\n{}",
        found.join("\n")
    );
}

/// The relative link targets of a Markdown text: `](target)`, without an anchor.
fn links(md: &str) -> Vec<String> {
    md.match_indices("](")
        .filter_map(|(i, _)| md[i + 2..].split(')').next())
        .map(|t| t.split('#').next().unwrap().trim().to_string())
        .filter(|t| !t.is_empty() && !t.contains("://") && !t.starts_with("mailto:"))
        .collect()
}

#[test]
fn every_link_of_the_documents_resolves() {
    let mut docs = vec![root().join("README.md")];
    for dir in ["docs", "bench", "reference"] {
        docs.extend(files(dir, &[".md"]));
    }
    let mut broken = Vec::new();
    for d in &docs {
        let text = std::fs::read_to_string(d).unwrap();
        for l in links(&text) {
            if !d.parent().unwrap().join(&l).exists() {
                broken.push(format!("{} → {l}", d.strip_prefix(root()).unwrap().display()));
            }
        }
    }
    assert!(broken.is_empty(), "links to nothing:\n{}", broken.join("\n"));
}

#[test]
fn the_readme_is_a_front_door() {
    let readme = read("README.md");
    let n = readme.lines().count();
    assert!(n <= 300, "README.md has {n} lines: its content belongs in docs/");
    for must in [
        "make run",
        "make test",
        "baocao init",
        "docs/guide.md",
        "docs/huong-dan.md",
    ] {
        assert!(readme.contains(must), "README.md does not mention {must}");
    }
}

#[test]
fn no_source_file_is_over_600_lines() {
    let mut long = Vec::new();
    for dir in ["src", "tests"] {
        for p in files(dir, &[".rs"]) {
            let n = std::fs::read_to_string(&p).unwrap().lines().count();
            if n > 600 {
                long.push(format!("{} ({n} lines)", p.strip_prefix(root()).unwrap().display()));
            }
        }
    }
    assert!(long.is_empty(), "split by job: {long:?}");
}

#[test]
fn the_vietnamese_guide_covers_the_monthly_routine() {
    let guide = read("docs/huong-dan.md");
    // Export, inbox, quarantine, attention, the monthly report, notes, signing, publishing.
    for step in ["xuất", "inbox", "quarantine", "báo cáo tháng", "ký", "site"] {
        assert!(guide.contains(step), "docs/huong-dan.md does not cover '{step}'");
    }
}

#[test]
fn each_picture_is_of_the_current_output() {
    // The sources made again as `make pictures` makes them (no drawing): same bytes, or the
    // picture shows something the program no longer writes.
    let out = std::process::Command::new("python3")
        .arg(root().join("docs/pictures/make.py"))
        .args(["--bin", env!("CARGO_BIN_EXE_baocao"), "--sources-only"])
        .output()
        .expect("python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let now = String::from_utf8(out.stdout).unwrap();
    let recorded = read("docs/pictures/sources.tsv");
    let recorded: Vec<&str> = recorded.lines().filter(|l| !l.starts_with('#')).collect();
    let now: Vec<&str> = now.lines().collect();
    assert_eq!(recorded.len(), 11, "docs/pictures/sources.tsv: {recorded:?}");
    for (r, n) in recorded.iter().zip(&now) {
        assert_eq!(r, n, "the source of a picture changed: run `make pictures`");
    }
    assert_eq!(recorded.len(), now.len());
    for line in &recorded {
        let pic = line.split('\t').next().unwrap();
        assert!(root().join("docs/pictures").join(pic).exists(), "{pic} is missing");
    }
}

/// The tests a document names after a test module (`storing.rs` `newest_export_wins_…`),
/// as (module, test) pairs; a sentence end, `;` or a table cell ends the module's list.
fn named_tests(md: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut module: Option<String> = None;
    let mut rest = md;
    while let Some(i) = rest.find(['`', ';', '|', '.']) {
        let c = rest.as_bytes()[i];
        if c != b'`' {
            // "x.rs" is inside backticks; a '.' outside them followed by a space ends a sentence.
            if c != b'.' || rest[i + 1..].starts_with([' ', '\n']) {
                module = None;
            }
            rest = &rest[i + 1..];
            continue;
        }
        let Some(len) = rest[i + 1..].find('`') else { break };
        let token = &rest[i + 1..i + 1 + len];
        rest = &rest[i + 2 + len..];
        if token.ends_with(".rs") && !token.contains('/') {
            module = root().join("tests/it").join(token).exists().then(|| token.to_string());
        } else if let Some(m) = &module {
            if token.matches('_').count() >= 3
                && token
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                out.push((m.clone(), token.to_string()));
            }
        }
    }
    out
}

#[test]
fn every_test_a_document_names_is_in_the_module_it_names() {
    let mut docs = vec![root().join("README.md")];
    docs.extend(files("docs", &[".md"]));
    let mut wrong = Vec::new();
    let mut seen = 0;
    for d in &docs {
        for (m, t) in named_tests(&std::fs::read_to_string(d).unwrap()) {
            seen += 1;
            let text = read(&format!("tests/it/{m}"));
            if !text.contains(&format!("fn {t}(")) {
                wrong.push(format!("{}: {m} {t}", d.strip_prefix(root()).unwrap().display()));
            }
        }
    }
    assert!(seen > 50, "the reader found only {seen} named tests");
    assert!(
        wrong.is_empty(),
        "tests named where they are not:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn every_repository_path_a_document_names_exists() {
    // Dated benchmark runs are records of their day: they may name files since moved.
    let mut docs = vec![
        root().join("README.md"),
        root().join("bench/README.md"),
        root().join("reference/README.md"),
    ];
    docs.extend(files("docs", &[".md"]));
    let roots = [
        "src/",
        "sql/",
        "tests/",
        "reference/",
        "docs/",
        "reports/",
        "fixtures/",
        "bench/",
    ];
    let mut missing = Vec::new();
    for d in &docs {
        let text = std::fs::read_to_string(d).unwrap();
        for (i, token) in text.split('`').enumerate() {
            // Odd pieces are inside backticks; a path is one word of path characters.
            let plain = token.chars().all(|c| c.is_alphanumeric() || "/._-".contains(c));
            if i % 2 == 1 && plain && roots.iter().any(|r| token.starts_with(r)) && !root().join(token).exists() {
                missing.push(format!("{} → {token}", d.strip_prefix(root()).unwrap().display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "documents name files that do not exist:\n{}",
        missing.join("\n")
    );
}
