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
#
# With --cache, an estimated cost per article instead, memory stalls included: two
# cachegrind runs (2 and 7 passes) simulating this machine's caches per core (32 KiB L1
# data, 512 KiB L2 standing in for the last level), and
#
#     est = instructions + 12 × L1 misses (data and instruction) + 40 × L2 misses
#
# a rough cycle count that sees the scan's cache misses, vectors that grow and copy and
# pointer chases to cold allocations, and still repeats exactly. The wall clock followed
# it within a few percent in November 2026 (ARCHITECTURE.md, "Where the time goes").
#
#   bash scripts/profile.sh --cache [IN.jsonl] [TOP]

set -euo pipefail
cd "$(dirname "$0")/.."
mode=instructions
if [ "${1:-}" = "--cache" ]; then
  mode=cache
  shift
fi
input="${1:-../shared/eval/dev.jsonl}"
top="${2:-40}"
cargo build --release -q -p rasad-extract --example profile
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
articles=$(grep -c . "$input")
if [ "$mode" = cache ]; then
  for reps in 2 7; do
    valgrind --tool=cachegrind --cache-sim=yes --D1=32768,8,64 --LL=524288,8,64 \
      --cachegrind-out-file="$tmp/cg.$reps" target/release/examples/profile "$input" "$reps" > /dev/null 2>&1
  done
  python3 - "$tmp" "$articles" "$top" <<'PY'
import re, subprocess, sys
tmp, articles, top = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def table(reps):
    out = subprocess.run(["cg_annotate", "--show=Ir,I1mr,D1mr,D1mw,DLmr,DLmw", "--threshold=0.01", f"{tmp}/cg.{reps}"],
                         capture_output=True, text=True).stdout
    rows = {}
    for line in out.splitlines():
        nums = re.findall(r"([\d,]+|\.)\s+(?:\([^)]*\)\s+)?", line)[:6]
        name = line.rsplit(")", 1)[-1].strip() if ")" in line else ""
        if len(nums) < 6 or not name:
            continue
        try:
            v = [0 if x == "." else int(x.replace(",", "")) for x in nums]
        except ValueError:
            continue
        rows[name] = [a + b for a, b in zip(rows.get(name, [0] * 6), v)]
    return rows
a, b = table(2), table(7)
per = 5 * articles
rows = []
for k, v in b.items():
    d = [(y - x) / per for x, y in zip(a.get(k, [0] * 6), v)]
    rows.append((d[0] + 12 * (d[1] + d[2] + d[3]) + 40 * (d[4] + d[5]), k, d))
rows.sort(reverse=True)
print(f"{'est':>8} {'instr':>8} {'I1miss':>7} {'D1miss':>7} {'L2miss':>7}  per article")
for est, k, d in rows[:top]:
    print(f"{est:8.0f} {d[0]:8.0f} {d[1]:7.0f} {d[2] + d[3]:7.0f} {d[4] + d[5]:7.0f}  {k[:100]}")
PY
  exit 0
fi
for reps in 3 13; do
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$reps" \
    target/release/examples/profile "$input" "$reps" > /dev/null 2>&1
done
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
