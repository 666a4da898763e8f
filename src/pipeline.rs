//! The one way to make a report, used alike by `report`, `run` and `regenerate`:
//! settings → metrics → report model → outputs → manifest and `report_runs` row.

use crate::choice::{Format, RendererChoice, ReportKind};
use crate::config::Config;
use crate::error::{Exit, Failure};
use crate::metrics::{self, index766, targets};
use crate::output::pdf::Renderer;
use crate::period::Period;
use crate::report::build;
use crate::report::model::{Block, Report};
use crate::report::notes::{self, NotesFile};
use crate::run::manifest::{self, Manifest};
use anyhow::{Context, Result};
use chrono::{NaiveDate, NaiveTime};
use duckdb::Connection;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Everything a report depends on besides the data: the configuration as used, the
/// metric options, and the texts of the targets and 766 files (recorded in manifests).
#[derive(Debug, Clone)]
pub struct Settings {
    pub config: Config,
    pub metrics: metrics::Options,
    pub targets_toml: Option<String>,
    pub index766_toml: String,
    /// The run date: rows dated after it are quarantined; recorded for `regenerate`.
    pub run_date: NaiveDate,
    /// Where each report's notes come from.
    pub notes: NotesSource,
}

/// Where a report's notes (the official's own text) come from.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum NotesSource {
    /// The period's file in `[report] notes_dir`, when set (a province report only).
    #[default]
    Folder,
    /// One file read before (`--notes`), or what a manifest recorded (None: no notes).
    Given(Option<NotesFile>),
}

/// What the command line may change of the configuration.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub targets: Option<PathBuf>,
    pub renderer: Option<RendererChoice>,
    pub formats: Option<Vec<Format>>,
    /// `--notes FILE`.
    pub notes: Option<PathBuf>,
}

fn usage(msg: String) -> anyhow::Error {
    anyhow::Error::new(Failure::new(Exit::Usage, msg))
}

fn read_text(path: &Path, what: &str) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| usage(format!("reading the {what} {}: {e}", path.display())))
}

impl Settings {
    /// The one settings builder. Every problem with the configuration, the targets file or
    /// the 766 configuration is a usage error (exit 2), whichever command asks.
    pub fn build(cfg: &Config, o: &Overrides, run_date: NaiveDate) -> Result<Settings> {
        let mut config = cfg.clone();
        if let Some(t) = &o.targets {
            config.metrics.targets = Some(t.clone());
        }
        if let Some(r) = o.renderer {
            config.report.renderer = r;
        }
        if let Some(f) = &o.formats {
            config.report.formats = f.clone();
        }
        let index766_toml = match &config.metrics.index766 {
            Some(p) => read_text(p, "766 configuration")?,
            None => index766::DEFAULT_CONFIG.to_string(),
        };
        let targets_toml = match &config.metrics.targets {
            Some(p) => Some(read_text(p, "targets file")?),
            None => None,
        };
        let notes = match &o.notes {
            Some(p) => NotesSource::Given(Some(NotesFile::read(p).map_err(usage)?)),
            None => NotesSource::Folder,
        };
        Self::from_texts(config, targets_toml, index766_toml, run_date, notes)
    }

    /// Settings from the texts a manifest recorded (`regenerate`).
    pub fn from_manifest(m: &Manifest) -> Result<Settings> {
        let config: Config = serde_json::from_value(m.config.clone()).context("the manifest's configuration")?;
        let run_date = NaiveDate::parse_from_str(&m.run_date, "%Y-%m-%d").context("the manifest's run_date")?;
        let notes = NotesSource::Given(m.notes.clone());
        Self::from_texts(config, m.targets_toml.clone(), m.index766_toml.clone(), run_date, notes)
    }

    fn from_texts(
        config: Config,
        targets_toml: Option<String>,
        index766_toml: String,
        run_date: NaiveDate,
        notes: NotesSource,
    ) -> Result<Settings> {
        let index766 =
            index766::parse_config(&index766_toml).map_err(|e| usage(format!("766 configuration: {e:#}")))?;
        let targets = match &targets_toml {
            Some(t) => Some(targets::parse(t).map_err(|e| usage(format!("targets file: {e:#}")))?),
            None => None,
        };
        let metrics = metrics::Options {
            withdrawn_in_resolved: config.metrics.withdrawn_in_resolved,
            index766,
            targets,
            unit: None,
            expected_units: config.metrics.expected_units.clone(),
            forms: true,
            late_list: config
                .report
                .appendices
                .contains(&crate::choice::AppendixKind::LateList),
        };
        Ok(Settings {
            config,
            metrics,
            targets_toml,
            index766_toml,
            run_date,
            notes,
        })
    }

