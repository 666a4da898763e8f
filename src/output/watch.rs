//! The files of a day's warning list (`baocao watch --out DIR`): one workbook per agency
//! with its own dossiers, most urgent first, and an HTML page of the counts per agency and
//! band — from the `watch::Watch` model only, the same bytes for the same data and date.

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

/// The title lines every file opens with: the date and what the bands mean.
fn title(w: &Watch) -> [String; 2] {
    [
        format!("Hồ sơ đang giải quyết ngày {}", vn(w.date)),
        format!(
            "Đến hạn: còn không quá {} ngày làm việc; sắp đến hạn: còn không quá {} ngày làm việc (không tính thứ Bảy, Chủ nhật, ngày nghỉ lễ, Tết).",
            w.due_soon_days, w.soon_days
        ),
    ]
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
        "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n</head>\n<body>\n<h1>{}</h1>\n<p>{}</p>\n<table>\n<thead><tr><th scope=\"col\">Cơ quan, đơn vị</th>",
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
            let _ = write!(b, "<td>{c}</td>");
        }
        b.push_str("</tr>\n");
    }
    b.push_str("<tr><th scope=\"row\">Tổng cộng</th>");
    for c in total {
        let _ = write!(b, "<td>{c}</td>");
    }
    b.push_str("</tr>\n</tbody>\n</table>\n</body>\n</html>\n");
    b
}

/// Writes the list of `w` into `DIR/canh-bao-YYYY-MM-DD/` (replaced as a whole); returns it.
pub fn write(w: &Watch, dir: &Path) -> Result<PathBuf> {
    let out = dir.join(format!("canh-bao-{}", w.date));
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
        crate::fsx::write_atomic(&tmp.join("index.html"), page(w, &files).as_bytes())
    })?;
    Ok(out)
}
