#!/usr/bin/env bash
# First installation on Ubuntu 20.04+/Debian 11+ (run as root from the unpacked release or a git
# checkout, e.g. /opt/deltica): Docker and Compose, .env.production with strong random secrets,
# data folders, firewall (port 8000 open to the LAN subnet only), build and start, health check.
#   sudo deploy/install-server.sh --lan 192.168.1.0/24 [--admin-password '…'] [--https]
set -euo pipefail
# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

lan=""
admin_password=""
https=0
while (($#)); do
  case $1 in
    --lan) lan=${2:?подсеть, например 192.168.1.0/24}; shift 2 ;;
    --admin-password) admin_password=${2:?пароль}; shift 2 ;;
    --https) https=1; shift ;;
    -h | --help) sed -n '2,6p' "$0"; exit 0 ;;
    *) die "неизвестный параметр: $1" ;;
  esac
done
((EUID == 0)) || die "запустите от root (sudo)"

if [[ -z "$lan" ]]; then
  lan=$(ip -o -f inet route show scope link | awk '$1 ~ /\// && $3 !~ /^(docker|br-|veth)/ {print $1; exit}')
  [[ -n "$lan" ]] || die "не удалось определить подсеть ЛВС, укажите --lan"
  say "подсеть ЛВС: $lan (другая — параметр --lan)"
fi

say "1/6 Docker и Compose"
if ! command -v docker >/dev/null 2>&1 || ! docker compose version >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y -qq ca-certificates curl ufw jq
  apt-get install -y -qq docker.io docker-compose-v2 2>/dev/null \
    || apt-get install -y -qq docker.io docker-compose-plugin
  systemctl enable --now docker
fi
docker compose version >/dev/null || die "docker compose недоступен"

say "2/6 секреты (.env.production)"
if [[ -f "$ENV_FILE" ]]; then
  say "$ENV_FILE уже есть — оставляю как есть"
else
  umask 077
  db_password=$(openssl rand -base64 36 | tr -d '/+=' | cut -c1-32)
  secret=$(openssl rand -base64 64 | tr -d '/+=\n' | cut -c1-64)
  sed -e "s|^DB_PASSWORD=.*|DB_PASSWORD=$db_password|" \
    -e "s|^SECRET_KEY=.*|SECRET_KEY=$secret|" \
    -e "s|^ADMIN_PASSWORD=.*|ADMIN_PASSWORD=$admin_password|" \
    "$DELTICA_HOME/.env.production.example" >"$ENV_FILE"
  if ((https)); then
    sed -i -e 's|^#TLS_CERT_FILE=|TLS_CERT_FILE=|' -e 's|^#TLS_KEY_FILE=|TLS_KEY_FILE=|' "$ENV_FILE"
  fi
  chmod 600 "$ENV_FILE"
fi
grep -q 'CHANGE_THIS' "$ENV_FILE" && die "в $ENV_FILE остались значения CHANGE_THIS"

say "3/6 папки данных"
mkdir -p "$DELTICA_HOME"/data/{uploads,backups,logs} "$DELTICA_HOME"/config "$DELTICA_HOME"/certs
chown -R 1000:1000 "$DELTICA_HOME/data" # the container's user "node"
if ((https)) && [[ ! -f "$DELTICA_HOME/certs/server.crt" ]]; then
  die "для --https положите certs/server.crt и certs/server.key (см. docs/DEPLOYMENT.md)"
fi

say "4/6 межсетевой экран: 8000/tcp только из $lan"
if command -v ufw >/dev/null 2>&1; then
  ufw allow OpenSSH >/dev/null || true
  ufw allow from "$lan" to any port 8000 proto tcp
  ufw --force enable
  # Docker publishes ports past ufw's INPUT chain: limit 8000 in DOCKER-USER as well
  iptables -C DOCKER-USER -p tcp --dport 8000 ! -s "$lan" -j DROP 2>/dev/null \
    || iptables -I DOCKER-USER -p tcp --dport 8000 ! -s "$lan" -j DROP
else
  say "ufw не найден: откройте 8000/tcp только для $lan вручную"
fi

say "5/6 сборка и запуск"
compose build backend
compose up -d

say "6/6 проверка"
scheme=http
((https)) && scheme=https
if wait_healthy "$scheme://127.0.0.1:8000" 180; then
  say "сервер работает: $scheme://$(hostname -I | awk '{print $1}'):8000"
else
  compose logs --tail 50 backend
  die "сервер не ответил за 3 минуты"
fi
if [[ -z "$admin_password" ]]; then
  say "пароль администратора admin (показан один раз):"
  compose logs backend 2>/dev/null | grep -A1 'Создан администратор' || true
fi
say "ежедневная копия: в 02:00 сервер делает её сам (настройка backup_hour)"
