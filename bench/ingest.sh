#!/usr/bin/env bash
# Ingest benchmark: generates 1M and 5M dossier CSVs (cached), then measures our ingest
# against DuckDB's own read_csv into a table on the same file, in the same run.
# Prints rows/s, wall seconds, peak RSS and the ratio (ours / DuckDB's speed).
set -euo pipefail
BIN=${BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/baocao/target}/release/baocao}
WORK=${BENCH_DIR:-$HOME/.cache/baocao/bench}
SIZES=${BENCH_SIZES:-"1000000 5000000"}
mkdir -p "$WORK"
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }

measure() { # label, command... → prints "seconds peak_kib"
  local log; log=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$log" "$@" >/dev/null 2>"$log.err" || { cat "$log.err" >&2; }
  cat "$log"; rm -f "$log" "$log.err"
}

printf "%-10s %-22s %10s %12s %12s\n" rows step seconds rows/s peak_MiB
for n in $SIZES; do
  csv="$WORK/d$n/dossiers.csv"
  if [ ! -f "$csv" ]; then
    "$BIN" fixtures generate --out "$WORK/d$n" --from 2023-01-01 --to 2023-12-31 --dossiers "$n" --seed 1 \
      --headers canonical --dates iso --no-title >/dev/null
  fi
  rm -f "$WORK/ours.duckdb" "$WORK/ours.duckdb.wal" "$WORK/floor.duckdb" "$WORK/floor.duckdb.wal"
  read -r s_floor m_floor < <(measure "$BIN" --db "$WORK/floor.duckdb" sql "CREATE TABLE t AS SELECT * FROM read_csv('$csv')")
  read -r s_ours m_ours < <(BAOCAO_TODAY=2026-11-22 measure "$BIN" --db "$WORK/ours.duckdb" ingest "$csv")
  printf "%-10s %-22s %10s %12.0f %12.0f\n" "$n" "duckdb read_csv (floor)" "$s_floor" "$(awk "BEGIN{print $n/$s_floor}")" "$(awk "BEGIN{print $m_floor/1024}")"
  printf "%-10s %-22s %10s %12.0f %12.0f\n" "$n" "baocao ingest" "$s_ours" "$(awk "BEGIN{print $n/$s_ours}")" "$(awk "BEGIN{print $m_ours/1024}")"
  printf "%-10s %-22s %10.2f\n" "$n" "ratio (floor/ours)" "$(awk "BEGIN{print $s_floor/$s_ours}")"
done
