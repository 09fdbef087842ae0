#!/usr/bin/env bash
# The desktop client (installed by the root's npm ci: npm workspaces, no Electron binary download —
# Electron fetches it on its first run): unit tests, typecheck, the renderer
# build, the Electron main/preload bundle, the installer configuration and icon, then the browser
# tests (playwright-core + Debian Chromium) against a real server with seeded data.
set -euo pipefail
cd "$(dirname "$0")/../../desktop"
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
export TEST_DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
command -v chromium >/dev/null || { apt-get update -qq; apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

npm run typecheck
npm test
npm run build
npm run build:main
node scripts/check-installer.mjs
node scripts/unpacked-build.mjs
# Known flake (see the notes): a grid cell re-rendered under a double click can time out. A test
# that changed server state cannot be retried in place, so a failed run is repeated once from
# scratch (new server, new database); the second run must pass.
npm run test:browser || {
  echo "browser tests failed; running them once more from a fresh server and database"
  npm run test:browser
}