    /// The renderer the settings name (Typst, built-in, or auto with its fallback).
    pub fn renderer(&self) -> Result<Renderer> {
        let r = &self.config.report;
        Renderer::choose(
            r.renderer,
            r.fonts_dir.as_deref(),
            Duration::from_secs(r.render_timeout_s),
        )
    }

    /// The formats to write, in a fixed order, the PDF always among them.
    pub fn formats(&self) -> Vec<Format> {
        let mut f = self.config.report.formats.clone();
        f.push(Format::Pdf);
        f.sort();
        f.dedup();
        f
    }
}

/// Which report: kind, period, and an agency for a department-level report.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub kind: ReportKind,
    pub period: Period,
    pub unit: Option<String>,
}

impl Request {
    /// The file name stem of a version: `monthly-2023-06`, `monthly-2023-06-so-y-te-1a2b3c-v2`.
    pub fn stem(&self, version: i64) -> String {
        let mut s = format!("{}-{}", self.kind.name(), self.period.key());
        if let Some(u) = &self.unit {
            // The slug loses diacritics and case ("Sở Tư pháp", "Sở Tự pháp"): a short hash
            // of the name keeps two agencies' reports apart.
            let h = crate::fsx::sha256(u.as_bytes());
            s = format!("{s}-{}-{}", slug(u), &h[..6]);
        }
        if version > 1 {
            s = format!("{s}-v{version}");
        }
        s
    }
}

/// The notes of a report and, when a notes folder is set but holds no file for the period,
/// the file expected there.
fn notes_of(req: &Request, s: &Settings) -> Result<(Option<NotesFile>, Option<PathBuf>)> {
    match (&s.notes, &s.config.report.notes_dir, &req.unit) {
        (NotesSource::Given(n), _, _) => {
            if let Some(msg) = n.as_ref().and_then(|f| f.named_for_another(&req.period)) {
                return Err(usage(msg));
            }
            Ok((n.clone(), None))
        }
        // A department's report does not take the province's notes.
        (NotesSource::Folder, Some(dir), None) => {
            let path = dir.join(format!("{}.md", req.period.key()));
            if path.exists() {
                Ok((Some(NotesFile::read(&path).map_err(usage)?), None))
            } else {
                Ok((None, Some(path)))
            }
        }
        (NotesSource::Folder, _, _) => Ok((None, None)),
    }
}

/// Builds the model of a report: metrics of the period (and of each month for a year-end
/// review), then the words and tables, with the official's notes.
pub fn model(conn: &Connection, req: &Request, s: &Settings) -> Result<(Report, Notices)> {
    if !req.kind.fits(req.period.kind) {
        return Err(usage(format!(
            "a {} report is not made for the period {}: use {}",
            req.kind.name(),
            req.period.key(),
            match req.kind {
                ReportKind::Monthly => "a month such as 2023-06 (or --from/--to)",
                ReportKind::Quarterly => "a quarter such as 2023-Q2",
                ReportKind::HalfYear => "a half-year such as 2023-H1",
                ReportKind::NineMonths => "nine months such as 2023-9M",
                ReportKind::Annual => "a year such as 2023",
            }
        )));
    }
    let mut o = s.metrics.clone();
    o.unit = req.unit.clone();
    let m = metrics::compute(conn, &req.period, &o)?;
    let cfg = &s.config.report;
    let (notes_file, notes_missing) = notes_of(req, s)?;
    let notes = match &notes_file {
        Some(f) => Some(notes::parse(&f.text, &cfg.sections).map_err(|e| usage(format!("the notes {}: {e}", f.file)))?),
        None => None,
    };
    let mut r = match req.kind {
        // A quarter, a half-year or nine months is reported like a month, over its own
        // dates ("… quý II năm 2023").
        ReportKind::Monthly | ReportKind::Quarterly | ReportKind::HalfYear | ReportKind::NineMonths => {
            build::monthly(&m, &req.period, cfg, notes.as_ref())
        }
        ReportKind::Annual => {
            let months = req
                .period
                .months_within()
                .iter()
                .map(|mp| metrics::trend_month(conn, mp, &o))
                .collect::<Result<Vec<_>>>()?;
            build::annual(&m, &months, &req.period, cfg, notes.as_ref())
        }
    };
    if let Some(u) = &req.unit {
        r.header.subject = format!("{} của {u}", r.header.subject);
    }
    let no_data = crate::report::narrative::no_data(&m);
    // A report without data has no appendix on purpose: that is said once, as no data.
    let forms_left_out = cfg
        .appendices
        .iter()
        .filter(|k| !no_data && r.appendix(k.name()).is_none())
        .map(|k| k.name().to_string())
        .collect();
    let notices = Notices {
        no_data,
        set_aside: m.set_aside.len(),
        missing_units: m.missing_units.clone(),
        partly: m
            .coverage
            .iter()
            .filter(|c| c.status == metrics::coverage::Status::Partly)
            .map(|c| format!("{} ({}/{} ngày)", c.agency, c.covered_days, c.period_days))
            .collect(),
        forms_left_out,
        catalogue_loaded: catalogue_loaded(conn)?,
        districts_after_2025: if m.period.from.as_str() >= "2025-07-01" {
            m.ii06a
                .rows
                .iter()
                .filter(|r| r.grain == "agency" && r.level.as_deref() == Some("huyen"))
                .filter_map(|r| r.unit.clone())
                .collect()
        } else {
            Vec::new()
        },
        unit: req.unit.clone(),
        notes_missing,
        // A notes file with no words under its headings leaves the sections unwritten.
        notes_empty: match (&notes, &notes_file) {
            (Some(n), Some(f)) if n.causes.is_empty() && n.tasks.is_empty() && n.proposals.is_empty() => {
                Some(f.file.clone())
            }
            _ => None,
        },
        notes: notes_file,
    };
    Ok((r, notices))
}

