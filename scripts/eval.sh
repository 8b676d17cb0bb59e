#!/usr/bin/env bash
# Score the release binary on the shared evaluation sets (dev, dev2, seed):
#   bash scripts/eval.sh [dev|dev2|seed ...] [--diagnose]
# Writes /tmp/rasad-eval/<set>.out.jsonl and prints score.py's figures (and diagnose.py's
# report with --diagnose). Needs ../shared/eval beside the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
eval_dir=../shared/eval
out=${RASAD_EVAL_OUT:-/tmp/rasad-eval}
mkdir -p "$out"
cargo build --release -q -p rasad-cli
sets=() diag=0
for a in "$@"; do
  case "$a" in
    --diagnose) diag=1 ;;
    *) sets+=("$a") ;;
  esac
done
[ ${#sets[@]} -gt 0 ] || sets=(dev dev2)
for set in "${sets[@]}"; do
  gold=$eval_dir/$set.jsonl
  python3 - "$gold" "$out/$set.in.jsonl" <<'PY'
import json, sys
with open(sys.argv[2], "w") as f:
    for l in open(sys.argv[1]):
        if l.strip():
            d = json.loads(l)
            f.write(json.dumps({k: d.get(k) for k in ("id", "outlet", "url", "published", "text")}, ensure_ascii=False) + "\n")
PY
  target/release/rasad extract "$out/$set.in.jsonl" > "$out/$set.out.jsonl"
  echo "== $set"
  python3 "$eval_dir/score.py" "$gold" "$out/$set.out.jsonl"
  if [ "$diag" = 1 ]; then
    python3 "$eval_dir/diagnose.py" "$gold" "$out/$set.out.jsonl"
  fi
done
