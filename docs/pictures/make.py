#!/usr/bin/env python3
"""The pictures of docs/ (`make pictures`), made from the current fixture outputs.

Each picture is listed in docs/pictures/sources.tsv with the file it was made from and that
file's SHA-256. The outputs are deterministic (the run date pinned as for `make manifests`),
so tests/it/house.rs makes the sources again (`--sources-only`) and fails when one of them
changed without its picture.

Usage: make.py --bin BAOCAO [--sources-only]
"""

import argparse
import hashlib
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
RUN_DATE = "2026-11-22"  # as `make manifests`: the same PDFs the manifests record
DPI = "80"


def run(*args, allow=(0,)):
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    if r.returncode not in allow:
        sys.exit(f"{' '.join(map(str, args))}: exit {r.returncode}\n{r.stdout}\n{r.stderr}")
    return r.stdout


def sha256(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def sources(bin_: str, work: Path) -> dict:
    """Makes every source file; returns {picture: source path}."""
    os.environ["BAOCAO_TODAY"] = RUN_DATE
    na, br = work / "na.duckdb", work / "br.duckdb"
    # Exit 1: rows quarantined or agencies named in the closing block, as the fixtures mean.
    run(bin_, "--db", na, "ingest", ROOT / "fixtures/nghe-an-2023-06", allow=(0, 1))
    run(bin_, "--db", br, "ingest", ROOT / "fixtures/ba-ria-vung-tau-2023", allow=(0, 1))
    na_cfg = ROOT / "fixtures/nghe-an-2023-06/baocao.toml"
    br_cfg = ROOT / "fixtures/ba-ria-vung-tau-2023/baocao.toml"
    out = work / "out"
    notes = ROOT / "fixtures/nghe-an-2023-06/notes/2023-06.md"
    run(bin_, "--db", na, "--config", na_cfg, "report", "monthly", "--period", "2023-06", "--notes", notes,
        "--out", out, allow=(0, 1))
    run(bin_, "--db", br, "--config", br_cfg, "report", "annual", "--year", "2023", "--out", out, allow=(0, 1))
    # The archive of the monthly report, before anything else is recorded in its store: the
    # preview with drafts (an issued report carries a signature made at the wall clock's time).
    site = work / "site"
    run(bin_, "--db", na, "--config", na_cfg, "site", "--out", site, "--drafts", allow=(0, 1))
    pages = sorted(p for p in site.rglob("*.html") if p.name != "index.html")
    # The built-in renderer, each in a folder of its own.
    builtin = work / "builtin"
    run(bin_, "--db", na, "--config", na_cfg, "--renderer", "builtin", "report", "monthly", "--period", "2023-06",
        "--notes", notes, "--out", builtin, "--formats", "pdf", allow=(0, 1))
    run(bin_, "--db", br, "--config", br_cfg, "--renderer", "builtin", "report", "annual", "--year", "2023",
        "--out", builtin, "--formats", "pdf", allow=(0, 1))
    one = lambda d, pattern: sorted(d.glob(pattern))[0]
    return {
        "monthly-2023-06-1.png": one(out, "monthly-2023-06*.pdf"),
        "monthly-2023-06-appendix.png": one(out, "monthly-2023-06*.pdf"),
        "monthly-2023-06-section-ii.png": one(out, "monthly-2023-06*.pdf"),
        "annual-2023-1.png": one(out, "annual-2023*.pdf"),
        "xlsx-monthly-2023-06-1.png": one(out, "monthly-2023-06*.xlsx"),
        "docx-monthly-2023-06-1.png": one(out, "monthly-2023-06*.docx"),
        "signed-block-pyhanko.png": one(out, "monthly-2023-06*.pdf"),
        "site-index.png": site / "index.html",
        "site-report.png": pages[0],
        "builtin-monthly-2023-06-1.png": one(builtin, "monthly-2023-06*.pdf"),
        "builtin-annual-2023-1.png": one(builtin, "annual-2023*.pdf"),
    }


def page(pdf: Path, n: int, png: Path):
    stem = png.with_suffix("")
    run("pdftoppm", "-png", "-r", DPI, "-f", n, "-l", n, "-singlefile", pdf, stem)


def first_page_with(pdf: Path, text: str) -> int:
    """The first page of `pdf` whose text holds `text` (the appendix moves as the body grows)."""
    pages = run("pdftotext", "-layout", pdf, "-").split("\f")
    for n, t in enumerate(pages, start=1):
        if text in t:
            return n
    sys.exit(f"{pdf}: no page with {text!r}")


def office(doc: Path, work: Path) -> Path:
    """The document printed to PDF by LibreOffice, as an official opens it."""
    d = work / ("office-" + doc.suffix[1:])
    d.mkdir(exist_ok=True)
    run("soffice", f"-env:UserInstallation=file://{work}/lo-profile", "--headless", "--convert-to", "pdf",
        "--outdir", d, doc)
    return d / (doc.stem + ".pdf")


def signed_block(pdf: Path, work: Path, png: Path):
    """The signature block, signed in its empty field (ChuKy) by pyHanko."""
    key, cert = work / "key.pem", work / "cert.pem"
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "3650",
        "-utf8", "-subj", "/CN=Nguyễn Văn A/O=UBND tỉnh Nghệ An")
    signed = work / "signed.pdf"
    pyhanko = os.environ.get("BAOCAO_PYHANKO", str(Path.home() / ".cache/baocao/tools/pyhanko/bin/pyhanko"))
    run(pyhanko, "sign", "addsig", "--field", "ChuKy", "--existing-only", "pemder", "--key", key, "--cert", cert,
        "--no-pass", pdf, signed)
    # The page where "Nơi nhận:" starts (the appendices follow it): the block is cut from there.
    bbox = run("pdftotext", "-bbox", signed, "-")
    for n, text in enumerate(bbox.split("<page ")[1:], start=1):
        m = re.search(r'<word xMin="[\d.]+" yMin="([\d.]+)"[^>]*>Nơi</word>', text)
        if m:
            last, top = n, int(float(m.group(1)) * int(DPI) / 72) - 8
            break
    else:
        sys.exit(f"{pdf}: no signature block ('Nơi nhận:')")
    run("pdftoppm", "-png", "-r", DPI, "-f", last, "-l", last, "-singlefile", "-x", 60, "-y", top, "-W", 540,
        "-H", 205, signed, png.with_suffix(""))


