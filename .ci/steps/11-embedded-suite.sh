#!/usr/bin/env bash
# The README's second command as a fresh clone runs it: `npm test` with no database configured, so
# every test file opens the embedded engine (PGlite) — the whole suite, the plans of the register's
# main shapes (EXPLAIN on 20,000 instruments) included. The tests that need a PostgreSQL server by
# nature (pg_dump/pg_restore of a 1.x dump, per-connection start-up parameters) run only in the
# real-PostgreSQL suite before this step.
set -euo pipefail
cd "$(dirname "$0")/../.."
env -u TEST_DATABASE_URL -u DATABASE_URL npm test
