#!/usr/bin/env bash
# A newcomer's first start and the production-dependencies path, each on a fresh clone:
# 1. git clone → the README's first command line (no database configured → embedded PostgreSQL) →
#    the Russian sign-in page at / in Chromium; the time from the clone to that page is printed; the
#    install ran without ELECTRON_SKIP_BINARY_DOWNLOAD and no Electron package has an install script.
# 2. what docker/Dockerfile does without Docker: `npm ci --omit=dev` with only the manifests (the
#    renderer build is skipped), the web client from the full install, then docker/entrypoint.sh
#    against the local PostgreSQL — on the machine's Node 20 (tsx) and on Node 24 (no loader) — up
#    to /api/health and the sign-in page; the start-up times of both are printed.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
source .ci/lib/process.sh
source .ci/lib/node24.sh
node24=$(node24_bin)
tmp=$(mktemp -d)
db=deltica_ci_first_start
pid=0
trap 'stop_group "$pid"; rm -rf "$tmp"; psql -h 127.0.0.1 -U postgres -qc "drop database if exists $db with (force)" >/dev/null 2>&1 || true' EXIT

# wait_up PORT LOG: until /api/health answers (10 minutes at most: the first line installs everything)
wait_up() {
  for _ in $(seq 1 1200); do
    curl -fsS "http://127.0.0.1:$1/api/health" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  tail -n 80 "$2"
  echo "the server did not come up"
  return 1
}
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

echo "--- fresh clone → the README's first command line → the sign-in page"
first=$(awk '/^## Quick start/ {q=1} q && /^```sh$/ {getline; print; exit}' README.md)
[[ $first == "npm install && npm start" ]] || { echo "the README's first command line changed: $first"; exit 1; }
port=18515
t0=$(now)
git clone -q "$repo" "$tmp/deltica"
(
  cd "$tmp/deltica"
  env -u DATABASE_URL -u TEST_DATABASE_URL -u DB_HOST -u NODE_ENV -u DATA_DIR -u SECRET_KEY -u ELECTRON_SKIP_BINARY_DOWNLOAD \
    PORT=$port ADMIN_PASSWORD=ci-first-start-1 \
    setsid bash -c "$first" >"$tmp/first.log" 2>&1 &
  echo $! >"$tmp/pid"
)
pid=$(cat "$tmp/pid")
wait_up $port "$tmp/first.log"
node .ci/lib/sign-in-page.mjs "http://127.0.0.1:$port/"
echo "fresh clone → sign-in page: $(secs "$t0" "$(now)") s"
grep -q 'deltica: web client built' "$tmp/first.log" || { echo "the install did not build the web client"; exit 1; }
test -d "$tmp/deltica/data/pgdata" || { echo "no embedded database in ./data"; exit 1; }
# the install ran without ELECTRON_SKIP_BINARY_DOWNLOAD and downloaded no Electron binary: no
# package's install script fetches it (electron ≥ 36 does on its first run), so a download that
# would fail cannot fail the install, with the variable set or not
test ! -e "$tmp/deltica/node_modules/electron/dist" || { echo "the install downloaded Electron"; exit 1; }
node -e '
const lock = require(process.argv[1])
const scripted = Object.keys(lock.packages).filter((p) => /(^|\/)(electron|@electron\/[^/]+)$/.test(p) && lock.packages[p].hasInstallScript)
if (scripted.length) { console.error("install scripts of Electron packages: " + scripted.join(", ")); process.exit(1) }
' "$tmp/deltica/package-lock.json"
stop_group "$pid"
pid=0

echo "--- production dependencies (npm ci --omit=dev, as docker/Dockerfile) → docker/entrypoint.sh"
app=$tmp/app
mkdir -p "$app/desktop/scripts"
cp "$tmp/deltica/package.json" "$tmp/deltica/package-lock.json" "$app/"
cp "$tmp/deltica/desktop/package.json" "$app/desktop/"
cp "$tmp/deltica/desktop/scripts/prepare-web.mjs" "$app/desktop/scripts/"
(cd "$app" && npm ci --omit=dev --no-audit --no-fund >"$tmp/deps.log" 2>&1) || { cat "$tmp/deps.log"; exit 1; }
grep -q 'the web client is not built' "$tmp/deps.log" || { cat "$tmp/deps.log"; echo "prepare did not skip the build"; exit 1; }
test ! -e "$app/node_modules/vite" || { echo "dev dependencies in the production install"; exit 1; }
cp -r "$tmp/deltica/"{runtime,domain,functions,migrations,docker,tsconfig.json} "$app/"
cp -r "$tmp/deltica/desktop/dist" "$app/desktop/dist"

PGOPTIONS=--client-min-messages=warning psql -h 127.0.0.1 -U postgres -qc "drop database if exists $db with (force)" -c "create database $db"
port=18516
secret=$(node -e 'console.log(require("node:crypto").randomBytes(32).toString("hex"))')
# entry NODE_BIN_DIR LABEL: the entrypoint as the image runs it, with `node` from NODE_BIN_DIR
entry() {
  local log=$tmp/entry-$2.log t
  t=$(now)
  env -u DATABASE_URL -u TEST_DATABASE_URL PATH="$1:$PATH" NODE_ENV=production PORT=$port DATA_DIR="$tmp/data-$2" \
    DB_HOST=127.0.0.1 DB_PORT=5432 DB_USER=postgres DB_PASSWORD=trust-auth-ignores-it DB_NAME=$db SECRET_KEY="$secret" \
    ADMIN_PASSWORD=ci-first-start-1 USERS_FILE=/nonexistent setsid "$app/docker/entrypoint.sh" >"$log" 2>&1 &
  pid=$!
  wait_up $port "$log"
  echo "$2: entrypoint → /api/health in $(secs "$t" "$(now)") s ($(grep -o '"startup_ms":[0-9]*' "$log"))"
  node .ci/lib/sign-in-page.mjs "http://127.0.0.1:$port/"
  # the entrypoint execs the server: its command line tells whether a loader was used
  tr '\0' ' ' <"/proc/$pid/cmdline" >"$tmp/server-$2.txt"
  echo "$2: server command: $(cat "$tmp/server-$2.txt")"
  stop_group "$pid"
  pid=0
}
# the first run also creates the schema (migrations), the second finds it in place
entry "$(dirname "$(command -v node)")" "node-$(node --version)"
entry "$(dirname "$node24")" "node-$("$node24" --version)"
if grep -q -- '--import' "$tmp/server-node-$("$node24" --version).txt"; then
  echo "Node 24 ran the server with a loader: $(cat "$tmp/server-node-$("$node24" --version).txt")"
  exit 1
fi
echo "first start and the production-dependencies path — ok"
