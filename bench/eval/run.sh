#!/usr/bin/env bash
# The relevance harness of docs/RELEVANCE.md, in one command: our engine and
# three baselines (Xapian default, SQLite FTS5, PostgreSQL) on the PIAF
# questions of ../shared/eval/piaf, with the OrangeSum articles as distractors,
# each question as written and without accents. Prints one Markdown table.
#
# usage: bench/eval/run.sh [--fresh-baselines] [--no-baselines] [--no-ours]
#                          [--index DIR] [--build-dir DIR]
#
#   --fresh-baselines  recompute the baseline runs even when cached
#   --no-baselines     only our engine (the table shows the cached baselines, if any)
#   --no-ours          only the baselines
#   --index DIR        our index: built there if DIR does not exist, reused if it
#                      does (saves the indexing time while tuning the query side)
#   --build-dir DIR    CMake build folder (default: build, or $FRS_BUILD_DIR)
#
# Results (TREC runs, per-query TSVs, table.md) go to BUILD/eval-results/.
# Baseline runs depend only on the documents, the questions, the baseline code
# and the engines' versions; they are cached under BUILD/eval-cache/ by a hash
# of all of these, since PostgreSQL's ts_rank_cd alone takes many minutes.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
shared=$root/../shared
piaf=$shared/eval/piaf
build=${FRS_BUILD_DIR:-$root/build}
fresh=0 baselines=1 ours=1 index=""
while [ $# -gt 0 ]; do
  case "$1" in
    --fresh-baselines) fresh=1 ;;
    --no-baselines) baselines=0 ;;
    --no-ours) ours=0 ;;
    --index) index=$2; shift ;;
    --build-dir) build=$2; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done

if [ ! -f "$piaf/queries-dev.tsv" ] || ! ls "$shared"/corpora/orangesum/articles-*.jsonl.gz >/dev/null 2>&1; then
  echo "eval: skipped: the evaluation data ($shared/eval/piaf, $shared/corpora/orangesum) is absent"
  exit 0
fi
start=$(date +%s)
questions=$piaf/queries-dev.tsv
qrels=$piaf/qrels-dev.txt
docs=("$piaf/paragraphs.jsonl" "$shared"/corpora/orangesum/articles-*.jsonl.gz)
results=$build/eval-results
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
# Debian's python3 (stdlib only) and its sqlite3, whatever else is first on PATH.
python=/usr/bin/python3
[ -x "$python" ] || python=python3

# ---- build --------------------------------------------------------------------
targets=(eval_tool eval_xapian)
[ $ours -eq 1 ] && targets+=(indexer eval_ours)
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" >/dev/null
log "building ${targets[*]} in $build"
cmake --build "$build" -j2 --target "${targets[@]}" >/dev/null
bin=$build/bin

# ---- scratch space, removed at exit (a private PostgreSQL is stopped first) ----
work=$(mktemp -d "${TMPDIR:-/tmp}/frs-eval-XXXXXX")
pgdata="" pgbin=""
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  if [ -n "$pgdata" ] && [ -f "$pgdata/postmaster.pid" ]; then
    as_pg "$pgbin/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$results"
chmod 755 "$work"

"$bin/eval_tool" strip-accents <"$questions" >"$work/questions-noaccents.tsv"
n_questions=$(grep -c . "$questions")

# ---- baseline cache -----------------------------------------------------------
pg_version() { ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1; }
cache_key=$( {
  cat "$root"/bench/eval/{baselines.py,eval_xapian.cc,metrics.cc,metrics.h}
  sha256sum "${docs[@]}" "$questions" | cut -d' ' -f1
  "$python" -c 'import sqlite3; print(sqlite3.sqlite_version)'
  pkg-config --modversion xapian-core 2>/dev/null || xapian-config --version 2>/dev/null || true
  pg_version
} | sha256sum | cut -c1-16)
cache=$build/eval-cache/$cache_key
cached() { [ $fresh -eq 0 ] && [ -s "$cache/$1-written.run" ] && [ -s "$cache/$1-noaccents.run" ]; }
store() {  # store SYSTEM: keep a finished baseline's runs
  mkdir -p "$cache"
  cp "$work/$1-written.run" "$work/$1-noaccents.run" "$cache/"
}

