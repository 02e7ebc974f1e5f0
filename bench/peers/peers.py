#!/usr/bin/env python3
"""Side-by-side benchmark of our engine and what a user would pick instead.

The same articles and the same mixed query list go through four engines, one
after the other in one run, each on loopback:

  ours      build/bin/indexer build --threads 2, then searchd over HTTP
            (GET /api/search, top 10 with exact facets and snippets).
  postgres  PostgreSQL full-text search: a copy of `french` with `unaccent`
            before the French stemmer, tsvector setweight(title, 'A') || body,
            GIN index, ts_rank_cd; category facet by GROUP BY over unnest().
            Spoken to over its wire protocol (simple query, trust auth).
  sqlite    SQLite FTS5 'unicode61 remove_diacritics 2' (no stemming), bm25()
            with title weight 2; category facet by GROUP BY. In-process, in a
            worker process of its own so its peak RSS is its own.
  sphinx    Sphinx 2.2 plain index from a tsvpipe source, morphology
            libstemmer_fr, charset_table non_cjk (folds accents), SPH04-like
            default ranking; category facet by a second query GROUP BY over an
            MVA. Spoken to over SphinxQL (the MySQL protocol, the tiny subset).

For each engine: indexing docs/s and MB/s (uncompressed JSON Lines bytes),
index size on disk, peak memory (PSS of the server process tree sampled every
0.2 s; ru_maxrss for batch indexers), latency p50/p99 over sequential queries
after a warm-up pass, how many queries return nothing, and how many unaccented
queries return nothing while their accented form has matches. A Markdown table
with ratios ours/peer is printed and saved.

Query semantics are each engine's natural default for words typed by a user:
peers AND the words (websearch_to_tsquery, FTS5 implicit AND, Sphinx extended
syntax); ours ORs them with the documents that have more of them first, which
matches more documents and is more work to rank.

Standard library only. run.sh installs the engines, prepares the folders and
stops whatever is left at exit; the servers are also stopped here.
"""

import argparse
import csv
import gzip
import http.client
import json
import math
import os
import re
import resource
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import threading
import time
import unicodedata
import urllib.parse
from dataclasses import dataclass, field

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "eval"))
from baselines import WORD  # noqa: E402  the FTS5 tokenizer's notion of a word

TOP = 10
ENGINES = ("ours", "postgres", "sqlite", "sphinx")


def log(msg):
    print(f"  [{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---- queries -----------------------------------------------------------------

@dataclass
class Query:
    """One request of the list: q (may be empty), and the other parameters of
    /api/search: category (a list), from, to, sort, page."""
    text: str
    filters: dict = field(default_factory=dict)
    kind: str = ""
    source: int = -1  # for "unaccented": index of the accented query

    def categories(self):
        return self.filters.get("category", [])


PARAMS = ("category", "from", "to", "sort", "page")
FIELD = re.compile(r"^(?:title|titre):", re.IGNORECASE)


def strip_accents(text):
    """text without combining marks (é -> e, Œ stays: it is a letter)."""
    return unicodedata.normalize("NFC", "".join(
        c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)))


def classify(text, filters):
    if not text.strip():
        return "empty q"
    if any(k in filters for k in ("category", "from", "to")):
        return "filtered"
    if any(k in filters for k in ("sort", "page")):
        return "sort/page"
    words = text.split()
    if any(w in ("OR", "OU", "AND", "ET", "NOT", "SAUF") or w.startswith("-") or w.endswith("*")
           or FIELD.match(w) for w in words):
        return "operators"
    if '"' in text:
        return "phrase"
    return {1: "one word", 2: "two words"}.get(len(words), "3+ words")


def parse_query_line(line, number=0):
    """Query of a line "q=TEXT&key=value&..." (raw UTF-8, not percent-encoded,
    the format of bench/queries/mixed.txt)."""
    text, filters = None, {}
    for item in line.split("&"):
        key, sep, value = item.partition("=")
        if not sep or (key != "q" and key not in PARAMS):
            raise ValueError(f"line {number}: bad parameter {item!r}")
        if key == "q":
            text = value
        elif key == "category":
            filters.setdefault("category", []).append(value)
        else:
            filters[key] = value
    if text is None:
        raise ValueError(f"line {number}: no q=")
    return Query(text, filters, classify(text, filters))


def parse_queries(lines):
    """Queries of a list file, # comments. Each query with accents is paired
    with its unaccented form: the one already in the list, else one added at
    the end (kind "unaccented")."""
    out = []
    for number, line in enumerate(lines, 1):
        line = line.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        out.append(parse_query_line(line, number))
    index = {(q.text, json.dumps(q.filters, sort_keys=True)): i for i, q in enumerate(out)}
    derived = []
    for i, q in enumerate(list(out)):
        plain = strip_accents(q.text)
        if plain == q.text:
            continue
        key = (plain, json.dumps(q.filters, sort_keys=True))
        if key in index:
            twin = out[index[key]]
            twin.kind, twin.source = "unaccented", i
        else:
            derived.append(Query(plain, json.loads(json.dumps(q.filters)), "unaccented", i))
    return out + derived


@dataclass
class Term:
    kind: str  # word, phrase, prefix
    words: list


