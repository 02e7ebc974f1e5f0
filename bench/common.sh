# The preamble the benchmark scripts share; sourced (`. "$root/bench/common.sh"`),
# not run. Needs $root, the project folder.
#
#   bench_setup NAME         corpus=../shared/corpora/orangesum and build=$BUILD_DIR
#                            (default build, relative to the project); prints
#                            "NAME: skipped, CORPUS is absent" and exits 0 when the
#                            corpus is absent (DATA.md: never required)
#   bench_need NAME TOOL...  exits 1 with a message unless $build/bin/TOOL exists
# and, below, bench_index (the shared index of the search benchmarks) and
# bench_build_figures (what a timed `indexer build` cost).

bench_setup() {
  corpus="$root/../shared/corpora/orangesum"
  if [ ! -d "$corpus" ]; then
    echo "$1: skipped, $corpus is absent"
    exit 0
  fi
  build="${BUILD_DIR:-$root/build}"
  case "$build" in /*) ;; *) build="$root/$build" ;; esac
}

bench_need() {
  local name="$1" tool
  shift
  for tool in "$@"; do
    if [ ! -x "$build/bin/$tool" ]; then
      echo "$name: $build/bin/$tool is missing: build it first (scripts/build.sh)" >&2
      exit 1
    fi
  done
}

# bench_index NAME INDEX: the OrangeSum corpus indexed into INDEX once
# (`indexer build --threads 2`, stderr in $build/bench-search-index.log), unless
# INDEX/XAPIANDB exists and is newer than the indexer (an index built by an older
# indexer may be of an older format); exit 3 of the indexer (records skipped) is
# no failure.
bench_index() {
  local name="$1" index="$2" status=0
  if [ -e "$index/XAPIANDB" ] && [ "$build/bin/indexer" -nt "$index/XAPIANDB" ]; then
    echo "$name: $index is older than $build/bin/indexer: rebuilding it"
    rm -rf "$index"
  fi
  if [ ! -e "$index/XAPIANDB" ]; then
    echo "$name: indexing $corpus into $index (once)"
    "$build/bin/indexer" build --index "$index" --threads 2 "$corpus" 2> "$build/bench-search-index.log" ||
      status=$?
    if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then  # 3: some records were skipped
      cat "$build/bench-search-index.log" >&2
      exit "$status"
    fi
  fi
}

# bench_build_figures TIME_REPORT INDEX STATS_JSON: wall, user, sys and rss_kb from
# the report of `/usr/bin/time -v`; docs and size (bytes) from `indexer stats`,
# whose JSON is written to STATS_JSON.
bench_build_figures() {
  local report="$1"
  wall=$(bench_time_field "$report" 'Elapsed (wall clock) time (h:mm:ss or m:ss)')
  user=$(bench_time_field "$report" 'User time (seconds)')
  sys=$(bench_time_field "$report" 'System time (seconds)')
  rss_kb=$(bench_time_field "$report" 'Maximum resident set size (kbytes)')
  "$build/bin/indexer" stats --index "$2" > "$3"
  docs=$(sed -n 's/^ *"documents": \([0-9]*\).*/\1/p' "$3")
  size=$(sed -n 's/^ *"size_bytes": \([0-9]*\).*/\1/p' "$3")
}

# bench_time_field TIME_REPORT NAME: one value of a `/usr/bin/time -v` report.
bench_time_field() {
  sed -n "s/^[[:space:]]*$2: //p" "$1" | head -1
}
