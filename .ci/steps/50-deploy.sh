#!/usr/bin/env bash
# Deployment checks that run without a Docker engine: compose.yaml validates, the Dockerfile lints,
# every shell script passes shellcheck; docker/entrypoint.sh brings the server up against the local
# PostgreSQL; deploy/smoke.sh passes against it; deploy/backup.sh → wipe → deploy/restore.sh gives
# back identical tables and byte-identical files.
set -euo pipefail
cd "$(dirname "$0")/../.."
for pair in jq:jq shellcheck:shellcheck docker-compose:docker-compose nginx:nginx; do
  command -v "${pair%%:*}" >/dev/null || { apt-get update -qq; apt-get install -y -qq --no-install-recommends "${pair#*:}" >/dev/null; }
done

echo "--- compose.yaml"
DELTICA_ENV_FILE=.env.production.example docker-compose --env-file .env.production.example -f compose.yaml config -q
# the database must not be published outside the compose network
DELTICA_ENV_FILE=.env.production.example docker-compose --env-file .env.production.example -f compose.yaml config |
  awk '/^  postgres:/ {p=1; next} /^  [a-z]/ {p=0} p && /ports:/ {found=1} END {exit found}' ||
  { echo "postgres publishes a port"; exit 1; }

echo "--- deploy/compose.replicas.yaml and its nginx configuration"
replicas_config() {
  DELTICA_ENV_FILE="$PWD/.env.production.example" docker-compose --env-file .env.production.example \
    -f deploy/compose.replicas.yaml config "$@"
}
replicas_config -q
# only nginx is published: the database and the replicas stay inside the compose networks
replicas_config | awk '/^  [a-z]/ {s=$1} /^    ports:/ {print s}' | grep -vx 'nginx:' &&
  { echo "a service other than nginx publishes a port"; exit 1; }
# nginx -t on the same files, the backends' names replaced by a local address
nginx_dir=$(mktemp -d)
mkdir "$nginx_dir/deltica"
cp deploy/nginx/proxy.conf "$nginx_dir/deltica/"
sed -e "s#/etc/nginx/deltica#$nginx_dir/deltica#; s#backend-[0-9]*:8000#127.0.0.1:8000#; s#listen 80;#listen 127.0.0.1:18999;#" \
  deploy/nginx/nginx.conf >"$nginx_dir/nginx.conf"
nginx -t -q -p "$nginx_dir" -e "$nginx_dir/error.log" -c "$nginx_dir/nginx.conf"
rm -rf "$nginx_dir"

echo "--- Dockerfile"
npx dockerfile-utils lint docker/Dockerfile
# production runs on the current Node LTS: every stage is built from the one node:24 image
grep -q '^ARG NODE_IMAGE=node:24-bookworm-slim$' docker/Dockerfile || { echo "the Dockerfile is not on node:24-bookworm-slim"; exit 1; }
# shellcheck disable=SC2016 # a literal ${NODE_IMAGE}
test "$(grep -cF 'FROM ${NODE_IMAGE} AS ' docker/Dockerfile)" = "$(grep -c '^FROM ' docker/Dockerfile)" ||
  { echo "a Dockerfile stage is not on NODE_IMAGE"; exit 1; }

echo "--- shellcheck"
shellcheck -x docker/entrypoint.sh deploy/*.sh .ci/run .ci/steps/*.sh

echo "--- entrypoint.sh against the local PostgreSQL"
db=deltica_ci_deploy
psql -h 127.0.0.1 -U postgres -qc "drop database if exists $db with (force)" -c "create database $db"
data=$(mktemp -d)
log=$(mktemp)
port=18500
export DB_HOST=127.0.0.1 DB_PORT=5432 DB_USER=postgres DB_NAME=$db DATA_DIR=$data PORT=$port
export ADMIN_PASSWORD=ci-deploy-admin-1 USERS_FILE=/nonexistent
unset DATABASE_URL TEST_DATABASE_URL
start() {
  setsid docker/entrypoint.sh >>"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  cat "$log"
  return 1
}
source .ci/lib/process.sh
stop() { stop_group "$pid"; }
trap 'stop; rm -rf "$data" "$log"; psql -h 127.0.0.1 -U postgres -qc "drop database if exists $db with (force)" || true' EXIT
start
grep -q 'entrypoint: запуск сервера' "$log"

echo "--- smoke.sh"
SMOKE_PASSWORD=$ADMIN_PASSWORD deploy/smoke.sh --url "http://127.0.0.1:$port" --instruments 1000 --users 10

echo "--- backup.sh → wipe → restore.sh"
npm run -s seed:demo -- --count 2000 >/dev/null
mkdir -p "$data/uploads/equipment/1" "$data/uploads/pinned"
head -c 3000000 /dev/urandom >"$data/uploads/equipment/1/a.pdf"
head -c 1000 /dev/urandom >"$data/uploads/pinned/Инструкция.pdf"
stop
sums() { # every table's rows and checksum (audit_log: restore appends its own entry)
  psql -h 127.0.0.1 -U postgres -d "$db" -Atc "
    select string_agg(format('select %L, count(*), coalesce(sum(hashtextextended(t::text, 0)), 0) from %I t', tablename, tablename), ' union all ' order by tablename)
    from pg_tables where schemaname = 'public' and tablename not in ('backups', 'audit_log')" |
    psql -h 127.0.0.1 -U postgres -d "$db" -At
}
files() { (cd "$data/uploads" && find . -type f ! -name '.*.part' -exec sha256sum {} + | sort); }
before_sums=$(sums)
before_files=$(files)
archive=$(DELTICA_MODE=local deploy/backup.sh | tail -n 1)
test -f "$archive"
PGOPTIONS='-c client_min_messages=warning' psql -h 127.0.0.1 -U postgres -d "$db" -qc 'drop schema public cascade; create schema public;'
rm -rf "$data/uploads"
# a truncated copy is refused and changes nothing
head -c $(($(stat -c %s "$archive") / 2)) "$archive" >"$data/truncated.tar"
if DELTICA_MODE=local deploy/restore.sh "$data/truncated.tar" --yes; then
  echo "a truncated archive was accepted"; exit 1
fi
test "$(psql -h 127.0.0.1 -U postgres -d "$db" -Atc "select count(*) from pg_tables where schemaname = 'public'")" = 0
DELTICA_MODE=local deploy/restore.sh "$archive" --yes
test "$(sums)" = "$before_sums" || { echo "tables differ after restore"; diff <(echo "$before_sums") <(sums); exit 1; }
test "$(files)" = "$before_files" || { echo "files differ after restore"; exit 1; }
echo "round trip: $(echo "$before_sums" | wc -l) tables and $(echo "$before_files" | wc -l) files identical"
start
echo "server starts on the restored data — ok"
