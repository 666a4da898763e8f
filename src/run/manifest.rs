//! The manifest written beside every report: everything needed to prove, later, that the
//! PDF came from the archived inputs (`baocao regenerate`).

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Hashed {
    pub name: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Input {
    pub path: String,
    pub sha256: String,
    pub rows_loaded: i64,
    /// The window given with `ingest --covers`, replayed by `regenerate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub covers: Option<String>,
}

/// A report's manifest (`<stem>.manifest.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub kind: String,
    pub period: String,
    pub convention: String,
    pub version: i64,
    /// Always "draft": what baocao renders is a draft until `baocao issue` takes back the
    /// signed file (recorded in the database, never written into this manifest).
    #[serde(default = "draft")]
    pub state: String,
    /// A department-level report's agency.
    #[serde(default)]
    pub unit: Option<String>,
    pub renderer: String,
    pub typst_version: String,
    /// The run date the inputs were checked against (future dates).
    pub run_date: String,
    /// The configuration in force, and its hash.
    pub config: serde_json::Value,
    pub config_sha256: String,
    pub targets_toml: Option<String>,
    pub index766_toml: String,
    /// The official's notes the report printed: file, text and its hash (none: absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<crate::report::notes::NotesFile>,
    pub inputs: Vec<Input>,
    pub sql: Vec<Hashed>,
    pub templates: Vec<Hashed>,
    pub fonts: Vec<Hashed>,
    pub report_json: Hashed,
    pub pdf: Hashed,
    /// The other formats written beside the PDF (xlsx, docx).
    #[serde(default)]
    pub outputs: Vec<Hashed>,
    pub content_sha256: String,
    pub seconds: f64,
    pub outcome: String,
}

/// The input files in force, as a manifest lists them (reports and the warning list).
pub fn inputs(conn: &duckdb::Connection) -> Result<Vec<Input>> {
    Ok(crate::metrics::inputs(conn)?
        .into_iter()
        .map(|i| Input {
            path: i.file,
            sha256: i.sha256,
            rows_loaded: i.rows_loaded,
            covers: i.covers,
        })
        .collect())
}

/// Every SQL text the figures depend on, with its hash.
pub fn sql_hashes() -> Vec<Hashed> {
    let mut v: Vec<Hashed> = crate::store::MIGRATIONS
        .iter()
        .map(|(n, name, sql)| Hashed {
            name: format!("migrations/{n:04}_{name}.sql"),
            sha256: crate::fsx::sha256(sql.as_bytes()),
        })
        .collect();
    for (name, sql) in crate::metrics::MACROS {
        v.push(Hashed {
            name: format!("metrics/{name}.sql"),
            sha256: crate::fsx::sha256(sql.as_bytes()),
        });
    }
    for (name, sql) in crate::metrics::rates::FAMILIES {
        v.push(Hashed {
            name: format!("metrics/{name}.sql"),
            sha256: crate::fsx::sha256(sql.as_bytes()),
        });
    }
    for (name, sql) in [
        ("metrics/ii06a.sql", crate::metrics::ii06a::SQL),
        ("metrics/ii06b.sql", crate::metrics::ii06b::SQL),
        ("metrics/ii07b.sql", crate::metrics::ii07b::SQL),
        ("metrics/letters.sql", crate::metrics::letters::SQL),
        ("metrics/late_list.sql", crate::metrics::letters::LATE_LIST_SQL),
        ("metrics/scope.sql", crate::metrics::scope::SCOPE_SQL),
        ("metrics/cube.sql", crate::metrics::scope::CUBE_SQL),
    ] {
        v.push(Hashed {
            name: name.into(),
            sha256: crate::fsx::sha256(sql.as_bytes()),
        });
    }
    v
}

/// The templates embedded in this binary, with their hashes.
pub fn template_hashes() -> Vec<Hashed> {
    crate::output::pdf::typst::TEMPLATES
        .iter()
        .map(|(n, t)| Hashed {
            name: n.to_string(),
            sha256: crate::fsx::sha256(t.as_bytes()),
        })
        .collect()
}

/// The font files used (a configured folder's, else the embedded ones), with their hashes.
pub fn font_hashes(dir: Option<&Path>) -> Result<Vec<Hashed>> {
    Ok(crate::output::pdf::fonts::load(dir)?
        .iter()
        .map(|(f, bytes)| Hashed {
            name: f.to_string(),
            sha256: crate::fsx::sha256(bytes),
        })
        .collect())
}

/// Reads a manifest.
pub fn read(path: &Path) -> Result<Manifest> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// The manifest of a rendered report: its request, the settings, every input and
/// ingredient with its hash, and the hashes of the files written.
pub fn build(
    conn: &duckdb::Connection,
    plan: &crate::pipeline::Plan,
    s: &crate::pipeline::Settings,
    renderer: &str,
    o: &crate::pipeline::Outputs,
    seconds: f64,
) -> Result<Manifest> {
    let req = &plan.request;
    let config = serde_json::to_value(&s.config)?;
    let hashed = |p: &Path| -> Result<Hashed> {
        Ok(Hashed {
            name: file_name(p),
            sha256: crate::fsx::sha256_file(p)?.0,
        })
    };
    Ok(Manifest {
        format: 1,
        kind: req.kind.name().into(),
        period: req.period.key(),
        convention: req.period.convention.name(),
        version: plan.version,
        state: "draft".into(),
        unit: req.unit.clone(),
        renderer: renderer.into(),
        typst_version: crate::output::pdf::typst::TYPST_VERSION.into(),
        run_date: s.run_date.to_string(),
        config_sha256: crate::fsx::sha256(config.to_string().as_bytes()),
        config,
        targets_toml: s.targets_toml.clone(),
        index766_toml: s.index766_toml.clone(),
        notes: plan.notices.notes.clone(),
        inputs: inputs(conn)?,
        sql: sql_hashes(),
        templates: template_hashes(),
        fonts: font_hashes(s.config.report.fonts_dir.as_deref())?,
        report_json: hashed(&o.json)?,
        pdf: hashed(&o.pdf)?,
        outputs: o.others.iter().map(|p| hashed(p)).collect::<Result<_>>()?,
        content_sha256: plan.content_sha256.clone(),
        seconds: (seconds * 1000.0).round() / 1000.0,
        outcome: "ok".into(),
    })
}

/// Writes `<stem>.manifest.json` beside the PDF; returns its path.
pub fn write(m: &Manifest, pdf: &Path) -> Result<std::path::PathBuf> {
    let stem = m.pdf.name.trim_end_matches(".pdf");
    let path = pdf.with_file_name(format!("{stem}.manifest.json"));
    crate::fsx::write_atomic(&path, (serde_json::to_string_pretty(m)? + "\n").as_bytes())?;
    Ok(path)
}

fn draft() -> String {
    "draft".into()
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}
