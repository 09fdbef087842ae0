#!/usr/bin/env bash
# Fault tests on a private PostgreSQL 15 (own initdb folder and port): the database restarted
# under the server (503, then recovery without a restart), SIGTERM with requests in flight,
# clients disconnecting mid-request. See bench/faults.ts.
set -euo pipefail
cd "$(dirname "$0")/../.."
test -x /usr/lib/postgresql/15/bin/initdb || { apt-get update -qq; apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null; }
npm run faults
