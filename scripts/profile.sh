#!/usr/bin/env bash
# Instructions per article of extraction, by function: two callgrind runs of the
# `profile` example (3 and 13 passes over IN.jsonl) differ by exactly ten passes, so
# start-up (lexicons, gazetteer, automata) cancels out. Unlike wall-clock figures on a
# shared machine, these counts repeat to the instruction.
#
#   bash scripts/profile.sh [IN.jsonl] [TOP]     (default: the dev set, 40 rows)
#
# Needs valgrind. IN.jsonl holds articles {"id","text","published",...}; the dev set's
# gold lines work as they are (extra fields are ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
input="${1:-../shared/eval/dev.jsonl}"
top="${2:-40}"
cargo build --release -q -p rasad-extract --example profile
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for reps in 3 13; do
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$reps" \
    target/release/examples/profile "$input" "$reps" > /dev/null 2>&1
done
articles=$(grep -c . "$input")
python3 - "$tmp" "$articles" "$top" <<'PY'
import re, subprocess, sys
tmp, articles, top = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def counts(reps, inclusive):
    args = ["callgrind_annotate", "--threshold=100"] + (["--inclusive=yes"] if inclusive else [])
    out = subprocess.run(args + [f"{tmp}/cg.{reps}"], capture_output=True, text=True).stdout
    d = {}
    for line in out.splitlines():
        m = re.match(r"^\s*([\d,]+)\s+\([^)]*\)\s+(.*)$", line)
        if m:
            name = m.group(2).split(" [")[0]
            v = int(m.group(1).replace(",", ""))
            d[name] = max(d.get(name, 0), v) if inclusive else d.get(name, 0) + v
    return d
per = 10 * articles
for title, inclusive in (("inclusive", True), ("self", False)):
    a, b = counts(3, inclusive), counts(13, inclusive)
    rows = sorted((((b.get(k, 0) - a.get(k, 0)) / per), k) for k in b)[::-1]
    print(f"== instructions per article ({title})")
    skip = re.compile(r"below main|libc_start|lang_start|backtrace|0x0000|^\?\?\?:main$|profile::main")
    rows = [(v, k) for v, k in rows if not skip.search(k)]
    for v, k in rows[:top]:
        if v >= 500:
            print(f"{v:10.0f}  {k[:110]}")
PY
