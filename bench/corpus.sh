#!/usr/bin/env bash
# Corpus trial: 1 000 damaged files derived from fixtures/small/ (truncated, bytes flipped,
# lines dropped, doubled or swapped, garbage and NULs inserted, separators changed, headers
# cut, gzip streams cut, empty files), all ingested in one run. Prints files accepted and
# rejected, rows read/loaded/quarantined, and checks every file's accounting from the
# database alone: read = loaded + quarantined, loaded = the rows stored under its file_id,
# quarantined = its distinct quarantined rows.
set -euo pipefail
BIN=${BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/baocao/target}/release/baocao}
N=${CORPUS_FILES:-1000}
SEED=${CORPUS_SEED:-16}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export BAOCAO_TODAY=2026-11-22
python3 - "$ROOT/fixtures/small" "$WORK/corpus" "$N" "$SEED" <<'PY'
import gzip, os, random, sys
src, out, n, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(seed)
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(src) for f in fs if f != "expected.json")
os.makedirs(out)
def lines(b): return b.split(b"\n")
def mutate(b, kind):
    if kind == "truncate": return b[: rng.randrange(len(b))]
    if kind == "flip":
        b = bytearray(b)
        for _ in range(rng.randint(1, 20)): b[rng.randrange(len(b))] = rng.randrange(256)
        return bytes(b)
    if kind == "drop-line":
        l = lines(b); del l[rng.randrange(len(l))]; return b"\n".join(l)
    if kind == "double-lines":
        l = lines(b); i = rng.randrange(len(l)); return b"\n".join(l[: i + 1] + l[i : i + 5] + l[i + 1 :])
    if kind == "swap-lines":
        l = lines(b); i, j = rng.randrange(len(l)), rng.randrange(len(l)); l[i], l[j] = l[j], l[i]; return b"\n".join(l)
    if kind == "garbage":
        i = rng.randrange(len(b)); return b[:i] + os.urandom(0) + bytes(rng.randrange(256) for _ in range(rng.randint(1, 200))) + b[i:]
    if kind == "nul":
        i = rng.randrange(len(b)); return b[:i] + b"\0" * rng.randint(1, 50) + b[i:]
    if kind == "separator":
        return b.replace(b",", b";", rng.randint(1, 400))
    if kind == "cut-header":
        l = lines(b); return b"\n".join(l[rng.randint(1, 6):])
    if kind == "empty": return b""
    if kind == "quote": i = rng.randrange(len(b)); return b[:i] + b'"' + b[i:]
    raise ValueError(kind)
kinds = ["truncate", "flip", "drop-line", "double-lines", "swap-lines", "garbage", "nul", "separator", "cut-header", "empty", "quote"]
for i in range(n):
    f = rng.choice(files)
    raw = open(f, "rb").read()
    gz = f.endswith(".gz")
    body = gzip.decompress(raw) if gz and rng.random() < 0.7 else raw
    kind = rng.choice(kinds)
    new = mutate(body, kind) if body else body
    if gz and body is not raw:
        new = gzip.compress(new, mtime=0)
    name = os.path.basename(f)
    open(os.path.join(out, f"c{i:04d}-{kind}-{os.path.basename(os.path.dirname(f))}-{name}"), "wb").write(new)
PY
set +e
/usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$BIN" --db "$WORK/c.duckdb" --quiet ingest --json "$WORK/corpus" > "$WORK/summary.json" 2> "$WORK/err.txt"
code=$?
set -e
read -r secs rss < <(tail -1 "$WORK/time.txt")
[ "$code" -le 3 ] || { echo "ingest failed with exit $code:" >&2; tail -5 "$WORK/err.txt" >&2; exit 1; }
python3 - "$WORK/summary.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
by = {}
for f in r: by[f["outcome"]] = by.get(f["outcome"], 0) + 1
loaded = [f for f in r if f["outcome"] == "loaded"]
s = lambda k: sum(f["counts"][k] for f in loaded)
print(f"files: {len(r)}; accepted {by.get('loaded', 0)}, rejected {by.get('rejected', 0)}, already ingested (same bytes) {by.get('already_loaded', 0)}")
print(f"rows: read {s('rows_read')} = loaded {s('rows_loaded')} + quarantined {s('rows_quarantined')}")
open(sys.argv[1] + ".loaded", "w").write(str(len(loaded)))
PY
"$BIN" --db "$WORK/c.duckdb" sql "
  WITH stored AS (
    SELECT file_id, count(*) AS n FROM dossier_versions GROUP BY 1 UNION ALL
    SELECT file_id, count(*) FROM feedback_versions GROUP BY 1 UNION ALL
    SELECT file_id, count(*) FROM catalogue_versions GROUP BY 1),
  q AS (SELECT file_id, count(DISTINCT source_row) AS n FROM quarantine GROUP BY 1)
  SELECT count(*),
         count(*) FILTER (WHERE f.rows_read <> f.rows_loaded + f.rows_quarantined
                             OR f.rows_loaded <> coalesce(s.n, 0)
                             OR f.rows_quarantined <> coalesce(q.n, 0))
  FROM ingest_files f LEFT JOIN (SELECT file_id, sum(n) AS n FROM stored GROUP BY 1) s USING (file_id)
       LEFT JOIN q USING (file_id)" > "$WORK/check.txt"
read -r files bad < <(head -1 "$WORK/check.txt")
expect=$(cat "$WORK/summary.json.loaded")
printf "database: %s files recorded (summary: %s accepted); accounting wrong for %s; %.1f s, peak %.0f MiB\n" \
  "$files" "$expect" "$bad" "$secs" "$(awk "BEGIN{print $rss/1024}")"
[ "$bad" = 0 ] && [ "$files" = "$expect" ] || { echo "FAIL" >&2; exit 1; }
echo "OK"
