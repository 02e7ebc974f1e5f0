#!/usr/bin/env bash
# Our engine side by side with PostgreSQL full-text search, SQLite FTS5 and
# Sphinx 2.2 on the 36k OrangeSum articles of ../shared/corpora/orangesum: the
# same articles and the same mixed query list through each, one engine after
# the other in one run (see peers.py for what is measured and how).
#
# usage: bench/peers/run.sh [--build-dir DIR] [--passes N] [--engines "ours postgres ..."]
#
#   --build-dir DIR  CMake build folder with bin/indexer and bin/searchd
#                    (default: build, or $FRS_BUILD_DIR); built if missing
#   --passes N       measured passes over the queries after the warm-up (default 3)
#   --engines LIST   a subset of: ours postgres sqlite sphinx
#
# Installs what is missing with apt-get (as root): postgresql, postgresql-contrib
# (unaccent), sphinxsearch, sqlite3. Every server listens on 127.0.0.1 only, in
# a temporary folder, and is stopped at exit. The queries are
# bench/queries/mixed.txt when it exists, else bench/peers/queries.txt.
# Results (table.md, results.json, hits.tsv) go to BUILD/peers-results/.
# Skips (exit 0) when ../shared is absent. Takes several minutes.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
corpus=$root/../shared/corpora/orangesum
build=${FRS_BUILD_DIR:-$root/build}
passes=3
engines="ours postgres sqlite sphinx"
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build=$2; shift ;;
    --passes) passes=$2; shift ;;
    --engines) engines=$2; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done
case "$build" in /*) ;; *) build=$root/$build ;; esac

if ! ls "$corpus"/*.jsonl.gz >/dev/null 2>&1; then
  echo "peers: skipped: $corpus is absent"
  exit 0
fi
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
# Debian's python3 (standard library, sqlite3 with FTS5), whatever is first on PATH.
python=/usr/bin/python3
[ -x "$python" ] || python=python3

# ---- the peers, installed when missing ------------------------------------------
need=()
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
ls /usr/share/postgresql/*/extension/unaccent.control >/dev/null 2>&1 || need+=(postgresql-contrib)
command -v psql >/dev/null || need+=(postgresql-client)
{ [ -x /usr/bin/searchd ] && [ -x /usr/bin/indexer ]; } || need+=(sphinxsearch)
command -v sqlite3 >/dev/null || need+=(sqlite3)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "peers: missing ${need[*]}: apt-get install them (as root) first" >&2
    exit 1
  fi
  log "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
"$python" -c 'import sqlite3; sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE t USING fts5(a)")' \
  || { echo "peers: $python's sqlite3 has no FTS5" >&2; exit 1; }

# ---- ours ---------------------------------------------------------------------
if [ ! -x "$build/bin/indexer" ] || [ ! -x "$build/bin/searchd" ]; then
  [ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  log "building indexer and searchd in $build"
  cmake --build "$build" -j2 --target indexer searchd >/dev/null
fi

queries=$root/bench/queries/mixed.txt
[ -f "$queries" ] || queries=$root/bench/peers/queries.txt

# ---- scratch space; every server stopped at exit --------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/frs-peers-XXXXXX")
chmod 755 "$work"
cleanup() {
  # peers.py stops its servers; this catches what an interrupted run left.
  local pg
  for pg in "$work"/postgres/data; do
    if [ -f "$pg/postmaster.pid" ]; then
      local pgctl
      pgctl=$(ls /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -1)
      if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$pgctl" -D "$pg" -m immediate -w stop
      else "$pgctl" -D "$pg" -m immediate -w stop; fi >/dev/null 2>&1 || true
    fi
  done
  if [ -f "$work/sphinx/searchd.pid" ]; then
    kill "$(cat "$work/sphinx/searchd.pid")" 2>/dev/null || true
  fi
  if [ -n "${py_pid:-}" ]; then
    pkill -TERM -P "$py_pid" 2>/dev/null || true
    kill "$py_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "load average: $(cut -d' ' -f1-3 /proc/loadavg); queries: ${queries#$root/}"
start=$(date +%s)
# shellcheck disable=SC2086
"$python" "$root/bench/peers/peers.py" run --docs "$corpus"/*.jsonl.gz --queries "$queries" \
  --ours-bin "$build/bin" --work "$work" --out "$build/peers-results" --passes "$passes" \
  --engines $engines &
py_pid=$!
wait "$py_pid"
py_pid=""
echo "Command: bench/peers/run.sh --build-dir ${build#$root/} --passes $passes; $(( $(date +%s) - start ))s in all."
echo "Saved in ${build#$root/}/peers-results/ (table.md, results.json, hits.tsv)."