/// Whether any procedure catalogue row is loaded (what a left-out II.07b is said to lack).
fn catalogue_loaded(conn: &Connection) -> Result<bool> {
    let n: i64 = conn.query_row("SELECT count(*) FROM catalogue_versions", [], |r| r.get(0))?;
    Ok(n > 0)
}

/// What a report found that an operator must act on (also said in the report itself).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Notices {
    /// No file covers a day of the period: the report states no figure.
    pub no_data: bool,
    /// Dossiers left out of the figures: their dates contradict each other.
    pub set_aside: usize,
    /// Agencies expected that have no data in the period.
    pub missing_units: Vec<String>,
    /// Agencies whose data covers only part of the period, with the days covered.
    pub partly: Vec<String>,
    /// Appendix forms configured but not made (II.07b without a procedure catalogue).
    pub forms_left_out: Vec<String>,
    /// Whether a procedure catalogue is loaded at all.
    pub catalogue_loaded: bool,
    /// The agency of a department-level report.
    pub unit: Option<String>,
    /// Agencies whose rows say `CapDonVi = huyen` in a period after the district level ended.
    pub districts_after_2025: Vec<String>,
    /// The notes file `[report] notes_dir` should hold for this period and does not.
    pub notes_missing: Option<PathBuf>,
    /// A notes file given that holds no words under its headings.
    pub notes_empty: Option<String>,
    /// The notes the report printed (recorded in the manifest).
    pub notes: Option<NotesFile>,
}

