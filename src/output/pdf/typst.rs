//! Rendering with the Typst CLI (pinned version), through `std::process::Command`.

use super::sign_field::Anchor;
use crate::error::{Exit, Failure};
use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The Typst version the templates are written and tested for.
pub const TYPST_VERSION: &str = "0.15.1";

/// Where the templates' signature area is: `closing` in decree30.typ draws it as a 60 × 35
/// mm block with a labelled heading (shown as nothing, an artifact) at its top left, which
/// Typst writes as a named destination 10 pt above the heading (typst-pdf's `pos_to_xyz`;
/// it clamps at the page's top edge, which the area, below the top margin and the signer
/// lines, never comes near). `tests/it/signing.rs` checks the field against the text.
pub const SIGNATURE_AREA: Anchor = Anchor::Destination {
    name: "baocao-signature",
    above: 10.0,
    w: 60.0 * 72.0 / 25.4,
    h: 35.0 * 72.0 / 25.4,
};

/// The templates, embedded so a report renders the same wherever the binary runs.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("lib/decree30.typ", include_str!("../../../reports/lib/decree30.typ")),
    ("report.typ", include_str!("../../../reports/report.typ")),
];

/// The daily warning list's summary (`baocao watch --out`): one self-contained template, kept
/// apart from `TEMPLATES` so report manifests do not change with it.
pub const WATCH_TEMPLATES: &[(&str, &str)] = &[("watch.typ", include_str!("../../../reports/watch.typ"))];

fn render_error(msg: String) -> anyhow::Error {
    anyhow::Error::new(Failure::new(Exit::Render, msg))
}

/// Finds the typst binary: `BAOCAO_TYPST`, then the installed layout's (`/usr/lib/baocao/typst`
/// beside `/usr/bin/baocao`: the Debian package), then the project's tools dir, then PATH; it
/// must be the pinned version.
pub fn find() -> Result<(PathBuf, String)> {
    let mut candidates = Vec::new();
    if let Some(p) = std::env::var_os("BAOCAO_TYPST") {
        candidates.push(PathBuf::from(p));
    } else {
        if let Some(bin) = std::env::current_exe().ok().and_then(|e| e.parent().map(PathBuf::from)) {
            if let Ok(packaged) = bin.join("../lib/baocao/typst").canonicalize() {
                candidates.push(packaged);
            }
        }
        if let Some(home) = std::env::var_os("HOME") {
            candidates.push(PathBuf::from(home).join(".cache/baocao/tools/bin/typst"));
        }
        candidates.push(PathBuf::from("typst"));
    }
    let mut seen = Vec::new();
    for c in candidates {
        match Command::new(&c).arg("--version").output() {
            Ok(o) if o.status.success() => {
                let v = String::from_utf8_lossy(&o.stdout).trim().to_string();
                if v.split_whitespace().nth(1) == Some(TYPST_VERSION) {
                    return Ok((c, v));
                }
                seen.push(format!("{} is {v}", c.display()));
            }
            _ => seen.push(format!("{}: not found", c.display())),
        }
    }
    Err(render_error(format!(
        "typst {TYPST_VERSION} not found ({}): run `make tools`, or set BAOCAO_TYPST to a typst {TYPST_VERSION} binary",
        seen.join("; ")
    )))
}

/// Writes a set of embedded templates to a folder named by their hash; returns it.
pub fn templates_dir(templates: &[(&str, &str)]) -> Result<PathBuf> {
    let mut h = Sha256::new();
    for (name, body) in templates {
        h.update(name.as_bytes());
        h.update(body.as_bytes());
    }
    let dir = crate::fsx::cache_dir().join(format!("templates-{}", &crate::fsx::hex(&h.finalize())[..16]));
    for (name, body) in templates {
        let p = dir.join(name);
        if std::fs::read_to_string(&p).ok().as_deref() != Some(*body) {
            let parent = p.parent().unwrap_or(&dir);
            std::fs::create_dir_all(parent).map_err(|e| render_error(format!("creating {}: {e}", parent.display())))?;
            crate::fsx::write_atomic(&p, body.as_bytes())?;
        }
    }
    Ok(dir)
}

