#!/usr/bin/env bash
# Tests the Debian package by installing it on this machine (root; CI's throw-away machine):
# the same commit builds the same bytes, lintian passes, the service's own command line turns
# a fixture inbox into the reports as the baocao user with nothing from the build tree (no
# Rust, no npm, no ~/.cache), `doctor` finds the packaged library and Typst, then remove keeps
# the data and purge leaves nothing behind. Usage: test-package.sh DEB_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1
fail() { echo "test-package: FAIL — $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "installs a package: run as root (CI does)"
deb=$(ls "$dir"/baocao_*.deb)
echo "test-package: $deb"

# The same commit gives the same bytes.
first=$(sha256sum "$deb" | cut -d' ' -f1)
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) "${CARGO_DEB:-$HOME/.cache/baocao/tools/bin/cargo-deb}" \
  --no-build --no-strip --output "$dir/again/" >/dev/null
[ "$first" = "$(sha256sum "$dir"/again/baocao_*.deb | cut -d' ' -f1)" ] || fail "a second build differs"
rm -rf "$dir/again"

# lintian: clean but for the tags packaging/deb/lintian-overrides explains.
command -v lintian >/dev/null || { apt-get -o DPkg::Lock::Timeout=600 update -qq &&
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends lintian >/dev/null; }
lintian --fail-on error,warning "$deb" || fail "lintian"

# The binary looks for its library in the package only.
x=$(mktemp -d); trap 'rm -rf "$x"' EXIT
dpkg-deb -x "$deb" "$x"
runpath=$(readelf -d "$x/usr/bin/baocao" | grep -E 'RUNPATH|RPATH')
echo "$runpath" | grep -q '\[\$ORIGIN/../lib/baocao\]$' || fail "RUNPATH: $runpath"

getent passwd baocao >/dev/null && fail "a baocao user exists before the test"
dpkg -i "$deb" >/dev/null
getent passwd baocao >/dev/null || fail "no baocao user"
[ "$(stat -c '%U %a' /var/lib/baocao)" = "baocao 700" ] || fail "/var/lib/baocao: $(stat -c '%U %a' /var/lib/baocao)"
conffiles=$(dpkg-query --showformat='${Conffiles}' -W baocao)
[ -f /etc/baocao/baocao.toml ] && grep -q /etc/baocao/baocao.toml <<<"$conffiles" \
  || fail "/etc/baocao/baocao.toml is not a conffile"
command -v systemd-analyze >/dev/null && systemd-analyze verify /usr/lib/systemd/system/baocao.timer \
  /usr/lib/systemd/system/baocao-watch.timer 2>&1 | grep -v 'not found\|Failed to connect' || true

# The office's configuration (who issues the report) and a month of exports in the inbox.
cat > /etc/baocao/baocao.toml <<'TOML'
[metrics]
convention = "cutoff15"
[report]
province = "Nghệ An"
issuer = ["ỦY BAN NHÂN DÂN", "TỈNH NGHỆ AN"]
place = "Nghệ An"
signer_lines = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
signer_name = "Nguyễn Văn A"
reporting_unit = "UBND tỉnh Nghệ An"
formats = ["pdf", "xlsx", "docx"]
[run]
inbox = "/var/lib/baocao/inbox"
archive = "/var/lib/baocao/archive"
rejected = "/var/lib/baocao/rejected"
out = "/var/lib/baocao/out"
reports = ["monthly"]
first_period = "2023-06"
TOML
install -o baocao -g baocao -m 0600 fixtures/nghe-an-2023-06/dossiers.csv.gz /var/lib/baocao/inbox/

# The service's ExecStart, as systemd runs it: the baocao user, its umask, a bare environment.
exec_start=$(sed -n 's/^ExecStart=//p' /usr/lib/systemd/system/baocao.service)
as_service() {
  runuser -u baocao -- env -i PATH=/usr/bin:/bin HOME=/var/lib/baocao LANG=C.UTF-8 \
    sh -c "umask 0077; cd /var/lib/baocao && $1"
}
rc=0; as_service "$exec_start" > /tmp/baocao-test-package.log 2>&1 || rc=$?
[ "$rc" -le 1 ] || { cat /tmp/baocao-test-package.log; fail "ExecStart exit $rc"; }
for f in monthly-2023-06.pdf monthly-2023-06.xlsx monthly-2023-06.docx monthly-2023-06.manifest.json; do
  p=/var/lib/baocao/out/$f
  [ -f "$p" ] || { cat /tmp/baocao-test-package.log; fail "$p not written"; }
  [ "$(stat -c '%U %a' "$p")" = "baocao 600" ] || fail "$p: $(stat -c '%U %a' "$p")"
done
# (Read whole first: `grep -q` closing the pipe early would fail it under pipefail.)
text=$(pdftotext /var/lib/baocao/out/monthly-2023-06.pdf -)
grep -q "21.969" <<<"$text" || fail "the report lacks its figures"
[ -z "$(ls /var/lib/baocao/inbox)" ] || fail "the inbox was not emptied"

# doctor finds what the package ships, not a build tree.
doctor=$(as_service "/usr/bin/baocao --db /var/lib/baocao/baocao.duckdb --config /etc/baocao/baocao.toml doctor")
echo "$doctor"
echo "$doctor" | grep -q "duckdb: .*(/usr/lib/baocao/libduckdb.so)" || fail "doctor: library"
echo "$doctor" | grep -q "typst: .*(/usr/lib/baocao/typst)" || fail "doctor: typst"
man -w baocao >/dev/null 2>&1 || [ -f /usr/share/man/man1/baocao.1.gz ] || fail "man page"

# Remove keeps the data and the configuration; purge removes them, the user and every file.
files=$(dpkg -L baocao | while read -r f; do [ -f "$f" ] && echo "$f"; done)
dpkg --remove baocao >/dev/null
[ -f /var/lib/baocao/out/monthly-2023-06.pdf ] || fail "remove deleted the reports"
[ -f /etc/baocao/baocao.toml ] || fail "remove deleted the configuration"
dpkg --purge baocao >/dev/null
for f in $files /etc/baocao/baocao.toml; do [ ! -e "$f" ] || fail "left after purge: $f"; done
[ ! -e /var/lib/baocao ] || fail "/var/lib/baocao left after purge"
[ ! -e /etc/baocao ] || fail "/etc/baocao left after purge"
[ ! -e /usr/lib/baocao ] || fail "/usr/lib/baocao left after purge"
getent passwd baocao >/dev/null && fail "the baocao user is left after purge"
getent group baocao >/dev/null && fail "the baocao group is left after purge"
echo "test-package: ok (installed, ran the monthly job as baocao, doctor, removed, purged)"
