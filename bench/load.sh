#!/usr/bin/env bash
# Load test: wrk (Debian's; `scripts/setup.sh load` installs it) with 64
# concurrent keep-alive connections for 60 s against searchd on loopback over
# the 36k OrangeSum articles of ../shared/corpora/orangesum, cycling through
# bench/queries/mixed.txt (bench/load/queries.lua). Reports requests/s, the
# latency percentiles (p99 among them), non-2xx answers and socket errors, and
# searchd's RSS sampled every second; fails (exit 1) on any error or when the
# RSS grows after warm-up (last third of the run vs the first third after the
# first 20 s) by more than RSS_GROWTH_PCT (default 10) percent. Skips (exit 0)
# when ../shared is absent.
#
# The index is built once into $BUILD_DIR/bench-search-index (shared with
# bench/search.sh) and reused; delete it to rebuild.
#
#   bench/load.sh
#   CONNECTIONS=64 DURATION=60 WRK_THREADS=2 THREADS=N BUILD_DIR=build INDEX=DIR bench/load.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/common.sh"
bench_setup bench/load.sh
bench_need bench/load.sh indexer searchd
command -v wrk >/dev/null || "$root/scripts/setup.sh" load
connections="${CONNECTIONS:-64}"
duration="${DURATION:-60}"
growth_pct="${RSS_GROWTH_PCT:-10}"

index="${INDEX:-$build/bench-search-index}"
bench_index bench/load.sh "$index"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/frs-load-XXXXXX")
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [ -n "${KEEP_RSS:-}" ] && cp "$tmp/rss.kb" "$KEEP_RSS"
  rm -rf "$tmp"
}
trap cleanup EXIT

# searchd on a free loopback port (the kernel picks it; read back from its log).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
threads_flag=()
[ -n "${THREADS:-}" ] && threads_flag=(--threads "$THREADS")
"$build/bin/searchd" --index "$index" --host 127.0.0.1 --port "$port" "${threads_flag[@]}" \
  2> "$tmp/searchd.log" &
pid=$!
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/searchd.log" >&2; exit 1; }
  sleep 0.1
done
documents=$(curl -fsS "http://127.0.0.1:$port/health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["documents"])')

# RSS every second while wrk runs.
(
  while kill -0 "$pid" 2>/dev/null; do
    awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true
    sleep 1
  done
) > "$tmp/rss.kb" &
sampler=$!

echo "bench/load.sh: $connections connections for ${duration}s against searchd ($documents documents,"
echo "  load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
wrk --threads "${WRK_THREADS:-2}" --connections "$connections" --duration "${duration}s" \
  --timeout 10s --latency --script "$root/bench/load/queries.lua" \
  "http://127.0.0.1:$port" -- "$root/bench/queries/mixed.txt" > "$tmp/wrk.txt" 2>&1 || true
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
alive=1
kill -0 "$pid" 2>/dev/null || alive=0
echo "  load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
sed 's/^/  wrk: /' "$tmp/wrk.txt"

requests=$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$tmp/wrk.txt")
non2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$tmp/wrk.txt")
socket_errors=$(sed -n 's/^ *Socket errors: *\(.*\)$/\1/p' "$tmp/wrk.txt")
p99=$(awk '$1 == "99%" { print $2 }' "$tmp/wrk.txt")
rss=$(awk -v d="$duration" '
  { v[NR] = $1 }
  END {
    warm = 20; n = NR; if (n <= warm + 3) { warm = 0 }
    third = int((n - warm) / 3); if (third < 1) third = 1
    for (i = warm + 1; i <= warm + third; i++) { a += v[i] } a /= third
    for (i = n - third + 1; i <= n; i++) { b += v[i] } b /= third
    min = max = v[1]; for (i = 1; i <= n; i++) { if (v[i] < min) min = v[i]; if (v[i] > max) max = v[i] }
    printf "%d %.0f %.0f %.0f %.0f %.1f\n", n, min / 1024, max / 1024, a / 1024, b / 1024, a ? (b - a) * 100 / a : 0
  }' "$tmp/rss.kb")
read -r samples rss_min rss_max rss_early rss_late rss_growth <<< "$rss"

echo "bench/load.sh: summary"
echo "  requests: ${requests:-0}, p99 latency: ${p99:-?}"
echo "  non-2xx answers: ${non2xx:-0}, socket errors: ${socket_errors:-none}"
echo "  searchd RSS (MiB, $samples samples): min $rss_min, max $rss_max; after warm-up $rss_early -> $rss_late at the end (${rss_growth}%)"

failed=0
[ "$alive" -eq 1 ] || { echo "  FAILED: searchd died" >&2; failed=1; }
[ -n "$requests" ] && [ "$requests" -gt 0 ] || { echo "  FAILED: no request answered" >&2; failed=1; }
[ "${non2xx:-0}" -eq 0 ] || { echo "  FAILED: non-2xx answers" >&2; failed=1; }
[ -z "$socket_errors" ] || { echo "  FAILED: socket errors" >&2; failed=1; }
if awk -v g="$rss_growth" -v max="$growth_pct" 'BEGIN { exit !(g > max) }'; then
  echo "  FAILED: RSS grew ${rss_growth}% after warm-up (limit ${growth_pct}%)" >&2
  failed=1
fi
exit "$failed"