/// A configured renderer.
pub struct Typst {
    pub bin: PathBuf,
    pub fonts_dir: PathBuf,
    pub timeout: Duration,
}

impl Typst {
    /// Finds typst; `fonts_dir` holds the fonts (see `fonts::dir`).
    pub fn new(fonts_dir: &Path, timeout: Duration) -> Result<Self> {
        let (bin, _) = find()?;
        Ok(Typst {
            bin,
            fonts_dir: fonts_dir.to_path_buf(),
            timeout,
        })
    }

    /// Compiles `template` (report.typ) with `data` into the PDF's bytes (through a
    /// temporary file beside `out`, removed), with where its signature area is: the named
    /// destination the template writes there (see `closing` in decree30.typ).
    pub fn render(
        &self,
        template: &str,
        data: &Path,
        out: &Path,
        creation_timestamp: i64,
    ) -> Result<(Vec<u8>, Option<Anchor>)> {
        let bytes = self.compile(TEMPLATES, template, data, out, creation_timestamp)?;
        Ok((bytes, Some(SIGNATURE_AREA)))
    }

    /// Compiles `template`, one of `templates`, with `data` into the PDF's bytes.
    pub fn compile(
        &self,
        templates: &[(&str, &str)],
        template: &str,
        data: &Path,
        out: &Path,
        creation_timestamp: i64,
    ) -> Result<Vec<u8>> {
        let dir = templates_dir(templates)?;
        let data = std::fs::canonicalize(data).with_context(|| format!("report data {}", data.display()))?;
        let tmp = crate::fsx::temp_path(out);
        let mut cmd = Command::new(&self.bin);
        // typst dies with us: a killed job must not leave a compile running that writes its
        // temporary PDF after the next run has cleaned up (bench/kill.sh, tests/it/run.rs).
        let parent = std::process::id() as libc::pid_t;
        // SAFETY: between fork and exec only async-signal-safe calls (prctl, getppid, _exit).
        unsafe {
            use std::os::unix::process::CommandExt;
            cmd.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                if libc::getppid() != parent {
                    libc::_exit(1);
                }
                Ok(())
            });
        }
        let mut child = cmd
            .arg("compile")
            .arg("--root")
            .arg("/")
            .arg("--input")
            .arg(format!("data={}", data.display()))
            .arg("--font-path")
            .arg(&self.fonts_dir)
            .arg("--ignore-system-fonts")
            .arg("--creation-timestamp")
            .arg(creation_timestamp.to_string())
            .arg("--pdf-standard")
            .arg("a-2b")
            .arg("--format")
            .arg("pdf")
            .arg("--diagnostic-format")
            .arg("short")
            .arg(dir.join(template))
            .arg(&tmp)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| render_error(format!("cannot start {}: {e}", self.bin.display())))?;
        let start = Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait()? {
                break s;
            }
            if start.elapsed() > self.timeout {
                let _ = child.kill();
                let _ = child.wait();
                let _ = std::fs::remove_file(&tmp);
                return Err(render_error(format!(
                    "typst did not finish in {} s: killed",
                    self.timeout.as_secs()
                )));
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let mut stderr = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = e.read_to_string(&mut stderr);
        }
        // Typst exits 0 on warnings; a warning (a missing glyph, an unknown font) fails here.
        if !status.success() || stderr.contains("warning") || stderr.contains("error") {
            let _ = std::fs::remove_file(&tmp);
            return Err(render_error(format!(
                "typst failed on {template} ({status}):\n{}",
                stderr.trim()
            )));
        }
        let bytes = std::fs::read(&tmp).with_context(|| format!("reading {}", tmp.display()));
        let _ = std::fs::remove_file(&tmp);
        bytes
    }
}