# ---- the systems, run concurrently (two cores between them) ---------------------
pids=()
run_xapian() {
  "$bin/eval_xapian" --db "$work/xapian-db" --docs "${docs[@]}" \
    --questions "$questions" "$work/questions-noaccents.tsv" \
    --runs "$work/xapian-written.run" "$work/xapian-noaccents.run" && store xapian
}
run_sqlite() {
  "$python" "$root/bench/eval/baselines.py" sqlite --tmp "$work" --jobs 2 --docs "${docs[@]}" \
    --queries "$questions" "$work/questions-noaccents.tsv" \
    --runs "$work/sqlite-written.run" "$work/sqlite-noaccents.run" && store sqlite
}
start_postgres() {
  pgbin=/usr/lib/postgresql/$(pg_version)/bin
  if [ ! -x "$pgbin/pg_ctl" ] || [ ! -f "/usr/share/postgresql/$(pg_version)/extension/unaccent.control" ]; then
    if [ "$(id -u)" -eq 0 ]; then
      log "installing postgresql and postgresql-contrib"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >/dev/null
      pgbin=/usr/lib/postgresql/$(pg_version)/bin
    else
      log "postgres: not installed (apt-get install postgresql postgresql-contrib); skipped"
      return 1
    fi
  fi
  pgdata=$work/pg/data
  mkdir -p "$work/pg"
  [ "$(id -u)" -eq 0 ] && chown postgres "$work/pg"
  pgport=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_pg "$pgbin/initdb" -D "$pgdata" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$work/pg-initdb.log" 2>&1
  as_pg "$pgbin/pg_ctl" -D "$pgdata" -l "$work/pg/server.log" -w -o \
    "-c listen_addresses=127.0.0.1 -p $pgport -c unix_socket_directories=$work/pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=512MB -c maintenance_work_mem=512MB -c max_wal_size=4GB" \
    start >/dev/null
}
run_postgres() {
  "$python" "$root/bench/eval/baselines.py" postgres --port "$pgport" --tmp "$work" --jobs 2 \
    --docs "${docs[@]}" --queries "$questions" "$work/questions-noaccents.tsv" \
    --runs "$work/postgres-written.run" "$work/postgres-noaccents.run" && store postgres
}
run_ours() {
  local dir=${index:-$work/ours-index}
  if [ ! -e "$dir" ]; then
    local t0=$(date +%s)
    "$bin/indexer" build --index "$dir" --threads 2 "${docs[@]}" >&2
    log "ours: indexed in $(( $(date +%s) - t0 ))s"
  else
    log "ours: reusing the index $dir"
  fi
  "$bin/eval_ours" --index "$dir" --questions "$questions" --qrels "$qrels" --out "$work" >&2
}

systems=()
if [ $ours -eq 1 ]; then
  systems+=(ours)
  run_ours &
  pids+=($!)
fi
if [ $baselines -eq 1 ]; then
  for s in xapian sqlite postgres; do
    if cached "$s"; then
      log "$s: cached runs ($cache)"
      continue
    fi
    if [ $s = postgres ]; then
      start_postgres || continue
    fi
    log "$s: running"
    "run_$s" &
    pids+=($!)
  done
fi
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
[ $failed -eq 0 ] || { log "a system failed; see the messages above"; exit 1; }

# ---- collect and print ----------------------------------------------------------
for s in ours xapian sqlite postgres; do
  if [ -s "$work/$s-written.run" ]; then
    cp "$work/$s-written.run" "$work/$s-noaccents.run" "$results/"
  elif [ $s != ours ] && [ -s "$cache/$s-written.run" ]; then
    cp "$cache/$s-written.run" "$cache/$s-noaccents.run" "$results/"
  else
    continue
  fi
  [ $s = ours ] || systems+=("$s")
done
"$bin/eval_tool" table --questions "$questions" --qrels "$qrels" --dir "$results" "${systems[@]}" \
  | tee "$results/table.md"
echo
echo "$n_questions questions ($(basename "$questions")), ${#docs[@]} input files; $(( $(date +%s) - start ))s in all."
echo "Per-query TSVs and runs: $results/"
