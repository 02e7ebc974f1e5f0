#!/usr/bin/env bash
# Browser tests of the search page (web/): Debian's chromium driven by
# playwright-core (never downloads a browser). Needs `scripts/setup.sh browser`.
#
#   tests/web/run.sh [BIN_DIR]     BIN_DIR holds indexer and searchd (default build/bin)
#
# Screenshots: build/web-screenshots/ (FRS_SCREENSHOTS to change it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-${FRS_BIN_DIR:-$root/build/bin}}
[ -d "$bin" ] || { echo "run.sh: no such folder: $bin" >&2; exit 2; }
export FRS_BIN_DIR=$(cd "$bin" && pwd)
export FRS_SCREENSHOTS=${FRS_SCREENSHOTS:-$root/build/web-screenshots}
cd "$here"
# playwright-core pinned by package-lock.json; installed once, offline afterwards.
if [ ! -f node_modules/playwright-core/package.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
# One file: its tests run in order (no --test-concurrency: Debian 12 ships node 18).
exec node --test --test-reporter=spec page.test.mjs