def query_clauses(text):
    """(clauses, excluded): the query as an AND of clauses, each an OR of
    Terms, and the Terms it excludes (-word, NOT word). Words are as the FTS5
    tokenizer sees them (elisions split: l'ordre -> l ordre); a title: field
    is searched as a plain word by the peers."""
    clauses, excluded = [], []
    pending_or = pending_not = False
    for token in re.findall(r'-?"[^"]*"?|\S+', text):
        if token in ("OR", "OU"):
            pending_or = bool(clauses)
            continue
        if token in ("AND", "ET"):
            continue
        if token in ("NOT", "SAUF"):
            pending_not = True
            continue
        negated = pending_not or (token.startswith("-") and len(token) > 1)
        token = token[1:] if token.startswith("-") else token
        token = FIELD.sub("", token)
        words = WORD.findall(token)
        if not words:
            continue
        if token.startswith('"'):
            terms = [Term("phrase", words)]
        elif token.endswith("*") and len(words) == 1:
            terms = [Term("prefix", words)]
        else:
            terms = [Term("word", [w]) for w in words]
        if negated:
            excluded.extend(terms)
        elif pending_or:
            clauses[-1].append(terms[0])
            clauses.extend([t] for t in terms[1:])
        else:
            clauses.extend([t] for t in terms)
        pending_or = pending_not = False
    return clauses, excluded


def fts5_term(t):
    quoted = '"' + " ".join(t.words) + '"'
    return quoted + "*" if t.kind == "prefix" else quoted


def fts5_query(text):
    """FTS5 MATCH expression: clauses ANDed, alternatives ORed, NOT at the
    end; empty when nothing positive is left."""
    clauses, excluded = query_clauses(text)
    if not clauses:
        return ""
    expr = " AND ".join(fts5_term(c[0]) if len(c) == 1
                        else "(" + " OR ".join(map(fts5_term, c)) + ")" for c in clauses)
    for t in excluded:
        expr += " NOT " + fts5_term(t)
    return expr


def sphinx_term(t):
    if t.kind == "phrase":
        return '"' + " ".join(t.words) + '"'
    return t.words[0] + ("*" if t.kind == "prefix" else "")


def sphinx_query(text):
    """Sphinx extended-syntax expression (AND implicit, | for OR, -word)."""
    clauses, excluded = query_clauses(text)
    if not clauses:
        return ""
    parts = [sphinx_term(c[0]) if len(c) == 1 else "(" + " | ".join(map(sphinx_term, c)) + ")"
             for c in clauses]
    parts += ["-" + sphinx_term(t) for t in excluded]
    return " ".join(parts)


def pg_term(t):
    text = sql_literal(" ".join(t.words))
    if t.kind == "phrase":
        return f"phraseto_tsquery('fr_unaccent', {text})"
    if t.kind == "prefix":
        return f"to_tsquery('fr_unaccent', {sql_literal(t.words[0] + ':*')})"
    return f"plainto_tsquery('fr_unaccent', {text})"


def pg_tsquery(text):
    """SQL expression of the tsquery (&&, ||, !! of per-term tsqueries), or
    None when nothing positive is left."""
    clauses, excluded = query_clauses(text)
    if not clauses:
        return None
    parts = [pg_term(c[0]) if len(c) == 1 else "(" + " || ".join(map(pg_term, c)) + ")"
             for c in clauses]
    parts += ["!!" + pg_term(t) for t in excluded]
    return " && ".join(parts)


def sql_literal(text):
    """A standard SQL string literal (PostgreSQL, standard_conforming_strings)."""
    return "'" + text.replace("'", "''") + "'"


def sphinxql_literal(text):
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def page_offset(q):
    try:
        return (max(1, int(q.filters.get("page", "1"))) - 1) * TOP
    except ValueError:
        return 0


# ---- statistics and the table ------------------------------------------------

def percentile(values, p):
    """Nearest-rank percentile (the smallest value with at least p% of the
    values at or below it); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100.0 * len(ordered)))
    return ordered[rank - 1]


def ratio(ours, peer):
    if ours is None or peer is None or peer == 0:
        return None
    return ours / peer


def summarize(engine_result, queries):
    """Latency percentiles (ms), empty answers and unaccented misses of one
    engine's raw result {"hits": [n per query], "total_s": [...], "top_s": [...]}."""
    hits = engine_result["hits"]
    empty = sum(1 for n in hits if n == 0)
    misses = [queries[i].text for i, q in enumerate(queries)
              if q.kind == "unaccented" and hits[i] == 0 and hits[q.source] > 0]
    ms = lambda xs: [x * 1000.0 for x in xs]  # noqa: E731
    return {
        "p50_ms": percentile(ms(engine_result["total_s"]), 50),
        "p99_ms": percentile(ms(engine_result["total_s"]), 99),
        "top_p50_ms": percentile(ms(engine_result["top_s"]), 50),
        "top_p99_ms": percentile(ms(engine_result["top_s"]), 99),
        "cpu_ms_per_query": (engine_result["cpu_s"] * 1000.0 / len(engine_result["total_s"])
                             if engine_result.get("cpu_s") is not None
                             and engine_result["total_s"] else None),
        "empty": empty,
        "unaccented_misses": misses,
        "queries": len(hits),
    }


def per_query_median_ms(samples, i, n):
    """Median latency (ms) of query i of n over passes stored pass after pass."""
    return percentile(samples[i::n], 50) * 1000.0


