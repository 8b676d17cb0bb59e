#!/usr/bin/env bash
# Setup step: schemathesis 4.x (PyPI) in its own virtual environment outside the checkout,
# for scripts/ci/schemathesis.sh (API conformance of `rasad serve`). Quick when present.
# Never fails the setup; schemathesis.sh fails under CI when the tool is missing.
set -euo pipefail
PY=${PYTHON:-python3}
VENV=${RASAD_SCHEMATHESIS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/rasad/schemathesis-venv}
PKG="schemathesis>=4.32,<5"
if [ -x "$VENV/bin/schemathesis" ]; then
  exit 0
fi
if ! command -v "$PY" >/dev/null 2>&1; then
  echo "50-schemathesis: no $PY; API conformance tests cannot run here" >&2
  exit 0
fi
if ! "$PY" -m venv "$VENV" >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
    "$PY" -m venv "$VENV"
  else
    echo "50-schemathesis: python venv unavailable; API conformance tests cannot run here" >&2
    exit 0
  fi
fi
"$VENV/bin/pip" install --quiet "$PKG" \
  || { echo "50-schemathesis: could not install $PKG" >&2; exit 0; }
