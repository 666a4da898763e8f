//! From draft to issued document with real signers: a test CA and certificates made by
//! openssl (a trusted signer, an expired one, a self-signed stranger), drafts signed twice
//! by pyHanko — the leader's approval in our empty field, then the records office's
//! signature with the number as a text stamp, each an incremental update — and `baocao
//! issue` accepting the good file and refusing, each with its reason (exit 3), a re-saved
//! file, a draft with one byte changed, an expired or untrusted certificate, a signed byte
//! changed, and a stamp added after the last signature.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn tool(cmd: &str, args: &[&str]) -> String {
    let o = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} (make test-tools): {e}"));
    let text = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{cmd} {args:?}: {text}");
    text
}

/// The PAdES signer and validator (pyHanko, installed by `make test-tools`).
fn pyhanko() -> String {
    std::env::var("BAOCAO_PYHANKO").unwrap_or_else(|_| {
        format!(
            "{}/.cache/baocao/tools/pyhanko/bin/pyhanko",
            std::env::var("HOME").unwrap_or_default()
        )
    })
}

/// The Nghệ An fixture ingested into `dir`, its configuration (PDF only) with `extra`
/// appended.
fn setup(dir: &Path, extra: &str) -> (PathBuf, PathBuf) {
    let db = dir.join("na.duckdb");
    let (code, _, err) = run(&[
        "--db",
        db.to_str().unwrap(),
        "ingest",
        fixture("nghe-an-2023-06").to_str().unwrap(),
    ]);
    assert!(code <= 1, "{err}");
    let base = std::fs::read_to_string(fixture("nghe-an-2023-06/baocao.toml")).unwrap();
    let body = base.replace("formats = [\"pdf\", \"xlsx\", \"docx\"]", "formats = [\"pdf\"]") + extra;
    let cfg = dir.join("baocao.toml");
    std::fs::write(&cfg, body).unwrap();
    (db, cfg)
}

/// Renders a draft; its PDF.
fn draft(db: &Path, cfg: &Path, renderer: &str, args: &[&str], out: &Path) -> PathBuf {
    let (code, stdout, err) = report(db, cfg, &["--renderer", renderer], args, out);
    assert!(code <= 1, "{args:?}: {err}");
    PathBuf::from(stdout.lines().next().expect("the PDF's path").trim())
}

