#!/usr/bin/env bash
# Scale curve: for 1M, 5M and 20M dossiers of 2023 (each as 20 agency files, the wide
# generator CSV), ingests them into a fresh store and computes a year's metrics; prints
# seconds, seconds per million rows and peak RSS for both. Flat or falling s/M means the
# cost follows the data. Files are cached in $BENCH_DIR/scale/<size>.
set -euo pipefail
BIN=${BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/baocao/target}/release/baocao}
SIZES=${SCALE_SIZES:-"1000000 5000000 20000000"}
ROOT=${BENCH_DIR:-$HOME/.cache/baocao/bench}/scale
export BAOCAO_TODAY=2026-11-22
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
printf "%-10s %-26s %9s %9s %10s\n" dossiers step seconds "s per M" peak_MiB
for n in $SIZES; do
  dir=$ROOT/$n
  if [ ! -f "$dir/done" ]; then
    for i in $(seq -w 1 20); do
      "$BIN" synth generate --out "$dir/a$i" --from 2023-01-01 --to 2023-12-31 --dossiers $((n / 20)) \
        --seed "$i" --province-code "S$i" --name "agency-$i" >/dev/null
    done
    touch "$dir/done"
  fi
  db=$ROOT/store-$n.duckdb; rm -f "$db" "$db.wal"
  /usr/bin/time -f "%e %M" -o "$ROOT/t" "$BIN" --quiet --db "$db" ingest "$dir" >/dev/null || [ $? -le 1 ]
  read -r s m < "$ROOT/t"
  printf "%-10s %-26s %9s %9.2f %10.0f\n" "$n" "ingest (20 files)" "$s" "$(awk "BEGIN{print $s/($n/1000000)}")" "$(awk "BEGIN{print $m/1024}")"
  /usr/bin/time -f "%e %M" -o "$ROOT/t" "$BIN" --db "$db" metrics --period 2023 --convention calendar --format json >/dev/null || [ $? -le 1 ]
  read -r s m < "$ROOT/t"
  printf "%-10s %-26s %9s %9.2f %10.0f\n" "$n" "metrics of the year 2023" "$s" "$(awk "BEGIN{print $s/($n/1000000)}")" "$(awk "BEGIN{print $m/1024}")"
  rm -f "$db" "$db.wal"
done
