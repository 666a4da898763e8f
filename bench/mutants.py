#!/usr/bin/env python3
"""Mutation check of the metric SQL (`make mutants`).

For each sql/metrics/*.sql it applies simple mutations one at a time — flip < / <=,
> / >=, = / <>, AND / OR, drop one AND-condition, change one status code — writes the
mutated file into a copy of sql/metrics/, and runs the metric tests of the (already
built) test binary with BAOCAO_SQL_DIR pointing at the copy: the SQL is read from disk
in that mode, nothing is rebuilt. A mutation no test notices is a survivor, printed at
the end. Usage: bench/mutants.py TEST_BINARY [FILE.sql ...]
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SQL = os.path.join(ROOT, "sql", "metrics")
# The tests that compute metrics, fast ones first (hand counts), then the golden figures
# and the differential test: a mutation the first stage kills costs a few seconds.
STAGES = [["honest::", "registry::"], ["golden::", "metrics::"]]
SWAPS = [
    (r"(?<![<>!])<=", "<"),
    (r"(?<![<>!])<(?![=>])", "<="),
    (r"(?<![<>!])>=", ">"),
    (r"(?<![<>!-])>(?!=)", ">="),
    (r"(?<![<>!])(?<![<>])=(?!=)", "<>"),
    (r"<>", "="),
    (r"\bAND\b", "OR"),
    (r"\bOR\b", "AND"),
]
CODE = re.compile(r"(?<=[(, ])([1-9]|10)(?=[,)])|(?<=trang_thai = )([1-9]|10)\b")


def code_part(line):
    """The part of a line before its `--` comment."""
    i = line.find("--")
    return line if i < 0 else line[:i]


def between(code, i):
    """True when the AND at `i` is the one of `x BETWEEN a AND b`, not a conjunction."""
    return re.search(r"BETWEEN\s+\S+\s*$", code[:i]) is not None


def mutations(text):
    """(line number, description, mutated text) for every simple mutation of `text`."""
    lines = text.split("\n")
    for n, line in enumerate(lines):
        code = code_part(line)
        if not code.strip() or code.lstrip().startswith("CREATE"):
            continue
        rest = line[len(code):]
        for pat, rep in SWAPS:
            for m in re.finditer(pat, code):
                if between(code, m.start()):
                    continue
                new = code[: m.start()] + rep + code[m.end():]
                yield n + 1, f"{m.group(0)} -> {rep} at col {m.start() + 1}", "\n".join(lines[:n] + [new + rest] + lines[n + 1:])
        # Drop one AND-condition: `AND x` up to the next AND/OR/closing bracket at depth 0.
        for m in re.finditer(r"\bAND\b", code):
            if between(code, m.start()):
                continue
            depth, j = 0, m.end()
            while j < len(code):
                c = code[j]
                if c == "(":
                    depth += 1
                elif c == ")":
                    if depth == 0:
                        break
                    depth -= 1
                elif depth == 0 and (c == "," or re.match(r"\s(AND|OR|THEN|FROM|AS)\b", code[j:])):
                    break
                elif depth == 0 and re.match(r"\sBETWEEN\b", code[j:]):
                    # keep `x BETWEEN a AND b` whole
                    k = re.match(r"\sBETWEEN\s+[\w.']+\s+AND\s+[\w.']+", code[j:])
                    j += k.end() if k else 1
                    continue
                j += 1
            new = code[: m.start()].rstrip() + " " + code[j:].lstrip()
            yield n + 1, f"drop 'AND{code[m.end():j]}'", "\n".join(lines[:n] + [new + rest] + lines[n + 1:])
        for m in CODE.finditer(code):
            v = int(m.group(0))
            w = 4 if v != 4 else 2
            new = code[: m.start()] + str(w) + code[m.end():]
            yield n + 1, f"status {v} -> {w} at col {m.start() + 1}", "\n".join(lines[:n] + [new + rest] + lines[n + 1:])


def killed(binary, sqldir):
    """True when some metric test fails (or errors) against the mutated SQL."""
    env = dict(os.environ, BAOCAO_SQL_DIR=sqldir, BAOCAO_DIFF_CASES="300")
    for tests in STAGES:
        r = subprocess.run(
            [binary, "--test-threads", "2", "-q", *tests],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=900,
        )
        if r.returncode != 0:
            return True
    return False


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    files = sys.argv[2:] or sorted(f for f in os.listdir(SQL) if f.endswith(".sql"))
    t0 = time.time()
    total, survivors = 0, []
    with tempfile.TemporaryDirectory() as tmp:
        if killed(binary, SQL):
            sys.exit("the metric tests fail on the unmutated SQL: fix that first")
        for f in files:
            text = open(os.path.join(SQL, f), encoding="utf-8").read()
            n_file = 0
            for line, what, mutated in mutations(text):
                d = os.path.join(tmp, "m")
                shutil.rmtree(d, ignore_errors=True)
                shutil.copytree(SQL, d)
                with open(os.path.join(d, f), "w", encoding="utf-8") as out:
                    out.write(mutated)
                total += 1
                n_file += 1
                if not killed(binary, d):
                    survivors.append(f"{f}:{line}: {what}")
                    print(f"SURVIVED {f}:{line}: {what}", flush=True)
            print(f"{f}: {n_file} mutations", flush=True)
    print(f"\n{total} mutations, {total - len(survivors)} killed, {len(survivors)} survived "
          f"({time.time() - t0:.0f} s)")
    for s in survivors:
        print("  " + s)


if __name__ == "__main__":
    main()
