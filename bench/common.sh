# The preamble the benchmark scripts share; sourced (`. "$root/bench/common.sh"`),
# not run. Needs $root, the project folder.
#
#   bench_setup NAME         corpus=../shared/corpora/orangesum and build=$BUILD_DIR
#                            (default build, relative to the project); prints
#                            "NAME: skipped, CORPUS is absent" and exits 0 when the
#                            corpus is absent (DATA.md: never required)
#   bench_need NAME TOOL...  exits 1 with a message unless $build/bin/TOOL exists

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
