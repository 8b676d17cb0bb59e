#!/usr/bin/env bash
# One-command setup on a fresh machine: install what Rasad needs from the registries,
# build the release binary, and run the main job on the bundled sample article.
# Each step in scripts/setup.d/*.sh runs in name order (they are idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
for step in scripts/setup.d/*.sh; do
  [ -e "$step" ] || continue
  echo "== setup: $step" >&2
  bash "$step"
done
cargo build --release
./target/release/rasad extract --pretty --published 2024-03-12 --outlet "Rasad sample" samples/sample_article.txt
