#!/usr/bin/env bash
# A backup (database + uploaded files + manifest, one archive) through the server's own command
# (`npm run backup`), then 30-day rotation (or --keep-days N). Works with the Docker installation
# and with a server run from this checkout; suitable for cron:
#   15 2 * * * /opt/deltica/deploy/backup.sh >> /var/log/deltica-backup.log 2>&1
# Prints the archive's path on the host.
set -euo pipefail
# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

keep_days=30
while (($#)); do
  case $1 in
    --keep-days) keep_days=${2:?число дней}; shift 2 ;;
    -h | --help) sed -n '2,7p' "$0"; exit 0 ;;
    *) die "неизвестный параметр: $1" ;;
  esac
done

mode=$(detect_mode)
say "резервная копия (режим: $mode)"
inside=$(deltica_cli backup --keep-days "$keep_days" | tail -n 1)
[[ -n "$inside" ]] || die "команда резервного копирования не вернула путь к архиву"
archive="$(backups_dir)/$(basename "$inside")"
[[ -f "$archive" ]] || die "архив не найден на диске: $archive"
say "готово: $archive ($(du -h "$archive" | cut -f1))"
echo "$archive"
