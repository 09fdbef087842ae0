#!/usr/bin/env bash
# A 100 MiB upload through a real server process: the server's RSS must stay flat (streamed to
# disk, never buffered) and the stored bytes must hash to what was sent.
set -euo pipefail
cd "$(dirname "$0")/../.."
export TEST_DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
UPLOAD_MB=100 MAX_GROWTH_MB=64 node --import tsx bench/upload-memory.ts
