//! The 12-month trend of a report page: the on-time and online-intake rates of the monthly
//! reports issued, as an inline SVG line chart and the same figures as a table; the months
//! with no issued report are named (a preview with drafts fills them from the newest draft,
//! marked "dự thảo").
//! Each value is the string a monthly report printed in its key figures, found by the
//! row's registry key; the chart only places it on a 0–100 scale.

use super::html::{esc, href};
use super::Item;
use crate::report::model::Report;
use std::fmt::Write as _;

/// A line of the chart: the registry key of the key-figure row it reads (src/registry.rs),
/// its name on the chart (the site's own words), colour and dash pattern.
struct Series {
    key: &'static str,
    name: &'static str,
    colour: &'static str,
    dash: &'static str,
}

/// The two lines, in legend and table order.
const SERIES: [Series; 2] = [
    Series {
        key: "on_time",
        name: "Tỷ lệ đúng hạn, trước hạn",
        colour: "#0b4f8a",
        dash: "",
    },
    Series {
        key: "online_intake",
        name: "Tỷ lệ tiếp nhận trực tuyến",
        colour: "#b34700",
        dash: "6 4",
    },
];

/// A month of the trend: its label, the monthly report's page and, per series, the value
/// it printed.
struct Month {
    label: String,
    page: Option<String>,
    values: [Option<String>; 2],
    /// Its key figures carry no registry key: a report.json written before they did has its
    /// figures, but none this page can find without guessing from a label.
    unkeyed: bool,
    /// Its figures come from a draft (a preview only).
    draft: bool,
}

impl Month {
    /// The value printed for the `k`th series.
    fn value(&self, k: usize) -> Option<&str> {
        self.values[k].as_deref()
    }
}

/// The printed value ("96,57%", "không phát sinh") of the key-figure row of a registry key.
fn key_figure(r: &Report, key: &str) -> Option<String> {
    let row = r
        .table("key_figures")?
        .rows
        .iter()
        .find(|row| row.key.as_deref() == Some(key))?;
    row.cells.get(1).cloned()
}

/// The report has key figures, and none of their rows names its registry key.
fn unkeyed(r: &Report) -> bool {
    r.table("key_figures")
        .is_some_and(|t| t.rows.iter().all(|row| row.key.is_none()))
}

/// "96,57%" → 96.57; None for words ("không phát sinh").
fn percent(s: &str) -> Option<f64> {
    let n = s.trim().strip_suffix('%')?.trim().replace('.', "").replace(',', ".");
    n.parse::<f64>().ok().map(|v| v.clamp(0.0, 100.0))
}

/// The 12 months up to the report's last month, each with the newest issued version of its
/// monthly report (same convention and agency), else in a preview its newest draft.
fn months(it: &Item, all: &[Item], drafts: bool) -> Option<Vec<Month>> {
    let (y, m) = it.end?;
    let e = &it.entry;
    let mut out = Vec::new();
    for back in (0..12).rev() {
        let idx = y * 12 + m as i32 - 1 - back;
        let (yy, mm) = (idx.div_euclid(12), idx.rem_euclid(12) as u32 + 1);
        let key = format!("{yy}-{mm:02}");
        let of_month = || {
            all.iter().filter(|o| {
                o.entry.kind == "monthly"
                    && o.entry.period == key
                    && o.entry.convention == e.convention
                    && o.entry.unit == e.unit
                    && o.report.is_some()
            })
        };
        let newest = |o: &&Item| (o.entry.version, o.entry.run_id);
        let found = of_month()
            .filter(|o| !o.draft())
            .max_by_key(newest)
            .or_else(|| of_month().filter(|_| drafts).max_by_key(newest));
        let r = found.and_then(|o| o.report.as_ref());
        out.push(Month {
            label: format!("T{mm}/{yy}"),
            page: found.map(|o| format!("{}.html", o.name)),
            values: SERIES.map(|se| r.and_then(|r| key_figure(r, se.key))),
            unkeyed: r.is_some_and(unkeyed),
            draft: found.is_some_and(|o| o.draft()),
        });
    }
    Some(out)
}

