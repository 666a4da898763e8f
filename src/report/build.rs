//! Builds the report model from computed metrics and the configuration (no SQL here).

use super::format::{basis, blank_date, blank_number, int, long_date, percent, points_change, rate};
use super::model::*;
use super::narrative;
use super::notes::Notes;
use super::tables::{index, ranking, targets};
use crate::config::{ReportConfig, SectionTitles};
use crate::metrics::Metrics;
use crate::period::Period;
use sha2::{Digest, Sha256};

/// The data version: a hash of the input files' hashes, sorted (the same files give the
/// same version whatever order a folder listed them in).
pub fn data_version(m: &Metrics) -> String {
    version_of(m.inputs.iter().map(|i| i.sha256.as_str()))
}

/// A short hash of a set of file hashes, in any order.
pub fn version_of<'a>(hashes: impl IntoIterator<Item = &'a str>) -> String {
    let mut hashes: Vec<&str> = hashes.into_iter().collect();
    hashes.sort_unstable();
    let mut h = Sha256::new();
    for x in hashes {
        h.update(x.as_bytes());
        h.update(b"\n");
    }
    crate::fsx::hex(&h.finalize())[..16].to_string()
}

pub(super) fn departments(m: &Metrics) -> Vec<String> {
    m.ii06a
        .rows
        .iter()
        .filter(|r| r.grain == "agency" && r.level.as_deref() == Some("tinh"))
        .filter_map(|r| r.unit.clone())
        .collect()
}

fn chart(
    m: &Metrics,
    title: &str,
    note: &str,
    pick: impl Fn(&crate::metrics::rates::Rates) -> crate::metrics::rates::Rate,
) -> Chart {
    let mut bars: Vec<(String, f64, String)> = departments(m)
        .into_iter()
        .filter_map(|u| {
            let r = pick(m.rates_by_unit.get(&u)?);
            let p = r.percent?;
            Some((
                u,
                p,
                format!("{} ({}/{})", percent(Some(p)), int(r.numerator), int(r.denominator)),
            ))
        })
        .collect();
    bars.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    Chart {
        title: title.into(),
        note: note.into(),
        bars: bars
            .into_iter()
            .take(25)
            .map(|(label, p, value)| Bar {
                label,
                fraction: (p / 100.0).clamp(0.0, 1.0),
                value,
            })
            .collect(),
    }
}

pub(crate) fn col(title: &str, width_mm: Option<f32>, align: &str) -> Column {
    Column {
        title: title.into(),
        width_mm,
        align: align.into(),
    }
}

pub(crate) fn row(cells: Vec<String>) -> TableRow {
    TableRow {
        cells,
        strong: false,
        key: None,
    }
}

/// The key figures: this period, the previous one, the change.
fn key_figures(m: &Metrics, heading: String, now_title: &str) -> Table {
    let t = &m.ii06a.total.counts;
    let c = &m.previous_period;
    // Only a full like-for-like comparison fills the columns; a partial one is in the text.
    let full = c.basis == crate::metrics::Basis::Full;
    let p = c.ii06a.unwrap_or_default();
    // Each row carries the registry key of its figure (None for a sum of two).
    let count = |label: &str, key: Option<&str>, now: i64, before: i64| {
        let mut cells = vec![label.into(), int(now)];
        if full {
            cells.push(int(before));
            cells.push(format!("{}{}", if now > before { "+" } else { "" }, int(now - before)));
        }
        TableRow {
            key: key.map(String::from),
            ..row(cells)
        }
    };
    // A rate over only the dossiers with data says so in a note under the table.
    let mut partial = Vec::new();
    let mut rate_row = |label: &str, key: &str| {
        let now = m.rates.get(key).unwrap_or_default();
        let before = c.rates.as_ref().and_then(|r| r.get(key)).unwrap_or_default();
        let mut cells = vec![label.into(), rate(&now)];
        if let Some(b) = basis(&now) {
            partial.push(format!("{label} kỳ này {b}."));
        }
        if full {
            cells.push(rate(&before));
            cells.push(points_change(c.change(key)));
            if let Some(b) = basis(&before) {
                partial.push(format!("{label} kỳ trước {b}."));
            }
        }
        TableRow {
            key: Some(key.into()),
            ..row(cells)
        }
    };
    // A change of a rate ("tăng 0,63 điểm phần trăm", kept on one line) needs a wider column.
    let figures = if full { 30.0 } else { 32.0 };
    let mut columns = vec![col("Chỉ tiêu", None, "left"), col(now_title, Some(figures), "right")];
    if full {
        columns.push(col("Kỳ trước", Some(figures), "right"));
        columns.push(col("Thay đổi", Some(46.0), "right"));
    }
    let rows = vec![
        // The form's own term for column (3), short enough for one line.
        count(
            "Tổng số hồ sơ nhận giải quyết",
            Some("total_handled"),
            t.total_handled,
            p.total_handled,
        ),
        count(
            "Tiếp nhận mới",
            None,
            t.received_online + t.received_offline,
            p.received_online + p.received_offline,
        ),
        count(
            "Kỳ trước chuyển qua",
            Some("carried_over"),
            t.carried_over,
            p.carried_over,
        ),
        count("Đã giải quyết", Some("resolved"), t.resolved, p.resolved),
        count("Quá hạn", Some("resolved_late"), t.resolved_late, p.resolved_late),
        count("Đang giải quyết", Some("in_progress"), t.in_progress, p.in_progress),
        rate_row("Tỷ lệ đúng hạn, trước hạn", "on_time"),
        rate_row("Tỷ lệ tiếp nhận trực tuyến", "online_intake"),
        rate_row("Tỷ lệ thanh toán trực tuyến", "online_payment"),
        rate_row("Tỷ lệ số hóa hồ sơ", "digitised"),
        rate_row("Mức độ hài lòng", "satisfaction"),
    ];
    let mut notes = match c.basis {
        crate::metrics::Basis::Full => Vec::new(),
        crate::metrics::Basis::Partial => vec![format!(
            "Kỳ trước ({}): {}; xem phần so sánh trong báo cáo.",
            c.period.label,
            c.reason.clone().unwrap_or_default()
        )],
        crate::metrics::Basis::None => vec![format!("Kỳ trước ({}): chưa đủ số liệu để so sánh.", c.period.label)],
    };
    notes.extend(partial);
    Table {
        id: "key_figures".into(),
        heading,
        intro: Vec::new(),
        columns,
        rows,
        notes,
        size: 11.5,
    }
}

