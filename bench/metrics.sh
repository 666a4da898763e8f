#!/usr/bin/env bash
# Metrics benchmark: all metrics (II.06a, every rate, the previous period and the same period
# a year earlier, the 766 index) of one month and of one year over the database
# bench/ingest.sh built last, against the floor: one II.06a-like aggregate (bench/raw_ii06a.sql)
# over the raw read_csv table of the same file, in the same run. Best and median of RUNS.
set -euo pipefail
BIN=${BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/baocao/target}/release/baocao}
WORK=${BENCH_DIR:-$HOME/.cache/baocao/bench}
RUNS=${BENCH_RUNS:-3}
DB="$WORK/ours.duckdb"
FLOOR="$WORK/floor.duckdb"
[ -f "$DB" ] && [ -f "$FLOOR" ] || { echo "no $DB or $FLOOR: run bench/ingest.sh first"; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
stats() { sort -n | awk '{a[NR]=$1} END {printf "%.3f %.3f\n", a[1], a[int((NR+1)/2)]}'; }
timed() { # command... → "seconds peak_kib"
  local log; log=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$log" "$@" >/dev/null
  cat "$log"; rm -f "$log"
}
rows=$("$BIN" --db "$DB" sql "SELECT count(*) FROM dossiers" 2>/dev/null | head -1)
printf "database: %s dossiers in force; %s runs each, seconds best/median\n" "$rows" "$RUNS"
printf "%-22s %14s %14s %10s %8s\n" period metrics raw_aggregate peak_MiB ratio
for p in 2023-06 2023; do
  read -r from to < <("$BIN" --db "$DB" metrics --period "$p" --format json |
    python3 -c 'import json,sys; d=json.load(sys.stdin)["period"]; print(d["from"], d["to"])')
  sql=$(grep -v '^--' "$here/raw_ii06a.sql" | sed -e "s/T0/$from/g" -e "s/T1/$to/g")
  ours=(); raw=(); peak=0
  for _ in $(seq "$RUNS"); do
    read -r s m < <(timed "$BIN" --db "$DB" metrics --period "$p" --format json)
    ours+=("$s"); [ "$m" -gt "$peak" ] && peak=$m
    read -r s _ < <(timed "$BIN" --db "$FLOOR" sql "$sql")
    raw+=("$s")
  done
  read -r ob om < <(printf "%s\n" "${ours[@]}" | stats)
  read -r rb rm_ < <(printf "%s\n" "${raw[@]}" | stats)
  printf "%-22s %6s/%-7s %6s/%-7s %10.0f %8.2f\n" "$p ($from..$to)" "$ob" "$om" "$rb" "$rm_" \
    "$(awk "BEGIN{print $peak/1024}")" "$(awk "BEGIN{print $om/$rm_}")"
done
echo "ratio: median metrics / median raw aggregate, both whole processes (open, query, exit)"