/// The 12-month trend of the on-time and online-intake rates: an SVG line chart (a month
/// without a report is a gap saying so) and the same figures as a table.
pub(super) fn trend(b: &mut String, it: &Item, all: &[Item], drafts: bool) {
    b.push_str("<section>\n<h2>Diễn biến 12 tháng</h2>\n");
    let Some(ms) = months(it, all, drafts) else {
        b.push_str(
            "<p class=\"muted\">Báo cáo theo khoảng ngày tùy chọn: không có biểu đồ 12 tháng.</p>\n</section>\n",
        );
        return;
    };
    let span = format!("từ {} đến {}", ms[0].label, ms[11].label);
    let _ = writeln!(b, "<figure>\n{}\n</figure>", chart(&ms, &span));
    let labels =
        |f: &dyn Fn(&Month) -> bool| -> Vec<String> { ms.iter().filter(|m| f(m)).map(|m| m.label.clone()).collect() };
    let unissued = labels(&|m| m.page.is_none() || m.draft);
    if !unissued.is_empty() {
        let _ = writeln!(
            b,
            "<p class=\"muted\">{}/12 tháng chưa có báo cáo tháng đã ban hành: {}.</p>",
            unissued.len(),
            unissued.join(", ")
        );
    }
    let from_drafts = labels(&|m| m.draft);
    if !from_drafts.is_empty() {
        let _ = writeln!(
            b,
            "<p class=\"draft\">Số liệu của {} lấy từ dự thảo chưa ban hành.</p>",
            from_drafts.join(", ")
        );
    }
    if ms.iter().any(|m| m.page.is_none()) {
        b.push_str("<p class=\"muted\">Tháng không có báo cáo để trống, không ước tính.</p>\n");
    }
    let _ = write!(
        b,
        "<table>\n<caption>Số liệu của biểu đồ ({span})</caption>\n<thead><tr><th scope=\"col\">Tháng</th>\
<th scope=\"col\" class=\"right\">{}</th><th scope=\"col\" class=\"right\">{}</th></tr></thead>\n<tbody>\n",
        SERIES[0].name, SERIES[1].name
    );
    for mo in &ms {
        let mut name = match &mo.page {
            Some(p) => format!("<a href=\"{}\">{}</a>", href(p), esc(&mo.label)),
            None => esc(&mo.label),
        };
        if mo.draft {
            name.push_str(" <span class=\"draft\">(dự thảo)</span>");
        }
        let cell = |v: Option<&str>| match (&mo.page, v) {
            (None, _) => "chưa ban hành".to_string(),
            (Some(_), Some(v)) => esc(v),
            (Some(_), None) if mo.unkeyed => {
                "báo cáo lập bằng phiên bản cũ: lập lại báo cáo tháng này để đọc được số liệu".to_string()
            }
            (Some(_), None) => "không có trong báo cáo".to_string(),
        };
        let _ = writeln!(
            b,
            "<tr><th scope=\"row\">{name}</th><td class=\"right\">{}</td><td class=\"right\">{}</td></tr>",
            cell(mo.value(0)),
            cell(mo.value(1))
        );
    }
    b.push_str("</tbody>\n</table>\n</section>\n");
}

