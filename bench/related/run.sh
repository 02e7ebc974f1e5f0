#!/usr/bin/env bash
# Related articles for a draft (issue 6), evaluated on OrangeSum: reads
# ../shared/corpora/orangesum, writes a copy of the articles without their
# "summary" field into a temporary (or given) folder, indexes it with
# `indexer build --threads 2`, then sends the summaries of a fixed sample of
# 1,000 articles as drafts through Searcher::related_to_text() (the code path of
# POST /api/related) and prints how often the summarised article comes first and
# in the top 5, and the latencies. Skips (exit 0) when ../shared is absent.
#
#   bench/related/run.sh [--index DIR] [--build-dir DIR] [--sample N] [--seed S] [--offset K]
#
#   --index DIR      keep the index there: built if DIR does not exist, reused if
#                    it does (to tune the query side without re-indexing)
#   --build-dir DIR  CMake build folder (default: build, or $FRS_BUILD_DIR)
#   --offset K       skip the first K drafts of the draw: `--offset 1000 --sample 2000`
#                    is the tuning sample, disjoint from the evaluation one (offset 0)
#
# Per-draft results (id, rank or 0, ms, top 5 ids) go to BUILD/related-results.tsv.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
corpus=$root/../shared/corpora/orangesum
build=${FRS_BUILD_DIR:-$root/build}
index="" sample=1000 seed=6 offset=0
while [ $# -gt 0 ]; do
  case "$1" in
    --index) index=$2; shift ;;
    --build-dir) build=$2; shift ;;
    --sample) sample=$2; shift ;;
    --seed) seed=$2; shift ;;
    --offset) offset=$2; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done
if ! ls "$corpus"/articles-*.jsonl.gz >/dev/null 2>&1; then
  echo "bench/related/run.sh: skipped, $corpus is absent"
  exit 0
fi
case "$build" in /*) ;; *) build=$root/$build ;; esac
cmake --build "$build" --target indexer related_eval -j2 >/dev/null
tmp=$(mktemp -d "${TMPDIR:-/tmp}/frs-bench-related-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if [ -z "$index" ]; then index=$tmp/index; fi
if [ ! -e "$index" ]; then
  "$build/bin/related_eval" strip --out "$tmp/stripped" "$corpus"/articles-*.jsonl.gz
  "$build/bin/indexer" build --index "$index" --threads 2 "$tmp/stripped"
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/bin/related_eval" run --index "$index" --sample "$sample" --seed "$seed" --offset "$offset" \
  --out "$build/related-results.tsv" "$corpus"/articles-*.jsonl.gz
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