fn header(cfg: &ReportConfig, p: &Period, subject: String, m: &Metrics) -> Header {
    // The report is dated the day after its period ends: deterministic, never the wall clock.
    let date = p.to.succ_opt().unwrap_or(p.to);
    let (issuer, place, footnote) = super::units::issuer(cfg, p);
    Header {
        issuer,
        national_title: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".into(),
        motto: "Độc lập - Tự do - Hạnh phúc".into(),
        number: if cfg.leave_number_blank {
            blank_number(&cfg.number)
        } else {
            cfg.number.clone()
        },
        place_date: if cfg.leave_number_blank {
            format!("{place}, {}", blank_date(date))
        } else {
            format!("{place}, {}", long_date(date))
        },
        title: "BÁO CÁO".into(),
        subject,
        period_line: format!("({})", narrative::period_line(m)),
        footnote,
    }
}

fn closing(cfg: &ReportConfig) -> Closing {
    Closing {
        recipients_title: "Nơi nhận:".into(),
        recipients: cfg.recipients.clone(),
        signer_lines: cfg.signer_lines.clone(),
        signer_name: cfg.signer_name.clone(),
        signature_field: cfg.signature_field.clone(),
    }
}

/// One part of the body before it is numbered: its title, the words drawn from the data, the
/// official's words, its tables and charts.
struct Part {
    title: String,
    paragraphs: Vec<String>,
    text: Vec<Text>,
    blocks: Vec<Block>,
}

fn part(title: &str, paragraphs: Vec<String>, blocks: Vec<Block>) -> Part {
    Part {
        title: title.into(),
        paragraphs,
        text: Vec::new(),
        blocks,
    }
}

/// The sections in print order, numbered I, II, …; a part with nothing to print is left
/// out (a printed document never holds an empty heading). The notes add the causes to the
/// shortcomings, then the tasks and the proposals; those the notes lack are returned as the
/// headings still to write, numbered after the last section.
fn sections(
    mut parts: Vec<Part>,
    shortcomings: usize,
    notes: Option<&Notes>,
    t: &SectionTitles,
) -> (Vec<Section>, Vec<String>) {
    let empty = Notes::default();
    let n = notes.unwrap_or(&empty);
    {
        if !n.causes.is_empty() {
            let s = &mut parts[shortcomings];
            s.text.push(Text {
                kind: "heading".into(),
                spans: vec![Span {
                    text: t.causes.clone(),
                    bold: true,
                    italic: false,
                }],
            });
            s.text.extend(n.causes.iter().cloned());
        }
        parts.push(Part {
            text: n.tasks.clone(),
            ..part(&t.tasks, Vec::new(), Vec::new())
        });
        parts.push(Part {
            text: n.proposals.clone(),
            ..part(&t.proposals, Vec::new(), Vec::new())
        });
    }
    let (kept, unwritten): (Vec<Part>, Vec<Part>) = parts
        .into_iter()
        .partition(|p| !(p.paragraphs.is_empty() && p.text.is_empty() && p.blocks.is_empty()));
    let sections: Vec<Section> = kept
        .into_iter()
        .enumerate()
        .map(|(i, p)| Section {
            heading: format!("{}. {}", super::forms::roman(i + 1), p.title),
            paragraphs: p.paragraphs,
            text: p.text,
            blocks: p.blocks,
        })
        .collect();
    let written = sections.len();
    let unwritten = unwritten
        .into_iter()
        .filter(|p| p.title == t.tasks || p.title == t.proposals)
        .enumerate()
        .map(|(i, p)| format!("{}. {}", super::forms::roman(written + i + 1), p.title))
        .collect();
    (sections, unwritten)
}

