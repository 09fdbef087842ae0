#!/usr/bin/env bash
# The README's first command on a fresh checkout: no database configured → embedded PostgreSQL
# under DATA_DIR. Start, log in, create data, restart, and find the data still there.
set -euo pipefail
cd "$(dirname "$0")/../.."
data=$(mktemp -d)
port=18080
log=$(mktemp)
# the server runs in its own process group: SIGTERM goes to the group, as Ctrl+C would
source .ci/lib/process.sh
trap 'stop_group "${pid:-0}"; rm -rf "$data"' EXIT

start() {
  env -u DATABASE_URL -u TEST_DATABASE_URL DATA_DIR="$data" PORT=$port ADMIN_PASSWORD=ci-admin-pass-1 \
    setsid npm start >>"$log" 2>&1 &
  pid=$!
  local t0=$SECONDS
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && { echo "embedded server up in $((SECONDS - t0)) s"; return 0; }
    sleep 0.5
  done
  cat "$log"; return 1
}
login() {
  curl -fsS -X POST "http://127.0.0.1:$port/api/auth/login" -H 'content-type: application/json' \
    -d '{"username":"admin","password":"ci-admin-pass-1"}' | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).token))'
}

start
token=$(login)
curl -fsS -X POST "http://127.0.0.1:$port/api/departments" -H "authorization: Bearer $token" \
  -H 'content-type: application/json' -d '{"code":"ci_lab","label":"Лаборатория CI"}' >/dev/null
stop_group "$pid"
grep -q '"msg":"stopped"' "$log" || { echo "no graceful stop in the log"; cat "$log"; exit 1; }

start
token=$(login)
curl -fsS "http://127.0.0.1:$port/api/departments" -H "authorization: Bearer $token" | grep -q 'Лаборатория CI' \
  || { echo "data lost across restart"; exit 1; }
test -d "$data/pgdata" && test -n "$(ls "$data/logs")"
echo "embedded path: start, login, write, restart, data kept — ok"
