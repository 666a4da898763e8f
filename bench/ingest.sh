#!/usr/bin/env bash
# Ingest benchmark: generates 1M and 5M dossier CSVs (cached; the 28-column generator file
# and a 7-column narrow one cut from it), then measures our ingest
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

printf "%-16s %-22s %10s %12s %12s\n" file step seconds rows/s peak_MiB
for n in $SIZES; do
  csv="$WORK/d$n/dossiers.csv"
  if [ ! -f "$csv" ]; then
    "$BIN" fixtures generate --out "$WORK/d$n" --from 2023-01-01 --to 2023-12-31 --dossiers "$n" --seed 1 \
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
    label="$n $([ "$f" = "$narrow" ] && echo narrow || echo wide)"
    rm -f "$WORK/ours.duckdb" "$WORK/ours.duckdb.wal" "$WORK/floor.duckdb" "$WORK/floor.duckdb.wal"
    read -r s_floor m_floor < <(measure "$BIN" --db "$WORK/floor.duckdb" sql "CREATE TABLE t AS SELECT * FROM read_csv('$f')")
    read -r s_ours m_ours < <(BAOCAO_TODAY=2026-11-22 measure "$BIN" --db "$WORK/ours.duckdb" ingest "$f")
    printf "%-16s %-22s %10s %12.0f %12.0f\n" "$label" "duckdb read_csv (floor)" "$s_floor" "$(awk "BEGIN{print $n/$s_floor}")" "$(awk "BEGIN{print $m_floor/1024}")"
    printf "%-16s %-22s %10s %12.0f %12.0f\n" "$label" "baocao ingest" "$s_ours" "$(awk "BEGIN{print $n/$s_ours}")" "$(awk "BEGIN{print $m_ours/1024}")"
    printf "%-16s %-22s %10.2f\n" "$label" "ratio (floor/ours)" "$(awk "BEGIN{print $s_floor/$s_ours}")"
  done
done
