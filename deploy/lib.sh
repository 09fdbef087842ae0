#!/usr/bin/env bash
# Shared by the deploy/ scripts (sourced): where the installation is, and whether the server runs
# in Docker Compose (mode "docker") or directly from this checkout with Node (mode "local").
# DELTICA_MODE=docker|local overrides the detection.

DELTICA_HOME=${DELTICA_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
ENV_FILE=${ENV_FILE:-$DELTICA_HOME/.env.production}

say() { printf '[%s] %s\n' "$(date '+%F %T')" "$*" >&2; }
die() { say "ОШИБКА: $*"; exit 1; }

compose() {
  (cd "$DELTICA_HOME" && docker compose --env-file "$ENV_FILE" -f compose.yaml "$@")
}

detect_mode() {
  if [[ -n "${DELTICA_MODE:-}" ]]; then
    echo "$DELTICA_MODE"
  elif command -v docker >/dev/null 2>&1 && [[ -f "$ENV_FILE" ]] \
    && [[ -n "$(compose ps -q backend 2>/dev/null)" ]]; then
    echo docker
  else
    echo local
  fi
}

# The server's own CLI (npm run backup / restore …): inside the backend container, or here.
deltica_cli() {
  local script=$1
  shift
  if [[ "$(detect_mode)" == docker ]]; then
    compose exec -T backend node --import tsx "runtime/cli/$script.ts" "$@"
  else
    (cd "$DELTICA_HOME" && node --import tsx "runtime/cli/$script.ts" "$@")
  fi
}

# Host folder of DATA_DIR/backups.
backups_dir() {
  if [[ "$(detect_mode)" == docker ]]; then
    echo "$DELTICA_HOME/data/backups"
  else
    local data=${DATA_DIR:-$DELTICA_HOME/data}
    echo "$data/backups"
  fi
}

wait_healthy() {
  local url=$1 seconds=${2:-120} waited=0
  until curl -fsSk --max-time 5 "$url/api/health" >/dev/null 2>&1; do
    waited=$((waited + 2))
    ((waited >= seconds)) && return 1
    sleep 2
  done
}
