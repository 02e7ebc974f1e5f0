#!/usr/bin/env python3
"""Sequential /api/search latency over HTTP for a query list (bench/scale/run.sh).

Each line of the list is one request: key=value pairs joined by '&', raw UTF-8
('#' starts a comment), sent as /api/search?... with default page, sort, facets
and snippets. Waits for /health, sends the whole list once to warm up, then
ROUNDS times; prints p50/p90/p99/max of the client's wall time (a new loopback
connection per request, JSON read in full) and of the server's took_ms, the
slowest queries, and searchd's peak RSS (VmHWM) when --rss-pid is given.
Python 3 standard library only.
"""

import argparse
import http.client
import json
import sys
import time
import urllib.parse


def load_queries(path):
    queries = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            pairs = [tuple(p.split("=", 1)) if "=" in p else (p, "") for p in line.split("&")]
            queries.append((line, urllib.parse.urlencode(pairs)))
    return queries


def get(host, port, path, timeout=60):
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path)
        res = conn.getresponse()
        return res.status, res.read()
    finally:
        conn.close()


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, int(round(p / 100.0 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def vm_hwm_mib(pid):
    try:
        with open("/proc/%d/status" % pid) as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="http://HOST:PORT of searchd")
    parser.add_argument("--queries", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rss-pid", type=int)
    args = parser.parse_args(argv)
    url = urllib.parse.urlsplit(args.url)
    host, port = url.hostname, url.port

    deadline = time.time() + 600  # a large index takes a while to open cold
    while True:
        try:
            status, body = get(host, port, "/health", timeout=5)
            if status == 200:
                documents = json.loads(body)["documents"]
                break
        except OSError:
            pass
        if time.time() > deadline:
            raise SystemExit("latency.py: searchd did not answer /health")
        time.sleep(0.2)

    queries = load_queries(args.queries)
    wall, took, by_query, errors = [], [], {}, 0
    facet_values = 0
    start = time.time()
    for round_number in range(args.rounds + 1):  # round 0 warms up
        for text, encoded in queries:
            t0 = time.perf_counter()
            status, body = get(host, port, "/api/search?" + encoded)
            elapsed = (time.perf_counter() - t0) * 1000.0
            if status != 200:
                errors += 1
                print("latency.py: %s: %d %s" % (text, status, body[:200]), file=sys.stderr)
                continue
            answer = json.loads(body)
            if "facets" not in answer:
                errors += 1
                print("latency.py: %s: no facets" % text, file=sys.stderr)
            if round_number == 0:
                facet_values += sum(len(v) for v in answer.get("facets", {}).values())
                continue
            wall.append(elapsed)
            took.append(float(answer.get("took_ms", "nan")))
            by_query.setdefault(text, []).append((elapsed, answer.get("total", 0)))
    seconds = time.time() - start

    print("search over HTTP, sequential: %d documents, %d queries x %d rounds (+1 warm-up), "
          "%.1f s, %d errors" % (documents, len(queries), args.rounds, seconds, errors))
    for name, values in (("client wall ms", wall), ("server took_ms", took)):
        print("  %-14s p50 %7.2f  p90 %7.2f  p99 %7.2f  max %7.2f" % (
            name, percentile(values, 50), percentile(values, 90), percentile(values, 99),
            max(values) if values else float("nan")))
    print("  facet values returned per query (mean): %.1f" % (facet_values / max(1, len(queries))))
    slowest = sorted(by_query.items(), key=lambda kv: -max(e for e, _ in kv[1]))[:5]
    for text, runs in slowest:
        print("  slowest: %7.2f ms  total %8d  %s" % (max(e for e, _ in runs), runs[0][1], text))
    if args.rss_pid:
        print("  searchd peak RSS %.0f MiB" % vm_hwm_mib(args.rss_pid))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
