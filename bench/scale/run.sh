#!/usr/bin/env bash
# Scale benchmark: N generated articles (bench/scale/generate.py, recombined from
# the OrangeSum articles of ../shared, default 1,000,000), indexed with
# `indexer build --threads 2` under /usr/bin/time -v (build time, CPU, peak RSS,
# index size), then searchd over that index and the mixed query list
# (bench/queries/mixed.txt, or QUERIES=FILE) sent
# over HTTP one at a time: p50/p99 of the client's wall time and of the
# server's took_ms, every answer with its exact facets; then the worst cases for
# facet counting (bench/scale/browse.txt: browsing, every article matches). Skips (exit 0) when
# ../shared is absent. Prints the load average before and after.
#
#   bench/scale/run.sh [N]                  e.g. bench/scale/run.sh 100000
#   BUILD_DIR=build-x SHARDS=2 ROUNDS=5 WORK=/var/tmp/scale KEEP=1 bench/scale/run.sh 1000000
#   NICE=10: run the indexer and searchd under nice -n 10 (shared machine)
#   FRS_BUILD_PART_DOCS=N: documents per part database of each build writer
#   SEARCHD_ARGS="--split-from 0": more searchd flags (word-split, no quoting)
#   (default 20,000; indexer/shards.h PartWriter)
# WORK keeps the generated corpus (scale-N.jsonl.gz, reused when present); the
# index is removed at the end unless KEEP=1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
count="${1:-1000000}"
. "$root/bench/common.sh"
bench_setup bench/scale/run.sh
bench_need bench/scale/run.sh indexer searchd
queries="${QUERIES:-$root/bench/queries/mixed.txt}"
if [ ! -f "$queries" ]; then
  echo "bench/scale/run.sh: $queries is missing (QUERIES=FILE picks another list)" >&2
  exit 1
fi
work="${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/frs-scale-XXXXXX")}"
mkdir -p "$work"
index="$work/index-$count"
nice_cmd=()
[ -n "${NICE:-}" ] && nice_cmd=(nice -n "$NICE")
searchd_pid=""
cleanup() {
  [ -n "$searchd_pid" ] && kill "$searchd_pid" 2>/dev/null && wait "$searchd_pid" 2>/dev/null
  [ "${KEEP:-0}" = 1 ] || rm -rf "$index"
  [ -n "${WORK:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

echo "commit $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- indexer searchd analyzers corpus || echo ' (+ uncommitted changes)'), build $build"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"

data="$work/scale-$count.jsonl.gz"
if [ ! -s "$data" ]; then
  start=$(date +%s.%N)
  python3 "$here/generate.py" --count "$count" --source "$corpus" --out "$data"
  echo "generated $count articles in $(echo "$(date +%s.%N) - $start" | bc) s: $(du -m "$data" | cut -f1) MiB gzip"
fi

rm -rf "$index"
status=0
shard_args=()
[ -n "${SHARDS:-}" ] && shard_args=(--shards "$SHARDS")
/usr/bin/time -v "${nice_cmd[@]}" "$build/bin/indexer" build --index "$index" \
  --threads "${THREADS:-2}" "${shard_args[@]}" "$data" 2> "$work/build.stderr" || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
  cat "$work/build.stderr" >&2
  exit "$status"
fi
bench_build_figures "$work/build.stderr" "$index" "$work/stats.json"
awk -v wall="$wall" -v user="$user" -v sys="$sys" -v rss="$rss_kb" -v docs="$docs" \
    -v size="$size" -v threads="${THREADS:-2}" -v shards="${SHARDS:-1}" 'BEGIN {
  n = split(wall, p, ":"); secs = 0; for (i = 1; i <= n; i++) secs = secs * 60 + p[i];
  printf "build --threads %s (shards %s): %d documents in %.1f s wall (%.1f min), CPU %.1f s, %.0f docs/s\n",
         threads, shards, docs, secs, secs / 60, user + sys, docs / secs;
  printf "  peak RSS %.0f MiB, index %.1f MiB on disk (%.0f bytes/document)\n",
         rss / 1024, size / 1048576, size / docs;
}'
grep -E '^indexed ' "$work/build.stderr" | sed 's/^/  indexer: /' || true
echo "load after build: $(cut -d' ' -f1-3 /proc/loadavg)"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"${nice_cmd[@]}" "$build/bin/searchd" --index "$index" --port "$port" --threads 2 ${SEARCHD_ARGS:-} \
  2> "$work/searchd.log" &
searchd_pid=$!
status=0
python3 "$here/latency.py" --url "http://127.0.0.1:$port" --queries "$queries" \
  --rounds "${ROUNDS:-3}" || status=$?
echo "worst cases for exact facets ($here/browse.txt):"
python3 "$here/latency.py" --url "http://127.0.0.1:$port" --queries "$here/browse.txt" \
  --rounds "${ROUNDS:-3}" --rss-pid "$searchd_pid" || status=$?
echo "load after search: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
