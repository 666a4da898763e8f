#!/usr/bin/env bash
# National scale: builds a Parquet lake of PROVINCES provinces × DOSSIERS dossiers (default
# 34 × 1M = 34M, the year 2026, calendar months; each province generated with its own seed,
# ingested into its own store and exported with `export --parquet --period 2026`), then
# measures on the lake: `rollup` of a month and of the year (seconds, peak RSS), and DuckDB
# reading the lake itself — the II.06a flags of every province re-aggregated from
# flags.parquet (seconds per million rows) — checked against the roll-up's totals.
# The lake is cached in $BENCH_DIR/national-<P>x<N>; delete it to rebuild.
set -euo pipefail
BIN=${BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/baocao/target}/release/baocao}
PROVINCES=${PROVINCES:-34}
DOSSIERS=${DOSSIERS:-1000000}
ROOT=${BENCH_DIR:-$HOME/.cache/baocao/bench}/national-${PROVINCES}x${DOSSIERS}
LAKE=$ROOT/lake
export BAOCAO_TODAY=2027-01-20
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$ROOT"

measure() { # command... → "seconds peak_kib"
  local log; log=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$log" "$@" > "$log.out" 2>"$log.err" || { cat "$log.err" >&2; exit 1; }
  cat "$log"; rm -f "$log" "$log.out" "$log.err"
}

# The 34 provincial units after 1/7/2025 (reference/units.csv), then numbered ones beyond.
mapfile -t names < <(grep -v '^#' "$here/reference/units.csv" | tail -n +2 | cut -d, -f4 | sort -u)
if [ ! -f "$ROOT/done" ]; then
  build_start=$(date +%s)
  for i in $(seq 1 "$PROVINCES"); do
    name=${names[$((i - 1))]:-"Tỉnh $i"}
    w=$ROOT/work; rm -rf "$w"; mkdir -p "$w"
    "$BIN" synth generate --out "$w/g" --from 2026-01-01 --to 2026-12-31 --dossiers "$DOSSIERS" \
      --seed "$i" --headers canonical --dates iso --no-title --province "$name" >/dev/null
    "$BIN" --quiet --db "$w/p.duckdb" ingest "$w/g/dossiers.csv" >/dev/null || [ $? -le 1 ]
    "$BIN" --quiet --db "$w/p.duckdb" export --parquet "$LAKE" --period 2026 --convention calendar \
      --province "$name" >/dev/null
    echo "lake: $i/$PROVINCES $name ($(( $(date +%s) - build_start )) s)"
  done
  rm -rf "$ROOT/work"
  echo "$(( $(date +%s) - build_start ))" > "$ROOT/done"
fi
echo "lake: $PROVINCES provinces × $DOSSIERS dossiers, built in $(cat "$ROOT/done") s (generate, ingest, export of 12 months and the year); $(du -sh "$LAKE" | cut -f1) on disk"

scan() { # partition leaf → "rows<TAB>resolved" (resolved over the consistent rows, as the counts are)
  "$BIN" --db "$ROOT/scan.duckdb" sql "SELECT count(*), sum(CASE WHEN consistent THEN resolved END) FROM read_parquet('$LAKE/*/year=2026/$1/flags.parquet')" 2>/dev/null | head -1
}
# Each step 3 times: best and median seconds, the highest peak RSS.
three() { # command... → "best median peak_kib"
  local a b c
  read -r a ma < <(measure "$@"); read -r b mb < <(measure "$@"); read -r c mc < <(measure "$@")
  printf "%s %s %s\n" "$(printf "%s\n%s\n%s\n" "$a" "$b" "$c" | sort -g | head -1)" \
    "$(printf "%s\n%s\n%s\n" "$a" "$b" "$c" | sort -g | sed -n 2p)" \
    "$(printf "%s\n%s\n%s\n" "$ma" "$mb" "$mc" | sort -g | tail -1)"
}
flags="sum(received_online), sum(received_offline), sum(carried_over), sum(resolved), sum(resolved_early),
  sum(resolved_on_time), sum(resolved_late), sum(withdrawn), sum(in_progress), sum(in_progress_overdue), sum(refused)"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB; lake files in the page cache (warm; a second read of the same files)"
printf "%-44s %8s %8s %9s %13s\n" step best median peak_MiB "s/M (best)"
for period in 2026-06 2026; do
  leaf=$([ "$period" = 2026 ] && echo "period=2026" || echo "month=06")
  glob="$LAKE/*/year=2026/$leaf/flags.parquet"
  read -r best med m < <(three "$BIN" rollup "$LAKE" --period "$period" --convention calendar --format json)
  "$BIN" rollup "$LAKE" --period "$period" --convention calendar --format json > "$ROOT/rollup-$period.json"
  read -r rows resolved < <(scan "$leaf")
  printf "%-44s %8s %8s %9.0f %13s\n" "rollup $period (metrics.parquet)" "$best" "$med" "$(awk "BEGIN{print $m/1024}")" "—"
  read -r best med m < <(three "$BIN" --db "$ROOT/scan.duckdb" sql "SELECT $flags FROM read_parquet('$glob') WHERE consistent")
  printf "%-44s %8s %8s %9.0f %13.3f\n" "flags $period: national sums ($rows rows)" "$best" "$med" "$(awk "BEGIN{print $m/1024}")" "$(awk "BEGIN{print $best/($rows/1000000)}")"
  read -r best med m < <(three "$BIN" --db "$ROOT/scan.duckdb" sql "SELECT province, ten_don_vi, $flags FROM read_parquet('$glob') WHERE consistent GROUP BY ALL ORDER BY ALL")
  printf "%-44s %8s %8s %9.0f %13.3f\n" "flags $period: by province and agency" "$best" "$med" "$(awk "BEGIN{print $m/1024}")" "$(awk "BEGIN{print $best/($rows/1000000)}")"
  want=$(python3 -c "import json; print(json.load(open('$ROOT/rollup-$period.json'))['total']['resolved'])")
  provinces=$(python3 -c "import json; d=json.load(open('$ROOT/rollup-$period.json')); print(sum(1 for p in d['provinces'] if p['rank']), '/', len(d['provinces']))")
  if [ "$want" = "$resolved" ]; then echo "  $period: resolved from the flags $resolved = roll-up total (MATCH); ranked $provinces"; else echo "  $period: resolved from the flags $resolved, roll-up $want: DIFFERENT"; exit 1; fi
done
