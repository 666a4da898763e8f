#!/usr/bin/env bash
# Cold job and steady state (issue 12 items 3 and 4). Cold: a fresh store, `ingest` of one
# 1M-row export, then the monthly report of 2023-06 (metrics + PDF), against DuckDB's own
# read_csv of the same file (the floor), for the narrow 7-column and the wide file of
# bench/ingest.sh. Steady: the same 1M export and report over a store already holding 12M
# dossiers of history (2011–2022, 12 exports of 1M, built once and copied before each run),
# against the cold job on the 1M alone. Best/median of RUNS; whole processes.
set -euo pipefail
BIN=${BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/baocao/target}/release/baocao}
WORK=${BENCH_DIR:-$HOME/.cache/baocao/bench}
RUNS=${BENCH_RUNS:-3}
HISTORY=${COLD_HISTORY:-12}
export BAOCAO_TODAY=2026-11-22
csv="$WORK/d1000000/dossiers.csv"; narrow="$WORK/d1000000/narrow.csv"
[ -f "$csv" ] && [ -f "$narrow" ] || { echo "no $csv or $narrow: run bench/ingest.sh first"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
stats() { sort -n | awk '{a[NR]=$1} END {printf "%.2f %.2f\n", a[1], a[int((NR+1)/2)]}'; }
secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || [ $? -le 1 ]; e=$(date +%s.%N); awk "BEGIN{print $e-$s}"; }
# One job: ingest the file into the store $1 (already prepared), then the month's report.
job() {
  local db=$1 f=$2
  "$BIN" --quiet --db "$db" ingest "$f" >/dev/null || [ $? -le 1 ]
  "$BIN" --quiet --db "$db" report monthly --period 2023-06 --out "$tmp/out" >/dev/null || [ $? -le 1 ]
}
floor() { rm -f "$tmp/floor.duckdb"; "$BIN" --db "$tmp/floor.duckdb" sql "CREATE TABLE t AS SELECT * FROM read_csv('$1')" >/dev/null; }
cold() { rm -f "$tmp/cold.duckdb" "$tmp/cold.duckdb.wal"; job "$tmp/cold.duckdb" "$1"; }

printf "%-34s %16s %16s %8s\n" "1M export" "floor best/med" "cold job best/med" ratio
for f in "$narrow" "$csv"; do
  fl=(); co=()
  for _ in $(seq "$RUNS"); do fl+=("$(secs floor "$f")"); co+=("$(secs cold "$f")"); done
  read -r fb fm < <(printf "%s\n" "${fl[@]}" | stats); read -r cb cm < <(printf "%s\n" "${co[@]}" | stats)
  printf "%-34s %7s/%-8s %7s/%-8s %8.2f\n" "$(basename "$f")" "$fb" "$fm" "$cb" "$cm" "$(awk "BEGIN{print $cm/$fm}")"
done
echo "ratio: cold job median / read_csv median (target ≤ 2)"

# The history: HISTORY exports of 1M dossiers, one per year before 2023, other codes; the
# store is rebuilt when the binary is newer than it (how ingest lays rows out matters).
hist="$WORK/history$HISTORY.duckdb"
[ -f "$hist" ] && [ "$BIN" -nt "$hist" ] && rm -f "$hist"
if [ ! -f "$hist" ]; then
  for y in $(seq $((2023 - HISTORY)) 2022); do
    d="$WORK/history/$y"
    [ -f "$d/dossiers.csv" ] || "$BIN" synth generate --out "$d" --from "$y-01-01" --to "$y-12-31" \
      --dossiers 1000000 --seed "$y" --province-code "Y$y" --headers canonical --dates iso --no-title >/dev/null
    "$BIN" --quiet --db "$hist.tmp" ingest "$d/dossiers.csv" >/dev/null || [ $? -le 1 ]
  done
  mv "$hist.tmp" "$hist"
fi
rows=$("$BIN" --db "$hist" sql "SELECT count(*) FROM dossiers" 2>/dev/null | head -1)
st=(); co=()
for _ in $(seq "$RUNS"); do
  cp "$hist" "$tmp/steady.duckdb"
  st+=("$(secs job "$tmp/steady.duckdb" "$csv")")
  co+=("$(secs cold "$csv")")
done
read -r sb sm < <(printf "%s\n" "${st[@]}" | stats); read -r cb cm < <(printf "%s\n" "${co[@]}" | stats)
printf "%-34s %16s %16s %8s\n" "steady state (wide 1M export)" "cold best/med" "steady best/med" ratio
printf "%-34s %7s/%-8s %7s/%-8s %8.2f\n" "over $rows dossiers of history" "$cb" "$cm" "$sb" "$sm" "$(awk "BEGIN{print $sm/$cm}")"
echo "ratio: steady median / cold median (target ≤ 1.3); the store copy is not timed"
