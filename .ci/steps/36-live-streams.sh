#!/usr/bin/env bash
# The live register under load: 1,000 open GET /api/events streams on one server
# process over the real PostgreSQL; RSS per stream must stay ≤ 64 KiB and an edit must reach
# every stream with p99 < 1 s, none lost (bench/live-streams.ts prints the numbers).
set -euo pipefail
cd "$(dirname "$0")/../.."
export TEST_DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
node --import tsx bench/live-streams.ts --streams 1000 --edits 10
