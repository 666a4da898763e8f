//! HTML helpers of the site: escaping text, percent-encoding links, and the frame every
//! page shares (its head with the style sheet, the site bar, the footer).

use std::fmt::Write as _;

/// The site's style sheet (screen and print), inlined in the head of every page: plain
/// CSS, no script, nothing fetched.
const CSS: &str = include_str!("style.css");

/// The page frame: head with the style, the site bar, `main`, the footer. `root` leads
/// from the page back to the site's folder ("" or "../"). A preview with drafts says so in
/// the bar and the footer of every page.
pub(super) fn page(title: &str, root: &str, body: &str, drafts: bool) -> String {
    let (bar, footer) = if drafts {
        (
            "<p class=\"draft-banner\">Bản xem trước nội bộ, có cả dự thảo chưa ban hành: không công bố.</p>\n",
            "Bản xem trước lập tự động (baocao) từ các văn bản đã ban hành và các dự thảo chưa ký, \
chưa ban hành (đánh dấu \"Dự thảo\"). Chỉ bản PDF đã ký số và ban hành có giá trị pháp lý.",
        )
    } else {
        (
            "",
            "Trang được lập tự động từ các báo cáo đã ban hành (baocao); số liệu đúng như trong \
văn bản PDF. Văn bản có giá trị pháp lý là bản PDF đã ký số.",
        )
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n\
<style>\n{CSS}</style>\n</head>\n<body>\n<header class=\"site\"><a href=\"{root}index.html\">\
Kho báo cáo công khai về giải quyết thủ tục hành chính</a></header>\n<main>\n{bar}{body}</main>\n\
<footer class=\"site\">{footer}</footer>\n</body>\n</html>\n",
        esc(title)
    )
}

/// A relative link: path bytes other than letters, digits and `-._~/` percent-encoded.
pub(super) fn href(path: &str) -> String {
    let mut o = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            o.push(b as char);
        } else {
            let _ = write!(o, "%{b:02X}");
        }
    }
    o
}

/// HTML-escapes text for an element or an attribute.
pub(super) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_links_are_encoded() {
        assert_eq!(esc("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        assert_eq!(href("files/a b\"<.pdf"), "files/a%20b%22%3C.pdf");
    }

    #[test]
    fn the_style_sheet_is_inlined_whole() {
        let p = page("a < b", "../", "<p>x</p>\n", false);
        assert!(!p.contains("dự thảo"));
        assert!(page("x", "", "", true).contains("dự thảo chưa ban hành"));
        assert!(p.contains("<title>a &lt; b</title>"));
        assert!(p.contains("<style>\n:root {") && p.contains("@media print"));
        assert!(p.contains("<a href=\"../index.html\">"));
    }
}
