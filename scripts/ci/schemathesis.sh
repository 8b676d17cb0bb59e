#!/usr/bin/env bash
# API conformance (README "Reliability"): schemathesis 4.x against `rasad serve`'s own
# /api/openapi.json, on a store seeded with ../shared/eval/dev.jsonl, with a write token.
# Every check is on (no 5xx, status codes, content types, headers and bodies match the
# document, schema-valid input accepted, invalid input refused, a POSTed article found by
# GET, auth not ignored...), then the recorded traffic (HAR) is checked to have used every
# documented query parameter of every operation.
#
# Skips with a note when schemathesis or ../shared is absent, except under CI (CI set),
# where that fails. RASAD_ST_EXAMPLES (default 40) sets examples per operation and phase.
set -euo pipefail
cd "$(dirname "$0")/../.."

VENV=${RASAD_SCHEMATHESIS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/rasad/schemathesis-venv}
ST=${SCHEMATHESIS:-$VENV/bin/schemathesis}
DEV=../shared/eval/dev.jsonl
missing() {
  if [ -n "${CI:-}" ]; then
    echo "schemathesis.sh: $1 (required when CI is set)" >&2
    exit 1
  fi
  echo "schemathesis.sh: $1; skipping" >&2
  exit 0
}
[ -x "$ST" ] || missing "schemathesis not installed (scripts/setup.d/50-schemathesis.sh)"
[ -f "$DEV" ] || missing "$DEV absent"
[ -x target/release/rasad ] || cargo build --release -p rasad-cli

WORK=$(mktemp -d)
SERVER=
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
TOKEN="st-$(date +%s%N)"
./target/release/rasad ingest "$DEV" --db "$WORK/rasad.db" >/dev/null 2>"$WORK/ingest.log"
./target/release/rasad serve --db "$WORK/rasad.db" --addr 127.0.0.1:0 --write-token "$TOKEN" 2>"$WORK/serve.log" &
SERVER=$!
URL=
for _ in $(seq 1 200); do
  URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$WORK/serve.log" | head -1 || true)
  [ -n "$URL" ] && break
  sleep 0.1
done
[ -n "$URL" ] || { cat "$WORK/serve.log" >&2; echo "schemathesis.sh: server did not start" >&2; exit 1; }

rc=0
# Run from the scratch folder: schemathesis keeps a cache (.schemathesis/) in its working
# directory, which must not land in the checkout.
(cd "$WORK" && "$ST" run "$URL/api/openapi.json" \
  --header "Authorization: Bearer $TOKEN" \
  --checks all \
  --max-examples "${RASAD_ST_EXAMPLES:-40}" \
  --workers 1 \
  --request-timeout 30 \
  --suppress-health-check too_slow,filter_too_much \
  --report har --report-har-path "$WORK/traffic.har" \
  --no-color) || rc=$?

# Every documented query/path parameter must have been sent at least once.
"$VENV/bin/python" - "$WORK/traffic.har" "$URL/api/openapi.json" <<'PY' || rc=1
import json, sys, urllib.parse, urllib.request
har = json.load(open(sys.argv[1]))
doc = json.load(urllib.request.urlopen(sys.argv[2]))
sent = {}
for e in har["log"]["entries"]:
    u = urllib.parse.urlsplit(e["request"]["url"])
    names = {k for k, _ in urllib.parse.parse_qsl(u.query, keep_blank_values=True)}
    sent.setdefault((e["request"]["method"].upper(), u.path), set()).update(names)
missing = []
schema_path = urllib.parse.urlsplit(sys.argv[2]).path
for path, ops in doc["paths"].items():
    if path == schema_path:
        continue  # schemathesis fetched it to load the document (and it takes no parameters)
    for method, op in ops.items():
        prefix = path.split("{")[0]
        seen = set()
        hit = False
        for (m, p), names in sent.items():
            if m == method.upper() and (p == path or ("{" in path and p.startswith(prefix) and len(p) > len(prefix))):
                seen |= names
                hit = True
        if not hit:
            missing.append(f"{method.upper()} {path} (never called)")
        for prm in op.get("parameters", []):
            if prm["in"] == "query" and prm["name"] not in seen:
                missing.append(f"{method.upper()} {path} ?{prm['name']}")
calls = len(har["log"]["entries"])
if missing:
    print(f"schemathesis.sh: documented but never exercised: {', '.join(missing)}", file=sys.stderr)
    sys.exit(1)
print(f"schemathesis.sh: {calls} requests; every documented operation and query parameter exercised")
PY
if [ "$rc" -ne 0 ]; then
  echo "schemathesis.sh: FAILED" >&2
  tail -20 "$WORK/serve.log" >&2
  exit 1
fi