/// The test PKI in `dir`: a self-signed root (ca.pem) and PKCS#12 files (password "test")
/// for `leader` and `clerk` (issued by it, valid now), `old` (issued by it, expired in
/// 2021) and `stranger` (self-signed, trusted by no one).
fn pki(dir: &Path) {
    let at = |f: &str| dir.join(f).to_str().unwrap().to_string();
    std::fs::write(
        dir.join("ext.cnf"),
        "[leaf]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n\
subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("ca.cnf"),
        format!(
            "[ca]\ndefault_ca=d\n[d]\ndir={}\ndatabase=$dir/index.txt\nnew_certs_dir=$dir\nserial=$dir/serial\n\
default_md=sha256\npolicy=p\nunique_subject=no\n[p]\ncommonName=supplied\norganizationName=optional\ncountryName=optional\n",
            dir.display()
        ),
    )
    .unwrap();
    std::fs::write(dir.join("index.txt"), "").unwrap();
    std::fs::write(dir.join("serial"), "1000\n").unwrap();
    std::fs::write(dir.join("pass"), "test\n").unwrap();
    tool(
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            &at("ca.key"),
            "-out",
            &at("ca.pem"),
            "-days",
            "3650",
            "-subj",
            "/C=VN/O=baocao test/CN=baocao test root",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    let people = [
        (
            "leader",
            "/C=VN/O=UBND tinh Nghe An/CN=Bui Dinh Long",
            "20250101000000Z",
            "20351231000000Z",
        ),
        (
            "clerk",
            "/C=VN/O=UBND tinh Nghe An/CN=Van thu UBND tinh",
            "20250101000000Z",
            "20351231000000Z",
        ),
        (
            "old",
            "/C=VN/O=UBND tinh Nghe An/CN=Chu ky cu",
            "20200101000000Z",
            "20210101000000Z",
        ),
    ];
    for (who, subject, from, to) in people {
        tool(
            "openssl",
            &[
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                &at(&format!("{who}.key")),
                "-out",
                &at(&format!("{who}.csr")),
                "-subj",
                subject,
            ],
        );
        tool(
            "openssl",
            &[
                "ca",
                "-batch",
                "-config",
                &at("ca.cnf"),
                "-cert",
                &at("ca.pem"),
                "-keyfile",
                &at("ca.key"),
                "-in",
                &at(&format!("{who}.csr")),
                "-out",
                &at(&format!("{who}.pem")),
                "-startdate",
                from,
                "-enddate",
                to,
                "-extfile",
                &at("ext.cnf"),
                "-extensions",
                "leaf",
                "-notext",
            ],
        );
    }
    tool(
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            &at("stranger.key"),
            "-out",
            &at("stranger.pem"),
            "-days",
            "365",
            "-subj",
            "/C=VN/CN=Nguoi la",
        ],
    );
    for who in ["leader", "clerk", "old", "stranger"] {
        let mut args = vec![
            "pkcs12".to_string(),
            "-export".into(),
            "-inkey".into(),
            at(&format!("{who}.key")),
            "-in".into(),
            at(&format!("{who}.pem")),
            "-out".into(),
            at(&format!("{who}.p12")),
            "-passout".into(),
            "pass:test".into(),
        ];
        if who != "stranger" {
            args.extend(["-certfile".into(), at("ca.pem")]);
        }
        tool("openssl", &args.iter().map(String::as_str).collect::<Vec<_>>());
    }
    // The records office's stamp: the number and the signing time as text (pyHanko's
    // built-in font has no Vietnamese letters, hence "So").
    std::fs::write(
        dir.join("pyhanko.yml"),
        "stamp-styles:\n  so-van-ban:\n    type: text\n    stamp-text: \"So: 123/BC-UBND\\nNgay: %(ts)s\"\n    background: __stamp__\n",
    )
    .unwrap();
}

/// Signs `input` into `output` with `who`'s key: in our empty field `ChuKy` (the leader's
/// approval), or, with `stamp`, in a new field at the top of page 1 carrying the number.
fn sign(keys: &Path, who: &str, input: &Path, output: &Path, stamp: bool) {
    let conf = keys.join("pyhanko.yml");
    let p12 = keys.join(format!("{who}.p12"));
    let pass = keys.join("pass");
    let mut args = vec!["--config", conf.to_str().unwrap(), "sign", "addsig"];
    if stamp {
        args.extend(["--field", "1/330,796,560,836/PhatHanh", "--style-name", "so-van-ban"]);
    } else {
        args.extend(["--field", "ChuKy", "--existing-only"]);
    }
    args.extend([
        "--use-pades",
        "pkcs12",
        "--passfile",
        pass.to_str().unwrap(),
        input.to_str().unwrap(),
        output.to_str().unwrap(),
        p12.to_str().unwrap(),
    ]);
    tool(&pyhanko(), &args);
}

/// Approved by the leader, then signed and stamped by the records office.
fn signed_twice(keys: &Path, pdf: &Path, out: &Path) {
    let approved = out.with_extension("approved.pdf");
    sign(keys, "leader", pdf, &approved, false);
    sign(keys, "clerk", &approved, out, true);
}

