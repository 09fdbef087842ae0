#!/usr/bin/env bash
# deploy/update-server.sh without a Docker engine: a stand-in `docker` records every call, so the
# order of the steps is checked — backup first, image kept for rollback, build, restart, health;
# and when the new version is not healthy: previous image back, pre-update backup restored.
set -euo pipefail
cd "$(dirname "$0")/../.."
home=$(mktemp -d)
bin=$(mktemp -d)
trap 'kill "${health_pid:-0}" 2>/dev/null || true; rm -rf "$home" "$bin"' EXIT
cp -r deploy compose.yaml "$home/"
cp .env.production.example "$home/.env.production"
export DELTICA_HOME=$home FAKE_LOG=$home/docker.log PATH=$bin:$PATH

cat >"$bin/docker" <<'FAKE'
#!/usr/bin/env bash
echo "docker $*" >>"$FAKE_LOG"
case "$*" in
  *"ps -q backend"*) echo 0123abcd ;;
  *"exec -T backend node --import tsx runtime/cli/backup.ts"*)
    name=deltica-backup-20260101-000000-cli.tar
    mkdir -p "$DELTICA_HOME/data/backups"
    echo archive >"$DELTICA_HOME/data/backups/$name"
    echo "/data/backups/$name" ;;
esac
exit 0
FAKE
chmod +x "$bin/docker"

port=18510
node -e "require('http').createServer((q, r) => r.end('{\"status\":\"ok\"}')).listen($port)" &
health_pid=$!
sleep 1

echo "--- a healthy update"
HEALTH_URL=http://127.0.0.1:$port HEALTH_TIMEOUT=10 "$home/deploy/update-server.sh" --no-pull
calls=$(grep -o 'runtime/cli/[a-z]*\.ts\|image tag [^ ]* [^ ]*\|compose .* \(build\|up -d\|stop\|start\) backend' "$FAKE_LOG" | sed 's/compose .* \(build\|up -d\|stop\|start\) backend/\1/')
expected=$'runtime/cli/backup.ts\nimage tag deltica:latest deltica:rollback\nbuild\nup -d'
[[ "$calls" == "$expected" ]] || { echo "unexpected steps:"; echo "$calls"; exit 1; }

echo "--- an update whose server never becomes healthy"
: >"$FAKE_LOG"
if HEALTH_URL=http://127.0.0.1:1 HEALTH_TIMEOUT=2 "$home/deploy/update-server.sh" --no-pull; then
  echo "a failed update reported success"; exit 1
fi
calls=$(grep -o 'runtime/cli/[a-z]*\.ts[^"]*\|image tag [^ ]* [^ ]*\|compose .* \(build\|up -d\|stop\|start\) backend' "$FAKE_LOG" | sed 's/compose .* \(build\|up -d\|stop\|start\) backend/\1/')
expected=$'runtime/cli/backup.ts --keep-days 30\nimage tag deltica:latest deltica:rollback\nbuild\nup -d\nimage tag deltica:rollback deltica:latest\nstop\nruntime/cli/restore.ts /data/backups/deltica-backup-20260101-000000-cli.tar --yes\nstart\nup -d'
[[ "$calls" == "$expected" ]] || { echo "unexpected rollback steps:"; echo "$calls"; exit 1; }
echo "update and rollback sequences — ok"
