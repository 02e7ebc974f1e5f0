#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang and runs each one.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
#
# SECONDS per target (default 60; 0 only replays the seeds and the regressions).
# TARGET: analyzer query json_record page_export http (default: all of them).
# First every input of tests/fuzz/regressions/TARGET/ is replayed, then the target
# runs for SECONDS from tests/fuzz/seeds/TARGET/ plus the inputs earlier runs kept.
# Exit status 1 on any crash, leak, timeout, out-of-memory or sanitizer report;
# the input that did it is saved, and its path printed, under BUILD/fuzz-artifacts/.
#
# Environment: FRS_FUZZ_BUILD_DIR (default build-fuzz/ at the project root),
# FRS_FUZZ_BUILD_JOBS (default 2), FRS_FUZZ_PARALLEL (targets fuzzed at the same
# time, default 1; scripts/test.sh uses 2).
set -euo pipefail

readonly here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly root="$(cd "$here/../.." && pwd)"
readonly build="${FRS_FUZZ_BUILD_DIR:-$root/build-fuzz}"
readonly jobs="${FRS_FUZZ_BUILD_JOBS:-2}"
readonly parallel="${FRS_FUZZ_PARALLEL:-1}"
readonly all_targets=(analyzer query json_record page_export http)

seconds=60
if [[ $# -gt 0 && "$1" =~ ^[0-9]+$ ]]; then
  seconds="$1"
  shift
fi
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $t "* ]] || { echo "run.sh: unknown target '$t' (${all_targets[*]})" >&2; exit 2; }
done

# Longest input per target: long enough for each format, short enough to stay fast.
max_len() {
  case "$1" in
    analyzer) echo 4096 ;;
    query) echo 2048 ;;
    json_record | page_export) echo 8192 ;;
    http) echo 4096 ;;
  esac
}

# ---- Build -------------------------------------------------------------------
command -v clang++ >/dev/null || { echo "run.sh: clang++ is missing (apt-get install clang)" >&2; exit 2; }
# libFuzzer is only a recommendation of Debian's clang: --no-install-recommends skips it.
if ! compgen -G "$(clang++ -print-resource-dir)/lib/linux/libclang_rt.fuzzer-*.a" >/dev/null; then
  echo "run.sh: libFuzzer is missing (apt-get install libclang-rt-14-dev)" >&2
  exit 2
fi
cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DFRS_BUILD_FUZZ=ON \
  -DFRS_BUILD_TESTS=OFF -DFRS_BUILD_BENCH=OFF -DFRS_SANITIZE=OFF >/dev/null
build_targets=()
for t in "${targets[@]}"; do build_targets+=(--target "${t}_fuzz"); done
cmake --build "$build" -j "$jobs" "${build_targets[@]}"

# ---- Run ---------------------------------------------------------------------
# The http target indexes its sample below $TMPDIR; a crash skips its clean-up.
scratch="$(mktemp -d "${TMPDIR:-/tmp}/frs-fuzz-XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
export TMPDIR="$scratch"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# A report the exit status could miss (a sanitizer in a recovering mode).
readonly report_pattern='ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|SUMMARY: (Address|Undefined|Leak)'

# One target: replay its regressions, then fuzz it. Prints its summary line to
# $logs/$t.summary; returns 1 when it failed.
fuzz_target() {
  local t="$1"
  local binary="$build/bin/${t}_fuzz"
  local logs="$build/fuzz-logs"
  local artifacts="$build/fuzz-artifacts/$t/"
  local corpus="$build/fuzz-corpus/$t"
  mkdir -p "$logs" "$artifacts" "$corpus"
  rm -f "$logs/$t.summary"
  local flags=(-rss_limit_mb=2048 -timeout=10 -max_len="$(max_len "$t")" -artifact_prefix="$artifacts"
               -print_final_stats=1)
  [[ -f "$here/dicts/$t.dict" ]] && flags+=(-dict="$here/dicts/$t.dict")

  # Regressions: every input found so far, replayed once.
  local regressions=("$here/regressions/$t"/*)
  if [[ -e "${regressions[0]}" ]]; then
    local rlog="$logs/$t-regressions.log"
    if ! "$binary" "${flags[@]}" "${regressions[@]}" >"$rlog" 2>&1 || grep -Eq "$report_pattern" "$rlog"; then
      echo "== $t: a regression input fails again; see $rlog" >&2
      grep -E "$report_pattern|fuzz property broken|Running:" "$rlog" | head -20 >&2 || true
      echo "$t: a regression input fails again" >"$logs/$t.summary"
      return 1
    fi
    echo "== $t: ${#regressions[@]} regression inputs pass"
  fi

  local log="$logs/$t.log" run
  if [[ "$seconds" -eq 0 ]]; then
    run=(-runs=0)
    echo "== $t: replaying the seeds and kept inputs (log $log)"
  else
    run=(-max_total_time="$seconds")
    echo "== $t: fuzzing for ${seconds}s (log $log)"
  fi
  local status=0
  "$binary" "${flags[@]}" "${run[@]}" "$corpus" "$here/seeds/$t" >"$log" 2>&1 || status=$?
  final_stat() { grep -Eo "stat::$1: *[0-9.]+" "$log" | grep -Eo '[0-9.]+$' | tail -1 || echo "?"; }
  local line="$t: $(final_stat number_of_executed_units) runs, $(final_stat average_exec_per_sec) exec/s,"
  line+=" $(final_stat new_units_added) new inputs, peak RSS $(final_stat peak_rss_mb) MB"
  if [[ $status -ne 0 ]] || grep -Eq "$report_pattern" "$log"; then
    echo "== $t: FAILED (exit $status); see $log" >&2
    grep -E "$report_pattern|fuzz property broken" "$log" | head -10 >&2 || true
    local found
    found=$(sed -n 's/.*Test unit written to //p' "$log" | head -1)
    if [[ -n "$found" ]]; then
      echo "   input saved: $found" >&2
      echo "   replay: $binary $found" >&2
      echo "   once fixed, keep it: cp $found $here/regressions/$t/" >&2
    fi
    echo "$line FAILED" >"$logs/$t.summary"
    return 1
  fi
  echo "$line" >"$logs/$t.summary"
}

# At most $parallel targets at a time (each libFuzzer process is one thread).
for t in "${targets[@]}"; do
  while [[ $(jobs -rp | wc -l) -ge $parallel ]]; do wait -n || true; done
  fuzz_target "$t" &
done
wait || true
failed=()
summary=()
for t in "${targets[@]}"; do
  line="$(cat "$build/fuzz-logs/$t.summary" 2>/dev/null || echo "$t: ended without a summary FAILED")"
  summary+=("$line")
  [[ "$line" != *FAILED* && "$line" != *"fails again"* ]] || failed+=("$t")
done

echo
echo "== fuzzing summary (${seconds}s per target)"
for line in "${summary[@]}"; do echo "   $line"; done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "== FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "== no crash, leak, timeout or sanitizer report"
