#!/usr/bin/env bash
# Two server replicas on one fresh database (on TEST_DATABASE_URL, dropped afterwards) and one
# DATA_DIR, behind Debian's nginx (deploy/nginx/proxy.conf): sessions, logout, lockouts and the
# sign-in rate limit hold across them; then 60 users for 50 s through nginx on 10,000
# instruments, replica A killed (SIGKILL) 25 s in. Fails on any error, on a request after the
# kill that does not succeed, or on an acknowledged write missing or a write applied twice.
# See bench/replicas.ts.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v nginx >/dev/null || { echo "nginx is not installed (.ci/run installs it)"; exit 1; }
npm run replicas -- --replicas 2 --users 60 --duration 50 --size 10000 --kill-at 25
