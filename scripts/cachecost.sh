#!/usr/bin/env bash
# Estimated cost per article of extraction, memory stalls included, by function: two
# cachegrind runs of the `profile` example (2 and 7 passes over IN.jsonl) differ by
# exactly five passes, so start-up cancels out. The caches simulated are this machine's
# per core (32 KiB L1 data, 512 KiB L2 standing in for the last level), and
#
#     est = instructions + 12 × L1 misses (data and instruction) + 40 × L2 misses
#
# a rough cycle count that, unlike `scripts/profile.sh`'s instructions, sees the scan's
# cache misses, and, unlike the clock on a shared machine, repeats exactly. Wall-clock
# differences followed it within a few percent in November 2026 (see ARCHITECTURE.md).
#
#   bash scripts/cachecost.sh [IN.jsonl] [TOP]     (default: the dev set, 30 rows)
set -euo pipefail
cd "$(dirname "$0")/.."
input="${1:-../shared/eval/dev.jsonl}"
top="${2:-30}"
cargo build --release -q -p rasad-extract --example profile
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for reps in 2 7; do
  valgrind --tool=cachegrind --cache-sim=yes --D1=32768,8,64 --LL=524288,8,64 \
    --cachegrind-out-file="$tmp/cg.$reps" target/release/examples/profile "$input" "$reps" > /dev/null 2>&1
done
articles=$(grep -c . "$input")
python3 - "$tmp" "$articles" "$top" <<'PY'
import re, subprocess, sys
tmp, articles, top = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
SHOW = "Ir,I1mr,D1mr,D1mw,DLmr,DLmw"
def table(reps):
    out = subprocess.run(["cg_annotate", f"--show={SHOW}", "--threshold=0.01", f"{tmp}/cg.{reps}"],
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
    est = d[0] + 12 * (d[1] + d[2] + d[3]) + 40 * (d[4] + d[5])
    rows.append((est, k, d))
rows.sort(reverse=True)
print(f"{'est':>8} {'instr':>8} {'I1miss':>7} {'D1miss':>7} {'L2miss':>7}  per article")
for est, k, d in rows[:top]:
    print(f"{est:8.0f} {d[0]:8.0f} {d[1]:7.0f} {d[2] + d[3]:7.0f} {d[4] + d[5]:7.0f}  {k[:100]}")
PY