/// The two charts by department: on-time and online intake.
fn department_charts(m: &Metrics) -> [Block; 2] {
    [
        Block::Chart(chart(
            m,
            "Tỷ lệ giải quyết hồ sơ đúng hạn theo sở, ban, ngành",
            "Tỷ lệ (%) trên số hồ sơ đã giải quyết trong kỳ",
            |r| r.on_time,
        )),
        Block::Chart(chart(
            m,
            "Tỷ lệ tiếp nhận hồ sơ trực tuyến theo sở, ban, ngành",
            "Tỷ lệ (%) trên số hồ sơ tiếp nhận mới trong kỳ",
            |r| r.online_intake,
        )),
    ]
}

/// The narrative on handling dossiers in the period (section "TÌNH HÌNH, KẾT QUẢ …").
fn handling(m: &Metrics, with_comparison: bool, territory: &str) -> Vec<String> {
    if narrative::no_data(m) {
        return narrative::no_data_finding(m);
    }
    let mut paragraphs = vec![narrative::intake(m, territory), narrative::results(m)];
    paragraphs.extend(narrative::set_aside(m));
    paragraphs.extend(narrative::availability(m));
    if with_comparison {
        paragraphs.push(narrative::comparison(m));
    }
    paragraphs.extend(narrative::partly_covered(m));
    if let Some(t) = narrative::targets(&m.targets) {
        paragraphs.push(t);
    }
    // A department's report speaks of itself only: its online share is in the intake.
    if m.unit.is_none() {
        let mut depts = departments(m);
        depts.sort_by_key(|u| {
            std::cmp::Reverse(m.rates_by_unit.get(u).map(|r| r.online_intake.denominator).unwrap_or(0))
        });
        depts.truncate(6);
        paragraphs.extend(narrative::online_by_department(m, &depts));
    }
    paragraphs
}

/// A report of a period no file covers: the finding, who issues it, and no figure (the
/// official's words, when given, still print).
fn without_data(
    kind: &str,
    subject: String,
    m: &Metrics,
    p: &Period,
    cfg: &ReportConfig,
    notes: Option<&Notes>,
) -> Report {
    let t = &cfg.sections;
    let parts = vec![
        part(&t.results, narrative::no_data_finding(m), Vec::new()),
        part(&t.shortcomings, Vec::new(), Vec::new()),
    ];
    let (sections, unwritten) = sections(parts, 1, notes, t);
    Report {
        kind: kind.into(),
        header: header(cfg, p, subject, m),
        sections,
        unwritten,
        appendices: Vec::new(),
        closing: closing(cfg),
        data_version: data_version(m),
    }
}

/// The report of a month (or a quarter, half-year, nine months): the results with their
/// targets, key figures, two charts and the 766 ranking; the shortcomings; the official's
/// sections when given; the II.06a appendix.
pub fn monthly(m: &Metrics, p: &Period, cfg: &ReportConfig, notes: Option<&Notes>) -> Report {
    let subject = format!("Tình hình, kết quả giải quyết thủ tục hành chính {}", m.period.label);
    if narrative::no_data(m) {
        return without_data("monthly", subject, m, p, cfg, notes);
    }
    let territory = super::units::territory(cfg, p);
    let mut blocks = Vec::new();
    if let Some(t) = targets(m, "Kết quả thực hiện các chỉ tiêu".into()) {
        blocks.push(Block::Table(t));
    }
    blocks.push(Block::Table(key_figures(m, "Số liệu chủ yếu".into(), "Kỳ này")));
    blocks.extend(department_charts(m));
    blocks.extend(
        super::ranking766::table(
            m,
            "Xếp hạng chỉ số 766 các cơ quan, đơn vị".into(),
            cfg.ranking_min_dossiers,
        )
        .map(Block::Table),
    );
    let t = &cfg.sections;
    let parts = vec![
        part(&t.results, handling(m, true, &territory), blocks),
        part(
            &t.shortcomings,
            super::shortcomings::paragraphs(m, &territory, &cfg.shortcomings),
            Vec::new(),
        ),
    ];
    let (sections, unwritten) = sections(parts, 1, notes, t);
    Report {
        kind: "monthly".into(),
        header: header(cfg, p, subject, m),
        sections,
        unwritten,
        appendices: super::forms::appendices(m, cfg),
        closing: closing(cfg),
        data_version: data_version(m),
    }
}

