#!/usr/bin/env bash
# Setup step: PostgreSQL server binaries for the `rasad-pg` tests (issue 13). CI starts
# a throwaway cluster from them (scripts/ci/postgres.sh); Rasad itself only needs a
# server when pointed at one with `--db postgres://…`. Installed from Debian only when
# `initdb` is missing and we are root; otherwise this says what is missing (the
# PostgreSQL tests then skip on a developer machine, and fail under CI).
set -euo pipefail
for d in /usr/lib/postgresql/*/bin; do
  [ -x "$d/initdb" ] && exit 0
done
command -v initdb >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
else
  echo "40-postgres: initdb missing and cannot install it here; install PostgreSQL (Debian: postgresql) to run the PostgreSQL tests" >&2
fi
