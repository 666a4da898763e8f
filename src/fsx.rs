//! File helpers used everywhere: SHA-256 hashing, and writes (of a file, or of a whole
//! folder) that are never seen half-done.

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The user's own cache folder for files baocao writes out of its binary (fonts, templates):
/// `$HOME/.cache/baocao`, never a folder another user may own (a shared /tmp folder made
/// by root could not be written by the `baocao` service user).
pub fn cache_dir() -> PathBuf {
    match std::env::var_os("HOME") {
        Some(home) if !home.is_empty() => PathBuf::from(home).join(".cache/baocao"),
        _ => std::env::temp_dir().join("baocao"),
    }
}

/// Set once at start: files are created 0600 and folders 0700 (`[ingest] owner_only`).
static OWNER_ONLY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Makes every file and folder this process creates private to its owner: a umask of 077
/// (DuckDB's files, reports, folders) and 0600 on copies (which keep the source's mode).
pub fn set_owner_only() {
    OWNER_ONLY.store(true, std::sync::atomic::Ordering::Relaxed);
    // SAFETY: umask only sets the process's file-mode mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
}

/// Lower-case hex of bytes.
pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// SHA-256 of bytes, hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// SHA-256 of a file's bytes, hex, with its length.
pub fn sha256_file(path: &Path) -> Result<(String, u64)> {
    let mut f = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut h = Sha256::new();
    let n = std::io::copy(&mut f, &mut h).with_context(|| format!("reading {}", path.display()))?;
    Ok((hex(&h.finalize()), n))
}

/// The temporary name a file is written under before it is renamed into place:
/// `<name>.tmp<pid>` beside it (a killed run's leftovers are recognised by `is_temp_name`).
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    path.with_file_name(format!("{name}.tmp{}", std::process::id()))
}

/// True for the names `temp_path` makes (and the older `.name.tmp1234` form).
pub fn is_temp_name(name: &str) -> bool {
    match name.rfind(".tmp") {
        Some(i) => {
            let rest = &name[i + 4..];
            !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

/// Writes a file through a temporary name, flushed to disk, then renamed into place.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = temp_path(path);
    let res = (|| -> std::io::Result<()> {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })();
    if let Err(e) = res {
        let _ = std::fs::remove_file(&tmp);
        return Err(anyhow::Error::new(e).context(format!("writing {}", path.display())));
    }
    rename_into_place(&tmp, path)
}

/// Copies a file through a temporary name, flushed to disk, then renamed into place.
pub fn copy_atomic(from: &Path, to: &Path) -> Result<()> {
    let tmp = temp_path(to);
    let res = std::fs::copy(from, &tmp).and_then(|_| {
        if OWNER_ONLY.load(std::sync::atomic::Ordering::Relaxed) {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))?;
        }
        File::open(&tmp)?.sync_all()
    });
    if let Err(e) = res {
        let _ = std::fs::remove_file(&tmp);
        return Err(anyhow::Error::new(e).context(format!("copying {} to {}", from.display(), to.display())));
    }
    rename_into_place(&tmp, to)
}

/// Renames a finished temporary file to its final name.
pub fn rename_into_place(tmp: &Path, path: &Path) -> Result<()> {
    std::fs::rename(tmp, path).with_context(|| format!("moving {} to {}", tmp.display(), path.display()))
}

/// Replaces the folder `dir` as a whole: `fill` writes the new contents into a fresh folder
/// beside it (`.<name>.tmp`), which then takes its place in one step (`swap_dir_into_place`).
/// A reader sees the old folder or the new one, never one half-written. When `fill` fails
/// `dir` is left as it was; the temporary folder is cleared by the next call.
pub fn replace_dir<T>(dir: &Path, fill: impl FnOnce(&Path) -> Result<T>) -> Result<T> {
    let Some(name) = dir.file_name().map(|n| n.to_string_lossy().to_string()) else {
        anyhow::bail!("{}: not the name of a folder", dir.display());
    };
    let tmp = dir.with_file_name(format!(".{name}.tmp"));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).with_context(|| format!("removing {}", tmp.display()))?;
    }
    if let Some(p) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(p).with_context(|| format!("creating {}", p.display()))?;
    }
    std::fs::create_dir(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    let made = fill(&tmp)?;
    swap_dir_into_place(&tmp, dir)?;
    Ok(made)
}

/// Puts a finished folder `tmp` in place of `dir` in one step: a plain rename when `dir` does
/// not exist, else an atomic exchange of the two (renameat2 RENAME_EXCHANGE) after which the
/// old contents, now at `tmp`, are removed. A reader sees the old folder or the new one.
pub fn swap_dir_into_place(tmp: &Path, dir: &Path) -> Result<()> {
    if !dir.exists() {
        return rename_into_place(tmp, dir);
    }
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(tmp.as_os_str().as_bytes())?;
    let b = CString::new(dir.as_os_str().as_bytes())?;
    // SAFETY: two valid NUL-terminated paths; the call only renames.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc != 0 {
        return Err(std::io::Error::last_os_error())
            .with_context(|| format!("replacing {} with {}", dir.display(), tmp.display()));
    }
    std::fs::remove_dir_all(tmp).with_context(|| format!("removing the old contents {}", tmp.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_are_recognised() {
        let p = temp_path(Path::new("/x/monthly-2023-06.pdf"));
        assert!(is_temp_name(&p.file_name().unwrap().to_string_lossy()));
        assert!(is_temp_name(".a.csv.tmp12"));
        assert!(!is_temp_name("monthly-2023-06.pdf"));
        assert!(!is_temp_name("data.tmp"));
    }

    #[test]
    fn a_folder_is_replaced_as_a_whole_or_not_at_all() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("site");
        replace_dir(&dir, |tmp| write_atomic(&tmp.join("a"), b"1")).unwrap();
        assert_eq!(std::fs::read(dir.join("a")).unwrap(), b"1");
        // A failed fill leaves the folder as it was.
        let failed: Result<()> = replace_dir(&dir, |tmp| {
            write_atomic(&tmp.join("b"), b"2")?;
            anyhow::bail!("stopped")
        });
        assert!(failed.is_err());
        assert!(dir.join("a").is_file() && !dir.join("b").exists());
        // The next one replaces everything, and leaves nothing beside the folder.
        replace_dir(&dir, |tmp| write_atomic(&tmp.join("b"), b"2")).unwrap();
        assert!(!dir.join("a").exists() && dir.join("b").is_file());
        let names: Vec<_> = std::fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["site"]);
    }

    #[test]
    fn sha256_of_abc() {
        assert_eq!(
            sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
