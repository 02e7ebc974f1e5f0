#!/usr/bin/env bash
# The README's second command (and all that .ci/run does): install what is missing,
# build, run the whole test suite, the contract check of ../shared/conformance when
# ../shared is present, the page in a real browser, the suite again under ASan+UBSan,
# then each libFuzzer target for a bounded time (FRS_FUZZ_SECONDS, default 30).
# FRS_SKIP_BROWSER=1, FRS_SKIP_SANITIZERS=1, FRS_SKIP_FUZZ=1 leave a part out.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
jobs=$(nproc)

echo "== build (RelWithDebInfo)"
scripts/build.sh
echo "== unit and integration tests"
ctest --test-dir build --output-on-failure -j"$jobs" --timeout 600

if [ -d ../shared/conformance ]; then
  echo "== conformance check (../shared/conformance)"
  python3 ../shared/conformance/check.py build/bin/indexer build/bin/searchd
else
  echo "== conformance check skipped: ../shared is absent"
fi

if [ "${FRS_SKIP_BROWSER:-0}" != 1 ]; then
  echo "== search page in a real browser (Debian chromium + playwright-core)"
  scripts/setup.sh browser
  tests/web/run.sh build/bin
fi

if [ "${FRS_SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== ASan+UBSan build and tests"
  BUILD_DIR=build-asan BUILD_TYPE=Debug scripts/build.sh -DFRS_SANITIZE=ON -DFRS_BUILD_BENCH=OFF
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" --timeout 900
fi

if [ "${FRS_SKIP_FUZZ:-0}" != 1 ]; then
  # Fails on any crash, leak, timeout or sanitizer report (see docs/RELIABILITY.md).
  echo "== fuzzing: ${FRS_FUZZ_SECONDS:-30} s per target, two at a time (tests/fuzz/run.sh)"
  scripts/setup.sh fuzz
  FRS_FUZZ_PARALLEL="${FRS_FUZZ_PARALLEL:-2}" tests/fuzz/run.sh "${FRS_FUZZ_SECONDS:-30}"
fi
