//! baocao.toml: how figures are counted (and, later, who issues the reports).

use crate::choice::{AppendixKind, Format, RendererChoice, ReportKind};
use crate::period::Convention;
use anyhow::Result;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The configuration. Every key but who issues the reports (`require`) has a default.
#[derive(Debug, Clone, Deserialize, serde::Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The file it was read from, for messages; None for the defaults.
    #[serde(skip)]
    pub source: Option<PathBuf>,
    #[serde(default)]
    pub metrics: MetricsConfig,
    #[serde(default)]
    pub report: ReportConfig,
    #[serde(default)]
    pub run: RunConfig,
    #[serde(default)]
    pub ingest: IngestConfig,
    #[serde(default)]
    pub national: NationalConfig,
    #[serde(default, skip_serializing_if = "WatchConfig::is_default")]
    pub watch: WatchConfig,
    #[serde(default, skip_serializing_if = "IssueConfig::is_default")]
    pub issue: IssueConfig,
}

/// `[issue]`: how `baocao issue` checks a signed file.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct IssueConfig {
    /// PEM certificates to trust as roots besides the system's (e.g. the Government's root CA).
    pub trust: Vec<PathBuf>,
}

impl IssueConfig {
    /// Left out of a manifest's configuration when default (reports do not read it).
    pub fn is_default(&self) -> bool {
        *self == IssueConfig::default()
    }
}

/// `[national]`: who issues the national roll-up report (`report national`).
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct NationalConfig {
    /// Issuing body, top left, one line each.
    pub issuer: Vec<String>,
    pub number: String,
    /// Place before the date.
    pub place: String,
    pub signer_lines: Vec<String>,
    pub signer_name: String,
    pub recipients: Vec<String>,
}

impl Default for NationalConfig {
    fn default() -> Self {
        // Who issues it is the operator's to say (no built-in issuer, place or signer).
        NationalConfig {
            issuer: Vec::new(),
            number: "Số:        /BC-VPCP".into(),
            place: String::new(),
            signer_lines: Vec::new(),
            signer_name: String::new(),
            recipients: vec!["Thủ tướng Chính phủ (để b/c);".into(), "Lưu: VT, KSTT.".into()],
        }
    }
}

/// `[ingest]`: what of an export is kept, and who may read what baocao writes.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct IngestConfig {
    /// Columns matching no field: "keep" (all but personal data), "drop", or a list of headers.
    pub extra: crate::ingest::checking::privacy::ExtraPolicy,
    /// Create the database, archive, rejected files and reports readable by their owner
    /// only (0600 files, 0700 folders); false leaves the usual umask.
    pub owner_only: bool,
}

impl Default for IngestConfig {
    fn default() -> Self {
        IngestConfig {
            extra: Default::default(),
            owner_only: true,
        }
    }
}

/// `[run]`: the scheduled job's folders and which reports it keeps up to date.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RunConfig {
    /// Where agencies' exports arrive.
    pub inbox: PathBuf,
    /// Processed exports are moved here, under YYYY/MM/ of the run date; never deleted.
    pub archive: PathBuf,
    /// Files that could not be loaded are moved here, under YYYY/MM/, each with a
    /// `<name>.reason.txt` beside it.
    pub rejected: PathBuf,
    /// Reports and their manifests.
    pub out: PathBuf,
    /// Which reports the job keeps up to date: monthly, quarterly, half-year, nine-months, annual.
    pub reports: Vec<ReportKind>,
    /// No report for periods before this one (e.g. "2023-01").
    pub first_period: Option<String>,
    /// No longer changes anything (still read, so older files load): a report naming
    /// agencies without data, or not covered for the whole period, always exits 1.
    pub missing_units_exit: bool,
    /// Also write the day's warning list (`baocao watch --out` into `out`) on every run;
    /// left out of a report manifest's configuration when off.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub watch: bool,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            inbox: PathBuf::from("inbox"),
            archive: PathBuf::from("archive"),
            rejected: PathBuf::from("rejected"),
            out: PathBuf::from("out"),
            reports: vec![ReportKind::Monthly, ReportKind::Annual],
            first_period: None,
            missing_units_exit: false,
            watch: false,
        }
    }
}