/// The year-end review: highlights, targets, key figures, monthly trend, ranking, 766,
/// appendix.
pub fn annual(
    m: &Metrics,
    months: &[(crate::metrics::PeriodOut, crate::metrics::rates::Rates)],
    p: &Period,
    cfg: &ReportConfig,
    notes: Option<&Notes>,
) -> Report {
    let subject = format!(
        "Tổng kết công tác cải cách hành chính và chuyển đổi số {}",
        m.period.label
    );
    if narrative::no_data(m) {
        return without_data("annual", subject, m, p, cfg, notes);
    }
    let territory = super::units::territory(cfg, p);
    let t = &m.ii06a.total.counts;
    // "toàn tỉnh" only when every agency expected covers the year.
    let who = if narrative::all_covered(m) {
        format!("toàn {territory}")
    } else {
        narrative::who(m, &territory)
    };
    let mut review = vec![format!(
        "Năm {}, {who} tiếp nhận mới {} hồ sơ, giải quyết {} hồ sơ, tỷ lệ giải quyết đúng hạn, trước hạn {}; tỷ lệ hồ sơ tiếp nhận trực tuyến {}, tỷ lệ thanh toán trực tuyến {}, mức độ hài lòng {}.",
        p.year,
        int(t.received_online + t.received_offline),
        int(t.resolved),
        narrative::reached(&m.rates.on_time),
        narrative::reached(&m.rates.online_intake),
        narrative::reached(&m.rates.online_payment),
        narrative::reached(&m.rates.satisfaction),
    )];
    // The year before is both the previous period and the same period a year earlier: the
    // review compares once, here; the handling section below does not repeat it.
    review.push(format!(
        "{}.",
        narrative::compare(&m.previous_year, &format!("So với năm {}", p.year - 1))
    ));
    if m.rates.feedback_on_time.denominator > 0 {
        review.push(format!(
            "Tiếp nhận {} phản ánh, kiến nghị; đã xử lý đúng hạn {} ({}).",
            int(m.rates.feedback_on_time.denominator),
            int(m.rates.feedback_on_time.numerator),
            percent(m.rates.feedback_on_time.percent)
        ));
    }
    let targets = targets(m, "Kết quả thực hiện các chỉ tiêu".into());
    if let Some(tg) = &targets {
        review.push(format!("Kết quả thực hiện chỉ tiêu: {}.", tg.notes.join("; ")));
    }
    let trend = Chart {
        title: "Tỷ lệ giải quyết hồ sơ đúng hạn theo tháng".into(),
        note: "Tỷ lệ (%) trên số hồ sơ đã giải quyết trong tháng".into(),
        bars: months
            .iter()
            .filter_map(|(period, rates)| {
                let pct = rates.on_time.percent?;
                Some(Bar {
                    label: period.label.clone(),
                    fraction: (pct / 100.0).clamp(0.0, 1.0),
                    value: percent(Some(pct)),
                })
            })
            .collect(),
    };
    let mut figures = vec![
        Block::Table(key_figures(m, "Số liệu chủ yếu".into(), "Năm nay")),
        Block::Chart(trend),
    ];
    figures.extend(department_charts(m));
    if let Some(r) = ranking(m, "Xếp hạng các sở, ban, ngành theo tỷ lệ giải quyết đúng hạn".into())
    {
        figures.push(Block::Table(r));
    }
    figures.push(Block::Table(index(m, "Chỉ số theo Quyết định 766/QĐ-TTg".into())));
    if let Some(t) = super::ranking766::table(
        m,
        "Xếp hạng chỉ số 766 các cơ quan, đơn vị".into(),
        cfg.ranking_min_dossiers,
    ) {
        figures.push(Block::Table(t));
    }
    let t = &cfg.sections;
    let parts = vec![
        part(&t.highlights, review, targets.into_iter().map(Block::Table).collect()),
        part(&t.results, handling(m, false, &territory), figures),
        part(
            &t.shortcomings,
            super::shortcomings::paragraphs(m, &territory, &cfg.shortcomings),
            Vec::new(),
        ),
    ];
    let (sections, unwritten) = sections(parts, 2, notes, t);
    Report {
        kind: "annual".into(),
        header: header(cfg, p, subject, m),
        sections,
        unwritten,
        appendices: super::forms::appendices(m, cfg),
        closing: closing(cfg),
        data_version: data_version(m),
    }
}
