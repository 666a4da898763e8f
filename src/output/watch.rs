//! The files of a day's warning list (`baocao watch --out DIR`): one workbook per agency
//! with its own dossiers, most urgent first, and an HTML page and a PDF of the counts per
//! agency and band — from the `watch::Watch` model only, the same bytes for the same data,
//! date and renderer.

use crate::output::pdf::{summary::Summary, Renderer};
use crate::watch::{counts, Band, Item, Watch};
use anyhow::{Context, Result};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The band names in column order.
const BANDS: [Band; 6] = [
    Band::Overdue,
    Band::Due,
    Band::Soon,
    Band::Within,
    Band::Paused,
    Band::NoDueDate,
];

/// "Sở Y tế" → `so-y-te-1a2b3c.xlsx`: the slug loses diacritics, the hash keeps agencies apart.
fn file_name(agency: &str) -> String {
    let h = crate::fsx::sha256(agency.as_bytes());
    format!("{}-{}.xlsx", crate::pipeline::slug(agency), &h[..6])
}

fn vn(d: NaiveDate) -> String {
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}

/// The summary's PDF and its data, in the day's folder.
pub const SUMMARY_PDF: &str = "tong-hop.pdf";
const SUMMARY_JSON: &str = "tong-hop.json";

/// The title lines every file opens with: the date and what the bands mean.
fn title(w: &Watch) -> [String; 2] {
    let share = match w.share_left_percent {
        0 => String::new(),
        p => format!(
            " hoặc còn không quá {p}% thời hạn giải quyết (số ngày làm việc từ ngày tiếp nhận đến ngày hẹn trả)"
        ),
    };
    [
        format!("Hồ sơ đang giải quyết ngày {}", vn(w.date)),
        format!(
            "Đến hạn: còn không quá {} ngày làm việc; sắp đến hạn: còn không quá {} ngày làm việc{share} (không tính thứ Bảy, Chủ nhật, ngày nghỉ lễ, Tết).",
            w.due_soon_days, w.soon_days
        ),
    ]
}

/// A count as the documents print it: 2309 → "2.309".
fn num(n: usize) -> String {
    crate::report::format::int(n as i64)
}

/// "quá hạn" → "Quá hạn".
fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The summary of the day: the counts per agency and band, with their totals.
pub fn summary(w: &Watch) -> Summary {
    let [_, t2] = title(w);
    let per = counts(w);
    let mut columns = vec!["Cơ quan, đơn vị".to_string()];
    columns.extend(BANDS.iter().map(|b| capital(b.label())));
    columns.push("Tổng số".into());
    let mut total = [0usize; 6];
    let mut rows = Vec::new();
    for (agency, n) in &per {
        let mut row = vec![agency.clone()];
        row.extend(n.iter().map(|c| num(*c)));
        row.push(num(n.iter().sum()));
        rows.push(row);
        for (t, c) in total.iter_mut().zip(n) {
            *t += c;
        }
    }
    let mut last = vec!["Tổng cộng".to_string()];
    last.extend(total.iter().map(|c| num(*c)));
    last.push(num(w.items.len()));
    Summary {
        title: format!("Tổng hợp hồ sơ đang giải quyết ngày {}", vn(w.date)),
        lines: vec![
            match w.items.len() {
                0 => "Không có hồ sơ đang giải quyết.".to_string(),
                n => format!("Có {} hồ sơ đang giải quyết tại {} cơ quan, đơn vị.", num(n), num(per.len())),
            },
            format!(
                "Quá hạn: đã qua ngày hẹn trả. {t2} Tạm dừng, chờ bổ sung: hồ sơ chờ bổ sung hoặc tạm dừng, không tính thời hạn."
            ),
            format!(
                "Số ngày làm việc còn lại tính từ ngày sau ngày {} đến hết ngày hẹn trả.",
                vn(w.date)
            ),
        ],
        columns,
        rows,
        total: last,
    }
}

