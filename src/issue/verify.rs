//! Checking the signatures of a signed report with a real validator: pyHanko's
//! `pyhanko sign validate` (the cryptography, the certificate chain to a trusted root, the
//! signer's validity period, revocation when it can be fetched, and its analysis of every
//! incremental update after each signature). This file runs it and reads its report; the
//! rules applied to what it says are in docs/rules.md, "Issuing a signed report".

use crate::error::{Exit, Failure};
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One signature of the signed file, as the validator judged it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Signature {
    /// The signature field's name ("ChuKy").
    pub field: String,
    /// The signer's certificate subject, as the validator prints it.
    pub subject: String,
    /// The signing time the signer's software stated (ISO 8601), when it gave one.
    pub signing_time: Option<String>,
    pub trusted: bool,
    /// The signed bytes hash to what was signed.
    pub sound: bool,
    /// Covers the whole file, or only updates PAdES allows for a last signature followed
    /// (document timestamps, validation data).
    pub whole_file: bool,
    /// What followed is signing and form filling only (or signature maintenance).
    pub later_changes_allowed: bool,
    /// The validator's bottom line.
    pub valid: bool,
}

/// The validator's report on a file: its signatures, in the order it lists them (the
/// order they were made), and the reasons it logged for what failed.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub signatures: Vec<Signature>,
    pub errors: Vec<String>,
    /// "pyHanko 0.38.0 (CLI 0.6.0)".
    pub verifier: String,
}

fn verification(msg: String) -> anyhow::Error {
    anyhow::Error::new(Failure::new(Exit::Rejected, msg))
}

fn usage(msg: String) -> anyhow::Error {
    anyhow::Error::new(Failure::new(Exit::Usage, msg))
}

/// The pyHanko command: `BAOCAO_PYHANKO`, then the project's tools folder, then PATH.
fn candidates() -> Vec<PathBuf> {
    if let Some(p) = std::env::var_os("BAOCAO_PYHANKO") {
        return vec![PathBuf::from(p)];
    }
    let mut v = Vec::new();
    if let Some(home) = std::env::var_os("HOME") {
        v.push(PathBuf::from(home).join(".cache/baocao/tools/pyhanko/bin/pyhanko"));
    }
    v.push(PathBuf::from("pyhanko"));
    v
}

/// Finds pyHanko; its path and version line. Missing is a usage error saying how to install it.
pub fn find() -> Result<(PathBuf, String)> {
    let mut seen = Vec::new();
    for c in candidates() {
        match Command::new(&c).arg("--version").output() {
            Ok(o) if o.status.success() => {
                let v = String::from_utf8_lossy(&o.stdout).trim().replace(", version", "");
                return Ok((c, v));
            }
            _ => seen.push(c.display().to_string()),
        }
    }
    Err(usage(format!(
        "the signature validator pyHanko was not found ({}): install it (`make test-tools`, or `pip install pyhanko pyhanko-cli`) or set BAOCAO_PYHANKO to its `pyhanko` command",
        seen.join(", ")
    )))
}

/// Validates every signature of `pdf`, trusting the system's roots and `trust` (PEM files).
pub fn validate(pdf: &Path, trust: &[PathBuf]) -> Result<Report> {
    for t in trust {
        if !t.is_file() {
            return Err(usage(format!(
                "trusted certificate {} not found (--trust or [issue] trust)",
                t.display()
            )));
        }
    }
    let (cmd, verifier) = find()?;
    let mut c = Command::new(&cmd);
    // Revocation is checked when the certificate names where and the server answers; an
    // offline office still validates (a revoked certificate found is refused all the same).
    c.args(["sign", "validate", "--pretty-print", "--soft-revocation-check"]);
    for t in trust {
        c.arg("--trust").arg(t);
    }
    c.arg(pdf);
    let o = c
        .output()
        .map_err(|e| usage(format!("running {}: {e}", cmd.display())))?;
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    let mut r = parse(&out);
    r.errors = logged_errors(&err);
    r.verifier = verifier;
    if r.signatures.is_empty() && !o.status.success() {
        // pyHanko could not read the file at all: its last words say why.
        let why = err
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no reason given")
            .trim()
            .to_string();
        return Err(verification(format!(
            "{}: the signature validator could not read it: {why}",
            pdf.display()
        )));
    }
    Ok(r)
}

/// The reasons pyHanko logs for a failed check ("… the end-entity certificate expired …").
fn logged_errors(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|l| l.split_once("Validation error ").map(|(_, e)| e.trim().to_string()))
        .collect()
}

