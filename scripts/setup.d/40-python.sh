#!/usr/bin/env bash
# Setup step: what the Python bindings (crates/rasad-py) and their tests need — maturin
# to build the wheel, pyarrow/pandas/pytest, PySpark 4 for the Spark tests, and Java 17
# for Spark (Debian's openjdk-17-jre-headless, only when `java` is missing and we are
# root, as in CI). Idempotent and quick when everything is there: one `import` check.
# Installed into the interpreter's site packages; the test makes its venv with
# --system-site-packages so it needs no network.
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=${PYTHON:-python3}
if ! command -v "$PY" >/dev/null 2>&1; then
  echo "40-python: no $PY; the Python bindings' tests will skip (and fail under CI)" >&2
  exit 0
fi
PKGS=("maturin>=1.5,<2" "pyarrow>=14" "pandas>=2,<3" "pytest>=7" "pyspark>=4.0,<5")
if ! "$PY" -c "import maturin, pyarrow, pandas, pytest, pyspark" >/dev/null 2>&1 \
   || ! "$PY" -m maturin --version >/dev/null 2>&1; then
  "$PY" -m pip install --quiet "${PKGS[@]}" \
    || "$PY" -m pip install --quiet --break-system-packages "${PKGS[@]}" \
    || { echo "40-python: could not install ${PKGS[*]}" >&2; exit 1; }
fi
if ! command -v java >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless
  else
    echo "40-python: no java and cannot install it here; install openjdk-17-jre-headless for the Spark tests" >&2
  fi
fi
