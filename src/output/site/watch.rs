//! The latest day's warning list on the site: the newest `canh-bao-<date>/` folder that
//! `run` (`[run] watch`) or `watch --out` wrote into the folder `site --watch` names
//! (default `[run] out`), copied into `<site>/canh-bao/<date>/` when every file still has
//! the hash its `manifest.json` recorded, and linked from the index.

use super::html::{esc, href};
use crate::fsx;
use crate::run::watch::WatchManifest;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// A day's list as published: its date and its folder in the site.
pub(super) struct Published {
    pub date: NaiveDate,
    pub folder: String,
}

/// The newest `canh-bao-YYYY-MM-DD` folder under `dir`, if any.
pub(super) fn latest(dir: &Path) -> Option<(NaiveDate, PathBuf)> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            let date = NaiveDate::parse_from_str(name.strip_prefix("canh-bao-")?, "%Y-%m-%d").ok()?;
            Some((date, e.path()))
        })
        .max()
}

/// Copies the newest day's list under `dir` into `site`; None (with why in `problems` when it
/// is not simply absent) when there is none to publish.
pub(super) fn publish(dir: &Path, site: &Path, problems: &mut Vec<String>) -> Result<Option<Published>> {
    let Some((date, day)) = latest(dir) else {
        return Ok(None);
    };
    let manifest = day.join("manifest.json");
    let m: WatchManifest = match std::fs::read_to_string(&manifest).map(|t| serde_json::from_str(&t)) {
        Ok(Ok(m)) => m,
        _ => {
            problems.push(format!(
                "{}: manifest not found or unreadable, the warning list is not published",
                manifest.display()
            ));
            return Ok(None);
        }
    };
    // Only the files that were recorded, as they were recorded, are published.
    for f in &m.files {
        let p = day.join(&f.name);
        if fsx::sha256_file(&p).map(|(sha, _)| sha != f.sha256).unwrap_or(true) {
            problems.push(format!(
                "{}: missing or changed since it was written (sha256), the warning list is not published",
                p.display()
            ));
            return Ok(None);
        }
    }
    let folder = format!("canh-bao/{date}");
    let to = site.join(&folder);
    std::fs::create_dir_all(&to).with_context(|| format!("creating {}", to.display()))?;
    for name in m.files.iter().map(|f| f.name.as_str()).chain(["manifest.json"]) {
        fsx::copy_atomic(&day.join(name), &to.join(name))?;
    }
    Ok(Some(Published { date, folder }))
}

/// The index's paragraph linking the day's list.
pub(super) fn section(p: &Published) -> String {
    format!(
        "<h2>Hồ sơ đến hạn, quá hạn</h2>\n<p>Danh sách hồ sơ đang giải quyết ngày {}, theo cơ quan, đơn vị: \
<a href=\"{}/index.html\">số hồ sơ quá hạn, đến hạn, sắp đến hạn</a> · <a href=\"{}/{}\">bản tổng hợp (PDF)</a>.</p>\n",
        esc(&p.date.format("%d/%m/%Y").to_string()),
        href(&p.folder),
        href(&p.folder),
        crate::output::watch::SUMMARY_PDF
    )
}
