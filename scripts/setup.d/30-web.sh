#!/usr/bin/env bash
# Dashboard: install its npm packages and build web/dist, which `rasad-serve` embeds at
# compile time (so this runs before `cargo build`). Also installs Debian's Chromium and
# Noto fonts for the browser tests, only when missing (CI runs as root; a developer
# without root gets the tests skipped with a note instead).
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
  else
    echo "30-web: node/npm missing and not root: dashboard not built" >&2
    exit 0
  fi
fi

if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Naskh Arabic\|Noto Sans Arabic"; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core
  else
    echo "30-web: chromium or Noto fonts missing and not root: browser tests will be skipped" >&2
  fi
fi

cd web
# playwright-core only drives the system Chromium; never let it download a browser.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  npm install --no-audit --no-fund --loglevel=error
fi
node build.mjs
