//! The national roll-up report (`report national`): the Decree 30 frame of the issuing
//! office ([national] in the configuration), the national totals, the 766 ranking of the
//! provinces with its basis, the provinces not ranked and why, and the table by province.
//! Every sentence is said only when the roll-up supports it (docs/rules.md, National roll-up like for like).

use super::rollup::National;
use crate::config::NationalConfig;
use crate::period::Period;
use crate::report::build::{col, row};
use crate::report::format::{decimal, int, long_date, percent, score};
use crate::report::model::{Block, Closing, Header, Report, Section, Table, TableRow};

/// The national totals in words: how many provinces, those apart, the figures of those
/// whose data covers the period.
fn totals(n: &National, p: &Period) -> Vec<String> {
    let t = &n.total;
    let with_data = n.provinces.len();
    let mut out = vec![format!(
        "Báo cáo tổng hợp số liệu của {} tỉnh, thành phố, kỳ tổng hợp {} (trên tổng số {} tỉnh, thành phố trực thuộc trung ương).",
        with_data,
        p.label_vi(),
        n.provinces_of_time
    )];
    if n.provinces_in_total < with_data {
        out.push(format!(
            "{} tỉnh, thành phố có số liệu không bao phủ đủ kỳ tổng hợp được liệt kê riêng (lý do tại mục II), không cộng vào số liệu chung.",
            with_data - n.provinces_in_total
        ));
    }
    if n.provinces_in_total == 0 {
        out.push("Không có tỉnh, thành phố nào có số liệu bao phủ đủ kỳ tổng hợp: không có số liệu chung.".into());
        return out;
    }
    let who = if n.total_label == "Toàn quốc" {
        n.total_label.clone()
    } else {
        format!("{} (có số liệu đủ kỳ tổng hợp)", n.total_label)
    };
    let new = t.received_online + t.received_offline;
    out.push(format!(
        "{who}: đã tiếp nhận và giải quyết {} hồ sơ thủ tục hành chính, trong đó tiếp nhận mới {} hồ sơ \
         (trực tuyến {} hồ sơ, tỷ lệ {}), kỳ trước chuyển qua {} hồ sơ. Đã giải quyết {} hồ sơ, trong đó trước hạn và đúng hạn {} hồ sơ \
         (tỷ lệ {}), quá hạn {} hồ sơ; đang giải quyết {} hồ sơ, trong đó quá hạn {} hồ sơ.",
        int(t.total_handled),
        int(new),
        int(t.received_online),
        percent(n.rates.online_intake.percent),
        int(t.carried_over),
        int(t.resolved),
        int(t.resolved_early + t.resolved_on_time),
        percent(n.rates.on_time.percent),
        int(t.resolved_late),
        int(t.in_progress),
        int(t.in_progress_overdue)
    ));
    out
}

/// The 766 ranking in words: its basis (the indicators, named), the best and the median,
/// the provinces apart and why.
fn ranking_words(n: &National) -> Vec<String> {
    let ranked = n.provinces.iter().filter(|x| x.rank.is_some()).count();
    let mut out = Vec::new();
    match (&n.best, n.median, n.scorable) {
        (Some((who, best)), Some(median), Some(of)) if ranked > 0 => {
            let basis: Vec<String> = n
                .basis
                .iter()
                .map(|b| format!("{} ({} điểm)", b.label, decimal(b.points, 2)))
                .collect();
            out.push(format!(
                "Chỉ số 766 được tính từ số liệu trên {} điểm chấm được (không phải điểm chính thức của Bộ chỉ số). \
                 Xếp hạng {} tỉnh, thành phố có số liệu đủ kỳ tổng hợp và cùng chấm được các chỉ tiêu: {}; \
                 các tỉnh có điểm bằng nhau cùng hạng.",
                decimal(of, 2),
                ranked,
                basis.join("; ")
            ));
            out.push(format!(
                "Điểm cao nhất: {} ({} điểm); điểm trung vị: {} điểm.",
                who,
                score(*best, of),
                score(median, of)
            ));
        }
        _ => out.push(
            "Không xếp hạng được chỉ số 766: không có tỉnh, thành phố nào có số liệu bao phủ đủ kỳ tổng hợp.".into(),
        ),
    }
    let apart: Vec<String> = n
        .provinces
        .iter()
        .filter_map(|x| x.not_ranked.as_ref().map(|r| format!("{} ({r})", x.province)))
        .collect();
    if !apart.is_empty() {
        out.push(format!("Không xếp hạng: {}.", apart.join("; ")));
    }
    out.extend(n.notes.iter().cloned());
    out
}

