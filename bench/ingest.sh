#!/usr/bin/env bash
# Ingest benchmark: generates 1M and 5M dossier CSVs (cached; the 28-column generator file
# and a 7-column narrow one cut from it), then measures our ingest
# against DuckDB's own read_csv into a table on the same file, in the same run.
# Also DuckDB loading the same file into the store's own table (bench/store_floor_*.sql).
# Prints best/median wall seconds of 3, rows/s, peak RSS and the ratios (DuckDB's time / ours).
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

# Three runs of each, alternating, so that all three see the same machine; best and median.
RUNS=${BENCH_RUNS:-3}
stats() { # seconds... → "best median"
  printf "%s\n" "$@" | sort -g | awk '{a[NR]=$1} END {printf "%s %s\n", a[1], a[int((NR+1)/2)]}'
}
printf "%-16s %-34s %12s %12s %12s\n" file step best/median_s rows/s peak_MiB
for n in $SIZES; do
  csv="$WORK/d$n/dossiers.csv"
  if [ ! -f "$csv" ]; then
    "$BIN" synth generate --out "$WORK/d$n" --from 2023-01-01 --to 2023-12-31 --dossiers "$n" --seed 1 \
      --headers canonical --dates iso --no-title >/dev/null
  fi
  # The narrow export of issue 12: the 7 columns II.06a needs, from the same rows.
  narrow="$WORK/d$n/narrow.csv"
  if [ ! -f "$narrow" ]; then
    "$BIN" --db "$WORK/narrow.duckdb" sql "COPY (SELECT MaHoSo, TenDonVi, KenhThucHien, TrangThaiHoSo, NgayTiepNhan,
      NgayHenTra, NgayKetThucXuLy FROM read_csv('$csv')) TO '$narrow' (HEADER)" >/dev/null
    rm -f "$WORK/narrow.duckdb"
  fi
  # Wide last: bench/metrics.sh reads the stores it leaves.
  for f in "$narrow" "$csv"; do
    kind=$([ "$f" = "$narrow" ] && echo narrow || echo wide)
    label="$n $kind"
    # The second floor: DuckDB itself loading the same file into the store's own table
    # (read_csv, casts, the derived columns; no checks), on a store with the schema only.
    into_store=$(grep -v "^--" "$(dirname "$0")/store_floor_$kind.sql" | sed "s|{csv}|$f|")
    s_floor=(); s_store=(); s_ours=()
    for _ in $(seq "$RUNS"); do
      rm -f "$WORK"/ours.duckdb* "$WORK"/floor.duckdb* "$WORK"/store.duckdb*
      read -r s m_floor < <(measure "$BIN" --db "$WORK/floor.duckdb" sql "CREATE TABLE t AS SELECT * FROM read_csv('$f')"); s_floor+=("$s")
      "$BIN" --db "$WORK/store.duckdb" sql "SELECT 1" >/dev/null
      read -r s m_store < <(measure "$BIN" --db "$WORK/store.duckdb" sql "$into_store"); s_store+=("$s")
      read -r s m_ours < <(BAOCAO_TODAY=2026-11-22 measure "$BIN" --db "$WORK/ours.duckdb" ingest "$f"); s_ours+=("$s")
    done
    rm -f "$WORK"/store.duckdb*
    read -r b_floor md_floor < <(stats "${s_floor[@]}")
    read -r b_store md_store < <(stats "${s_store[@]}")
    read -r b_ours md_ours < <(stats "${s_ours[@]}")
    row() { printf "%-16s %-34s %12s %12.0f %12.0f\n" "$label" "$1" "$2/$3" "$(awk "BEGIN{print $n/$3}")" "$(awk "BEGIN{print $4/1024}")"; }
    row "duckdb read_csv (floor)" "$b_floor" "$md_floor" "$m_floor"
    row "duckdb read_csv into dossier_versions" "$b_store" "$md_store" "$m_store"
    row "baocao ingest" "$b_ours" "$md_ours" "$m_ours"
    printf "%-16s %-34s %12.2f\n" "$label" "ratio floor/ours (median)" "$(awk "BEGIN{print $md_floor/$md_ours}")"
    printf "%-16s %-34s %12.2f\n" "$label" "ratio into-store/ours (median)" "$(awk "BEGIN{print $md_store/$md_ours}")"
  done
done
