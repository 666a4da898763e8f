#!/usr/bin/env bash
# Scheduled-job benchmark: one cron run over an inbox of 20 agency files totalling 1M
# dossiers (a year of data), end to end — ingest, archive, metrics, a monthly report per
# month — then `regenerate --all` over the 12 monthly manifests. Seconds and peak memory.
set -euo pipefail
BIN=${BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/baocao/target}/release/baocao}
CACHE=${BENCH_DIR:-$HOME/.cache/baocao/bench}/inbox20
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export BAOCAO_TODAY=2026-11-22
if [ ! -f "$CACHE/a20/dossiers.csv" ]; then
  for i in $(seq -w 1 20); do
    "$BIN" synth generate --out "$CACHE/a$i" --from 2023-01-01 --to 2023-12-31 --dossiers 50000 \
      --seed "$i" --province-code "H$i" >/dev/null
  done
fi
mkdir -p "$WORK/inbox"
for i in $(seq -w 1 20); do cp "$CACHE/a$i/dossiers.csv" "$WORK/inbox/agency-$i.csv"; done
cat > "$WORK/baocao.toml" <<TOML
[metrics]
convention = "calendar"
[run]
inbox = "inbox"
archive = "archive"
out = "out"
reports = ["monthly"]
first_period = "2023-01"
TOML
cd "$WORK"
/usr/bin/time -f "%e %M" -o time.txt "$BIN" --db data/b.duckdb run >/dev/null || true
read -r s m < time.txt
printf "%-58s %8s s %8.0f MiB\n" "cron run: 20 files, 1M dossiers, $(ls out/*.pdf | wc -l) monthly reports" "$s" "$(awk "BEGIN{print $m/1024}")"
/usr/bin/time -f "%e %M" -o time.txt "$BIN" regenerate --all out > regen.txt || true
read -r s m < time.txt
printf "%-58s %8s s %8.0f MiB   (%s MATCH)\n" "regenerate --all: $(ls out/*.manifest.json | wc -l) monthly manifests" "$s" "$(awk "BEGIN{print $m/1024}")" "$(grep -c '^MATCH' regen.txt)"
