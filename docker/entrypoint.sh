#!/bin/sh
# Container start: wait for PostgreSQL, apply migrations (a backup is taken first when some are
# pending), create the first admin, sync users from a mounted YAML when present, then exec the
# server so that it receives the signals (docker stop → SIGTERM → graceful shutdown).
# Also runs outside Docker from a checkout (CI points DB_HOST at a local PostgreSQL).
set -eu

cd "$(dirname "$0")/.."

USERS_FILE=${USERS_FILE:-/config/users.yaml}
DB_WAIT_SECONDS=${DB_WAIT_SECONDS:-60}

# Node 22.18+/23.6+ (the image's Node 24) runs the server's TypeScript itself by stripping the types;
# an older Node (development on Node 20) needs the tsx loader
# (NODE_TS is a command and its options: it is split on purpose where it is used)
NODE_TS="node --import tsx"
if node -e 'process.exit(process.features.typescript ? 0 : 1)' 2>/dev/null; then NODE_TS=node; fi

log() { printf '%s entrypoint: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }

if [ -n "${DATABASE_URL:-}" ]; then
  set -- -d "$DATABASE_URL"
elif [ -n "${DB_HOST:-}" ]; then
  set -- -h "$DB_HOST" -p "${DB_PORT:-5432}" -U "${DB_USER:-postgres}" -d "${DB_NAME:-postgres}"
else
  log "DATABASE_URL или DB_HOST не задан: используется встроенная база в ${DATA_DIR:-./data}"
  set --
fi

if [ $# -gt 0 ]; then
  log "ожидание PostgreSQL (до ${DB_WAIT_SECONDS} с)"
  waited=0
  until pg_isready -q -t 2 "$@"; do
    waited=$((waited + 2))
    if [ "$waited" -ge "$DB_WAIT_SECONDS" ]; then
      log "PostgreSQL не ответил за ${DB_WAIT_SECONDS} с"
      exit 1
    fi
    sleep 2
  done
  log "PostgreSQL готов"
fi

log "миграции"
# shellcheck disable=SC2086
$NODE_TS runtime/cli/migrate.ts --with-admin

if [ -f "$USERS_FILE" ]; then
  log "синхронизация пользователей из $USERS_FILE"
  # shellcheck disable=SC2086
  $NODE_TS runtime/cli/users-sync.ts "$USERS_FILE"
fi

log "запуск сервера"
# shellcheck disable=SC2086
exec $NODE_TS runtime/main.ts