/// Reads `--pretty-print` output: a block per signature field, opened by `Field N: NAME`
/// between rules of `=`, with its sections (Signer info, Integrity, Signing time,
/// Modifications, Bottom line).
pub fn parse(out: &str) -> Report {
    let mut sigs: Vec<Signature> = Vec::new();
    for line in out.lines() {
        let l = line.trim();
        if let Some(rest) = l.strip_prefix("Field ") {
            if let Some((n, name)) = rest.split_once(": ") {
                if n.chars().all(|c| c.is_ascii_digit()) {
                    sigs.push(Signature {
                        field: name.to_string(),
                        ..Default::default()
                    });
                    continue;
                }
            }
        }
        let Some(s) = sigs.last_mut() else { continue };
        if let Some(v) = l.strip_prefix("Certificate subject: ") {
            s.subject = v.trim_matches('"').to_string();
        } else if l == "The signer's certificate is trusted." {
            s.trusted = true;
        } else if l == "The signature is cryptographically sound." {
            s.sound = true;
        } else if let Some(v) = l.strip_prefix("Signing time as reported by signer: ") {
            s.signing_time = Some(v.to_string());
        } else if l == "The signature covers the entire file." {
            s.whole_file = true;
            s.later_changes_allowed = true;
        } else if l.starts_with("All modifications relate to signature maintenance") {
            s.whole_file = true;
            s.later_changes_allowed = l.contains("appear to be compatible");
        } else if l.starts_with("All modifications relate to signing and form filling") {
            s.later_changes_allowed = l.contains("appear to be compatible");
        } else if l == "The signature is judged VALID." {
            s.valid = true;
        }
    }
    Report {
        signatures: sigs,
        ..Default::default()
    }
}

/// The reason each failing signature is refused, empty when all pass; `last` is the
/// position of the file's last signature, after which only what PAdES allows may follow.
pub fn refusals(r: &Report) -> Vec<String> {
    let mut v = Vec::new();
    if r.signatures.is_empty() {
        v.push("the file carries no signature".to_string());
    }
    let last = r.signatures.len().saturating_sub(1);
    for (i, s) in r.signatures.iter().enumerate() {
        let who = format!("signature {} ({})", s.field, s.subject);
        let logged: Vec<&str> = r
            .errors
            .iter()
            .filter(|e| subject_of(e).is_some_and(|c| c == s.subject))
            .map(|e| e.split_once("]: ").map(|x| x.1).unwrap_or(e))
            .collect();
        if !s.sound {
            v.push(format!(
                "{who}: cryptographically unsound — the bytes it signed were changed after signing"
            ));
        } else if !s.trusted {
            let why = if logged.is_empty() {
                "no chain to a trusted root (give the issuing CA with --trust or [issue] trust)".to_string()
            } else {
                logged.join("; ")
            };
            v.push(format!("{who}: certificate not trusted — {why}"));
        } else if i == last && !s.whole_file {
            v.push(format!(
                "{who}: the file was changed after the last signature beyond what PAdES allows (only document timestamps and validation data may follow it)"
            ));
        } else if !s.later_changes_allowed {
            v.push(format!(
                "{who}: changes after it may alter what was signed (only further signatures and form filling may follow)"
            ));
        } else if !s.valid {
            v.push(format!("{who}: judged invalid by the validator"));
        }
    }
    v
}

/// The certificate subject a logged error names ("[cert context: SUBJECT]: …").
fn subject_of(e: &str) -> Option<&str> {
    e.strip_prefix("[cert context: ")?.split_once("]: ").map(|x| x.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &str = "==============\nField 1: ChuKy\n==============\n\n\nSigner info\n-----------\n\
Certificate subject: \"Common Name: leader, Country: VN\"\nThe signer's certificate is trusted.\n\n\
Integrity\n---------\nThe signature is cryptographically sound.\n\nSigning time\n------------\n\
Signing time as reported by signer: 2026-12-03T19:31:00+00:00\n\nModifications\n-------------\n\
The signature does not cover the entire file.\nAll modifications relate to signing and form filling operations, and they appear to be compatible with the current document modification policy.\n\n\
Bottom line\n-----------\nThe signature is judged VALID.\n\n\n=================\nField 2: PhatHanh\n=================\n\
Certificate subject: \"Common Name: old, Country: VN\"\nThe signer's certificate is untrusted.\n\
The signature is cryptographically sound.\nThe signature covers the entire file.\nThe signature is judged INVALID.\n";

    #[test]
    fn the_pretty_print_is_read_per_field() {
        let mut r = parse(TWO);
        assert_eq!(r.signatures.len(), 2);
        let a = &r.signatures[0];
        assert_eq!(
            (a.field.as_str(), a.subject.as_str()),
            ("ChuKy", "Common Name: leader, Country: VN")
        );
        assert!(a.trusted && a.sound && a.valid && !a.whole_file && a.later_changes_allowed);
        assert_eq!(a.signing_time.as_deref(), Some("2026-12-03T19:31:00+00:00"));
        let b = &r.signatures[1];
        assert!(!b.trusted && b.sound && !b.valid && b.whole_file && b.signing_time.is_none());
        r.errors = logged_errors(
            "x - WARNING - Validation error [cert context: Common Name: old, Country: VN]: The path could not be validated because the end-entity certificate expired 2021-01-01 00:00:00Z\n",
        );
        let why = refusals(&r);
        assert_eq!(why.len(), 1, "{why:?}");
        assert!(
            why[0].contains("PhatHanh") && why[0].contains("expired 2021-01-01"),
            "{why:?}"
        );
    }

    #[test]
    fn a_last_signature_not_covering_the_file_is_refused() {
        let one = TWO.split("=================\nField 2").next().unwrap();
        let why = refusals(&parse(one));
        assert_eq!(why.len(), 1);
        assert!(why[0].contains("after the last signature"), "{why:?}");
        assert_eq!(refusals(&parse("")), ["the file carries no signature"]);
    }
}
