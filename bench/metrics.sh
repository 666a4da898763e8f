#!/usr/bin/env bash
# Metrics benchmark: all metrics (II.06a, rates, comparisons, 766) of one month and of one
# year over the largest database bench/ingest.sh built (5M dossiers by default).
set -euo pipefail
BIN=${BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/baocao/target}/release/baocao}
WORK=${BENCH_DIR:-$HOME/.cache/baocao/bench}
DB="$WORK/ours.duckdb"
[ -f "$DB" ] || { echo "no $DB: run bench/ingest.sh first"; exit 1; }
rows=$("$BIN" --db "$DB" metrics --period 2023 --convention calendar --format csv | awk -F, 'NR==2 {print $5}')
printf "%-28s %10s %12s   (database: %s dossiers handled in 2023)\n" metrics seconds peak_MiB "$rows"
for p in 2023-06 2023; do
  log=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$log" "$BIN" --db "$DB" metrics --period "$p" --format json >/dev/null
  read -r s m < "$log"; rm -f "$log"
  printf "%-28s %10s %12.0f\n" "period $p (cutoff15)" "$s" "$(awk "BEGIN{print $m/1024}")"
done
