#!/usr/bin/env bash
# The load tests of docs/PERFORMANCE.md, end to end: seeds 100,000 cases into a new SQLite
# file, starts `serve` and the baseline app, and runs wrk against the case read, the
# tenant status page and intake. Needs wrk, sqlite3 and curl, and a release build:
#   cargo build --release && bash docs/load/run.sh
set -euo pipefail
BIN=${BIN:-target/release/tenantcase}
DIR=$(mktemp -d)
export DATABASE_URL="sqlite://$DIR/db.sqlite?mode=rwc"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$DIR"' EXIT
"$BIN" bench cases --count "${COUNT:-100000}" --target "$DATABASE_URL" > "$DIR/bench.txt"
TOKEN=$("$BIN" token create --email bench@example.org | head -1)
"$BIN" serve --bind 127.0.0.1:8082 > "$DIR/serve.log" 2>&1 &
"$BIN" bench baseline --bind 127.0.0.1:8099 > /dev/null 2>&1 &
for _ in $(seq 1 60); do curl -fs http://127.0.0.1:8082/healthz > /dev/null && break; sleep 0.5; done
api="http://127.0.0.1:8082/api/v1"
CASE=$(curl -fs -H "Authorization: Bearer $TOKEN" "$api/cases?per_page=1" | sed 's/.*"items":\[{"id":"\([^"]*\)".*/\1/')
REF=$(curl -fs -H "Authorization: Bearer $TOKEN" "$api/cases/$CASE" | sed 's/.*"reference":"\([^"]*\)".*/\1/')
CODE=$(curl -fs -X POST -H "Authorization: Bearer $TOKEN" "$api/cases/$CASE/access-code" | sed 's/.*"code":"\([^"]*\)".*/\1/')
# A tenant signs in: the form's CSRF cookie first, then the reference and code.
curl -fs -c "$DIR/jar" -o /dev/null http://127.0.0.1:8082/status
CSRF=$(awk '/tc_csrf/ {print $7}' "$DIR/jar")
curl -fs -b "$DIR/jar" -c "$DIR/jar" -o /dev/null -d "_csrf=$CSRF&reference=$REF&code=$CODE" http://127.0.0.1:8082/status
TENANT=$(awk '/tc_tenant/ {print $7}' "$DIR/jar")
GROUP=$(sqlite3 "$DIR/db.sqlite" "SELECT name FROM groups ORDER BY name LIMIT 1")
run() { echo "== $1"; shift; wrk -t2 -c32 -d"${DURATION:-10s}" --latency "$@" | grep -E 'Requests/sec|50%|99%|answers|Non-2xx'; }
run "baseline" http://127.0.0.1:8099/
run "GET /api/v1/cases/{id}" -H "Authorization: Bearer $TOKEN" "$api/cases/$CASE"
run "tenant status page" -H "Cookie: tc_tenant=$TENANT" http://127.0.0.1:8082/status/case
before=$(sqlite3 "$DIR/db.sqlite" "SELECT count(*) FROM cases")
GROUP="$GROUP" run "intake" -s "$(dirname "$0")/intake.lua" -H "Authorization: Bearer $TOKEN" "$api/cases"
sleep 1
echo "cases stored by intake: $(( $(sqlite3 "$DIR/db.sqlite" "SELECT count(*) FROM cases") - before ))"
