#!/usr/bin/env bash
# The README's first command: install what is missing, build, index the bundled
# sample corpus and serve it on http://127.0.0.1:8080 (PORT to change it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh -DFRS_BUILD_TESTS=OFF -DFRS_BUILD_BENCH=OFF
build/bin/indexer build --index build/sample-index --synonyms corpus/synonyms.tsv corpus/sample
exec build/bin/searchd --index build/sample-index --host 127.0.0.1 --port "${PORT:-8080}"
