#!/usr/bin/env bash
# Client updates end to end over real HTTP: start the server, publish two stand-in installers with
# deploy/publish-release.mjs, fetch latest.yml and the installer (whole and by range) the way
# electron-updater does, check sha512 and size, roll back, and see the rollback mark.
set -euo pipefail
cd "$(dirname "$0")/../.."
data=$(mktemp -d)
work=$(mktemp -d)
port=18140
log=$(mktemp)
source .ci/lib/process.sh
trap 'stop_group "${pid:-0}"; rm -rf "$data" "$work" "$log"' EXIT

env -u DATABASE_URL -u TEST_DATABASE_URL DATA_DIR="$data" PORT=$port ADMIN_PASSWORD=ci-admin-pass-1 \
  setsid npm start >>"$log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null || { cat "$log"; exit 1; }

base="http://127.0.0.1:$port/api/releases"
export DELTICA_ADMIN_PASSWORD=ci-admin-pass-1
publish() { node deploy/publish-release.mjs --server "http://127.0.0.1:$port" --user admin "$@"; }

head -c 5000000 /dev/urandom >"$work/Deltica-Setup-1.0.0.exe"
head -c 6000000 /dev/urandom >"$work/Deltica-Setup-1.1.0.exe"
publish "$work/Deltica-Setup-1.0.0.exe"
publish "$work/Deltica-Setup-1.1.0.exe"

yml=$(curl -fsS "$base/latest.yml")
echo "$yml"
expected_sha=$(openssl dgst -sha512 -binary "$work/Deltica-Setup-1.1.0.exe" | base64 -w0)
grep -qx 'version: 1.1.0' <<<"$yml" || { echo "latest.yml: wrong version"; exit 1; }
grep -q "sha512: $expected_sha" <<<"$yml" || { echo "latest.yml: sha512 differs from the file"; exit 1; }
grep -q 'size: 6000000' <<<"$yml" || { echo "latest.yml: wrong size"; exit 1; }

curl -fsS "$base/Deltica-Setup-1.1.0.exe" -o "$work/downloaded.exe"
cmp "$work/downloaded.exe" "$work/Deltica-Setup-1.1.0.exe"
status=$(curl -sS -o "$work/part" -w '%{http_code}' -H 'Range: bytes=1000000-' "$base/Deltica-Setup-1.1.0.exe")
[ "$status" = 206 ] || { echo "range: expected 206, got $status"; exit 1; }
cmp "$work/part" <(tail -c +1000001 "$work/Deltica-Setup-1.1.0.exe")
status=$(curl -sS -o /dev/null -w '%{http_code}' -H 'Range: bytes=6000000-' "$base/Deltica-Setup-1.1.0.exe")
[ "$status" = 416 ] || { echo "range past the end: expected 416, got $status"; exit 1; }
# the previous release stays downloadable
curl -fsS "$base/Deltica-Setup-1.0.0.exe" | cmp - "$work/Deltica-Setup-1.0.0.exe"

# an older version cannot be published over the current one; a rollback can be made
head -c 1000 /dev/urandom >"$work/Deltica-Setup-0.9.0.exe"
if publish "$work/Deltica-Setup-0.9.0.exe" 2>"$work/err"; then echo "older version was published"; exit 1; fi
grep -q 'старше действующей' "$work/err"
publish --rollback 1.0.0
yml=$(curl -fsS "$base/latest.yml")
if ! grep -qx 'version: 1.0.0' <<<"$yml" || ! grep -qx 'rollback: true' <<<"$yml"; then
  echo "rollback not in latest.yml: $yml"
  exit 1
fi
echo "client releases: publish, latest.yml, download, ranges, rollback — ok"
