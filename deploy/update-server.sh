#!/usr/bin/env bash
# Updates the Docker installation: backup first, then the new version (git pull + image build, or
# an image given with --image), migrations (the entrypoint applies them), restart, health check.
# Migrations are forward-only, so on any failure it rolls back to the previous image AND restores
# the pre-update backup, then checks health again.
#   deploy/update-server.sh                 # git pull, build, restart
#   deploy/update-server.sh --image deltica:1.3.0   # an image loaded beforehand (docker load)
#   deploy/update-server.sh --no-pull       # rebuild the current checkout
set -euo pipefail
# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

image=""
pull=1
health_url=${HEALTH_URL:-http://127.0.0.1:8000}
health_timeout=${HEALTH_TIMEOUT:-180}
while (($#)); do
  case $1 in
    --image) image=${2:?имя образа}; shift 2 ;;
    --no-pull) pull=0; shift ;;
    -h | --help) sed -n '2,9p' "$0"; exit 0 ;;
    *) die "неизвестный параметр: $1" ;;
  esac
done
[[ -f "$ENV_FILE" ]] || die "нет $ENV_FILE — это установка Docker? (см. deploy/install-server.sh)"
current=$(grep -E '^DELTICA_IMAGE=' "$ENV_FILE" | cut -d= -f2- || true)
current=${current:-deltica:latest}

say "1/5 резервная копия перед обновлением"
backup=$("$DELTICA_HOME/deploy/backup.sh" | tail -n 1)
say "копия: $backup"

say "2/5 сохраняю текущий образ как deltica:rollback"
docker image tag "$current" deltica:rollback

rollback() {
  say "ОТКАТ: возвращаю образ deltica:rollback и данные из $backup"
  docker image tag deltica:rollback "$current"
  DELTICA_MODE=docker "$DELTICA_HOME/deploy/restore.sh" "$backup" --yes || say "восстановление копии не удалось!"
  compose up -d backend
  if wait_healthy "$health_url" "$health_timeout"; then
    say "откат выполнен, сервер работает на прежней версии"
  else
    say "после отката сервер не отвечает: см. docker compose logs backend"
  fi
  exit 1
}

say "3/5 новая версия"
if [[ -n "$image" ]]; then
  docker image inspect "$image" >/dev/null || die "образ $image не найден (docker load -i …)"
  docker image tag "$image" "$current"
else
  if ((pull)); then (cd "$DELTICA_HOME" && git pull --ff-only) || die "git pull не удался, ничего не изменено"; fi
  compose build backend || die "сборка образа не удалась, ничего не изменено"
fi

say "4/5 перезапуск (миграции применяются при старте)"
compose up -d backend || rollback

say "5/5 проверка"
if ! wait_healthy "$health_url" "$health_timeout"; then
  say "сервер не ответил на $health_url/api/health"
  rollback
fi
say "обновление завершено: $(curl -fsSk "$health_url/api/health")"
