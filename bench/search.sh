#!/usr/bin/env bash
# Search latency benchmark: /api/search with facets and snippets (default parameters)
# over the 36k OrangeSum articles of ../shared/corpora/orangesum and the fixed query
# list bench/queries/mixed.txt. In process (search_bench --index, through the HTTP
# route's handler, no sockets), then over HTTP against searchd at concurrency 1 and 16
# (search_bench --url: client threads with keep-alive connections). Skips (exit 0) when
# ../shared is absent.
#
# The index is built once with `indexer build --threads 2` into
# $BUILD_DIR/bench-search-index (minutes) and reused; delete it to rebuild.
#
#   bench/search.sh                         BUILD_DIR=build-x ROUNDS=10 SECONDS_HTTP=20 bench/search.sh
#   THREADS=16 bench/search.sh               searchd --threads (default: searchd's own)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/common.sh"
bench_setup bench/search.sh
bench_need bench/search.sh indexer searchd search_bench
index="$build/bench-search-index"
bench_index bench/search.sh "$index"
queries="$root/bench/queries/mixed.txt"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"

"$build/bin/search_bench" --index "$index" --queries "$queries" --rounds "${ROUNDS:-5}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/frs-bench-search-XXXXXX")
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2> /dev/null || true; wait "$pid" 2> /dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
threads=()
if [ -n "${THREADS:-}" ]; then threads=(--threads "$THREADS"); fi
"$build/bin/searchd" --index "$index" --port 0 "${threads[@]}" 2> "$tmp/searchd.log" &
pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/searchd.log")
  [ -n "$port" ] && break
  if ! kill -0 "$pid" 2> /dev/null; then cat "$tmp/searchd.log" >&2; exit 1; fi
  sleep 0.1
done
if [ -z "$port" ]; then echo "bench/search.sh: searchd did not start" >&2; exit 1; fi

cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
for concurrency in 1 16; do
  before=$(cpu_ticks)
  out=$("$build/bin/search_bench" --url "http://127.0.0.1:$port" --queries "$queries" \
    --concurrency "$concurrency" --seconds "${SECONDS_HTTP:-10}") || true
  after=$(cpu_ticks)
  echo "$out"
  # searchd's CPU per request: what 2 idle cores could serve, whatever the load.
  requests=$(echo "$out" | sed -n 's/.*s: \([0-9]*\) requests.*/\1/p')
  awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN {
    ms = t * 1000 / hz / n;
    printf "  searchd CPU %.2f ms per request (%.0f requests/s per idle core)\n", ms, 1000 / ms;
  }'
done