def screenshot(html: Path, png: Path, work: Path):
    run("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
        f"--user-data-dir={work}/chromium", "--window-size=1280,1600", f"--screenshot={png}", html.as_uri())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--sources-only", action="store_true", help="print picture, source, SHA-256; draw nothing")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as t:
        work = Path(t)
        src = sources(a.bin, work)
        lines = [f"{pic}\t{path.relative_to(work)}\t{sha256(path)}" for pic, path in src.items()]
        if a.sources_only:
            print("\n".join(lines))
            return
        for pic, path in src.items():
            png = HERE / pic
            if pic.startswith("site-"):
                screenshot(path, png, work)
            elif pic.startswith("signed-"):
                signed_block(path, work, png)
            elif pic.startswith(("xlsx-", "docx-")):
                page(office(path, work), 1, png)
            elif pic.endswith("-appendix.png"):
                page(path, first_page_with(path, "II.06a/VPCP/KSTT"), png)
            elif pic.endswith("-section-ii.png"):
                page(path, first_page_with(path, "II. TỒN TẠI"), png)
            else:
                page(path, int(re.search(r"-(\d+)\.png$", pic).group(1)), png)
        (HERE / "sources.tsv").write_text(
            "# picture\tmade from (a fixture output, see make.py)\tits SHA-256\n" + "\n".join(lines) + "\n")
        print(f"{len(src)} pictures in {HERE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
