#!/usr/bin/env bash
# Setup step: cargo-fuzz (crates.io) for scripts/ci/fuzz.sh. The nightly toolchain it
# drives is part of these machines' Rust installation (nothing is downloaded for it);
# without nightly this says so, and fuzz.sh fails under CI. Quick when already present.
set -euo pipefail
if cargo fuzz --version >/dev/null 2>&1; then
  exit 0
fi
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "40-fuzz: no nightly toolchain; scripts/ci/fuzz.sh cannot run here" >&2
  exit 0
fi
cargo install --locked cargo-fuzz
