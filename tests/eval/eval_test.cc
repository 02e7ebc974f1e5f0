// Tests of the relevance harness's metric code and accent removal
// (bench/eval/metrics.h, bench/eval/accents.h), on hand-made rankings.
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "bench/eval/accents.h"
#include "bench/eval/metrics.h"

namespace frsearch::eval {
namespace {

/// "a b c" -> {"a", "b", "c"}
std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

TEST(FirstRelevantRank, Table) {
  struct Case {
    const char* ranking;
    const char* relevant;
    std::size_t cutoff;
    std::size_t rank;
  };
  const Case cases[] = {
      {"d1 d2 d3", "d1", 10, 1},
      {"d1 d2 d3", "d3", 10, 3},
      {"d1 d2 d3", "d4", 10, 0},
      {"d1 d2 d3", "d3 d2", 10, 2},  // the first relevant one counts
      {"d1 d2 d3", "d3", 2, 0},      // beyond the cutoff
      {"d1 d2 d3", "d2", 2, 2},
      {"", "d1", 10, 0},
      {"d1 d2 d3 d4 d5 d6 d7 d8 d9 d10 d11", "d11", 10, 0},
      {"d1 d2 d3 d4 d5 d6 d7 d8 d9 d10 d11", "d10", 10, 10},
  };
  for (const auto& c : cases) {
    const auto rel = words(c.relevant);
    EXPECT_EQ(first_relevant_rank(words(c.ranking), {rel.begin(), rel.end()}, c.cutoff), c.rank)
        << c.ranking << " / " << c.relevant << " @" << c.cutoff;
  }
}

/// Scores a whole hand-made evaluation given as text in the three file formats.
Metrics score_text(const std::string& questions, const std::string& qrels, const std::string& run,
                   std::string* per_query = nullptr) {
  std::istringstream q(questions), r(qrels), u(run);
  std::vector<QueryOutcome> outcomes;
  const Metrics m = score(read_questions(q), read_qrels(r), read_run(u), &outcomes);
  if (per_query) {
    std::ostringstream out;
    write_outcomes(out, outcomes);
    *per_query = out.str();
  }
  return m;
}

TEST(Score, MrrAndSuccessOnHandMadeRankings) {
  // q1 answered at rank 1, q2 at rank 4, q3 beyond 10, q4 absent from the run,
  // q5 not judged (ignored), q6 at rank 2 with two relevant documents.
  const std::string questions = "q1\tun\nq2\tdeux\nq3\ttrois\nq4\tquatre\nq5\tcinq\nq6\tsix\n";
  const std::string qrels =
      "q1 0 a 1\nq2 0 b 1\nq3 0 k 1\nq4 0 a 1\nq6 0 y 1\nq6 0 z 1\nq6 0 w 0\n";
  std::string run = "q1 Q0 a 1 9.5 t\nq1 Q0 b 2 3.0 t\n";
  run += "q2 Q0 x 1 4 t\nq2 Q0 w 2 3 t\nq2 Q0 v 3 2 t\nq2 Q0 b 4 1 t\n";
  for (int i = 1; i <= 11; ++i)  // k at rank 11
    run += "q3 Q0 " + std::string(i == 11 ? "k" : "n" + std::to_string(i)) + " " +
           std::to_string(i) + " 1 t\n";
  run += "q5 Q0 a 1 1 t\n";
  run += "q6 Q0 w 1 2 t\nq6 Q0 z 2 1 t\nq6 Q0 y 3 1 t\n";

  std::string per_query;
  const Metrics m = score_text(questions, qrels, run, &per_query);
  EXPECT_EQ(m.questions, 5u);
  EXPECT_NEAR(m.mrr10, (1.0 + 0.25 + 0 + 0 + 0.5) / 5, 1e-12);
  EXPECT_NEAR(m.s1, 1.0 / 5, 1e-12);
  EXPECT_NEAR(m.s10, 3.0 / 5, 1e-12);
  EXPECT_EQ(per_query,
            "query\trank\ttop3\n"
            "q1\t1\ta,b\n"
            "q2\t4\tx,w,v\n"
            "q3\t0\tn1,n2,n3\n"
            "q4\t0\t\n"
            "q6\t2\tw,z,y\n");
}

TEST(Score, RunLinesAreOrderedByRankNotByPosition) {
  const Metrics m =
      score_text("q\tx\n", "q 0 good 1\n", "q Q0 good 3 1 t\nq Q0 bad 1 3 t\nq Q0 worse 2 2 t\n");
  EXPECT_NEAR(m.mrr10, 1.0 / 3, 1e-12);
  EXPECT_EQ(m.s1, 0);
  EXPECT_EQ(m.s10, 1);
}

TEST(Score, NothingJudgedIsZeroNotNan) {
  const Metrics m = score_text("q\tx\n", "", "q Q0 a 1 1 t\n");
  EXPECT_EQ(m.questions, 0u);
  EXPECT_EQ(m.mrr10, 0);
  EXPECT_EQ(m.s10, 0);
}

TEST(Readers, RejectMalformedLinesWithTheirNumber) {
  std::istringstream q("q1\tok\n\nno tab here\n");
  try {
    read_questions(q);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
  }
  std::istringstream r("q1 0 d\n");
  EXPECT_THROW(read_qrels(r), std::runtime_error);
  std::istringstream u("q1 Q0 d first 1 t\n");
  EXPECT_THROW(read_run(u), std::runtime_error);
}

TEST(Readers, QuestionsKeepTextAfterTheFirstTab) {
  std::istringstream q("p1-1\tQu'est-ce que\tla « santé » ?\r\n");
  const auto qs = read_questions(q);
  ASSERT_EQ(qs.size(), 1u);
  EXPECT_EQ(qs[0].id, "p1-1");
  EXPECT_EQ(qs[0].text, "Qu'est-ce que\tla « santé » ?");
}

TEST(WriteRun, RoundTripsThroughReadRun) {
  std::ostringstream out;
  write_run(out, "q7", {{"b", 2.5}, {"a", 1.25}}, "sys");
  EXPECT_EQ(out.str(), "q7 Q0 b 1 2.500000 sys\nq7 Q0 a 2 1.250000 sys\n");
  std::istringstream in(out.str());
  EXPECT_EQ(read_run(in).at("q7"), words("b a"));
}

TEST(FormatTable, OneRowPerSystemWithRatio) {
  TableRow row{"demo", {0.5, 0.25, 0.75, 4}, {0.25, 0.0, 0.5, 4}};
  TableRow empty{"none", {}, {}};
  const std::string table = format_table({row, empty});
  EXPECT_NE(table.find("| demo | 0.500 | 0.250 | 0.750 | 0.250 | 0.000 | 0.500 | 0.500 | 4 |\n"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("| none | 0.000 | 0.000 | 0.000 | 0.000 | 0.000 | 0.000 | - | 0 |\n"),
            std::string::npos)
      << table;
  EXPECT_EQ(format_metrics(row.written), "MRR@10 0.5000  S@1 0.2500  S@10 0.7500  questions 4");
}

TEST(StripAccents, Table) {
  const char* cases[][2] = {
      {"Où se trouve l'hôpital ?", "Ou se trouve l'hopital ?"},
      {"ÉCOLE élève Noël naïf", "ECOLE eleve Noel naif"},
      {"cœur Œuvre ex æquo Æsir", "coeur OEuvre ex aequo AEsir"},
      {"Ça garçon", "Ca garcon"},
      {"Jakob Böhme, São Paulo, Łódź", "Jakob Bohme, Sao Paulo, Łodz"},  // Ł has no decomposition
      {"e\xCC\x81t\xC3\xA9", "ete"},  // decomposed é (e + U+0301) and composed é
      {"déjà-vu, aujourd’hui 2021 €", "deja-vu, aujourd’hui 2021 €"},
      {"plain ascii", "plain ascii"},
      {"", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(strip_accents(c[0]), c[1]) << c[0];
}

TEST(StripAccents, InvalidUtf8DoesNotThrow) {
  EXPECT_EQ(strip_accents("a\xFF"
                          "b"),
            "a\xEF\xBF\xBD"
            "b");
}

}  // namespace
}  // namespace frsearch::eval