/// One agency's workbook.
fn workbook(w: &Watch, agency: &str, items: &[&Item]) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    // The date of the list, never the clock, is the workbook's creation time.
    let ts = w.date.and_hms_opt(0, 0, 0).expect("midnight").and_utc().timestamp();
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("{} — {agency}", title(w)[0]))
            .set_author("baocao")
            .set_creation_datetime(&ExcelDateTime::from_timestamp(ts)?),
    );
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet().set_name("Canh bao")?;
    let [t1, t2] = title(w);
    ws.write_string_with_format(0, 0, format!("{agency}: {t1}"), &bold)?;
    ws.write_string(1, 0, t2)?;
    let head = [
        "Mã hồ sơ",
        "Thủ tục",
        "Ngày tiếp nhận",
        "Ngày hẹn trả",
        "Số ngày làm việc còn lại",
        "Tình trạng",
        "Thư xin lỗi (ngày, số)",
    ];
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, *h, &bold)?;
    }
    for (i, it) in items.iter().enumerate() {
        let r = 4 + i as u32;
        ws.write_string(r, 0, &it.code)?;
        ws.write_string(r, 1, &it.procedure)?;
        ws.write_string(r, 2, it.received.map(vn).unwrap_or_default())?;
        ws.write_string(r, 3, it.due.map(vn).unwrap_or_default())?;
        match it.working_days_left {
            Some(n) => ws.write_number(r, 4, n as f64)?,
            None => ws.write_string(r, 4, "")?,
        };
        ws.write_string(r, 5, it.band.label())?;
        ws.write_string(r, 6, it.letter_text())?;
    }
    for (c, width) in [16.0, 48.0, 14.0, 14.0, 12.0, 22.0, 22.0].into_iter().enumerate() {
        ws.set_column_width(c as u16, width)?;
    }
    Ok(wb.save_to_buffer()?)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The summary page: counts per agency and band, each agency linking its workbook.
fn page(w: &Watch, files: &[(String, String)]) -> String {
    let [t1, t2] = title(w);
    let mut b = format!(
        "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n</head>\n<body>\n<h1>{}</h1>\n<p>{}</p>\n<p><a href=\"{SUMMARY_PDF}\">Bản tổng hợp (PDF)</a></p>\n<table>\n<thead><tr><th scope=\"col\">Cơ quan, đơn vị</th>",
        esc(&t1),
        esc(&t1),
        esc(&t2)
    );
    for band in BANDS {
        let _ = write!(b, "<th scope=\"col\">{}</th>", esc(band.label()));
    }
    b.push_str("</tr></thead>\n<tbody>\n");
    let mut total = [0usize; 6];
    for ((agency, n), (_, file)) in counts(w).iter().zip(files) {
        let _ = write!(
            b,
            "<tr><th scope=\"row\"><a href=\"{}\">{}</a></th>",
            esc(file),
            esc(agency)
        );
        for (k, c) in n.iter().enumerate() {
            total[k] += c;
            let _ = write!(b, "<td>{}</td>", num(*c));
        }
        b.push_str("</tr>\n");
    }
    b.push_str("<tr><th scope=\"row\">Tổng cộng</th>");
    for c in total {
        let _ = write!(b, "<td>{}</td>", num(c));
    }
    b.push_str("</tr>\n</tbody>\n</table>\n</body>\n</html>\n");
    b
}

/// The day's folder under `dir`: `canh-bao-YYYY-MM-DD`.
pub fn day_dir(dir: &Path, date: NaiveDate) -> PathBuf {
    dir.join(format!("canh-bao-{date}"))
}

/// Writes the list of `w` into `DIR/canh-bao-YYYY-MM-DD/` (replaced as a whole, `seal`
/// called on the finished files before it is swapped in); returns it.
pub fn write(w: &Watch, dir: &Path, renderer: &Renderer, seal: impl FnOnce(&Path) -> Result<()>) -> Result<PathBuf> {
    let out = day_dir(dir, w.date);
    let mut files = Vec::new();
    for (agency, _) in counts(w) {
        files.push((agency.clone(), file_name(&agency)));
    }
    crate::fsx::replace_dir(&out, |tmp| {
        for (agency, file) in &files {
            let items: Vec<&Item> = w.items.iter().filter(|i| &i.agency == agency).collect();
            let bytes = workbook(w, agency, &items).with_context(|| format!("the workbook of {agency}"))?;
            crate::fsx::write_atomic(&tmp.join(file), &bytes)?;
        }
        crate::fsx::write_atomic(&tmp.join("index.html"), page(w, &files).as_bytes())?;
        let s = summary(w);
        let json = tmp.join(SUMMARY_JSON);
        crate::fsx::write_atomic(&json, (serde_json::to_string_pretty(&s)? + "\n").as_bytes())?;
        let pdf = tmp.join(SUMMARY_PDF);
        let ts = crate::pipeline::creation_timestamp(w.date);
        let bytes = renderer
            .render_summary(&s, &json, &pdf, ts)
            .context("the summary PDF")?;
        crate::fsx::write_atomic(&pdf, &bytes)?;
        seal(tmp)
    })?;
    Ok(out)
}
