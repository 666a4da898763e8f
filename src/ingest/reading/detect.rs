//! Detection of a file's container, format and text encoding from its bytes.

use std::path::Path;

/// The file formats we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    Json,
    Ndjson,
}

/// Text encodings met in agency exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1258,
    /// TCVN3 (ABC), the pre-Unicode national standard (.VnTime fonts).
    Tcvn3,
    /// VNI Windows: a base letter followed by a mark byte (VNI-Times fonts).
    Vni,
}

impl Encoding {
    /// Name as shown to users and stored in `ingest_files`.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8-bom",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Windows1258 => "windows-1258",
            Encoding::Tcvn3 => "tcvn3",
            Encoding::Vni => "vni",
        }
    }

    /// Parses a user-given encoding name (`--encoding`).
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "utf-8-bom" | "utf8-bom" => Some(Encoding::Utf8Bom),
            "utf-16le" | "utf16le" | "utf-16" => Some(Encoding::Utf16Le),
            "utf-16be" | "utf16be" => Some(Encoding::Utf16Be),
            "windows-1258" | "cp1258" | "1258" => Some(Encoding::Windows1258),
            "tcvn3" | "tcvn" | "abc" | "tcvn5712" => Some(Encoding::Tcvn3),
            "vni" | "vni-windows" => Some(Encoding::Vni),
            _ => None,
        }
    }

    /// The legacy Vietnamese encoding this is, if it is one.
    pub fn legacy(self) -> Option<super::legacy::Legacy> {
        match self {
            Encoding::Tcvn3 => Some(super::legacy::Legacy::Tcvn3),
            Encoding::Vni => Some(super::legacy::Legacy::Vni),
            _ => None,
        }
    }

    /// Bytes of the byte-order mark this encoding starts with.
    pub fn bom_len(self) -> usize {
        match self {
            Encoding::Utf8Bom => 3,
            Encoding::Utf16Le | Encoding::Utf16Be => 2,
            _ => 0,
        }
    }
}

/// True when the bytes start a gzip stream.
pub fn is_gzip(head: &[u8]) -> bool {
    head.starts_with(&[0x1f, 0x8b])
}

/// True when the bytes start a zip archive (XLSX).
pub fn is_zip(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04")
}

/// Detects the text encoding from a sample of the (decompressed) start of the file.
/// Returns Err with a reason for binary content.
pub fn detect_encoding(head: &[u8]) -> Result<Encoding, String> {
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Ok(Encoding::Utf8Bom);
    }
    if head.starts_with(&[0xFF, 0xFE]) {
        return Ok(Encoding::Utf16Le);
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return Ok(Encoding::Utf16Be);
    }
    let sample = &head[..head.len().min(64 * 1024)];
    let nul = sample.iter().filter(|b| **b == 0).count();
    if nul > 0 {
        // UTF-16 without BOM: NULs on every other byte of ASCII text.
        let even = sample.iter().step_by(2).filter(|b| **b == 0).count();
        let odd = sample.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
        let half = sample.len() / 2;
        if odd * 10 >= half * 4 && even * 10 < half {
            return Ok(Encoding::Utf16Le);
        }
        if even * 10 >= half * 4 && odd * 10 < half {
            return Ok(Encoding::Utf16Be);
        }
        return Err(format!(
            "binary content ({nul} NUL bytes in the first {} bytes): not a text export",
            sample.len()
        ));
    }
    // Count valid multi-byte UTF-8 sequences against invalid bytes: a Windows-1258
    // file has almost no valid sequences, a UTF-8 file with one bad row has many.
    let (mut valid, mut invalid) = (0usize, 0usize);
    let mut i = 0;
    while i < sample.len() {
        if sample[i] < 0x80 {
            i += 1;
            continue;
        }
        match std::str::from_utf8(&sample[i..sample.len().min(i + 4)]) {
            Ok(_) => {
                valid += 1;
                i += 4;
            }
            Err(e) if e.valid_up_to() > 0 => {
                valid += 1;
                i += e.valid_up_to();
            }
            Err(e) if e.error_len().is_none() => break, // cut at the sample's end
            Err(_) => {
                invalid += 1;
                i += 1;
            }
        }
    }
    let controls = sample
        .iter()
        .filter(|b| **b < 0x09 || (**b > 0x0d && **b < 0x20 && **b != 0x1b))
        .count();
    if controls * 20 > sample.len().max(1) {
        return Err(format!(
            "binary content ({controls} control bytes in the first {} bytes)",
            sample.len()
        ));
    }
    if invalid > 0 && invalid * 4 > valid {
        // Not UTF-8: the reading that gives Vietnamese words wins; Windows-1258 by default.
        Ok(match super::legacy::guess_bytes(sample) {
            Some(super::legacy::Legacy::Tcvn3) => Encoding::Tcvn3,
            Some(super::legacy::Legacy::Vni) => Encoding::Vni,
            None => Encoding::Windows1258,
        })
    } else {
        Ok(Encoding::Utf8)
    }
}

/// Decides the format from the decompressed content and the file name.
pub fn detect_format(path: &Path, head: &[u8], text_head: &str) -> Format {
    if is_zip(head) {
        return Format::Xlsx;
    }
    let name = path.to_string_lossy().to_lowercase();
    let name = name.trim_end_matches(".gz");
    if name.ends_with(".ndjson") || name.ends_with(".jsonl") {
        return Format::Ndjson;
    }
    let t = text_head.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('[') {
        return Format::Json;
    }
    if t.starts_with('{') {
        // NDJSON when the first line is a whole object by itself.
        let first = t.lines().next().unwrap_or("");
        let second = t.lines().nth(1).map(str::trim).unwrap_or("");
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(first) {
            let wrapped = v.get("data").is_some_and(|d| d.is_array());
            if !wrapped && (second.is_empty() || second.starts_with('{')) {
                return Format::Ndjson;
            }
        }
        return Format::Json;
    }
    Format::Csv
}
