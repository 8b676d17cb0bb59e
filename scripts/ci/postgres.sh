# Source me (`. scripts/ci/postgres.sh`): start a throwaway PostgreSQL cluster on
# loopback for the `rasad-pg` tests and export RASAD_TEST_PG; `rasad_pg_stop` stops it
# and removes its directory (.ci/run calls it from a trap).
#
# initdb refuses to run as root, so as root the cluster belongs to the `postgres` user
# (Debian's package creates it) or, failing that, to a `rasadpg` user created here.
# Trust authentication on a loopback TCP port picked free at start; the socket lives in
# the cluster's own directory, so nothing touches the system's /var/run/postgresql.

rasad_pg_start() {
  local bin="" d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && bin="$d"
  done
  if [ -z "$bin" ] && command -v initdb >/dev/null 2>&1; then
    bin="$(dirname "$(readlink -f "$(command -v initdb)")")"
  fi
  if [ -z "$bin" ]; then
    echo "postgres.sh: no initdb found (scripts/setup.d/40-postgres.sh installs it)" >&2
    return 1
  fi
  local owner="" run=()
  if [ "$(id -u)" = 0 ]; then
    owner=postgres
    if ! id "$owner" >/dev/null 2>&1; then
      owner=rasadpg
      id "$owner" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
    fi
    run=(runuser -u "$owner" --)
  fi
  RASAD_PG_DIR="$(mktemp -d /tmp/rasad-pg.XXXXXX)"
  [ -n "$owner" ] && chown "$owner" "$RASAD_PG_DIR"
  chmod 700 "$RASAD_PG_DIR"
  # A free port: ask the kernel for one, then hand it to the server.
  local port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  "${run[@]}" "$bin/initdb" -D "$RASAD_PG_DIR/data" -U rasad --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${run[@]}" "$bin/pg_ctl" -D "$RASAD_PG_DIR/data" -l "$RASAD_PG_DIR/log" -w -t 60 \
    -o "-p $port -k $RASAD_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
  "${run[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U rasad rasad_test
  RASAD_PG_BIN="$bin"
  RASAD_PG_RUN="${run[*]}"
  export RASAD_PG_DIR RASAD_PG_BIN RASAD_PG_RUN
  export RASAD_TEST_PG="postgres://rasad@127.0.0.1:$port/rasad_test"
  echo "postgres.sh: throwaway cluster at $RASAD_TEST_PG" >&2
}

rasad_pg_stop() {
  [ -n "${RASAD_PG_DIR:-}" ] || return 0
  # shellcheck disable=SC2086
  $RASAD_PG_RUN "$RASAD_PG_BIN/pg_ctl" -D "$RASAD_PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$RASAD_PG_DIR"
  unset RASAD_PG_DIR
}

rasad_pg_start
