#!/usr/bin/env bash
# Export benchmark: searchd over an index of the 36k OrangeSum articles of
# ../shared/corpora/orangesum; `curl /api/export?format=ndjson` (then csv) of
# every article. Prints rows, seconds, MB/s, and searchd's peak RSS (VmHWM of
# /proc/PID/status) before and after each export, whose difference is what the
# export cost in memory. Targets: under 5 s, peak RSS growth under 50 MB.
# Skips (exit 0) when ../shared is absent and no INDEX is given.
#
#   bench/export.sh                  builds the index first (minutes), in a temp folder
#   INDEX=DIR bench/export.sh        reuses an index of the OrangeSum articles
#   BUILD_DIR=build-x bench/export.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
corpus="$root/../shared/corpora/orangesum"
if [ -z "${INDEX:-}" ] && [ ! -d "$corpus" ]; then
  echo "bench/export.sh: skipped, $corpus is absent"
  exit 0
fi
build="${BUILD_DIR:-$root/build}"
case "$build" in /*) ;; *) build="$root/$build" ;; esac
for bin in indexer searchd; do
  if [ ! -x "$build/bin/$bin" ]; then
    echo "bench/export.sh: $build/bin/$bin is missing: build it first (scripts/build.sh)" >&2
    exit 1
  fi
done
command -v curl > /dev/null || { echo "bench/export.sh: curl is missing" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/frs-bench-export-XXXXXX")
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2> /dev/null || true; wait "$pid" 2> /dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

index="${INDEX:-$tmp/index}"
if [ -z "${INDEX:-}" ]; then
  echo "bench/export.sh: indexing $corpus (minutes)..."
  status=0
  "$build/bin/indexer" build --index "$index" --threads "${THREADS:-2}" "$corpus" \
    2> "$tmp/indexer.log" || status=$?
  if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
    cat "$tmp/indexer.log" >&2
    exit "$status"
  fi
fi

"$build/bin/searchd" --index "$index" --port 0 --threads 2 2> "$tmp/searchd.log" &
pid=$!
port=
for _ in $(seq 1 300); do
  port=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$tmp/searchd.log")
  [ -n "$port" ] && break
  kill -0 "$pid" 2> /dev/null || { cat "$tmp/searchd.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { echo "bench/export.sh: searchd did not start" >&2; exit 1; }
url="http://127.0.0.1:$port"
docs=$(curl -sS "$url/health" | python3 -c 'import json, sys; print(json.load(sys.stdin)["documents"])')
curl -sS "$url/api/search?q=sant%C3%A9" > /dev/null  # a first search: the lease's handle is open

# CPU seconds searchd has used (user + system): under a loaded machine the wall time
# mostly measures the wait for a core, this what the export itself costs.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$pid/stat"; }
hwm_kb() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status"; }

echo "searchd over $docs documents ($index), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for format in ndjson csv; do
  before=$(hwm_kb)
  cpu_before=$(cpu_s)
  start=$(date +%s.%N)
  curl -sS -D "$tmp/headers" -o "$tmp/export.$format" "$url/api/export?format=$format"
  end=$(date +%s.%N)
  after=$(hwm_kb)
  cpu_after=$(cpu_s)
  rows=$(python3 -c 'import csv, json, sys
f = open(sys.argv[1], newline="", encoding="utf-8")
print(sum(1 for _ in csv.reader(f)) - 1 if sys.argv[2] == "csv" else sum(1 for l in f if json.loads(l)))' \
    "$tmp/export.$format" "$format")
  bytes=$(wc -c < "$tmp/export.$format")
  generation=$(sed -n 's/^X-Index-Generation: *\([^\r]*\).*/\1/ip' "$tmp/headers")
  awk -v f="$format" -v rows="$rows" -v bytes="$bytes" -v s="$start" -v e="$end" \
      -v before="$before" -v after="$after" -v gen="$generation" -v cpu="$cpu_before" -v cpu2="$cpu_after" 'BEGIN {
    secs = e - s;
    printf "export %s: %d rows, %.1f MB in %.2f s (%.0f rows/s, %.1f MB/s), generation %s\n",
           f, rows, bytes / 1e6, secs, rows / secs, bytes / 1e6 / secs, gen;
    printf "  searchd CPU %.2f s\n", cpu2 - cpu;
    met = (secs < 5 && (after - before) * 1024 < 50e6) ? "met" : "missed";
    printf "  searchd peak RSS %.1f MiB -> %.1f MiB: growth %.1f MiB (targets < 5 s, < 50 MB: %s)\n",
           before / 1024, after / 1024, (after - before) / 1024, met;
  }'
done
