#!/usr/bin/env bash
# Report benchmark: seconds per monthly report (Nghệ An fixture) and per annual review
# (Bà Rịa - Vũng Tàu fixture), metrics + model + Typst render, best of 5; and a batch of
# 100 department-level monthly reports (the fixture's departments, in turn).
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
NA=(--db "$WORK/na.duckdb" --config fixtures/nghe-an-2023-06/baocao.toml)
printf "%-52s %8s\n" report seconds
printf "%-52s %8.3f\n" "monthly 2023-06 (21.969 dossiers, 5 pages), Typst" \
  "$(best "$BIN" "${NA[@]}" report monthly --period 2023-06 --out "$WORK/out")"
printf "%-52s %8.3f\n" "annual 2023 (27.500 dossiers, 10 pages), Typst" \
  "$(best "$BIN" --db "$WORK/br.duckdb" --config fixtures/ba-ria-vung-tau-2023/baocao.toml report annual --year 2023 --out "$WORK/out")"
mapfile -t units < <("$BIN" "${NA[@]}" metrics --period 2023-06 --by agency --format csv | awk -F, '$1=="agency" && $2=="tinh" {print $3}')
s=$(date +%s.%N)
for i in $(seq 0 99); do
  "$BIN" "${NA[@]}" report monthly --period 2023-06 --unit "${units[$((i % ${#units[@]}))]}" --out "$WORK/dept" >/dev/null
done
e=$(date +%s.%N)
printf "%-52s %8.3f  (%.3f s per report)\n" "batch of 100 department-level monthly reports" \
  "$(awk "BEGIN{print $e-$s}")" "$(awk "BEGIN{print ($e-$s)/100}")"
printf "%-52s %8.3f\n" "monthly 2023-06, built-in renderer" \
  "$(best "$BIN" "${NA[@]}" --renderer builtin report monthly --period 2023-06 --out "$WORK/out-builtin")"
printf "%-52s %8.3f\n" "annual 2023, built-in renderer" \
  "$(best "$BIN" --db "$WORK/br.duckdb" --config fixtures/ba-ria-vung-tau-2023/baocao.toml --renderer builtin report annual --year 2023 --out "$WORK/out-builtin")"
