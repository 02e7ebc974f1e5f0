#!/usr/bin/env python3
"""Deterministic scale corpus: N articles recombined from the OrangeSum articles.

Reads the real corpus in ../shared/corpora/orangesum (JSON Lines, gzip) once and
keeps bounded pools of it (reservoir samples of body and summary sentences and
of titles, the category combinations and the dates with their frequencies), then
writes N articles in the project's JSON Lines input format, gzip-compressed, one
at a time: every article is a real title, real dates and categories, a summary
and a body of real sentences drawn from the pools. Same seed, same source, same N:
the same bytes. Memory stays bounded by the pools (about 60 MB at the defaults),
never by N, and the corpus is never held whole.

Recombined sentences keep the real word frequencies, but the vocabulary does not
grow with N as it would with new real articles: an index of this corpus is a
little smaller, and its posting lists a little longer, than one of 1M real
articles.

    bench/scale/generate.py --count 100000 --out /tmp/scale-100k.jsonl.gz
Exit 0 without writing when the source folder is absent (prints "skipped").
"""

import argparse
import gzip
import io
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SOURCE = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "corpora",
                                               "orangesum"))

# Sentence ends: ". " and the corpus' glued "jeudi.Le" (a period then a capital).
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|(?<=[a-zà-ÿ0-9][.!?])(?=[A-ZÀ-Ý«])")


def sentences(text):
    """The sentences of @p text, stripped, at least 20 characters long."""
    return [s.strip() for s in SENTENCE_END.split(text or "") if len(s.strip()) >= 20]


class Reservoir:
    """A uniform sample of at most @p size items of a stream (Vitter's algorithm R)."""

    def __init__(self, size, rng):
        self.size, self.rng, self.items, self.seen = size, rng, [], 0

    def add(self, item):
        self.seen += 1
        if len(self.items) < self.size:
            self.items.append(item)
        else:
            j = self.rng.randrange(self.seen)
            if j < self.size:
                self.items[j] = item


class Pools:
    """What articles are recombined from, read from the source once."""

    def __init__(self, source, seed, pool_sentences):
        rng = random.Random(seed)
        self.body = Reservoir(pool_sentences, rng)
        self.summary = Reservoir(pool_sentences // 4, rng)
        self.titles = Reservoir(pool_sentences // 4, rng)
        self.body_lengths = Reservoir(20000, rng)  # sentences per body, as in the source
        self.categories = {}  # tuple of labels -> articles
        self.dates = {}  # "YYYY-MM-DD..." -> articles
        self.articles = 0
        files = sorted(f for f in os.listdir(source) if f.endswith((".jsonl.gz", ".jsonl")))
        for name in files:
            path = os.path.join(source, name)
            opener = gzip.open if name.endswith(".gz") else open
            with opener(path, "rt", encoding="utf-8") as lines:
                for line in lines:
                    self._add(json.loads(line))
        if not self.articles:
            raise SystemExit("generate.py: no article in " + source)

    def _add(self, article):
        self.articles += 1
        body = sentences(article.get("body"))
        for s in body:
            self.body.add(s)
        self.body_lengths.add(max(1, len(body)))
        for s in sentences(article.get("summary")):
            self.summary.add(s)
        if article.get("title"):
            self.titles.add(article["title"].strip())
        key = tuple(article.get("categories") or [])
        self.categories[key] = self.categories.get(key, 0) + 1
        if article.get("date"):
            self.dates[article["date"]] = self.dates.get(article["date"], 0) + 1

    def frozen(self):
        """Sorted choice tables (dict order must not depend on the reading order)."""
        cats = sorted(self.categories.items())
        dates = sorted(self.dates.items())
        return ([list(c) for c, _ in cats], [n for _, n in cats], [d for d, _ in dates],
                [n for _, n in dates])


def generate(pools, count, seed, out):
    cats, cat_weights, dates, date_weights = pools.frozen()
    body, summary, titles = pools.body.items, pools.summary.items, pools.titles.items
    lengths = pools.body_lengths.items
    rng = random.Random(seed + 1)
    # Cumulative weights once, so each choice is a bisection.
    cat_cum = list(_cumulative(cat_weights))
    date_cum = list(_cumulative(date_weights))
    written = 0
    for n in range(count):
        article_id = "scale-%07d" % n
        # A real title, sometimes followed by a clause of another one, so titles
        # are not all repeated word for word at 1M.
        title = rng.choice(titles)
        if rng.random() < 0.5:
            other = rng.choice(titles).split(":")[-1].strip()
            title = "%s : %s" % (title.rstrip(" .?!"), other[:1].lower() + other[1:])
        parts = rng.choices(body, k=rng.choice(lengths))
        record = {
            "id": article_id,
            "url": "https://exemple.org/scale/" + article_id,
            "title": title,
            "date": rng.choices(dates, cum_weights=date_cum)[0],
            "categories": rng.choices(cats, cum_weights=cat_cum)[0],
            "summary": " ".join(rng.choices(summary, k=rng.randint(1, 2))),
            "body": " ".join(parts),
        }
        out.write(json.dumps(record, ensure_ascii=False))
        out.write("\n")
        written += 1
    return written


def _cumulative(weights):
    total = 0
    for w in weights:
        total += w
        yield total


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000000, help="articles (1,000,000)")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--source", default=DEFAULT_SOURCE, help="OrangeSum folder")
    parser.add_argument("--pool", type=int, default=150000,
                        help="body sentences kept for recombination (memory bound)")
    parser.add_argument("--out", required=True, help="output .jsonl.gz ('-': stdout, plain)")
    parser.add_argument("--level", type=int, default=1, help="gzip level (1: fast)")
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("--count must be >= 0")
    if not os.path.isdir(args.source):
        print("generate.py: skipped, %s is absent" % args.source)
        return 0
    pools = Pools(args.source, args.seed, args.pool)
    if args.out == "-":
        written = generate(pools, args.count, args.seed, sys.stdout)
    else:
        tmp = args.out + ".part"
        # No name and mtime 0 in the gzip header: the same bytes on every run.
        with open(tmp, "wb") as raw, \
                gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0,
                              compresslevel=args.level) as gz, \
                io.TextIOWrapper(gz, encoding="utf-8") as out:
            written = generate(pools, args.count, args.seed, out)
        os.replace(tmp, args.out)
    print("generate.py: %d articles from %d source articles (%d body sentences pooled of %d)"
          % (written, pools.articles, len(pools.body.items), pools.body.seen), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