fn issue(db: &Path, cfg: &Path, signed: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "--db",
        db.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
        "issue",
        signed.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let out = Command::new(bin())
        .args(&args)
        .env("BAOCAO_TODAY", "2026-11-22")
        .env("BAOCAO_PYHANKO", pyhanko())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn query(db: &Path, sql: &str) -> String {
    let (code, out, err) = run(&["--db", db.to_str().unwrap(), "sql", sql]);
    assert_eq!(code, 0, "{err}");
    out
}

#[test]
fn a_draft_signed_twice_is_issued_recorded_beside_it_and_still_regenerates() {
    let tmp = tempfile::tempdir().unwrap();
    let keys = tmp.path().join("keys");
    std::fs::create_dir(&keys).unwrap();
    pki(&keys);
    // The second report trusts the root through the configuration instead of --trust.
    let (db, cfg) = setup(tmp.path(), "");
    let out = tmp.path().join("out");
    let pdf = draft(&db, &cfg, "typst", &["monthly", "--period", "2023-06"], &out);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("monthly-2023-06.manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["state"], "draft", "every output is a draft");
    let signed = tmp.path().join("da-ky.pdf");
    signed_twice(&keys, &pdf, &signed);

    let ca = keys.join("ca.pem");
    let args = [
        "--number",
        "123/BC-UBND",
        "--date",
        "2023-07-10",
        "--trust",
        ca.to_str().unwrap(),
    ];
    let (code, stdout, err) = issue(&db, &cfg, &signed, &args);
    assert_eq!(code, 0, "{stdout}{err}");
    assert!(
        stdout.contains("issued monthly-2023-06-v1 as 123/BC-UBND on 2023-07-10"),
        "{stdout}"
    );
    assert!(
        stdout.contains("signature ChuKy: Common Name: Bui Dinh Long"),
        "{stdout}"
    );
    assert!(
        stdout.contains("signature PhatHanh: Common Name: Van thu UBND tinh"),
        "{stdout}"
    );
    // The signed file, byte for byte and read-only, beside the draft; the draft untouched.
    let copy = out.join("monthly-2023-06.signed.pdf");
    assert_eq!(std::fs::read(&copy).unwrap(), std::fs::read(&signed).unwrap());
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777, 0o444);
    let rows = query(
        &db,
        "SELECT state, number, CAST(issued_on AS VARCHAR), signed_sha256 = pdf_sha256 FROM report_versions",
    );
    assert!(
        rows.contains("issued") && rows.contains("123/BC-UBND") && rows.contains("2023-07-10"),
        "{rows}"
    );
    assert!(rows.contains("false"), "{rows}");
    let sigs = query(
        &db,
        "SELECT position, field, subject, signing_time IS NOT NULL FROM report_issue_signatures ORDER BY position",
    );
    let lines: Vec<&str> = sigs.lines().filter(|l| l.contains("Common Name")).collect();
    assert_eq!(lines.len(), 2, "{sigs}");
    assert!(
        lines[0].contains("ChuKy") && lines[0].contains("Bui Dinh Long") && lines[0].contains("true"),
        "{sigs}"
    );
    assert!(lines[1].contains("PhatHanh") && lines[1].contains("Van thu"), "{sigs}");

    // The same file and number again: nothing to do.
    let (code, stdout, err) = issue(&db, &cfg, &signed, &args);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.starts_with("already issued: monthly-2023-06-v1"), "{stdout}");

    // What was issued is what the manifest rebuilds.
    let (code, stdout, err) = run(&[
        "regenerate",
        out.join("monthly-2023-06.manifest.json").to_str().unwrap(),
    ]);
    assert_eq!((code, stdout.starts_with("MATCH")), (0, true), "{stdout}{err}");

    // Another report of the year may not take the same number; next year it may.
    let trusted = tmp.path().join("trusted.toml");
    let text = std::fs::read_to_string(&cfg).unwrap() + &format!("\n[issue]\ntrust = [{:?}]\n", ca.to_str().unwrap());
    std::fs::write(&trusted, text).unwrap();
    let q2 = draft(&db, &trusted, "builtin", &["quarterly", "--period", "2023-Q2"], &out);
    let q2_signed = tmp.path().join("q2-da-ky.pdf");
    signed_twice(&keys, &q2, &q2_signed);
    let (code, _, err) = issue(
        &db,
        &trusted,
        &q2_signed,
        &["--number", "123/BC-UBND", "--date", "2023-07-12"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("123/BC-UBND was already given in 2023"), "{err}");
    let (code, stdout, err) = issue(
        &db,
        &trusted,
        &q2_signed,
        &["--number", "123/BC-UBND", "--date", "2024-01-05"],
    );
    assert_eq!(code, 0, "numbers start again each year: {stdout}{err}");
}

#[test]
fn files_not_ours_or_not_validly_signed_are_refused_with_their_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let keys = tmp.path().join("keys");
    std::fs::create_dir(&keys).unwrap();
    pki(&keys);
    let (db, cfg) = setup(tmp.path(), "");
    let out = tmp.path().join("out");
    let pdf = draft(&db, &cfg, "builtin", &["monthly", "--period", "2023-06"], &out);
    let ca = keys.join("ca.pem");
    let refused = |file: &Path, extra: &[&str], why: &[&str]| {
        let mut args = vec![
            "--number",
            "7/BC-UBND",
            "--date",
            "2023-07-10",
            "--trust",
            ca.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let (code, stdout, err) = issue(&db, &cfg, file, &args);
        assert_eq!(code, 3, "{}: {stdout}{err}", file.display());
        for w in why {
            assert!(err.contains(w), "{}: {w:?} in {err}", file.display());
        }
    };
    let good = tmp.path().join("good.pdf");
    signed_twice(&keys, &pdf, &good);

    // Re-saved by another program: the signatures may even survive, our bytes do not.
    let resaved = tmp.path().join("resaved.pdf");
    tool("qpdf", &[good.to_str().unwrap(), resaved.to_str().unwrap()]);
    refused(&resaved, &[], &["not an extension of any of the 1 drafts", "re-saved"]);

    // A draft with one byte changed (its creation year), then signed properly.
    let mut bytes = std::fs::read(&pdf).unwrap();
    let at = bytes.windows(16).position(|w| w == b"/CreationDate(D:").unwrap() + 16 + 3;
    bytes[at] = if bytes[at] == b'5' { b'4' } else { b'5' };
    let changed = tmp.path().join("changed.pdf");
    std::fs::write(&changed, &bytes).unwrap();
    let changed_signed = tmp.path().join("changed-signed.pdf");
    signed_twice(&keys, &changed, &changed_signed);
    refused(&changed_signed, &[], &["not an extension of any"]);
    refused(
        &changed_signed,
        &["--report", "monthly-2023-06-v1"],
        &[&format!("differ from the draft's from byte {at} on")],
    );

    // Signed by an expired certificate, or by one no trusted root issued.
    let expired = tmp.path().join("expired.pdf");
    sign(&keys, "old", &pdf, &expired, false);
    refused(
        &expired,
        &[],
        &["signature ChuKy", "Chu ky cu", "not trusted", "expired 2021-01-01"],
    );
    let stranger = tmp.path().join("stranger.pdf");
    sign(&keys, "stranger", &pdf, &stranger, false);
    refused(&stranger, &[], &["Nguoi la", "not trusted", "self-signed"]);

    // A byte the records office signed, changed afterwards (its signing time's year).
    let mut bytes = std::fs::read(&good).unwrap();
    let draft_len = std::fs::metadata(&pdf).unwrap().len() as usize;
    let m = bytes
        .windows(9)
        .rposition(|w| w == b"/M (D\\072")
        .expect("the signing time")
        + 9;
    assert!(m > draft_len);
    bytes[m + 3] = if bytes[m + 3] == b'0' { b'1' } else { b'0' };
    let tampered = tmp.path().join("tampered.pdf");
    std::fs::write(&tampered, &bytes).unwrap();
    refused(&tampered, &[], &["signature PhatHanh", "cryptographically unsound"]);

    // A stamp drawn on the page after the last signature, as an incremental update.
    let stamped = tmp.path().join("stamped.pdf");
    tool(
        &pyhanko(),
        &[
            "--config",
            keys.join("pyhanko.yml").to_str().unwrap(),
            "stamp",
            "--style-name",
            "so-van-ban",
            good.to_str().unwrap(),
            stamped.to_str().unwrap(),
            "100",
            "100",
        ],
    );
    assert!(std::fs::read(&stamped)
        .unwrap()
        .starts_with(&std::fs::read(&good).unwrap()));
    refused(
        &stamped,
        &[],
        &[
            "signature PhatHanh",
            "after the last signature beyond what PAdES allows",
        ],
    );

    // The draft itself, unsigned.
    refused(&pdf, &[], &["unsigned"]);
    assert_eq!(
        query(&db, "SELECT count(*) FROM report_issues").lines().next(),
        Some("0")
    );
    assert!(!out.join("monthly-2023-06.signed.pdf").exists());
}