/// The table by province: rank, figures, rates, 766 score; the total of the provinces
/// covering the period last.
fn table(n: &National) -> Table {
    let mut rows: Vec<TableRow> = n
        .provinces
        .iter()
        .map(|x| {
            row(vec![
                x.rank.clone().unwrap_or_else(|| "—".into()),
                x.province.clone(),
                int(x.ii06a.total_handled),
                int(x.ii06a.resolved),
                percent(x.rates.on_time.percent),
                percent(x.rates.online_intake.percent),
                score(x.index766.total, x.index766.max_scorable),
            ])
        })
        .collect();
    rows.push(TableRow {
        cells: vec![
            String::new(),
            n.total_label.clone(),
            int(n.total.total_handled),
            int(n.total.resolved),
            percent(n.rates.on_time.percent),
            percent(n.rates.online_intake.percent),
            String::new(),
        ],
        strong: true,
        key: None,
    });
    Table {
        id: "national".into(),
        heading: "III. KẾT QUẢ THEO TỪNG TỈNH, THÀNH PHỐ".into(),
        intro: Vec::new(),
        columns: vec![
            col("Hạng", Some(15.0), "center"),
            col("Tỉnh, thành phố", None, "left"),
            col("Hồ sơ giải quyết", Some(24.0), "right"),
            col("Đã giải quyết", Some(22.0), "right"),
            col("Đúng hạn", Some(18.0), "right"),
            col("Trực tuyến", Some(18.0), "right"),
            col("Chỉ số 766", Some(24.0), "right"),
        ],
        rows,
        notes: Vec::new(),
        size: 10.0,
    }
}

/// Builds the national report of a period from its roll-up.
pub fn model(n: &National, p: &Period, cfg: &NationalConfig) -> Report {
    let date = p.to.succ_opt().unwrap_or(p.to);
    Report {
        kind: "national".into(),
        header: Header {
            issuer: cfg.issuer.clone(),
            national_title: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".into(),
            motto: "Độc lập - Tự do - Hạnh phúc".into(),
            number: cfg.number.clone(),
            place_date: format!("{}, {}", cfg.place, long_date(date)),
            title: "BÁO CÁO".into(),
            subject: format!(
                "Tổng hợp tình hình, kết quả giải quyết thủ tục hành chính của các tỉnh, thành phố {}",
                p.label_vi()
            ),
            period_line: format!(
                "(Kỳ tổng hợp từ ngày {} đến ngày {})",
                p.from.format("%d/%m/%Y"),
                p.to.format("%d/%m/%Y")
            ),
            footnote: None,
        },
        sections: vec![
            Section {
                heading: "I. TÌNH HÌNH CHUNG".into(),
                paragraphs: totals(n, p),
                text: Vec::new(),
                blocks: Vec::new(),
            },
            Section {
                heading: "II. CHỈ SỐ 766 VÀ XẾP HẠNG".into(),
                paragraphs: ranking_words(n),
                text: Vec::new(),
                blocks: vec![Block::Table(table(n))],
            },
        ],
        unwritten: Vec::new(),
        closing: Closing {
            recipients_title: "Nơi nhận:".into(),
            recipients: cfg.recipients.clone(),
            signer_lines: cfg.signer_lines.clone(),
            signer_name: cfg.signer_name.clone(),
            signature_field: "ChuKy".into(),
        },
        appendices: Vec::new(),
        data_version: crate::report::build::version_of(n.inputs.iter().map(|i| i.sha256.as_str())),
    }
}
