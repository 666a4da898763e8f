#!/usr/bin/env bash
# 100 kills: `baocao run` over an inbox of 20 files, killed with SIGKILL at a random moment
# (seeded), then run again normally. After each, the outputs must be byte-identical to an
# uninterrupted run, every input archived exactly once, no temporary file left, and
# `regenerate --all` MATCH. Prints 100/100 or the failing seeds.
set -euo pipefail
BIN=${BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/baocao/target}/release/baocao}
KILLS=${KILLS:-100}
SEED=${KILL_SEED:-16}
CACHE=${BENCH_DIR:-$HOME/.cache/baocao/bench}/kill20
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export BAOCAO_TODAY=2026-11-22
if [ ! -f "$CACHE/a20/dossiers.csv" ]; then
  for i in $(seq -w 1 20); do
    "$BIN" synth generate --out "$CACHE/a$i" --from 2023-01-01 --to 2023-03-31 --dossiers 1000 \
      --seed "$i" --province-code "H$i" >/dev/null
  done
fi
T="$WORK/t"   # every trial runs at the same path, so manifests name the same files
fresh() {
  rm -rf "$T"; mkdir -p "$T/inbox"
  for i in $(seq -w 1 20); do cp "$CACHE/a$i/dossiers.csv" "$T/inbox/agency-$i.csv"; done
  cat > "$T/baocao.toml" <<TOML
[metrics]
convention = "calendar"
[report]
renderer = "builtin"
[run]
inbox = "inbox"
archive = "archive"
out = "out"
reports = ["monthly"]
first_period = "2023-01"
TOML
}
job() { (cd "$T" && "$BIN" --quiet --db data/b.duckdb run >/dev/null 2>>"$WORK/log.txt"); }
fresh
start=$(date +%s.%N)
job || [ $? -le 1 ]
ref_secs=$(awk "BEGIN{print $(date +%s.%N) - $start}")
for f in "$T"/out/*.manifest.json; do sed -i '/"seconds":/d' "$f"; done
mv "$T/out" "$WORK/ref-out"
( cd "$CACHE" && sha256sum a*/dossiers.csv | awk '{print $1}' | sort ) > "$WORK/inputs.sha"
delays=$(python3 -c "import random; r=random.Random($SEED); print(' '.join('%.3f' % r.uniform(0, $ref_secs) for _ in range($KILLS)))")
pass=0; failed=()
n=0
for d in $delays; do
  n=$((n + 1))
  fresh
  (cd "$T" && exec "$BIN" --quiet --db data/b.duckdb run >/dev/null 2>>"$WORK/log.txt") &
  pid=$!
  sleep "$d"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  why=""
  job || [ $? -le 1 ] || why="the run after the kill failed"
  if [ -z "$why" ]; then
    # Byte-identical, except the seconds a manifest records the render took.
    rm -rf "$WORK/got"; cp -r "$T/out" "$WORK/got"
    for f in "$WORK"/got/*.manifest.json; do sed -i '/"seconds":/d' "$f"; done
    diff -r "$WORK/ref-out" "$WORK/got" > "$WORK/diff.txt" 2>&1 || why="outputs differ from the uninterrupted run: $(head -5 "$WORK/diff.txt" | tr '\n' ' ')"
  fi
  if [ -z "$why" ]; then
    got=$(find "$T/archive" -type f -exec sha256sum {} + | awk '{print $1}' | sort)
    [ "$got" = "$(cat "$WORK/inputs.sha")" ] || why="archive does not hold each input exactly once"
    [ -z "$(ls -A "$T/inbox")" ] || why="inputs left in the inbox"
  fi
  if [ -z "$why" ]; then
    left=$(find "$T" -name '*.tmp[0-9]*' | head -1)
    [ -z "$left" ] || why="temporary file left: $left"
  fi
  if [ -z "$why" ]; then
    (cd "$T" && "$BIN" --quiet --db data/b.duckdb regenerate --all out > "$WORK/regen.txt" 2>&1) || true
    total=$(ls "$T"/out/*.manifest.json | wc -l)
    [ "$(grep -c '^MATCH' "$WORK/regen.txt")" = "$total" ] || why="regenerate not MATCH"
  fi
  if [ -z "$why" ]; then pass=$((pass + 1)); else failed+=("kill $n at ${d}s (seed $SEED): $why"); fi
done
echo "reference run: $(printf %.1f "$ref_secs") s, $(ls "$WORK"/ref-out/*.pdf | wc -l) reports; kills at uniform random moments in it (seed $SEED)"
echo "$pass/$KILLS"
for f in "${failed[@]}"; do echo "FAILED: $f"; done
[ "$pass" = "$KILLS" ]
