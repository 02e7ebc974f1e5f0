#!/usr/bin/env python3
"""Baseline retrieval runs for the relevance harness (see docs/RELEVANCE.md).

Two third-party engines index the same documents as ours and answer the same
questions, each as an OR of the question's words, top 10:

  sqlite    SQLite FTS5, tokenize 'unicode61 remove_diacritics 2',
            columns title and body, ranked by bm25() with title weight 2.
  postgres  PostgreSQL full-text search: a copy of the `french` configuration
            with `unaccent` before the French stemmer, tsvector
            setweight(title, 'A') || body, GIN index, ranked by ts_rank_cd.
            Talks to an already running server through psql (run.sh starts
            a private cluster on loopback and stops it).

Each writes one TREC run file per query file ("qid Q0 doc rank score tag");
metrics are computed by eval_tool, the one tested implementation.
Standard library only (sqlite3, subprocess, json, gzip).
"""

import argparse
import csv
import gzip
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

TOP = 10


def read_documents(paths):
    """Yields (id, title, body) for every record; body is the summary (if
    any) followed by the body, so every system sees the same text."""
    for path in paths:
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                r = json.loads(line)
                body = r.get("body", "")
                summary = r.get("summary", "")
                if summary:
                    body = summary + "\n" + body
                yield r["id"], r["title"], body


def read_queries(path):
    """[(qid, text)] from a TSV file "qid TAB text"."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            qid, _, text = line.partition("\t")
            out.append((qid, text))
    return out


def write_run(path, tag, results):
    """results: [(qid, [(doc, score), ...])] in rank order."""
    with open(path, "w", encoding="utf-8") as f:
        for qid, hits in results:
            for rank, (doc, score) in enumerate(hits, 1):
                f.write(f"{qid} Q0 {doc} {rank} {score:.6f} {tag}\n")


def log(msg):
    print(f"  [{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---- SQLite FTS5 -------------------------------------------------------------

# unicode61 treats letters, numbers (and private-use characters) as token
# characters, everything else as separators; [^\W_] is the same for our text.
WORD = re.compile(r"[^\W_]+")

# bm25() weights follow the declared columns: id (unindexed), title, body.
FTS5_SQL = ("SELECT id, bm25(docs, 0.0, 2.0, 1.0) AS s FROM docs WHERE docs MATCH ? "
            "ORDER BY s LIMIT ?")


def fts5_or_query(text):
    """The question's words as an FTS5 OR query of quoted single tokens."""
    return " OR ".join(f'"{w}"' for w in WORD.findall(text))


def chunks(items, n):
    """n contiguous slices of items (some may be empty)."""
    size = (len(items) + n - 1) // n or 1
    return [items[i * size:(i + 1) * size] for i in range(n)]


def sqlite_search(db_path, queries):
    """[(qid, [(doc, score)])] for queries, on a connection of its own."""
    db = sqlite3.connect(db_path, check_same_thread=False)
    try:
        out = []
        for qid, text in queries:
            q = fts5_or_query(text)
            hits = db.execute(FTS5_SQL, (q, TOP)).fetchall() if q else []
            # bm25() is "lower is better"; report the usual positive score.
            out.append((qid, [(doc, -s) for doc, s in hits]))
        return out
    finally:
        db.close()


def run_sqlite(args):
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix="frs-eval-sqlite-", dir=args.tmp) as tmp:
        db_path = os.path.join(tmp, "fts.db")
        db = sqlite3.connect(db_path)
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5("
            "id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2')")
        db.executemany("INSERT INTO docs(id, title, body) VALUES (?, ?, ?)",
                       read_documents(args.docs))
        db.commit()
        n = db.execute("SELECT count(*) FROM docs").fetchone()[0]
        db.close()
        log(f"sqlite: indexed {n} documents in {time.time() - t0:.1f}s")
        # sqlite3 releases the GIL while a statement runs: threads use every core.
        with ThreadPoolExecutor(args.jobs) as pool:
            for qfile, out in zip(args.queries, args.runs):
                t1 = time.time()
                queries = read_queries(qfile)
                parts = pool.map(lambda part: sqlite_search(db_path, part),
                                 chunks(queries, args.jobs))
                results = [r for part in parts for r in part]
                write_run(out, "sqlite-fts5", results)
                log(f"sqlite: {len(results)} questions of {os.path.basename(qfile)} in "
                    f"{time.time() - t1:.1f}s")


# ---- PostgreSQL --------------------------------------------------------------

SETUP_SQL = r"""
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS unaccent;
DROP TEXT SEARCH CONFIGURATION IF EXISTS fr_unaccent;
CREATE TEXT SEARCH CONFIGURATION fr_unaccent (COPY = french);
ALTER TEXT SEARCH CONFIGURATION fr_unaccent
  ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
DROP TABLE IF EXISTS raw, docs;
CREATE UNLOGGED TABLE raw (id text, title text, body text);
CREATE UNLOGGED TABLE docs (id text PRIMARY KEY, tsv tsvector);
"""

