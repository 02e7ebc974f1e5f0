#!/usr/bin/env python3
"""Unit tests of bench/peers/peers.py: query list parsing, the query
translations, the wire-protocol decoders, the statistics and the table.
No server, no data: runs in well under a second."""

import json
import os
import struct
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402


class QueryListTest(unittest.TestCase):
    def test_parameters_kinds_and_unaccented_forms(self):
        qs = peers.parse_queries([
            "# comment\n", "\n", "q=santé\n", "q=Macron\n", 'q="état d\'urgence"\n',
            "q=grève&from=2019-12-01&to=2020-01-31\n",
            "q=hopital\n", "q=hôpital\n", "q=sante&sort=newest\n",
            "q=&category=Santé&category=Faits divers\n", "q=a OR b\n", "q=x y z\n",
        ])
        self.assertEqual([q.kind for q in qs[:10]],
                         ["one word", "one word", "phrase", "filtered", "unaccented",
                          "one word", "sort/page", "empty q", "operators", "3+ words"])
        self.assertEqual(qs[3].filters, {"from": "2019-12-01", "to": "2020-01-31"})
        self.assertEqual(qs[7].categories(), ["Santé", "Faits divers"])
        self.assertEqual(qs[4].source, 5)  # hopital, already listed, pairs with hôpital
        derived = qs[10:]  # santé (no sort) and the others get an added twin
        self.assertEqual([(q.text, q.source) for q in derived],
                         [("sante", 0), ('"etat d\'urgence"', 2), ("greve", 3)])
        self.assertEqual(derived[2].filters, qs[3].filters)
        self.assertIsNot(derived[2].filters, qs[3].filters)

    def test_bad_parameter_is_an_error(self):
        with self.assertRaises(ValueError):
            peers.parse_queries(["q=santé&colour=red\n"])
        with self.assertRaises(ValueError):
            peers.parse_queries(["category=Santé\n"])

    def test_strip_accents_keeps_ligatures(self):
        self.assertEqual(peers.strip_accents("Œuvre À Noël ça"), "Œuvre A Noel ca")


