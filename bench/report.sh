#!/usr/bin/env bash
# Report benchmark: seconds per monthly report (Nghệ An fixture) and per annual review
# (Bà Rịa - Vũng Tàu fixture), metrics + model + Typst render, best of 5.
set -euo pipefail
BIN=${BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/baocao/target}/release/baocao}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export BAOCAO_TODAY=2026-11-22
"$BIN" --db "$WORK/na.duckdb" ingest fixtures/nghe-an-2023-06 >/dev/null
"$BIN" --db "$WORK/br.duckdb" ingest fixtures/ba-ria-vung-tau-2023 >/dev/null
best() { # command... → best wall seconds of 5
  local b=999
  for _ in 1 2 3 4 5; do
    local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N)
    b=$(awk "BEGIN{d=$e-$s; print (d<$b)?d:$b}")
  done
  echo "$b"
}
printf "%-44s %8s\n" report seconds
printf "%-44s %8.3f\n" "monthly 2023-06 (21.969 dossiers, 5 pages)" \
  "$(best "$BIN" --db "$WORK/na.duckdb" --config fixtures/nghe-an-2023-06/baocao.toml report monthly --period 2023-06 --out "$WORK/out")"
printf "%-44s %8.3f\n" "annual 2023 (27.500 dossiers, 10 pages)" \
  "$(best "$BIN" --db "$WORK/br.duckdb" --config fixtures/ba-ria-vung-tau-2023/baocao.toml report annual --year 2023 --out "$WORK/out")"
