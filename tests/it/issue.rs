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
    // Certificates issued by the root carry the extensions a signing certificate has.
    std::fs::write(
        dir.join("ext.cnf"),
        "[leaf]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n\
subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
    )
    .unwrap();
    // `openssl ca`, unlike `x509 -req`, sets any validity period: the expired certificate.
    std::fs::write(
        dir.join("ca.cnf"),
        "[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\ndefault_md=sha256\npolicy=p\n\
unique_subject=no\n[p]\ncommonName=supplied\norganizationName=optional\ncountryName=optional\n",
    )
    .unwrap();
    let script = r#"set -e
: > index.txt; echo 1000 > serial; echo test > pass
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 \
  -subj "/C=VN/O=baocao test/CN=baocao test root" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
issue() {
  openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2"
  openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in "$1.csr" -out "$1.pem" \
    -startdate "$3" -enddate "$4" -extfile ext.cnf -extensions leaf -notext
  openssl pkcs12 -export -inkey "$1.key" -in "$1.pem" -certfile ca.pem -out "$1.p12" -passout pass:test
}
issue leader "/C=VN/O=UBND tinh Nghe An/CN=Bui Dinh Long" 20250101000000Z 20351231000000Z
issue clerk "/C=VN/O=UBND tinh Nghe An/CN=Van thu UBND tinh" 20250101000000Z 20351231000000Z
issue old "/C=VN/O=UBND tinh Nghe An/CN=Chu ky cu" 20200101000000Z 20210101000000Z
openssl req -x509 -newkey rsa:2048 -nodes -keyout stranger.key -out stranger.pem -days 365 -subj "/C=VN/CN=Nguoi la"
openssl pkcs12 -export -inkey stranger.key -in stranger.pem -out stranger.p12 -passout pass:test
"#;
    let o = Command::new("sh")
        .args(["-c", script])
        .current_dir(dir)
        .output()
        .expect("sh");
    assert!(
        o.status.success(),
        "openssl (make test-tools): {}",
        String::from_utf8_lossy(&o.stderr)
    );
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

    // `status` says it was issued, with its number.
    let (code, stdout, err) = run(&["--db", db.to_str().unwrap(), "status"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        stdout.contains("monthly 2023-06 v1 monthly-2023-06-v1: issued as 123/BC-UBND on 2023-07-10"),
        "{stdout}"
    );

    // The public site: the signed file, its number and date; nothing marked draft.
    let site = tmp.path().join("public");
    let (code, stdout, err) = run(&["--db", db.to_str().unwrap(), "site", "--out", site.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}{err}");
    assert!(stdout.contains("(1 report pages, 1 issued)"), "{stdout}");
    assert_eq!(
        std::fs::read(site.join("files/monthly-2023-06.pdf")).unwrap(),
        std::fs::read(&signed).unwrap()
    );
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(
        index.contains("123/BC-UBND<br>ngày 10/7/2023") && index.contains("PDF đã ký số"),
        "{index}"
    );
    let june = std::fs::read_to_string(site.join("reports/monthly-2023-06.html")).unwrap();
    assert!(
        june.contains("<p>Số: 123/BC-UBND</p>") && june.contains("Nghệ An, ngày 10 tháng 7 năm 2023"),
        "{june}"
    );
    assert!(
        june.contains("21.969") && june.contains("96,57%"),
        "the draft's figures"
    );
    assert!(
        june.contains("11/12 tháng chưa có báo cáo tháng đã ban hành: T7/2022"),
        "{june}"
    );
    assert!(!june.to_lowercase().contains("dự thảo"), "{june}");

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

#[test]
fn run_leaves_an_issued_period_alone_until_it_changes_and_the_new_issue_supersedes_the_old() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let keys = d.join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    pki(&keys);
    std::fs::create_dir_all(d.join("inbox")).unwrap();
    let cfg = "[metrics]\nconvention = \"cutoff15\"\n[report]\nrenderer = \"builtin\"\n[run]\ninbox = \"inbox\"\narchive = \"archive\"\nout = \"out\"\nreports = [\"monthly\"]\nfirst_period = \"2023-06\"\n[issue]\ntrust = [\"keys/ca.pem\"]\n";
    std::fs::write(d.join("baocao.toml"), issued(cfg)).unwrap();
    let header = "Mã hồ sơ,Cơ quan giải quyết,Trạng thái,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Hình thức nộp\n";
    let job = |args: &[&str]| {
        let mut all = vec!["--db", "data/b.duckdb"];
        all.extend_from_slice(args);
        let out = Command::new(bin())
            .current_dir(d)
            .args(&all)
            .env("BAOCAO_TODAY", "2026-11-22")
            .env("BAOCAO_PYHANKO", pyhanko())
            .env_remove("BAOCAO_DB")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
        (out.status.code().unwrap_or(-1), text)
    };
    std::fs::write(
        d.join("inbox/june.csv"),
        format!("Ngày xuất: 14/06/2023\nTừ ngày 15/05/2023 đến ngày 14/06/2023\n{header}A,Sở Y tế,4,20/05/2023,30/05/2023,,1\nB,Sở Y tế,10,21/05/2023,30/05/2023,25/05/2023,2\n"),
    )
    .unwrap();
    let (code, out) = job(&["run"]);
    assert_eq!(code, 0, "{out}");
    signed_twice(&keys, &d.join("out/monthly-2023-06.pdf"), &d.join("v1-da-ky.pdf"));
    let (code, out) = job(&[
        "issue",
        "v1-da-ky.pdf",
        "--number",
        "120/BC-UBND",
        "--date",
        "2023-06-20",
    ]);
    assert_eq!(code, 0, "{out}");

    // Nothing new: the issued period is not rendered again.
    let (code, out) = job(&["run"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("nothing to do: no new input, 1 report(s) up to date"),
        "{out}"
    );

    // Late data: a new draft, which names the issued version it would supersede.
    std::fs::write(
        d.join("inbox/june-fix.csv"),
        format!("Ngày xuất: 20/06/2023\nTừ ngày 15/05/2023 đến ngày 14/06/2023\n{header}A,Sở Y tế,10,20/05/2023,30/05/2023,02/06/2023,1\n"),
    )
    .unwrap();
    let (code, out) = job(&["run"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("rendered out/monthly-2023-06-v2.pdf"), "{out}");
    assert!(
        out.contains("đã được ban hành (văn bản số 120/BC-UBND ngày 20/6/2023 (phiên bản 1)); nội dung đã thay đổi")
            && out.contains("dự thảo phiên bản 2, sẽ thay thế văn bản đó"),
        "{out}"
    );
    let (_, out) = job(&["status"]);
    assert!(
        out.contains("monthly 2023-06 v2 monthly-2023-06-v2: draft, not issued (out/monthly-2023-06-v2.pdf); would supersede v1 issued as 120/BC-UBND on 2023-06-20"),
        "{out}"
    );

    // Issued in turn: it supersedes the first, and the site shows both, linked.
    signed_twice(&keys, &d.join("out/monthly-2023-06-v2.pdf"), &d.join("v2-da-ky.pdf"));
    let (code, out) = job(&[
        "issue",
        "v2-da-ky.pdf",
        "--number",
        "125/BC-UBND",
        "--date",
        "2023-06-25",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("supersedes 120/BC-UBND of 2023-06-20 (version 1)"),
        "{out}"
    );
    let (code, out) = job(&["site", "--out", "public"]);
    assert_eq!(code, 0, "{out}");
    let index = std::fs::read_to_string(d.join("public/index.html")).unwrap();
    assert!(
        index.contains("thay thế văn bản số 120/BC-UBND ngày 20/6/2023"),
        "{index}"
    );
    assert!(
        index.contains("đã được thay thế bằng văn bản số 125/BC-UBND ngày 25/6/2023"),
        "{index}"
    );
    let v2 = std::fs::read_to_string(d.join("public/reports/monthly-2023-06-v2.html")).unwrap();
    assert!(
        v2.contains(
            "thay thế <a href=\"monthly-2023-06.html\">văn bản số 120/BC-UBND ngày 20/6/2023</a> (phiên bản 1)"
        ),
        "{v2}"
    );
    // The trend reads the newest issued version of the month.
    assert!(v2.contains("href=\"monthly-2023-06-v2.html\">T6/2023</a>"), "{v2}");
}