/// `[report]`: who issues the documents and to whom (Decree 30/2020 frame).
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportConfig {
    /// The province as written in running text: "Nghệ An".
    pub province: String,
    /// Issuing body, top left, one line each: ["ỦY BAN NHÂN DÂN", "TỈNH NGHỆ AN"].
    pub issuer: Vec<String>,
    /// Document number as printed: "Số:        /BC-UBND" (filled in by the clerk).
    pub number: String,
    /// Leave the number and the day and month of the date blank for the records office:
    /// "Số:      /BC-UBND", "Nghệ An, ngày      tháng      năm 2023".
    pub leave_number_blank: bool,
    /// The name of the empty signature field the PDF carries over the signature block's
    /// free area (ASCII letters, digits, `_`, `-`); "" for none.
    pub signature_field: String,
    /// Place before the date: "Nghệ An".
    pub place: String,
    /// Signature block, one line each: ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"].
    pub signer_lines: Vec<String>,
    pub signer_name: String,
    /// "Nơi nhận" list; the last is usually "Lưu: VT, KSTT.".
    pub recipients: Vec<String>,
    /// II.06a header: reporting and receiving units.
    pub reporting_unit: String,
    pub receiving_unit: String,
    /// A folder with LiberationSerif-*.ttf replacing the fonts built into baocao.
    pub fonts_dir: Option<PathBuf>,
    /// The files each report is written as, besides its JSON: pdf, xlsx, docx (the PDF
    /// always: the manifest and `regenerate` are anchored on it).
    pub formats: Vec<Format>,
    /// Seconds before a hung typst compile is killed.
    pub render_timeout_s: u64,
    /// typst, builtin, or auto (Typst when the pinned version is there, else built-in).
    pub renderer: RendererChoice,
    /// The appendix forms, in print order: ii06a, ii06b (per procedure), ii07b (from the
    /// procedure catalogue), late_list (the dossiers resolved late, with their apology letter).
    pub appendices: Vec<AppendixKind>,
    /// The code and title each form prints (published templates word them differently).
    pub forms: Forms,
    /// Units with fewer dossiers than this in the period are listed apart from the 766
    /// ranking, not ranked.
    pub ranking_min_dossiers: i64,
    /// What section "Tồn tại, hạn chế" names (`[report.shortcomings]`).
    pub shortcomings: Shortcomings,
    /// A folder of the official's notes, one file per period named by its key
    /// (`2024-04.md`, `2024-Q2.md`, `2024-H1.md`, `2024-9M.md`, `2024.md`); `--notes`
    /// names one file instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes_dir: Option<PathBuf>,
    /// The titles of the sections, without their numbers (`[report.sections]`).
    #[serde(default, skip_serializing_if = "SectionTitles::is_default")]
    pub sections: SectionTitles,
}

/// `[report.sections]`: the titles the sections print (numbered I, II, … in print order).
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SectionTitles {
    /// The year-end review's first section.
    pub highlights: String,
    /// Handling of dossiers in the period, with its figures.
    pub results: String,
    /// Shortcomings drawn from the data, then the causes.
    pub shortcomings: String,
    /// The sub-heading of the causes (the official's words) inside the shortcomings.
    pub causes: String,
    /// The tasks ahead (the official's words).
    pub tasks: String,
    /// Proposals and recommendations (the official's words).
    pub proposals: String,
}

impl Default for SectionTitles {
    fn default() -> Self {
        SectionTitles {
            highlights: "KẾT QUẢ NỔI BẬT TRONG NĂM".into(),
            results: "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH".into(),
            shortcomings: "TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN".into(),
            causes: "Nguyên nhân".into(),
            tasks: "NHIỆM VỤ, GIẢI PHÁP THỜI GIAN TỚI".into(),
            proposals: "ĐỀ XUẤT, KIẾN NGHỊ".into(),
        }
    }
}

impl SectionTitles {
    /// Left out of a manifest's configuration when default (older manifests had none).
    pub fn is_default(&self) -> bool {
        *self == SectionTitles::default()
    }
}

/// `[watch]`: the bands of the daily warning list, in working days before the due date.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct WatchConfig {
    /// "đến hạn": due within this many working days (0: today).
    pub due_soon_days: u32,
    /// "sắp đến hạn": due within this many working days.
    pub soon_days: u32,
    /// Also "sắp đến hạn" when no more than this share (%) of the dossier's processing time
    /// — received to due, in working days — is left (20 in OpenCPS); 0 turns the rule off.
    pub share_left_percent: u32,
}