class TranslationTest(unittest.TestCase):
    def test_clauses(self):
        clauses, excluded = peers.query_clauses(
            'titre:macron forces "état d\'urgence" l\'ordre epidemie OR pandemie vaccin* -masques')
        self.assertEqual([[(t.kind, t.words) for t in c] for c in clauses],
                         [[("word", ["macron"])], [("word", ["forces"])],
                          [("phrase", ["état", "d", "urgence"])], [("word", ["l"])],
                          [("word", ["ordre"])],
                          [("word", ["epidemie"]), ("word", ["pandemie"])],
                          [("prefix", ["vaccin"])]])
        self.assertEqual([(t.kind, t.words) for t in excluded], [("word", ["masques"])])

    def test_fts5_sphinx_and_postgres_queries(self):
        text = 'forces "état d\'urgence" a OU b v* SAUF x'
        self.assertEqual(peers.fts5_query(text),
                         '"forces" AND "état d urgence" AND ("a" OR "b") AND "v"* NOT "x"')
        self.assertEqual(peers.sphinx_query(text), 'forces "état d urgence" (a | b) v* -x')
        pg = peers.pg_tsquery(text)
        self.assertIn("phraseto_tsquery('fr_unaccent', 'état d urgence')", pg)
        self.assertIn("(plainto_tsquery('fr_unaccent', 'a') || plainto_tsquery", pg)
        self.assertIn("to_tsquery('fr_unaccent', 'v:*')", pg)
        self.assertIn("!!plainto_tsquery('fr_unaccent', 'x')", pg)
        for empty in ("", '"" ,', "-x"):
            self.assertEqual(peers.fts5_query(empty), "")
            self.assertEqual(peers.sphinx_query(empty), "")
            self.assertIsNone(peers.pg_tsquery(empty))

    def test_literals(self):
        self.assertEqual(peers.sql_literal("l'ordre"), "'l''ordre'")
        self.assertEqual(peers.sphinxql_literal("l'a\\b"), "'l\\'a\\\\b'")
        self.assertEqual(peers.pg_array(['a"b', "c"]), '{"a\\"b","c"}')

    def test_parameters_reach_every_engine(self):
        q = peers.parse_query_line("q=grève&category=Santé&category=Monde&from=2020-01-01&page=2")
        self.assertIn("ARRAY['Santé', 'Monde']", peers.pg_top_sql(q))
        self.assertIn("OFFSET 10", peers.pg_top_sql(q))
        self.assertNotIn("Santé", peers.pg_facet_sql(q))  # the facet ignores its own filter
        self.assertIn("d.pub >= DATE '2020-01-01'", peers.pg_facet_sql(q))
        sql, params = peers.sqlite_top(q)
        self.assertEqual(params, ['"grève"', "Santé", "Monde", "2020-01-01"])
        self.assertEqual(sql.count("?"), 4)
        _, params = peers.sqlite_facet(q)
        self.assertEqual(params, ['"grève"', "2020-01-01"])
        top = peers.sphinx_top_sql(q, {"Santé": 7, "Monde": 2})
        self.assertIn("cats IN (7, 2)", top)
        self.assertIn("LIMIT 10, 10", top)
        self.assertNotIn("cats IN", peers.sphinx_facet_sql(q, {"Santé": 7}))
        self.assertIn("category=Sant%C3%A9&category=Monde", peers.ours_search_params(q))
        self.assertIn("page=2", peers.ours_search_params(q))

    def test_empty_query_is_newest_first(self):
        q = peers.parse_query_line("q=&category=Santé")
        self.assertNotIn("@@", peers.pg_top_sql(q))
        self.assertIn("ORDER BY d.pub DESC", peers.pg_top_sql(q))
        sql, params = peers.sqlite_top(q)
        self.assertNotIn("MATCH", sql)
        self.assertEqual(params, ["Santé"])
        self.assertNotIn("MATCH", peers.sphinx_top_sql(q, {"Santé": 1}))
        self.assertIn("ORDER BY pub DESC", peers.sphinx_top_sql(q, {"Santé": 1}))

    def test_sphinx_charset_table_folds_accents(self):
        table = peers.sphinx_charset_table().split(", ")
        for entry in ("U+E9->e", "U+C9->e", "U+E7->c", "U+F4->o", "U+153"):
            self.assertIn(entry, table)
        self.assertNotIn("U+153->o", table)


class DecoderTest(unittest.TestCase):
    def test_pg_datarow(self):
        payload = struct.pack("!h", 3) + struct.pack("!i", 3) + b"os-" + struct.pack("!i", -1) \
            + struct.pack("!i", 6) + "santé".encode()
        self.assertEqual(peers.pg_parse_datarow(payload), ["os-", None, "santé"])

    def test_pg_error(self):
        self.assertEqual(peers.pg_error_message(b"SERROR\0C42601\0Msyntax error\0\0"),
                         "syntax error")

    def test_mysql_lenenc_and_row(self):
        self.assertEqual(peers.lenenc_int(b"\x05", 0), (5, 1))
        self.assertEqual(peers.lenenc_int(b"\xfc\x10\x01", 0), (272, 3))
        self.assertEqual(peers.lenenc_int(b"\xfd\x01\x00\x01", 0), (65537, 4))
        row = b"\x02" + b"42" + b"\xfb" + b"\x06" + "été".encode()
        self.assertEqual(peers.mysql_parse_row(row), ["42", None, "été"])
        self.assertTrue(peers.mysql_is_eof(b"\xfe\x00\x00\x02\x00"))
        self.assertFalse(peers.mysql_is_eof(b"\xfe" + b"x" * 9))

    def test_our_answer(self):
        body = json.dumps({"total": 123, "hits": [{"id": "a"}, {"id": "b"}],
                           "facets": {"category": [{"value": "France", "count": 90}]}})
        self.assertEqual(peers.parse_ours_answer(body), (2, 123, {"France": 90}))


