#!/usr/bin/env bash
# Indexing benchmark: `indexer build --threads 2` over the 36k OrangeSum articles
# of ../shared/corpora/orangesum, under /usr/bin/time -v, into a temporary folder.
# Prints documents, wall and CPU seconds, docs/s, MB/s (uncompressed input), peak
# RSS, the index size on disk and the load average (the machine is shared: compare
# docs per CPU-second, or two binaries run one after the other). Skips (exit 0)
# when ../shared is absent.
#
#   bench/index.sh [indexer options...]     e.g. bench/index.sh --shards 2
#   BUILD_DIR=build-x THREADS=1 bench/index.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/common.sh"
bench_setup bench/index.sh
bench_need bench/index.sh indexer
indexer="$build/bin/indexer"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/frs-bench-index-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

input_bytes=0
for f in "$corpus"/*.jsonl.gz; do
  input_bytes=$((input_bytes + $(gzip -dc "$f" | wc -c)))
done

load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
status=0
/usr/bin/time -v "$indexer" build --index "$tmp/index" --threads "${THREADS:-2}" "$@" "$corpus" \
  2> "$tmp/stderr" || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
  cat "$tmp/stderr" >&2
  exit "$status"
fi

bench_build_figures "$tmp/stderr" "$tmp/index" "$tmp/stats.json"

awk -v wall="$wall" -v user="$user" -v sys="$sys" -v rss="$rss_kb" -v docs="$docs" \
    -v size="$size" -v bytes="$input_bytes" -v threads="${THREADS:-2}" 'BEGIN {
  n = split(wall, p, ":"); secs = 0; for (i = 1; i <= n; i++) secs = secs * 60 + p[i];
  printf "indexer build --threads %s: %d documents, %.1f MB of text\n", threads, docs, bytes / 1e6;
  printf "  wall %.2f s, CPU %.2f s (user %.2f + sys %.2f)\n", secs, user + sys, user, sys;
  printf "  %.0f docs/s, %.2f MB/s (wall); %.0f docs per CPU-second\n",
         docs / secs, bytes / 1e6 / secs, docs / (user + sys);
  printf "  peak RSS %.0f MiB, index %.1f MiB on disk\n", rss / 1024, size / 1048576;
}'
echo "  load average (1/5/15 min) before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")"
grep -E '^indexed ' "$tmp/stderr" | sed 's/^/  indexer: /'