impl Notices {
    /// The attention lines for a report file, in the office's language.
    pub fn lines(&self, what: &str) -> Vec<String> {
        let mut v = Vec::new();
        if self.no_data {
            v.push(format!(
                "{what}: kỳ báo cáo chưa có số liệu (không tệp nào bao phủ kỳ này); báo cáo không nêu số liệu nào — nạp số liệu của kỳ rồi lập lại báo cáo"
            ));
        }
        if !self.missing_units.is_empty() && !self.no_data {
            v.push(format!(
                "{what}: chưa có số liệu kỳ này của {}",
                self.missing_units.join(", ")
            ));
        }
        if !self.partly.is_empty() {
            v.push(format!(
                "{what}: số liệu chưa bao phủ đủ kỳ báo cáo: {}",
                self.partly.join("; ")
            ));
        }
        if !self.districts_after_2025.is_empty() {
            v.push(format!(
                "{what}: đơn vị ghi cấp huyện sau ngày 1/7/2025 (không còn cấp huyện; kiểm tra cột Cấp của tệp xuất): {}",
                self.districts_after_2025.join(", ")
            ));
        }
        if self.set_aside > 0 {
            v.push(format!(
                "{what}: {} dossier(s) set aside (finish date before acceptance): they are listed in the report; correct the exports",
                self.set_aside
            ));
        }
        if let Some(p) = &self.notes_missing {
            v.push(format!(
                "{what}: chưa có phần viết của cơ quan (nguyên nhân, nhiệm vụ, đề xuất): tệp {} chưa có; báo cáo chỉ có phần số liệu — viết tệp rồi lập lại báo cáo",
                p.display()
            ));
        }
        if let Some(f) = &self.notes_empty {
            v.push(format!(
                "{what}: tệp {f} không có nội dung dưới các tiêu đề «## »: báo cáo chỉ có phần số liệu — viết phần nhận xét rồi lập lại báo cáo"
            ));
        }
        for f in &self.forms_left_out {
            v.push(match (&self.unit, self.catalogue_loaded) {
                (_, false) => format!(
                    "{what}: phụ lục {f} không lập được: chưa nạp danh mục TTHC (no procedure catalogue is loaded; ingest one)"
                ),
                (Some(u), true) => format!(
                    "{what}: phụ lục {f} không lập được: danh mục TTHC đã nạp không có thủ tục nào của {u}"
                ),
                (None, true) => format!(
                    "{what}: phụ lục {f} không lập được: danh mục TTHC đã nạp không có thủ tục nào cho kỳ này"
                ),
            });
        }
        v
    }

    /// Exit 1 ("attention") whenever an agency expected is not fully covered, the period has
    /// no data, dossiers were set aside, a form was left out or the period's notes are missing.
    pub fn exit(&self) -> Exit {
        if self.no_data
            || self.set_aside > 0
            || !self.forms_left_out.is_empty()
            || !self.missing_units.is_empty()
            || !self.partly.is_empty()
            || !self.districts_after_2025.is_empty()
            || self.notes_missing.is_some()
            || self.notes_empty.is_some()
        {
            Exit::Warnings
        } else {
            Exit::Ok
        }
    }
}

/// A report ready to render: its model, the hash of what it says, and its version.
#[derive(Debug, Clone)]
pub struct Plan {
    pub request: Request,
    pub report: Report,
    pub content_sha256: String,
    pub version: i64,
    /// True when the newest rendered version already says exactly this.
    pub unchanged: bool,
    pub notices: Notices,
}

impl Plan {
    /// The file name stem of this version.
    pub fn stem(&self) -> String {
        self.request.stem(self.version)
    }
}

/// The hash of what a report says (its model without the data version, and without the
/// rows' registry keys, which are not printed): a new version is made only when this changes.
pub fn content_hash(report: &Report) -> Result<String> {
    let mut r = report.clone();
    r.data_version = String::new();
    for b in r.sections.iter_mut().flat_map(|s| s.blocks.iter_mut()) {
        if let Block::Table(t) = b {
            t.rows.iter_mut().for_each(|row| row.key = None);
        }
    }
    Ok(crate::fsx::sha256(&serde_json::to_vec(&r)?))
}

/// The newest version rendered for a request, with what it said.
fn last_version(conn: &Connection, req: &Request) -> Result<Option<(i64, String)>> {
    let mut st = conn.prepare(
        "SELECT r.version, r.content_sha256 FROM report_runs r LEFT JOIN report_run_units u USING (run_id)
         WHERE r.kind = ? AND r.period = ? AND r.convention = ? AND r.outcome = 'ok'
           AND u.unit IS NOT DISTINCT FROM ?
         ORDER BY r.version DESC, r.run_id DESC LIMIT 1",
    )?;
    let mut rows = st.query(duckdb::params![
        req.kind.name(),
        req.period.key(),
        req.period.convention.name(),
        req.unit
    ])?;
    Ok(match rows.next()? {
        Some(r) => Some((r.get(0)?, r.get(1)?)),
        None => None,
    })
}

/// Computes a report and decides its version: the newest one if it says the same, else the next.
pub fn plan(conn: &Connection, req: &Request, s: &Settings) -> Result<Plan> {
    let (report, notices) = model(conn, req, s)?;
    let content_sha256 = content_hash(&report)?;
    let (version, unchanged) = match last_version(conn, req)? {
        Some((v, c)) if c == content_sha256 => (v, true),
        Some((v, _)) => (v + 1, false),
        None => (1, false),
    };
    Ok(Plan {
        request: req.clone(),
        report,
        content_sha256,
        version,
        unchanged,
        notices,
    })
}