impl Default for WatchConfig {
    fn default() -> Self {
        WatchConfig {
            due_soon_days: 1,
            soon_days: 3,
            share_left_percent: 0,
        }
    }
}

impl WatchConfig {
    /// Left out of a manifest's configuration when default (reports do not read it).
    pub fn is_default(&self) -> bool {
        *self == WatchConfig::default()
    }
}

/// `[report.shortcomings]`: how section "Tồn tại, hạn chế và nguyên nhân" is drawn from the data.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Shortcomings {
    /// How many agencies (and fields) a sentence names, most first.
    pub top: usize,
    /// Agencies whose on-time rate (%) is below this are named with their rate.
    pub on_time_below: f64,
    /// Agencies whose on-time rate fell by at least this many percentage points against the
    /// previous period (both covered in full) are named.
    pub drop_points: f64,
}

impl Default for Shortcomings {
    fn default() -> Self {
        Shortcomings {
            top: 3,
            on_time_below: 95.0,
            drop_points: 5.0,
        }
    }
}

/// `[report.forms.ii06a]` …: the code and title of each appendix form.
#[derive(Debug, Clone, Deserialize, serde::Serialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Forms {
    pub ii06a: FormText,
    pub ii06b: FormText,
    pub ii07b: FormText,
    /// The late-dossier list (`late_list`).
    pub late_list: FormText,
}

/// A form's code ("Biểu số II.06a/VPCP/KSTT") and title; empty keeps the built-in wording.
#[derive(Debug, Clone, Deserialize, serde::Serialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct FormText {
    pub code: Option<String>,
    pub title: Option<String>,
}

impl Default for ReportConfig {
    fn default() -> Self {
        // No built-in province, issuer, place or signer: a report never borrows another
        // province's identity (`baocao init` writes them; `require_identity` refuses a
        // report without them).
        ReportConfig {
            province: String::new(),
            issuer: Vec::new(),
            number: "Số:        /BC-UBND".into(),
            leave_number_blank: false,
            signature_field: "ChuKy".into(),
            place: String::new(),
            signer_lines: Vec::new(),
            signer_name: String::new(),
            recipients: vec![
                "Văn phòng Chính phủ (Cục Kiểm soát TTHC);".into(),
                "Lưu: VT, KSTT.".into(),
            ],
            reporting_unit: String::new(),
            receiving_unit: "Văn phòng Chính phủ".into(),
            fonts_dir: None,
            formats: default_formats(),
            render_timeout_s: 120,
            renderer: RendererChoice::Auto,
            appendices: vec![AppendixKind::Ii06a],
            forms: Forms::default(),
            ranking_min_dossiers: 30,
            shortcomings: Shortcomings::default(),
            notes_dir: None,
            sections: SectionTitles::default(),
        }
    }
}

impl ReportConfig {
    /// The `[report]` keys naming who issues a report that are not set.
    pub fn missing_identity(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.province.trim().is_empty() {
            v.push("province");
        }
        if self.issuer.iter().all(|l| l.trim().is_empty()) {
            v.push("issuer");
        }
        if self.place.trim().is_empty() {
            v.push("place");
        }
        if self.signer_lines.iter().all(|l| l.trim().is_empty()) {
            v.push("signer_lines");
        }
        if self.reporting_unit.trim().is_empty() {
            v.push("reporting_unit");
        }
        v
    }
}

impl NationalConfig {
    /// The `[national]` keys naming who issues the national roll-up that are not set.
    pub fn missing_identity(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.issuer.iter().all(|l| l.trim().is_empty()) {
            v.push("issuer");
        }
        if self.place.trim().is_empty() {
            v.push("place");
        }
        if self.signer_lines.iter().all(|l| l.trim().is_empty()) {
            v.push("signer_lines");
        }
        v
    }
}

/// Exit 2 naming the keys of `section` that are missing, when any is: who issues a document
/// comes from the configuration, never from a default.
pub fn require(section: &str, missing: &[&str], source: Option<&Path>) -> Result<()> {
    if missing.is_empty() {
        return Ok(());
    }
    let file = source
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "no configuration file (give --config, or put baocao.toml in the working folder)".into());
    Err(usage(format!(
        "who issues the report is not configured: set [{section}] {} ({file}); `baocao init --province \"…\"` writes a configuration to complete",
        missing.join(", ")
    )))
}