class StatisticsTest(unittest.TestCase):
    def test_percentile_nearest_rank(self):
        values = list(range(100, 0, -1))  # 1..100, unsorted
        self.assertEqual(peers.percentile(values, 50), 50)
        self.assertEqual(peers.percentile(values, 99), 99)
        self.assertEqual(peers.percentile(values, 100), 100)
        self.assertEqual(peers.percentile([7.0], 99), 7.0)
        self.assertEqual(peers.percentile([1, 2, 3], 50), 2)
        self.assertIsNone(peers.percentile([], 50))

    def test_summary_counts_unaccented_misses(self):
        qs = peers.parse_queries(["q=santé\n", "q=école\n", "q=zzz\n"])  # + sante, ecole
        raw = {"hits": [10, 4, 0, 0, 3], "top_s": [0.001] * 5, "total_s": [0.002] * 4 + [0.1],
               "cpu_s": 0.05}
        s = peers.summarize(raw, qs)
        self.assertEqual(s["empty"], 2)
        self.assertEqual(s["unaccented_misses"], ["sante"])
        self.assertEqual(s["queries"], 5)
        self.assertAlmostEqual(s["p50_ms"], 2.0)
        self.assertAlmostEqual(s["p99_ms"], 100.0)
        self.assertAlmostEqual(s["top_p99_ms"], 1.0)
        self.assertAlmostEqual(s["cpu_ms_per_query"], 10.0)
        raw["cpu_s"] = None
        self.assertIsNone(peers.summarize(raw, qs)["cpu_ms_per_query"])

    def test_per_query_median(self):
        samples = [0.001, 0.010, 0.003, 0.020, 0.002, 0.030]  # 2 queries, 3 passes
        self.assertAlmostEqual(peers.per_query_median_ms(samples, 0, 2), 2.0)
        self.assertAlmostEqual(peers.per_query_median_ms(samples, 1, 2), 20.0)

    def test_ratio(self):
        self.assertAlmostEqual(peers.ratio(1.0, 4.0), 0.25)
        self.assertIsNone(peers.ratio(None, 4.0))
        self.assertIsNone(peers.ratio(1.0, 0))

    def test_table_rows_and_ratios(self):
        def engine(docs_per_s, p50, p99):
            return {"index": {"docs_per_s": docs_per_s, "docs_per_cpu_s": docs_per_s / 2,
                              "mb_per_s": 1.5, "size_mib": 100.0,
                              "rss_index_mib": 50.0, "rss_serve_mib": 20.0},
                    "summary": {"p50_ms": p50, "p99_ms": p99, "top_p50_ms": p50,
                                "top_p99_ms": p99, "cpu_ms_per_query": p50 / 2,
                                "empty": 1, "queries": 70,
                                "unaccented_misses": ["sante"]}}
        table = peers.markdown_table({"ours": engine(1300.0, 2.0, 10.0),
                                      "postgres": engine(2600.0, 4.0, 80.0)})
        lines = table.splitlines()
        self.assertTrue(lines[0].startswith("| engine | docs/s |"))
        self.assertIn("| ours | 1,300 | 1.50 | 650 | 100 | 50.0 |", table)
        self.assertIn("| 1.00 | 1 / 70 | 1 |", table)
        self.assertIn("| vs postgres | 0.50× | 0.50× | 1.00× | 1.00× | 0.50× | 0.12× | 0.50× |",
                      table)
        one = peers.markdown_table({"postgres": engine(2600.0, 4.0, None)})
        self.assertNotIn("ours / peer", one)
        self.assertIn("| – |", one)


if __name__ == "__main__":
    unittest.main()
