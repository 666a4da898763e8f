//! Text in the encodings old exports use: Windows-1258 with separate tone marks, and
//! strings typed in a TCVN3 or VNI font as a spreadsheet holds them.

use anyhow::{bail, Result};
use unicode_normalization::UnicodeNormalization;

/// The legacy font an `--encoding` names for XLSX strings, if any.
pub(super) fn legacy_font(encoding: &str) -> Option<crate::ingest::reading::legacy::Legacy> {
    crate::ingest::reading::detect::Encoding::parse(encoding).and_then(|e| e.legacy())
}

/// A string as a spreadsheet holds it when typed in a legacy font: its bytes as Windows-1252.
pub(super) fn font_text(s: &str, font: Option<crate::ingest::reading::legacy::Legacy>) -> String {
    match font {
        Some(l) => encoding_rs::WINDOWS_1252
            .decode(&crate::ingest::reading::legacy::encode(s, l))
            .0
            .into_owned(),
        None => s.to_string(),
    }
}

/// Encodes text in Windows-1258: precomposed letters it lacks are written as base
/// letter plus combining tone mark, as Vietnamese code-page software does.
pub fn encode_cp1258(s: &str) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let enc = encoding_rs::WINDOWS_1258;
    for c in s.nfc() {
        let mut buf = [0u8; 4];
        let cs = c.encode_utf8(&mut buf);
        let (b, _, bad) = enc.encode(cs);
        if !bad {
            out.extend_from_slice(&b);
            continue;
        }
        let tones = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
        let parts: Vec<char> = c.to_string().nfd().collect();
        let base: String = parts
            .iter()
            .filter(|x| !tones.contains(x))
            .collect::<String>()
            .nfc()
            .collect();
        let tone: String = parts.iter().filter(|x| tones.contains(x)).collect();
        let (b1, _, bad1) = enc.encode(&base);
        let (b2, _, bad2) = enc.encode(&tone);
        if bad1 || bad2 {
            bail!("'{c}' cannot be written in windows-1258");
        }
        out.extend_from_slice(&b1);
        out.extend_from_slice(&b2);
    }
    Ok(out)
}