/// `[metrics]`: period convention, the form's withdrawn note, the 766 configuration.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsConfig {
    /// `cutoff15` (Decree 09/2019), `calendar`, or `dayN` (months starting on day N).
    #[serde(default = "default_convention")]
    pub convention: Convention,
    /// The day (1–28) a reporting month starts on, for a province that cuts its periods on
    /// neither the 15th nor the 1st: 21 gives months from the 21st to the 20th. Sets
    /// `convention` (1 = calendar, 15 = cutoff15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month_start_day: Option<u32>,
    /// Count withdrawn dossiers in columns (7) and (9) of II.06a, as the form's note says.
    #[serde(default = "yes")]
    pub withdrawn_in_resolved: bool,
    /// A 766 configuration file replacing the built-in reference/index766.toml.
    #[serde(default)]
    pub index766: Option<PathBuf>,
    /// The targets file of the year, if any.
    #[serde(default)]
    pub targets: Option<PathBuf>,
    /// Agencies expected to report every period, besides those seen in earlier periods: a
    /// report names those without data ("Các đơn vị chưa có số liệu kỳ này").
    #[serde(default)]
    pub expected_units: Vec<String>,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        MetricsConfig {
            convention: default_convention(),
            month_start_day: None,
            withdrawn_in_resolved: true,
            index766: None,
            targets: None,
            expected_units: Vec::new(),
        }
    }
}

fn default_formats() -> Vec<Format> {
    vec![Format::Pdf]
}

fn default_convention() -> Convention {
    Convention::Cutoff15
}

fn yes() -> bool {
    true
}

fn usage(msg: String) -> anyhow::Error {
    anyhow::Error::new(crate::error::Failure::new(crate::error::Exit::Usage, msg))
}

impl Config {
    /// Loads `path`, or ./baocao.toml when present, else the defaults.
    pub fn load(path: Option<&Path>) -> Result<Self> {
        let p = match path {
            Some(p) => p.to_path_buf(),
            None if Path::new("baocao.toml").exists() => PathBuf::from("baocao.toml"),
            None => return Ok(Config::default()),
        };
        let text = std::fs::read_to_string(&p).map_err(|e| usage(format!("reading {}: {e}", p.display())))?;
        let mut c: Config =
            toml::from_str(&text).map_err(|e| usage(format!("{}: {}", p.display(), e.to_string().trim())))?;
        c.resolve_paths(p.parent().unwrap_or(Path::new("")));
        c.source = Some(p.clone());
        if let Some(d) = c.metrics.month_start_day {
            let by_day = Convention::from_day(d)
                .map_err(|e| usage(format!("{}: [metrics] month_start_day: {e}", p.display())))?;
            let named = text
                .parse::<toml::Table>()
                .ok()
                .and_then(|t| t.get("metrics")?.get("convention")?.as_str().map(str::to_string));
            if named.is_some() && c.metrics.convention != by_day {
                return Err(usage(format!(
                    "{}: [metrics] convention = \"{}\" and month_start_day = {d} disagree: keep one",
                    p.display(),
                    c.metrics.convention.name()
                )));
            }
            c.metrics.convention = by_day;
        }
        let field = &c.report.signature_field;
        if !field.is_empty() && !crate::output::pdf::sign_field::valid_name(field) {
            return Err(usage(format!(
                "{}: [report] signature_field {field:?}: use ASCII letters, digits, _ or - (\"\" for no field)",
                p.display()
            )));
        }
        Ok(c)
    }

    /// Relative paths in a configuration file mean "beside the file", wherever the
    /// command runs from.
    fn resolve_paths(&mut self, dir: &Path) {
        let at = |p: &mut PathBuf| {
            if p.is_relative() && !dir.as_os_str().is_empty() {
                *p = dir.join(&*p);
            }
        };
        for p in [
            &mut self.metrics.index766,
            &mut self.metrics.targets,
            &mut self.report.fonts_dir,
            &mut self.report.notes_dir,
        ]
        .into_iter()
        .flatten()
        {
            at(p);
        }
        self.issue.trust.iter_mut().for_each(&at);
        for p in [
            &mut self.run.inbox,
            &mut self.run.archive,
            &mut self.run.rejected,
            &mut self.run.out,
        ] {
            at(p);
        }
    }
}
