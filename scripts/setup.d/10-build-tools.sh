#!/usr/bin/env bash
# Setup step: the C build tools the Rust build needs besides a C compiler: `make`, for
# the jemalloc allocator the binary links (tikv-jemalloc-sys runs its configure and
# make). Installed from Debian only when missing and when running as root (as CI
# does); otherwise this says what is missing and the build reports it.
set -euo pipefail
if command -v make >/dev/null 2>&1 && command -v cc >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq make gcc
else
  echo "10-build-tools: make or cc missing and cannot install them here; install make and a C compiler" >&2
fi
