#!/usr/bin/env bash
# Load test: 100 simulated users for 60 s on 10,000 instruments (reads, searches, admin edits);
# fails on any error or on a lost or duplicated write. Uses TEST_DATABASE_URL (a fresh database
# on it, dropped afterwards). See bench/load.ts.
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run load -- --users 100 --duration 60 --size 10000
