#!/usr/bin/env bash
# Restores an archive made by backup.sh (or the admin panel) with the server's own command
# (`npm run restore`): the archive is checked completely first, a damaged one is refused before
# anything changes. The server is stopped during the restore and started again afterwards.
#   deploy/restore.sh data/backups/deltica-backup-20261129-020000-scheduled.tar [--yes]
set -euo pipefail
# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

archive=${1:-}
[[ -n "$archive" && "$archive" != -* ]] || die "использование: $0 <архив.tar> [--yes]"
shift
[[ -f "$archive" ]] || die "файл не найден: $archive"
archive=$(cd "$(dirname "$archive")" && pwd)/$(basename "$archive")

mode=$(detect_mode)
say "восстановление из $archive (режим: $mode)"
if [[ "$mode" == docker ]]; then
  dir=$(backups_dir)
  if [[ "$(dirname "$archive")" != "$dir" ]]; then
    cp "$archive" "$dir/" # the container sees DATA_DIR/backups only
  fi
  name=$(basename "$archive")
  tty=()
  [[ -t 0 ]] || tty=(-T) # no terminal (cron, CI): the restore then needs --yes
  compose stop backend
  status=0
  compose run --rm --no-deps "${tty[@]}" --entrypoint node backend \
    --import tsx runtime/cli/restore.ts "/data/backups/$name" "$@" || status=$?
  compose start backend
  exit "$status"
else
  if [[ -n "${DELTICA_STOP_CMD:-}" ]]; then eval "$DELTICA_STOP_CMD"; fi
  status=0
  deltica_cli restore "$archive" "$@" || status=$?
  if [[ -n "${DELTICA_START_CMD:-}" ]]; then eval "$DELTICA_START_CMD"; fi
  exit "$status"
fi
