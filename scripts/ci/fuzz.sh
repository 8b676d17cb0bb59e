#!/usr/bin/env bash
# Fuzz every cargo-fuzz target of fuzz/ for a bounded time (README "Reliability").
#
# Builds the targets (nightly toolchain, libFuzzer), then runs each on a scratch copy of
# its committed seed corpus (fuzz/corpus/TARGET) for an equal share of
# RASAD_FUZZ_SECONDS (default 270 s, under the 5 minutes CI allows), with a 2 s limit per
# input and a 2 GiB memory limit. Any crash, timeout or out-of-memory fails the script;
# the input that caused it is kept under fuzz/artifacts/TARGET/ and printed as base64.
# Prints per target: runs, seconds, corpus size.
#
# Without the nightly toolchain or cargo-fuzz it skips with a note, except under CI
# (CI set), where it fails: CI must never silently skip fuzzing.
set -euo pipefail
cd "$(dirname "$0")/../.."

missing() {
  if [ -n "${CI:-}" ]; then
    echo "fuzz.sh: $1 (required when CI is set)" >&2
    exit 1
  fi
  echo "fuzz.sh: $1; skipping the fuzz run" >&2
  exit 0
}
rustup run nightly rustc --version >/dev/null 2>&1 || missing "no nightly toolchain"
cargo fuzz --version >/dev/null 2>&1 || missing "cargo-fuzz not installed (scripts/setup.d/40-fuzz.sh)"

TOTAL=${RASAD_FUZZ_SECONDS:-270}
# ASan off: the code under test is safe Rust but for a few audited blocks, and on a
# 2-core CI machine the sanitizer would cost half the runs; panics (debug assertions and
# overflow checks on: -a), timeouts and memory blow-ups are what these targets hunt.
FLAGS=(--sanitizer none --debug-assertions)
(cd fuzz && cargo +nightly fuzz build "${FLAGS[@]}" >&2)
mapfile -t TARGETS < <(cd fuzz && cargo +nightly fuzz list)
PER=$(( TOTAL / ${#TARGETS[@]} ))
[ "$PER" -ge 1 ] || PER=1
BIN=fuzz/target/x86_64-unknown-linux-gnu/release
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT

failed=()
printf '%-16s %12s %9s %8s\n' target runs seconds corpus
for t in "${TARGETS[@]}"; do
  work="$SCRATCH/$t"
  mkdir -p "$work" "fuzz/artifacts/$t"
  if [ -d "fuzz/corpus/$t" ]; then cp -r "fuzz/corpus/$t/." "$work/"; fi
  log="$SCRATCH/$t.log"
  start=$(date +%s%N)
  rc=0
  "$BIN/$t" "$work" -max_total_time="$PER" -timeout=2 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="fuzz/artifacts/$t/" >"$log" 2>&1 || rc=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log" | tail -1)
  printf '%-16s %12s %5d.%03d %8s\n' "$t" "${runs:-?}" $((ms / 1000)) $((ms % 1000)) "$(ls "$work" | wc -l)"
  if [ "$rc" -ne 0 ]; then
    failed+=("$t")
    echo "---- $t failed (exit $rc); last lines of its log:" >&2
    tail -40 "$log" >&2
    for a in "fuzz/artifacts/$t"/*; do
      [ -f "$a" ] || continue
      echo "---- $a (base64):" >&2
      base64 -w0 "$a" | head -c 4000 >&2
      echo >&2
    done
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz.sh: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz.sh: ${#TARGETS[@]} targets, ${PER}s each, no crash, timeout or OOM" >&2
