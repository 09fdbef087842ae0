#!/usr/bin/env bash
# The server test suite on Node 24 (production's runtime; development and `npm test` stay on the
# machine's Node 20). .ci/run starts it in parallel with `npm test`: every test file creates its own
# uniquely named database, so the two runs share the PostgreSQL without colliding.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/lib/node24.sh
node24=$(node24_bin)
echo "Node 24 suite on $("$node24" --version)"
# vitest's forks are started with the running binary (process.execPath), so every test runs on Node 24
"$node24" node_modules/vitest/vitest.mjs run "$@"