/// The line chart of the 12 months as an SVG element.
fn chart(ms: &[Month], span: &str) -> String {
    let (w, x0, x1, y0, y1) = (760.0, 56.0, 744.0, 44.0, 264.0);
    let step = (x1 - x0) / 12.0;
    let x = |i: usize| x0 + step * (i as f64 + 0.5);
    let y = |v: f64| y1 - (y1 - y0) * v / 100.0;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} 292\" width=\"{w}\" height=\"292\" role=\"img\" \
aria-labelledby=\"trend-title trend-desc\" font-family=\"Liberation Serif, Times New Roman, serif\">\n\
<title id=\"trend-title\">Tỷ lệ giải quyết đúng hạn và tỷ lệ tiếp nhận trực tuyến, {span}</title>\n\
<desc id=\"trend-desc\">Số liệu từng tháng lấy từ báo cáo tháng đã ban hành{}; xem bảng số liệu dưới biểu đồ.</desc>\n",
        if ms.iter().any(|m| m.draft) {
            " (tháng chưa ban hành: từ dự thảo)"
        } else {
            ""
        }
    );
    for g in [0, 25, 50, 75, 100] {
        let yy = y(g as f64);
        let _ = writeln!(
            s,
            "<line x1=\"{x0}\" y1=\"{yy}\" x2=\"{x1}\" y2=\"{yy}\" stroke=\"#c8d0d7\"/><text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\">{g}%</text>",
            x0 - 6.0,
            yy + 4.0
        );
    }
    for (i, mo) in ms.iter().enumerate() {
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\">{}</text>",
            x(i),
            y1 + 18.0,
            esc(&mo.label)
        );
        if mo.page.is_none() {
            let _ = writeln!(
                s,
                "<rect x=\"{}\" y=\"{y0}\" width=\"{}\" height=\"{}\" fill=\"#eef0f2\"/>\
<text transform=\"translate({},{}) rotate(-90)\" font-size=\"12\" fill=\"#4a5560\" text-anchor=\"middle\">chưa ban hành</text>",
                x(i) - step / 2.0 + 2.0,
                step - 4.0,
                y1 - y0,
                x(i) + 4.0,
                (y0 + y1) / 2.0
            );
        }
    }
    for (k, se) in SERIES.iter().enumerate() {
        let (name, colour, dash) = (se.name, se.colour, se.dash);
        let mut d = String::new();
        let mut pen = false;
        for (i, mo) in ms.iter().enumerate() {
            match mo.value(k).and_then(percent) {
                Some(v) => {
                    let _ = write!(d, "{}{:.1} {:.1} ", if pen { "L" } else { "M" }, x(i), y(v));
                    pen = true;
                }
                None => pen = false,
            }
        }
        if !d.is_empty() {
            let _ = writeln!(
                s,
                "<path d=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\" stroke-dasharray=\"{dash}\"/>",
                d.trim_end()
            );
        }
        for (i, mo) in ms.iter().enumerate() {
            let (Some(txt), Some(v)) = (mo.value(k), mo.value(k).and_then(percent)) else {
                continue;
            };
            let other = mo.value(1 - k).and_then(percent).unwrap_or(-1.0);
            // The higher of the two values is labelled above its point, the lower below,
            // unless that would fall under the axis.
            let dy = if v >= other || y(v) + 19.0 > y1 - 2.0 {
                -9.0
            } else {
                19.0
            };
            let marker = if k == 0 {
                format!(
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{colour}\"/>",
                    x(i),
                    y(v)
                )
            } else {
                format!(
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"8\" height=\"8\" fill=\"{colour}\"/>",
                    x(i) - 4.0,
                    y(v) - 4.0
                )
            };
            let _ = writeln!(
                s,
                "{marker}<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"{colour}\">{}</text>",
                x(i),
                y(v) + dy,
                esc(txt)
            );
        }
        let lx = x0 + 10.0 + 300.0 * k as f64;
        let _ = writeln!(
            s,
            "<line x1=\"{lx}\" y1=\"18\" x2=\"{}\" y2=\"18\" stroke=\"{colour}\" stroke-width=\"2.5\" stroke-dasharray=\"{dash}\"/>\
<text x=\"{}\" y=\"22\" font-size=\"13\">{name}</text>",
            lx + 30.0,
            lx + 36.0
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_rates_are_read_back_and_words_are_not() {
        assert_eq!(percent("96,57%"), Some(96.57));
        assert_eq!(percent("100%"), Some(100.0));
        assert_eq!(percent("không phát sinh"), None);
    }

    #[test]
    fn the_lines_read_registered_rates() {
        for se in &SERIES {
            assert!(
                crate::registry::RATES.iter().any(|e| e.key == se.key),
                "{} is not a registered rate",
                se.key
            );
        }
    }
}
