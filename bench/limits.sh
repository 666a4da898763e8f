#!/usr/bin/env bash
# Input limits at scale: a 1 GB CSV whose data is one line without a line break. Ingest must
# reject it with a reason (line over 1 MiB) and its peak memory stay under 500 MiB
# (measured with /usr/bin/time -v).
set -euo pipefail
BIN=${BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/baocao/target}/release/baocao}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export BAOCAO_TODAY=2026-11-22
f="$WORK/one-line.csv"
{ printf 'MaHoSo,TrangThaiHoSo,NgayTiepNhan,GhiChu\nHS1,2,01/02/2023,'; head -c 1073741824 /dev/zero | tr '\0' 'x'; } > "$f"
set +e
/usr/bin/time -v -o "$WORK/time.txt" "$BIN" --db "$WORK/b.duckdb" ingest "$f" > "$WORK/out.txt" 2>&1
code=$?
set -e
rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time.txt")
reason=$(grep -m1 -o 'line [0-9]* is longer than [^:]*' "$WORK/out.txt" || true)
printf "1 GB single-line CSV: exit %s, %s, peak RSS %.0f MiB, wall %s\n" "$code" "${reason:-no reason found}" "$(awk "BEGIN{print $rss_kb/1024}")" "$secs"
[ "$code" = 3 ] && [ -n "$reason" ] && [ "$rss_kb" -lt $((500 * 1024)) ] || { echo "FAIL: expected exit 3, a reason and < 500 MiB" >&2; exit 1; }
echo "OK"