def fmt(value, digits=1):
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:,}"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def markdown_table(results):
    """results: {engine: {"index": {...}, "summary": {...}}} -> Markdown text:
    one row per engine, then the ratios ours/peer."""
    cols = ["engine", "docs/s", "MB/s", "docs per CPU-s", "index MiB", "peak RSS index MiB",
            "peak RSS serve MiB", "p50 ms", "p99 ms", "top-10 only p50 / p99 ms",
            "server CPU ms/query", "empty answers", "unaccented misses"]
    lines = ["| " + " | ".join(cols) + " |", "|" + " --- |" * len(cols)]
    for name, r in results.items():
        ix, s = r["index"], r["summary"]
        lines.append("| " + " | ".join([
            name, fmt(ix.get("docs_per_s")), fmt(ix.get("mb_per_s"), 2),
            fmt(ix.get("docs_per_cpu_s")), fmt(ix.get("size_mib")), fmt(ix.get("rss_index_mib")), fmt(ix.get("rss_serve_mib")),
            fmt(s["p50_ms"], 2), fmt(s["p99_ms"], 2),
            f"{fmt(s['top_p50_ms'], 2)} / {fmt(s['top_p99_ms'], 2)}",
            fmt(s.get("cpu_ms_per_query"), 2), f"{s['empty']} / {s['queries']}", str(len(s["unaccented_misses"])),
        ]) + " |")
    if "ours" in results and len(results) > 1:
        o = results["ours"]
        lines += ["", "| ours / peer | docs/s | docs per CPU-s | index size | peak RSS serve "
                  "| p50 | p99 | CPU/query |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for name, r in results.items():
            if name == "ours":
                continue
            cells = [
                ratio(o["index"].get("docs_per_s"), r["index"].get("docs_per_s")),
                ratio(o["index"].get("docs_per_cpu_s"), r["index"].get("docs_per_cpu_s")),
                ratio(o["index"].get("size_mib"), r["index"].get("size_mib")),
                ratio(o["index"].get("rss_serve_mib"), r["index"].get("rss_serve_mib")),
                ratio(o["summary"]["p50_ms"], r["summary"]["p50_ms"]),
                ratio(o["summary"]["p99_ms"], r["summary"]["p99_ms"]),
                ratio(o["summary"].get("cpu_ms_per_query"), r["summary"].get("cpu_ms_per_query")),
            ]
            lines.append(f"| vs {name} | " + " | ".join(
                "–" if c is None else f"{c:.2f}×" for c in cells) + " |")
    return "\n".join(lines) + "\n"


# ---- documents ---------------------------------------------------------------

def open_input(path, mode):
    """A JSON Lines input, gzip-compressed when it ends in .gz."""
    if path.endswith(".gz"):
        return gzip.open(path, mode, encoding="utf-8") if "t" in mode else gzip.open(path, mode)
    return open(path, mode, encoding="utf-8") if "t" in mode else open(path, mode)


def read_articles(paths):
    """Dicts id, title, body, date (YYYY-MM-DD), categories; body is the
    summary (if any) then the body, as bench/eval/baselines.py gives it."""
    for path in paths:
        with open_input(path, "rt") as f:
            for r in (json.loads(line) for line in f if line.strip()):
                summary = r.get("summary")
                yield {"id": r["id"], "title": r["title"],
                       "body": summary + "\n" + r.get("body", "") if summary else r.get("body", ""),
                       "date": r["date"][:10], "categories": list(r.get("categories", []))}


def input_bytes(paths):
    """Uncompressed size of the inputs."""
    total = 0
    for path in paths:
        with open_input(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                total += len(chunk)
    return total


def dir_size(path):
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except FileNotFoundError:
                pass
    return total


# ---- processes ---------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, seconds=60, proc=None):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {seconds}s")


def run_measured(cmd, **kw):
    """(wall seconds, peak RSS MiB, CPU seconds) of a batch command; raises on failure."""
    t0 = time.time()
    p = subprocess.Popen(cmd, **kw)
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.time() - t0
    if p.returncode not in (0, 3):  # indexer: 3 = done with rejected records
        raise RuntimeError(f"{cmd[0]} failed with {p.returncode}")
    return wall, usage.ru_maxrss / 1024.0, usage.ru_utime + usage.ru_stime


def terminate(proc, seconds=20):
    """SIGTERM, then SIGKILL after seconds, of a server we started."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def children_map():
    kids = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def tree_cpu_seconds(root):
    """User + system CPU seconds of root and its descendants, reaped children
    included (cutime, cstime)."""
    kids = children_map()
    todo, ticks = [root], 0
    while todo:
        pid = todo.pop()
        todo.extend(kids.get(pid, []))
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        ticks += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def self_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def tree_pss_kib(root):
    """Sum of the proportional set size of root and its descendants (KiB):
    shared memory (PostgreSQL's buffers) counted once."""
    kids = children_map()
    todo, total = [root], 0
    while todo:
        pid = todo.pop()
        todo.extend(kids.get(pid, []))
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


def vm_hwm_kib(pid):
    """Peak resident set size of a live process (VmHWM), KiB; 0 if gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class PeakSampler:
    """Samples tree_pss_kib(pid) every interval in a thread; peak in MiB.
    peak_mib: the process's own VmHWM (whole RSS, shared libraries included)
    when it has no child processes, as for a threaded server; the sampled
    PSS sum of the tree otherwise (PostgreSQL: shared buffers counted once)."""

    def __init__(self, pid, interval=0.2):
        self.pid, self.interval, self.peak, self.had_children = pid, interval, 0, False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while True:
            self.peak = max(self.peak, tree_pss_kib(self.pid))
            self.had_children = self.had_children or bool(children_map().get(self.pid))
            if self._stop.wait(self.interval):
                return

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, tree_pss_kib(self.pid))
        self.hwm = vm_hwm_kib(self.pid)

    @property
    def peak_mib(self):
        if not self.had_children and self.hwm:
            return self.hwm / 1024.0
        return self.peak / 1024.0


def as_postgres(cmd):
    """cmd run as the postgres user when we are root (initdb refuses root)."""
    return ["runuser", "-u", "postgres", "--"] + cmd if os.geteuid() == 0 else cmd


# ---- PostgreSQL wire protocol (simple query, trust authentication) -----------

class PgError(Exception):
    pass


def take_value(values, payload, pos, size):
    """Appends the UTF-8 value of size bytes at pos (None: SQL NULL); returns
    the position after it."""
    if size is None:
        values.append(None)
        return pos
    values.append(payload[pos:pos + size].decode("utf-8"))
    return pos + size


def pg_parse_datarow(payload):
    """Column values (str or None) of a DataRow message body."""
    (n,) = struct.unpack_from("!h", payload, 0)
    pos, values = 2, []
    for _ in range(n):
        (size,) = struct.unpack_from("!i", payload, pos)
        pos = take_value(values, payload, pos + 4, None if size < 0 else size)
    return values


def pg_error_message(payload):
    fields = {}
    for item in payload.split(b"\0"):
        if item:
            fields[chr(item[0])] = item[1:].decode("utf-8", "replace")
    return fields.get("M", "error")


class PgClient:
    def __init__(self, port, user="postgres", database="postgres"):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.file = self.sock.makefile("rb")
        params = b"user\0" + user.encode() + b"\0database\0" + database.encode() + b"\0\0"
        self.sock.sendall(struct.pack("!ii", 8 + len(params), 196608) + params)
        while True:
            kind, payload = self._read()
            if kind == b"R" and struct.unpack_from("!i", payload)[0] != 0:
                raise PgError("only trust authentication is supported")
            if kind == b"E":
                raise PgError(pg_error_message(payload))
            if kind == b"Z":
                break

    def _read(self):
        head = self.file.read(5)
        if len(head) < 5:
            raise PgError("connection closed")
        kind, size = head[:1], struct.unpack("!i", head[1:])[0]
        return kind, self.file.read(size - 4)

    def query(self, sql):
        """Rows (lists of str/None) of the last statement of sql."""
        body = sql.encode("utf-8") + b"\0"
        self.sock.sendall(b"Q" + struct.pack("!i", 4 + len(body)) + body)
        rows, error = [], None
        while True:
            kind, payload = self._read()
            if kind == b"T":
                rows = []
            elif kind == b"D":
                rows.append(pg_parse_datarow(payload))
            elif kind == b"E":
                error = pg_error_message(payload)
            elif kind == b"Z":
                break
        if error:
            raise PgError(error)
        return rows

    def close(self):
        try:
            self.sock.sendall(b"X" + struct.pack("!i", 4))
        finally:
            self.sock.close()


# ---- MySQL protocol, the subset SphinxQL needs -------------------------------

def lenenc_int(data, pos):
    """(value, next position) of a length-encoded integer; value None for 0xfb (NULL)."""
    first = data[pos]
    if first < 0xFB:
        return first, pos + 1
    if first == 0xFB:
        return None, pos + 1
    size = {0xFC: 2, 0xFD: 3, 0xFE: 8}[first]
    return int.from_bytes(data[pos + 1:pos + 1 + size], "little"), pos + 1 + size


def mysql_parse_row(payload):
    """Values (str or None) of a text-protocol result row."""
    pos, values = 0, []
    while pos < len(payload):
        size, pos = lenenc_int(payload, pos)
        pos = take_value(values, payload, pos, size)
    return values


def mysql_is_eof(payload):
    return payload[:1] == b"\xfe" and len(payload) < 9


class MysqlError(Exception):
    pass


class MysqlClient:
    CAPS = 0x0001 | 0x0200 | 0x8000  # long password, protocol 4.1, secure connection

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.file = self.sock.makefile("rb")
        self._packet()  # server greeting
        auth = (struct.pack("<IIB", self.CAPS, 1 << 24, 33) + b"\0" * 23
                + b"bench\0" + b"\0")
        self._send(auth, 1)
        payload = self._packet()
        if payload[:1] == b"\xff":
            raise MysqlError(payload[9:].decode("utf-8", "replace"))

    def _send(self, payload, seq):
        self.sock.sendall(len(payload).to_bytes(3, "little") + bytes([seq]) + payload)

    def _packet(self):
        head = self.file.read(4)
        if len(head) < 4:
            raise MysqlError("connection closed")
        return self.file.read(int.from_bytes(head[:3], "little"))

    def query(self, sql):
        """Rows (lists of str/None) of one statement."""
        self._send(b"\x03" + sql.encode("utf-8"), 0)
        first = self._packet()
        if first[:1] == b"\xff":
            raise MysqlError(first[9:].decode("utf-8", "replace"))
        if first[:1] == b"\x00":
            return []
        columns, _ = lenenc_int(first, 0)
        for _ in range(columns):
            self._packet()
        if not mysql_is_eof(self._packet()):
            raise MysqlError("expected EOF after the column definitions")
        rows = []
        while True:
            payload = self._packet()
            if mysql_is_eof(payload):
                return rows
            if payload[:1] == b"\xff":
                raise MysqlError(payload[9:].decode("utf-8", "replace"))
            rows.append(mysql_parse_row(payload))

    def close(self):
        try:
            self._send(b"\x01", 0)
        finally:
            self.sock.close()


# ---- ours ----------------------------------------------------------------------

def ours_search_params(q):
    params = [("q", q.text), ("per_page", str(TOP))]
    params += [("category", c) for c in q.categories()]
    params += [(k, q.filters[k]) for k in ("from", "to", "sort", "page") if k in q.filters]
    return urllib.parse.urlencode(params)


def parse_ours_answer(body):
    """(hits on the page, total, category facet {value: count}) of a
    /api/search answer."""
    answer = json.loads(body)
    facets = {f["value"]: f["count"] for f in answer.get("facets", {}).get("category", [])}
    return len(answer["hits"]), answer["total"], facets


class Ours:
    name = "ours"

    def __init__(self, args, work):
        self.bin = args.ours_bin
        self.dir = os.path.join(work, "ours")
        self.docs = args.docs
        self.proc = None

    def index(self):
        os.makedirs(self.dir, exist_ok=True)
        index = os.path.join(self.dir, "index")
        wall, rss, cpu = run_measured([os.path.join(self.bin, "indexer"), "build", "--index", index,
                                  "--threads", "2"] + self.docs,
                                 stderr=open(os.path.join(self.dir, "indexer.log"), "w"))
        stats = json.loads(subprocess.run([os.path.join(self.bin, "indexer"), "stats",
                                           "--index", index], capture_output=True,
                                          check=True).stdout)
        return {"seconds": wall, "rss_index_mib": rss, "cpu_s": cpu, "docs": stats["documents"],
                "size_bytes": stats.get("size_bytes") or dir_size(index)}

    def start(self):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [os.path.join(self.bin, "searchd"), "--index", os.path.join(self.dir, "index"),
             "--port", str(self.port), "--threads", "2"],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.dir, "searchd.log"), "w"))
        wait_port(self.port, proc=self.proc)
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        return self.proc.pid

    def search(self, q):
        t0 = time.perf_counter()
        self.conn.request("GET", "/api/search?" + ours_search_params(q))
        resp = self.conn.getresponse()
        body = resp.read()
        t1 = time.perf_counter()
        if resp.status != 200:
            raise RuntimeError(f"ours: {resp.status} for {q.text!r}: {body[:200]!r}")
        hits, _, _ = parse_ours_answer(body)
        return hits, t1 - t0, t1 - t0

    def stop(self):
        terminate(self.proc)
        self.proc = None


# ---- PostgreSQL -----------------------------------------------------------------

PG_SETUP = r"""
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION fr_unaccent (COPY = french);
ALTER TEXT SEARCH CONFIGURATION fr_unaccent
  ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
"""

PG_LOAD = r"""
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET maintenance_work_mem = '256MB';
CREATE TABLE raw (id text, title text, body text, pub date, categories text[]);
\copy raw FROM '{csv}' WITH (FORMAT csv)
CREATE TABLE docs (id text PRIMARY KEY, title text, pub date, categories text[], tsv tsvector);
INSERT INTO docs
  SELECT id, title, pub, categories,
         setweight(to_tsvector('fr_unaccent', title), 'A') || to_tsvector('fr_unaccent', body)
  FROM raw;
DROP TABLE raw;
CREATE INDEX docs_tsv ON docs USING gin (tsv);
VACUUM ANALYZE docs;
SELECT count(*), pg_total_relation_size('docs') FROM docs;
"""


def pg_where(q, with_category=True):
    conds = ["d.tsv @@ q"] if pg_tsquery(q.text) else []
    if with_category and q.categories():
        conds.append("d.categories && ARRAY[" + ", ".join(map(sql_literal, q.categories())) + "]")
    if "from" in q.filters:
        conds.append(f"d.pub >= DATE {sql_literal(q.filters['from'])}")
    if "to" in q.filters:
        conds.append(f"d.pub <= DATE {sql_literal(q.filters['to'])}")
    return " WHERE " + " AND ".join(conds) if conds else ""


def pg_from(q):
    tsq = pg_tsquery(q.text)
    return f"docs d, (SELECT {tsq} AS q) t" if tsq else "docs d"


def pg_order(q):
    sort = q.filters.get("sort", "relevance")
    if sort == "oldest":
        return "d.pub ASC, d.id"
    if sort == "newest" or not pg_tsquery(q.text):
        return "d.pub DESC, d.id"
    return "score DESC"


def pg_top_sql(q):
    score = "ts_rank_cd(d.tsv, q)" if pg_tsquery(q.text) else "0"
    return (f"SELECT d.id, d.title, {score} AS score FROM {pg_from(q)}{pg_where(q)} "
            f"ORDER BY {pg_order(q)} LIMIT {TOP} OFFSET {page_offset(q)}")


def pg_facet_sql(q):
    return (f"SELECT c, count(*) FROM {pg_from(q)}, unnest(d.categories) c"
            f"{pg_where(q, with_category=False)} GROUP BY c ORDER BY 2 DESC")


def pg_array(values):
    return "{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
                          for v in values) + "}"


class Postgres:
    name = "postgres"

    def __init__(self, args, work):
        self.dir = os.path.join(work, "postgres")
        self.articles = args.articles
        versions = sorted(os.listdir("/usr/lib/postgresql"), key=int)
        self.bin = f"/usr/lib/postgresql/{versions[-1]}/bin"
        self.data = os.path.join(self.dir, "data")
        self.started = False

    def _psql(self, script):
        res = subprocess.run(["psql", "-X", "-q", "-At", "-h", "127.0.0.1", "-p", str(self.port),
                              "-U", "postgres", "-d", "postgres", "-f", "-"],
                             input=script, text=True, capture_output=True)
        if res.returncode != 0:
            raise RuntimeError(f"psql: {res.stderr.strip()}")
        return res.stdout

    def _postmaster_pid(self):
        with open(os.path.join(self.data, "postmaster.pid")) as f:
            return int(f.readline())

    def index(self):
        os.makedirs(self.dir, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        csv_path = os.path.join(self.dir, "docs.csv")
        with open(csv_path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            for a in self.articles:
                w.writerow([a["id"], a["title"], a["body"], a["date"], pg_array(a["categories"])])
        os.chmod(csv_path, 0o644)
        subprocess.run(as_postgres([f"{self.bin}/initdb", "-D", self.data, "-U", "postgres",
                                    "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"]),
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.port = free_port()
        opts = (f"-c listen_addresses=127.0.0.1 -p {self.port} "
                f"-c unix_socket_directories={self.dir} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB "
                "-c max_wal_size=4GB")
        subprocess.run(as_postgres([f"{self.bin}/pg_ctl", "-D", self.data, "-l",
                                    os.path.join(self.dir, "server.log"), "-w", "-o", opts,
                                    "start"]), check=True, stdout=subprocess.DEVNULL)
        self.started = True
        self._psql(PG_SETUP)
        postmaster = self._postmaster_pid()
        cpu0 = tree_cpu_seconds(postmaster)
        with PeakSampler(postmaster) as sampler:
            t0 = time.time()
            out = self._psql(PG_LOAD.format(csv=csv_path)).strip().split("|")
            wall = time.time() - t0
        time.sleep(0.5)  # the backend reaped: its CPU time is in the postmaster's
        cpu = tree_cpu_seconds(postmaster) - cpu0
        os.remove(csv_path)
        return {"seconds": wall, "rss_index_mib": sampler.peak_mib, "cpu_s": cpu,
                "docs": int(out[0]),
                "size_bytes": int(out[1])}

    def start(self):
        self.client = PgClient(self.port)
        return self._postmaster_pid()

    def search(self, q):
        return timed_search(self.client.query, pg_top_sql(q), pg_facet_sql(q))

    def stop(self):
        if getattr(self, "client", None):
            self.client.close()
            self.client = None
        if self.started:
            subprocess.run(as_postgres([f"{self.bin}/pg_ctl", "-D", self.data, "-m", "fast",
                                        "-w", "stop"]), stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            self.started = False


# ---- SQLite FTS5 (in a worker process) ---------------------------------------------

SQLITE_SCHEMA = """
CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE meta (rowid INTEGER PRIMARY KEY, id TEXT, pub TEXT);
CREATE TABLE cats (rowid INTEGER, category TEXT);
"""


def sqlite_where(q, with_category=True):
    """(" WHERE ...", parameters) over fts (when there is a MATCH) and meta m."""
    conds, params = [], []
    match = fts5_query(q.text)
    if match:
        conds.append("fts MATCH ?")
        params.append(match)
    if with_category and q.categories():
        conds.append("m.rowid IN (SELECT rowid FROM cats WHERE category IN ("
                     + ", ".join("?" * len(q.categories())) + "))")
        params += q.categories()
    for key, op in (("from", ">="), ("to", "<=")):
        if key in q.filters:
            conds.append(f"m.pub {op} ?")
            params.append(q.filters[key])
    return (" WHERE " + " AND ".join(conds) if conds else ""), params


def sqlite_top(q):
    """(sql, parameters) for the top 10."""
    where, params = sqlite_where(q)
    sort = q.filters.get("sort", "relevance")
    if fts5_query(q.text):
        sql = ("SELECT m.id, bm25(fts, 2.0, 1.0) AS s FROM fts JOIN meta m "
               "ON m.rowid = fts.rowid")
        order = "s" if sort == "relevance" else "m.pub DESC" if sort == "newest" else "m.pub"
    else:
        sql = "SELECT m.id, 0 AS s FROM meta m"
        order = "m.pub" if sort == "oldest" else "m.pub DESC"
    return sql + where + f" ORDER BY {order} LIMIT {TOP} OFFSET {page_offset(q)}", params


def sqlite_facet(q):
    where, params = sqlite_where(q, with_category=False)
    if fts5_query(q.text):
        sql = ("SELECT c.category, count(*) FROM fts JOIN meta m ON m.rowid = fts.rowid "
               "JOIN cats c ON c.rowid = fts.rowid")
    else:
        sql = "SELECT c.category, count(*) FROM meta m JOIN cats c ON c.rowid = m.rowid"
    return sql + where + " GROUP BY c.category ORDER BY 2 DESC", params


def read_hwm_mib():
    """Peak resident set size of this process so far (VmHWM), MiB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return None


def reset_hwm():
    """Restarts VmHWM from the current RSS (Linux: 5 > /proc/self/clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def sqlite_worker(args):
    """Indexes and queries in this process; prints one JSON result. Articles
    stream from a JSON Lines file so the peak RSS is SQLite's, plus Python's."""
    with open(args.queries_json, encoding="utf-8") as f:
        queries = [Query(**q) for q in json.load(f)]
    db_path = os.path.join(args.work, "fts.db")
    t0, cpu0 = time.time(), self_cpu_seconds()
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.executescript(SQLITE_SCHEMA)
    with open(args.articles_jsonl, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            a = json.loads(line)
            db.execute("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)",
                       (i, a["title"], a["body"]))
            db.execute("INSERT INTO meta(rowid, id, pub) VALUES (?, ?, ?)", (i, a["id"], a["date"]))
            db.executemany("INSERT INTO cats(rowid, category) VALUES (?, ?)",
                           [(i, c) for c in a["categories"]])
    db.execute("CREATE INDEX cats_rowid ON cats(rowid)")
    db.execute("CREATE INDEX cats_category ON cats(category)")
    db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    db.commit()
    wall, cpu = time.time() - t0, self_cpu_seconds() - cpu0
    docs = db.execute("SELECT count(*) FROM meta").fetchone()[0]
    db.close()
    rss_index = read_hwm_mib()
    reset_hwm()
    db = sqlite3.connect(db_path)

    def search(q):
        return timed_search(lambda sql: db.execute(*sql).fetchall(), sqlite_top(q), sqlite_facet(q))

    result = run_queries(search, queries, args.passes, self_cpu_seconds)
    result["index"] = {"seconds": wall, "rss_index_mib": rss_index, "cpu_s": cpu, "docs": docs,
                       "size_bytes": os.path.getsize(db_path), "rss_serve_mib": read_hwm_mib()}
    db.close()
    json.dump(result, sys.stdout)


class Sqlite:
    name = "sqlite"

    def __init__(self, args, work):
        self.dir = os.path.join(work, "sqlite")
        self.articles = args.articles
        self.passes = args.passes

    def run_all(self, queries):
        os.makedirs(self.dir, exist_ok=True)
        articles_jsonl = os.path.join(self.dir, "articles.jsonl")
        queries_json = os.path.join(self.dir, "queries.json")
        with open(articles_jsonl, "w", encoding="utf-8") as f:
            for a in self.articles:
                f.write(json.dumps(a, ensure_ascii=False) + "\n")
        with open(queries_json, "w", encoding="utf-8") as f:
            json.dump([q.__dict__ for q in queries], f)
        out = subprocess.run([sys.executable, os.path.abspath(__file__), "sqlite-worker",
                              "--articles-jsonl", articles_jsonl, "--queries-json", queries_json,
                              "--work", self.dir, "--passes", str(self.passes)],
                             capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(f"sqlite worker: {out.stderr.strip()}")
        return json.loads(out.stdout)


# ---- Sphinx ------------------------------------------------------------------------

SPHINX_CONF = """
source articles
{{
  type = tsvpipe
  tsvpipe_command = cat {tsv}
  tsvpipe_field = title
  tsvpipe_field = body
  tsvpipe_attr_multi = cats
  tsvpipe_attr_timestamp = pub
}}

index articles
{{
  source = articles
  path = {dir}/index/articles
  morphology = libstemmer_fr
  charset_table = {charset}
  min_word_len = 1
  min_prefix_len = 2
}}

indexer
{{
  mem_limit = 256M
}}

searchd
{{
  listen = 127.0.0.1:{port}:mysql41
  log = {dir}/searchd.log
  query_log = {dir}/query.log
  pid_file = {dir}/searchd.pid
  binlog_path =
  workers = threads
}}
"""


def sphinx_charset_table():
    """Sphinx charset_table: digits, Latin letters, and the accented Latin-1 and
    Latin Extended-A letters folded to their base letter (é -> e, Ç -> c);
    œ and æ stay letters of their own. Sphinx 2.2.11 has no alias for this."""
    entries = ["0..9", "A..Z->a..z", "_", "a..z", "U+152->U+153", "U+153", "U+C6->U+E6",
               "U+E6", "U+DF"]
    for code in list(range(0xC0, 0x100)) + list(range(0x100, 0x180)):
        c = chr(code)
        base = strip_accents(c).lower()
        if base != c and len(base) == 1 and "a" <= base <= "z":
            entries.append(f"U+{code:X}->{base}")
    return ", ".join(entries)


def tsv_clean(text):
    return text.replace("\t", " ").replace("\n", " ").replace("\r", " ")


def day_timestamp(date):
    return int(time.mktime(time.strptime(date, "%Y-%m-%d"))) + 12 * 3600


def sphinx_where(q, categories, with_category=True):
    conds = []
    match = sphinx_query(q.text)
    if match:
        conds.append(f"MATCH({sphinxql_literal(match)})")
    if with_category and q.categories():
        conds.append("cats IN (" + ", ".join(str(categories.get(c, 0))
                                              for c in q.categories()) + ")")
    if "from" in q.filters:
        conds.append(f"pub >= {day_timestamp(q.filters['from']) - 12 * 3600}")
    if "to" in q.filters:
        conds.append(f"pub <= {day_timestamp(q.filters['to']) + 12 * 3600}")
    return " WHERE " + " AND ".join(conds) if conds else ""


def sphinx_top_sql(q, categories):
    sort = q.filters.get("sort", "relevance")
    if sort == "oldest":
        order = " ORDER BY pub ASC"
    elif sort == "newest" or not sphinx_query(q.text):
        order = " ORDER BY pub DESC"
    else:
        order = ""  # by weight
    return (f"SELECT id, WEIGHT() AS w FROM articles{sphinx_where(q, categories)}{order} "
            f"LIMIT {page_offset(q)}, {TOP}")


def sphinx_facet_sql(q, categories):
    return (f"SELECT cats, COUNT(*) AS n FROM articles{sphinx_where(q, categories, False)} "
            "GROUP BY cats ORDER BY n DESC LIMIT 100")


class Sphinx:
    name = "sphinx"

    def __init__(self, args, work):
        self.dir = os.path.join(work, "sphinx")
        self.articles = args.articles
        self.proc = None

    def index(self):
        os.makedirs(os.path.join(self.dir, "index"), exist_ok=True)
        self.categories = {}
        tsv = os.path.join(self.dir, "docs.tsv")
        with open(tsv, "w", encoding="utf-8") as f:
            for i, a in enumerate(self.articles, 1):
                ids = [self.categories.setdefault(c, len(self.categories) + 1)
                       for c in a["categories"]]
                f.write(f"{i}\t{tsv_clean(a['title'])}\t{tsv_clean(a['body'])}\t"
                        f"{','.join(map(str, ids))}\t{day_timestamp(a['date'])}\n")
        self.port = free_port()
        self.conf = os.path.join(self.dir, "sphinx.conf")
        with open(self.conf, "w") as f:
            f.write(SPHINX_CONF.format(tsv=tsv, dir=self.dir, port=self.port,
                                        charset=sphinx_charset_table()))
        wall, rss, cpu = run_measured(["indexer", "--config", self.conf, "--all"],
                                 stdout=open(os.path.join(self.dir, "indexer.log"), "w"),
                                 stderr=subprocess.STDOUT)
        with open(os.path.join(self.dir, "indexer.log")) as f:
            m = re.search(r"collected (\d+) docs", f.read())
        os.remove(tsv)
        return {"seconds": wall, "rss_index_mib": rss, "cpu_s": cpu,
                "docs": int(m.group(1)) if m else 0,
                "size_bytes": dir_size(os.path.join(self.dir, "index"))}

    def start(self):
        self.proc = subprocess.Popen(["searchd", "--config", self.conf, "--nodetach"],
                                     stdout=open(os.path.join(self.dir, "searchd.out"), "w"),
                                     stderr=subprocess.STDOUT)
        wait_port(self.port, proc=self.proc)
        self.client = MysqlClient(self.port)
        return self.proc.pid

    def search(self, q):
        return timed_search(self.client.query, sphinx_top_sql(q, self.categories),
                            sphinx_facet_sql(q, self.categories))

    def stop(self):
        if getattr(self, "client", None):
            self.client.close()
            self.client = None
        terminate(self.proc)
        self.proc = None


# ---- the run -----------------------------------------------------------------------

def timed_search(run, top, facet):
    """(rows of top, seconds for top, seconds for top then facet): a peer's
    search is its top-10 statement followed by its category facet statement."""
    t0 = time.perf_counter()
    rows = run(top)
    t1 = time.perf_counter()
    run(facet)
    return len(rows), t1 - t0, time.perf_counter() - t0


def run_queries(search, queries, passes, cpu_seconds=None):
    """A warm-up pass, then `passes` sequential passes over queries. Hits per
    query come from the first measured pass; cpu_s is what cpu_seconds() (the
    server's CPU time) grew by over the measured passes."""
    for q in queries:
        search(q)
    hits, top_s, total_s = [], [], []
    cpu0 = cpu_seconds() if cpu_seconds else None
    for p in range(passes):
        for q in queries:
            n, t_top, t_total = search(q)
            if p == 0:
                hits.append(n)
            top_s.append(t_top)
            total_s.append(t_total)
    cpu = cpu_seconds() - cpu0 if cpu_seconds else None
    return {"hits": hits, "top_s": top_s, "total_s": total_s, "cpu_s": cpu}


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def run_engine(engine, queries, args, total_bytes):
    log(f"{engine.name}: indexing (load {load_average()})")
    if isinstance(engine, Sqlite):
        result = engine.run_all(queries)
        ix = result.pop("index")
    else:
        try:
            ix = engine.index()
            log(f"{engine.name}: {ix['docs']} documents in {ix['seconds']:.1f}s; querying "
                f"(load {load_average()})")
            pid = engine.start()
            with PeakSampler(pid) as sampler:
                result = run_queries(engine.search, queries, args.passes,
                                     lambda: tree_cpu_seconds(pid))
            ix["rss_serve_mib"] = sampler.peak_mib
        finally:
            engine.stop()
    ix["docs_per_s"] = ix["docs"] / ix["seconds"]
    ix["docs_per_cpu_s"] = ix["docs"] / ix["cpu_s"] if ix.get("cpu_s") else None
    ix["mb_per_s"] = total_bytes / 1e6 / ix["seconds"]
    ix["size_mib"] = ix["size_bytes"] / 1048576.0
    ix["load_after"] = load_average()
    log(f"{engine.name}: done (load {ix['load_after']})")
    return {"index": ix, "raw": result}


def main_run(args):
    with open(args.queries, encoding="utf-8") as f:
        queries = parse_queries(f)
    log(f"{len(queries)} queries ({sum(q.kind == 'unaccented' for q in queries)} unaccented)"
        f" from {args.queries}")
    args.articles = list(read_articles(args.docs))
    total_bytes = input_bytes(args.docs)
    log(f"{len(args.articles)} articles, {total_bytes / 1e6:.1f} MB of JSON Lines")
    classes = {"ours": Ours, "postgres": Postgres, "sqlite": Sqlite, "sphinx": Sphinx}
    results = {}
    load_before = load_average()
    for name in args.engines:
        engine = classes[name](args, args.work)
        r = run_engine(engine, queries, args, total_bytes)
        r["summary"] = summarize(r["raw"], queries)
        results[name] = r
    table = markdown_table(results)
    notes = [f"{len(args.articles)} articles; {len(queries)} queries, {args.passes} measured "
             f"passes after a warm-up; load average {load_before} at the start, "
             + ", ".join(f"{n} {r['index']['load_after']}" for n, r in results.items())
             + " after each engine."]
    for name, r in results.items():
        misses = r["summary"]["unaccented_misses"]
        if misses:
            notes.append(f"{name}: unaccented queries with no answer while the accented form "
                         f"has some: {', '.join(misses)}")
    text = table + "\n" + "\n".join(notes) + "\n"
    print(text)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "table.md"), "w", encoding="utf-8") as f:
        f.write(text)
    with open(os.path.join(args.out, "results.json"), "w", encoding="utf-8") as f:
        json.dump({"queries": [q.__dict__ for q in queries],
                   "engines": {n: {"index": r["index"], "summary": r["summary"],
                                   "hits": r["raw"]["hits"]} for n, r in results.items()}},
                  f, ensure_ascii=False, indent=1)
    with open(os.path.join(args.out, "hits.tsv"), "w", encoding="utf-8") as f:
        f.write("kind\tquery\tfilters\t" + "\t".join(results)
                + "".join(f"\t{n} median ms" for n in results) + "\n")
        for i, q in enumerate(queries):
            f.write(f"{q.kind}\t{q.text}\t{json.dumps(q.filters, ensure_ascii=False)}\t"
                    + "\t".join(str(r["raw"]["hits"][i]) for r in results.values())
                    + "".join(f"\t{per_query_median_ms(r['raw']['total_s'], i, len(queries)):.2f}"
                              for r in results.values()) + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="index and query every engine, print the table")
    r.add_argument("--docs", nargs="+", required=True, help="JSON Lines inputs (.jsonl.gz)")
    r.add_argument("--queries", required=True, help="query list file")
    r.add_argument("--ours-bin", required=True, help="folder holding indexer and searchd")
    r.add_argument("--work", required=True, help="scratch folder (emptied by run.sh)")
    r.add_argument("--out", required=True, help="folder for table.md, results.json, hits.tsv")
    r.add_argument("--passes", type=int, default=3, help="measured passes over the queries")
    r.add_argument("--engines", nargs="+", default=list(ENGINES), choices=ENGINES)
    w = sub.add_parser("sqlite-worker", help=argparse.SUPPRESS)
    w.add_argument("--articles-jsonl", required=True)
    w.add_argument("--queries-json", required=True)
    w.add_argument("--work", required=True)
    w.add_argument("--passes", type=int, default=3)
    args = p.parse_args()
    if args.command == "run":
        main_run(args)
    else:
        sqlite_worker(args)


if __name__ == "__main__":
    main()