/// The files one rendering wrote.
#[derive(Debug, Clone)]
pub struct Outputs {
    pub json: PathBuf,
    pub pdf: PathBuf,
    /// The other formats written (xlsx, docx), in format order.
    pub others: Vec<PathBuf>,
}

/// The files' creation time: the start of the run date (UTC+7), which the manifest records
/// so `regenerate` gives it again; never the wall clock, never the period (a file made in
/// 2026 about 2023 says 2026).
pub fn creation_timestamp(run_date: NaiveDate) -> i64 {
    run_date.and_time(NaiveTime::MIN).and_utc().timestamp() - 7 * 3600
}

/// Writes `<dir>/<stem>.report.json`, renders `<dir>/<stem>.pdf` and writes the other
/// formats asked for (`<stem>.xlsx`, `<stem>.docx`), each atomically, all from the one model.
pub fn render_outputs(
    report: &Report,
    run_date: NaiveDate,
    renderer: &Renderer,
    formats: &[Format],
    dir: &Path,
    stem: &str,
) -> Result<Outputs> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let json = dir.join(format!("{stem}.report.json"));
    crate::fsx::write_atomic(&json, (serde_json::to_string_pretty(report)? + "\n").as_bytes())?;
    let pdf = dir.join(format!("{stem}.pdf"));
    let ts = creation_timestamp(run_date);
    renderer.render(report, &json, &pdf, ts)?;
    let mut others = Vec::new();
    for f in formats {
        let path = dir.join(format!("{stem}.{}", f.ext()));
        let bytes = match f {
            Format::Pdf => continue,
            Format::Xlsx => crate::output::xlsx::write(report, ts)?,
            Format::Docx => crate::output::docx::write(report, ts)?,
        };
        crate::fsx::write_atomic(&path, &bytes).with_context(|| format!("writing {}", path.display()))?;
        others.push(path);
    }
    Ok(Outputs { json, pdf, others })
}

/// What producing a report wrote.
#[derive(Debug, Clone)]
pub struct Produced {
    pub outputs: Outputs,
    pub manifest: PathBuf,
    pub version: i64,
}

/// Renders a planned report into `out`, writes its manifest and records it in
/// `report_runs` (unless this very version was already recorded).
pub fn produce(conn: &Connection, plan: &Plan, s: &Settings, renderer: &Renderer, out: &Path) -> Result<Produced> {
    let t = Instant::now();
    let outputs = render_outputs(&plan.report, s.run_date, renderer, &s.formats(), out, &plan.stem())?;
    let seconds = t.elapsed().as_secs_f64();
    let m = manifest::build(conn, plan, s, renderer.name(), &outputs, seconds)?;
    let mpath = manifest::write(&m, &outputs.pdf)?;
    if !plan.unchanged {
        record(conn, plan, &m, &outputs, &mpath)?;
    }
    Ok(Produced {
        outputs,
        manifest: mpath,
        version: plan.version,
    })
}

/// Adds the `report_runs` row of a rendered version (and its agency, for a department report).
fn record(conn: &Connection, plan: &Plan, m: &Manifest, o: &Outputs, mpath: &Path) -> Result<()> {
    let req = &plan.request;
    let run_id: i64 = conn.query_row(
        "INSERT INTO report_runs (kind, period, convention, version, content_sha256, pdf_path, pdf_sha256, manifest_path, renderer, seconds, outcome)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ok') RETURNING run_id",
        duckdb::params![
            req.kind.name(),
            req.period.key(),
            req.period.convention.name(),
            plan.version,
            plan.content_sha256,
            o.pdf.to_string_lossy().to_string(),
            m.pdf.sha256,
            mpath.to_string_lossy().to_string(),
            m.renderer,
            m.seconds
        ],
        |r| r.get(0),
    )?;
    if let Some(u) = &req.unit {
        conn.execute(
            "INSERT INTO report_run_units (run_id, unit) VALUES (?, ?)",
            duckdb::params![run_id, u],
        )?;
    }
    Ok(())
}

/// A file-name form of an agency name: "Sở Y tế" → "so-y-te".
pub fn slug(name: &str) -> String {
    let folded: String = unicode_normalization::UnicodeNormalization::nfd(name)
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| if c == 'đ' || c == 'Đ' { 'd' } else { c })
        .collect();
    let mut out = String::new();
    for c in folded.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}