LOAD_SQL = r"""
\set ON_ERROR_STOP on
\copy raw FROM '{docs}' WITH (FORMAT csv)
INSERT INTO docs
  SELECT id, setweight(to_tsvector('fr_unaccent', title), 'A') || to_tsvector('fr_unaccent', body)
  FROM raw;
DROP TABLE raw;
CREATE INDEX docs_tsv ON docs USING gin (tsv);
VACUUM ANALYZE docs;
SELECT count(*) FROM docs;
"""

# One session's share of the questions. The query is the OR of the question's
# lexemes: plainto_tsquery's lexemes joined with | instead of &.
QUERY_SQL = r"""
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE TEMP TABLE questions (qid text, text text, tsq tsquery);
\copy questions (qid, text) FROM '{queries}' WITH (FORMAT csv)
UPDATE questions SET tsq = replace(plainto_tsquery('fr_unaccent', text)::text, ' & ', ' | ')::tsquery;
\copy (SELECT q.qid, r.id, r.score FROM questions q CROSS JOIN LATERAL (SELECT d.id, ts_rank_cd(d.tsv, q.tsq) AS score FROM docs d WHERE d.tsv @@ q.tsq ORDER BY score DESC, d.id LIMIT {top}) r ORDER BY q.qid, r.score DESC, r.id) TO '{out}' WITH (FORMAT csv)
"""


def psql_command(args):
    return ["psql", "-X", "-q", "-At", "-h", args.host, "-p", str(args.port),
            "-U", args.user, "-d", args.dbname, "-f", "-"]


def psql(args, script):
    res = subprocess.run(psql_command(args), input=script, text=True, capture_output=True)
    if res.returncode != 0:
        sys.exit(f"psql failed ({res.returncode}): {res.stderr.strip()}")
    return res.stdout


def postgres_search(args, tmp, queries):
    """[(qid, [(doc, score)])] for queries, in args.jobs concurrent sessions."""
    procs = []
    for i, part in enumerate(chunks(queries, args.jobs)):
        q_csv = os.path.join(tmp, f"questions-{i}.csv")
        r_csv = os.path.join(tmp, f"results-{i}.csv")
        with open(q_csv, "w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(part)
        script = QUERY_SQL.format(queries=q_csv, out=r_csv, top=TOP)
        p = subprocess.Popen(psql_command(args), stdin=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        p.stdin.write(script)
        p.stdin.close()
        procs.append((p, r_csv))
    by_query = {qid: [] for qid, _ in queries}
    for p, r_csv in procs:
        err = p.stderr.read()
        if p.wait() != 0:
            sys.exit(f"psql failed ({p.returncode}): {err.strip()}")
        with open(r_csv, encoding="utf-8", newline="") as f:
            for qid, doc, score in csv.reader(f):
                by_query[qid].append((doc, float(score)))
    return [(qid, by_query[qid]) for qid, _ in queries]


def run_postgres(args):
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix="frs-eval-pg-", dir=args.tmp) as tmp:
        docs_csv = os.path.join(tmp, "docs.csv")
        with open(docs_csv, "w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(read_documents(args.docs))
        psql(args, SETUP_SQL)
        n = psql(args, LOAD_SQL.format(docs=docs_csv)).strip()
        log(f"postgres: indexed {n} documents in {time.time() - t0:.1f}s")
        for qfile, out in zip(args.queries, args.runs):
            t1 = time.time()
            queries = read_queries(qfile)
            write_run(out, "postgres-fts", postgres_search(args, tmp, queries))
            log(f"postgres: {len(queries)} questions of {os.path.basename(qfile)} in "
                f"{time.time() - t1:.1f}s")


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("system", choices=["sqlite", "postgres"])
    p.add_argument("--docs", nargs="+", required=True, help="JSON Lines inputs (.jsonl, .jsonl.gz)")
    p.add_argument("--queries", nargs="+", required=True, help="query TSV files")
    p.add_argument("--runs", nargs="+", required=True, help="TREC run files to write, one per query file")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5432)
    p.add_argument("--user", default="postgres")
    p.add_argument("--dbname", default="postgres")
    p.add_argument("--tmp", default=None, help="folder for temporary files")
    p.add_argument("--jobs", type=int, default=2, help="concurrent query sessions")
    args = p.parse_args()
    if len(args.queries) != len(args.runs):
        p.error("--queries and --runs need the same number of files")
    {"sqlite": run_sqlite, "postgres": run_postgres}[args.system](args)


if __name__ == "__main__":
    main()
