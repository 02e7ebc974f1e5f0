#!/usr/bin/env bash
# Stress of searchd while its index is replaced: CLIENTS curl loops over every
# endpoint (search, browse, negated words, article, related by id and by text,
# suggest, export CSV and NDJSON, health, metrics) while a writer loop rebuilds
# the sample corpus with 1, 2 and 3 shards and adds and deletes articles, for
# SECONDS. Fails (exit 1) when searchd dies or any answer is not a 200. By hand,
# not in ctest (docs/RELIABILITY.md): run it against a plain, ASan or TSan build.
#
#   tests/reliability/stress.sh [BUILD_DIR] [SECONDS] [CLIENTS]
#   FRS_STRESS_BURN=2 ...  also keeps 2 busy loops running (a loaded CI machine)
#
# Under TSan, set TSAN_OPTIONS (e.g. halt_on_error=1) and read searchd.log.
set -euo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build}
seconds=${2:-60}
clients=${3:-4}
indexer=$build/bin/indexer
searchd=$build/bin/searchd
for binary in "$indexer" "$searchd"; do
  [[ -x $binary ]] || { echo "stress.sh: $binary is not built" >&2; exit 2; }
done
command -v curl >/dev/null || { echo "stress.sh: needs curl" >&2; exit 2; }

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
echo "stress.sh: work folder $work (removed when it passes)"

index=$work/index
sample=$here/corpus/sample
"$indexer" build --index "$index" "$sample" 2>>"$work/indexer.log"

"$searchd" --index "$index" --port 0 --threads 2 2>"$work/searchd.log" &
searchd_pid=$!
pids+=("$searchd_pid")
port=
for _ in $(seq 600); do
  port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/searchd.log")
  [[ -n $port ]] && break
  sleep 0.1
done
[[ -n $port ]] || { echo "stress.sh: searchd did not start" >&2; cat "$work/searchd.log" >&2; exit 1; }
base=http://127.0.0.1:$port
id=$(curl -sf "$base/api/search?q=sante&per_page=1" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')

if [[ ${FRS_STRESS_BURN:-0} -gt 0 ]]; then
  for _ in $(seq "$FRS_STRESS_BURN"); do
    (while :; do :; done) &
    pids+=("$!")
  done
fi

deadline=$((SECONDS + seconds))
client() {
  local n=$1 requests=0 failures=0 code
  local gets=("/api/search?q=sante" "/api/search?q=&per_page=100" "/api/search?q=-sante+donnees"
    "/api/search?q=sante+NOT+hopital&category=Sant%C3%A9" "/api/articles/$id"
    "/api/articles/$id/related?n=5" "/api/suggest?q=san" "/api/export?q=sante&format=csv"
    "/api/export?q=&format=ndjson" "/health" "/metrics")
  while ((SECONDS < deadline)); do
    for path in "${gets[@]}" POST; do
      if [[ $path == POST ]]; then
        code=$(curl -s -o /dev/null -w '%{http_code}' -m 30 -H 'Content-Type: application/json' \
          -d '{"text": "Les données de santé des hôpitaux publics", "n": 5}' "$base/api/related" ||
          echo 000)
      else
        code=$(curl -s -o /dev/null -w '%{http_code}' -m 30 "$base$path" || echo 000)
      fi
      requests=$((requests + 1))
      if [[ $code != 200 ]]; then
        failures=$((failures + 1))
        echo "client $n: $path answered $code" >>"$work/failures.log"
      fi
    done
  done
  echo "$requests $failures" >"$work/client$n"
}
for n in $(seq "$clients"); do
  client "$n" &
  pids+=("$!")
done

round=0
while ((SECONDS < deadline)); do
  shards=$((round % 3 + 1))
  "$indexer" build --index "$index" --shards "$shards" --threads 2 "$sample" 2>>"$work/indexer.log"
  for add in 1 2; do
    file=$work/extra-$round-$add.jsonl
    for k in $(seq 20); do
      printf '{"id": "x%s-%s-%s", "title": "Santé %s", "date": "2024-01-1%s", "body": "Les données de santé, article %s"}\n' \
        "$round" "$add" "$k" "$k" "$((k % 10))" "$k"
    done >"$file"
    "$indexer" add --index "$index" "$file" 2>>"$work/indexer.log"
  done
  "$indexer" delete --index "$index" "x$round-1-1" "x$round-2-2" 2>>"$work/indexer.log"
  round=$((round + 1))
done
for n in $(seq "$clients"); do
  while [[ ! -s $work/client$n ]] && kill -0 "$searchd_pid" 2>/dev/null; do sleep 0.2; done
done

requests=0
failures=0
for n in $(seq "$clients"); do
  [[ -s $work/client$n ]] || continue
  read -r r f <"$work/client$n"
  requests=$((requests + r))
  failures=$((failures + f))
done
alive=yes
kill -0 "$searchd_pid" 2>/dev/null || alive=no
kill "$searchd_pid" 2>/dev/null || true
wait "$searchd_pid" 2>/dev/null || true
# Sanitizer reports (TSan's warnings do not stop the process), searchd's and the indexer's.
reports=$(cat "$work/searchd.log" "$work/indexer.log" |
  grep -c -E 'WARNING: ThreadSanitizer|ERROR: AddressSanitizer|runtime error:' || true)
echo "stress.sh: $round rebuilds, $requests requests, $failures not 200," \
  "searchd alive: $alive, sanitizer reports: $reports"
if [[ $alive == no || $failures -gt 0 || $reports -gt 0 ]]; then
  [[ -f $work/failures.log ]] && head -20 "$work/failures.log"
  tail -30 "$work/searchd.log"
  echo "stress.sh: logs kept in $work"
  exit 1
fi
cleanup
rm -rf "$work"
