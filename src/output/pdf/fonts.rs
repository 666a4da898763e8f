//! The fonts of every output: Liberation Serif 2.1.5 (SIL Open Font License 1.1, text in
//! fonts/LICENSE-OFL-1.1.txt) embedded in the binary, so a report renders on a machine
//! with no font package; a configured `[report] fonts_dir` replaces them.

use crate::error::{Exit, Failure};
use anyhow::Result;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// The four faces: regular, bold, italic, bold italic (the order the renderers index).
pub const EMBEDDED: &[(&str, &[u8])] = &[
    (
        "LiberationSerif-Regular.ttf",
        include_bytes!("../../../fonts/LiberationSerif-Regular.ttf"),
    ),
    (
        "LiberationSerif-Bold.ttf",
        include_bytes!("../../../fonts/LiberationSerif-Bold.ttf"),
    ),
    (
        "LiberationSerif-Italic.ttf",
        include_bytes!("../../../fonts/LiberationSerif-Italic.ttf"),
    ),
    (
        "LiberationSerif-BoldItalic.ttf",
        include_bytes!("../../../fonts/LiberationSerif-BoldItalic.ttf"),
    ),
];

/// The fonts' licence, shipped with them.
pub const LICENSE: &str = include_str!("../../../fonts/LICENSE-OFL-1.1.txt");

/// The file names the templates need, with every Vietnamese glyph.
pub fn file_names() -> impl Iterator<Item = &'static str> {
    EMBEDDED.iter().map(|(n, _)| *n)
}

fn render_error(msg: String) -> anyhow::Error {
    anyhow::Error::new(Failure::new(Exit::Render, msg))
}

/// Checks a configured folder holds the four faces; returns their paths.
pub fn check_dir(dir: &Path) -> Result<Vec<PathBuf>> {
    let missing: Vec<&str> = file_names().filter(|f| !dir.join(f).is_file()).collect();
    if !missing.is_empty() {
        return Err(render_error(format!(
            "font files {} not found in the configured fonts_dir {}: put Liberation Serif there (Debian package \
             fonts-liberation2) or remove [report] fonts_dir to use the fonts built into baocao; \
             no other font is used, so Vietnamese text never falls back to a font without its glyphs",
            missing.join(", "),
            dir.display()
        )));
    }
    Ok(file_names().map(|f| dir.join(f)).collect())
}

/// The font files in use: name and bytes, in the order of `EMBEDDED`.
pub type Fonts = Vec<(&'static str, Cow<'static, [u8]>)>;

/// The font bytes in use, by file name: the configured folder's, else the embedded ones.
pub fn load(configured: Option<&Path>) -> Result<Fonts> {
    match configured {
        None => Ok(EMBEDDED.iter().map(|(n, b)| (*n, Cow::Borrowed(*b))).collect()),
        Some(dir) => {
            check_dir(dir)?;
            file_names()
                .map(|f| {
                    let bytes = std::fs::read(dir.join(f))
                        .map_err(|e| render_error(format!("font {f} in {}: {e}", dir.display())))?;
                    Ok((f, Cow::Owned(bytes)))
                })
                .collect()
        }
    }
}

/// A folder of font files for Typst: the configured one, else the embedded fonts written
/// once (atomically) to `$HOME/.cache/baocao/fonts-<hash>/`, so both renderers read the
/// very same files.
pub fn dir(configured: Option<&Path>) -> Result<PathBuf> {
    if let Some(d) = configured {
        check_dir(d)?;
        return Ok(d.to_path_buf());
    }
    let mut h = Sha256::new();
    for (name, bytes) in EMBEDDED {
        h.update(name.as_bytes());
        h.update(bytes);
    }
    let name = format!("fonts-{}", &crate::fsx::hex(&h.finalize())[..16]);
    let dir = crate::fsx::cache_dir().join(name);
    std::fs::create_dir_all(&dir).map_err(|e| render_error(format!("creating {}: {e}", dir.display())))?;
    for (name, bytes) in EMBEDDED {
        let p = dir.join(name);
        let same = std::fs::metadata(&p)
            .map(|m| m.len() == bytes.len() as u64)
            .unwrap_or(false)
            && std::fs::read(&p).map(|b| b == *bytes).unwrap_or(false);
        if !same {
            crate::fsx::write_atomic(&p, bytes)?;
        }
    }
    let lic = dir.join("LICENSE-OFL-1.1.txt");
    if !lic.is_file() {
        crate::fsx::write_atomic(&lic, LICENSE.as_bytes())?;
    }
    Ok(dir)
}
