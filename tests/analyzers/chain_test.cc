// The whole French chain: index-time and query-time options, inflection families,
// the Xapian stemmer wrapper, and use from many threads at once.
#include <gtest/gtest.h>
#include <xapian.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "analyzers/analyzer.h"
#include "token_format.h"

namespace frsearch::analysis {
namespace {

using testing::describe;
using testing::texts;

struct ChainCase {
  std::string input;
  const char* index_time;  ///< FrenchOptions{} (documents: no stop, no stem)
  const char* query_time;  ///< stop words dropped and stemmed, texts only
};

TEST(FrenchChain, Table) {
  const ChainCase cases[] = {
      {"L’hôpital a publié jeudi.Les données",
       "hopital@0[4,12] a@1[13,14] publie@2[15,22] jeudi@3[23,28] les@4[29,32] "
       "donnees@5[33,41]",
       "hopital publ jeud don"},
      {"Quel est le nombre d'hôpitaux en Île-de-France ?",
       "quel@0[0,4] est@1[5,8] le@2[9,11] nombre@3[12,18] hopitaux@4[21,30] en@5[31,33] "
       "ile@6[34,38] de@7[39,41] france@8[42,48]",
       "nombr hopital ile franc"},
      {"Le S.N.D.S. et l’e-santé", "le@0[0,2] snds@1[3,10] et@2[12,14] e@3[19,20] sante@4[21,27]",
       "snd e sant"},
      {"selon l’O.M.S.", "selon@0[0,5] oms@1[10,15]", "om"},
      {"jusqu’à 3,5 % le 23/12/2021",
       "a@0[8,10] 3,5@1[11,14] le@2[17,19] 23@3[20,22] 12@4[23,25] 2021@5[26,30]",
       "3,5 23 12 2021"},
      {"ŒUVRES d'art aujourd’hui", "oeuvres@0[0,7] art@1[10,13] aujourdhui@2[14,27]",
       "oeuvr art aujourdhui"},
      {"COVID-19 : les vaccinées", "covid@0[0,5] 19@1[6,8] les@2[11,14] vaccinees@3[15,25]",
       "covid 19 vaccin"},
  };
  const Analyzer index = make_french_analyzer();
  const Analyzer query = make_french_analyzer({/*stop_words=*/true, /*stem=*/true});
  for (const auto& c : cases) {
    EXPECT_EQ(describe(index.analyze(c.input)), c.index_time) << c.input;
    EXPECT_EQ(texts(query.analyze(c.input)), c.query_time) << c.input;
  }
}

TEST(FrenchChain, StopWordsLeavePositionGaps) {
  const Analyzer query = make_french_analyzer({/*stop_words=*/true, /*stem=*/false});
  EXPECT_EQ(describe(query.analyze("le prix de la santé")), "prix@1[3,7] sante@4[14,20]");
}

TEST(FrenchChain, OffsetsRecoverTheOriginalWord) {
  // Every token is what the chain makes of the bytes its offsets point to.
  const std::string text =
      "L’Agence régionale de santé (ARS) a publié jeudi.Les données de l'hôpital "
      "Saint-Louis : 3,5 % des S.N.D.S. ŒUVRES jusqu’à e\u0301te\u0301 aujourd’hui.";
  const Analyzer chain = make_french_analyzer();
  for (const Token& t : chain.analyze(text)) {
    const std::vector<Token> again = chain.analyze(text.substr(t.start, t.end - t.start));
    ASSERT_EQ(again.size(), 1U) << t.text;
    EXPECT_EQ(again[0].text, t.text);
  }
}

// Inflection families: every member, accented or not, all caps or not, with or
// without ligature, gives the stem of every other member.
TEST(FrenchChain, EquivalenceTables) {
  const std::vector<std::vector<const char*>> families = {
      {"financer", "financé", "financée", "financées", "financés", "financement", "FINANCÉE",
       "financee", "financees"},
      {"sécurité", "securite", "SÉCURITÉ", "sécurités"},
      {"données", "donnee", "DONNÉES", "donnée", "donnees"},
      {"œuvre", "oeuvre", "Œuvres", "OEUVRE", "ŒUVRE"},
      {"événement", "évènement", "evenements", "Événements", "EVENEMENT"},
      {"hôpital", "hopital", "hôpitaux", "HÔPITAUX", "hopitaux"},
      {"créé", "créée", "créés", "créées", "cree", "creee", "CRÉÉES"},
      {"vacciné", "vaccinée", "vaccinés", "vaccinées", "vacciner", "vaccinee"},
      {"santé", "sante", "SANTÉ", "santés"},
      {"protégé", "protégée", "protéger", "protegee", "PROTÉGÉES"},
      {"employé", "employée", "employées", "employe"},
      {"idée", "idées", "idee", "IDEES"},
      {"année", "années", "annee", "ANNÉES"},
      {"cœur", "coeur", "CŒURS", "coeurs"},
  };
  const Analyzer chain = make_french_analyzer({/*stop_words=*/false, /*stem=*/true});
  for (const auto& family : families) {
    const std::string expected = stem(fold(family[0]));
    for (const char* word : family) {
      EXPECT_EQ(stem(fold(word)), expected) << word << " vs " << family[0];
      EXPECT_EQ(texts(chain.analyze(word)), expected) << word;
    }
  }
  // Families stay apart from each other.
  EXPECT_NE(stem(fold("données")), stem(fold("santé")));
  EXPECT_NE(stem(fold("vacciné")), stem(fold("vacances")));
}

TEST(XapianStemmer, AppliesFoldThenStem) {
  Xapian::Stem stemmer = make_xapian_stemmer();
  EXPECT_EQ(stemmer("financées"), "financ");
  EXPECT_EQ(stemmer("DONNÉES"), stem(fold("données")));
  EXPECT_EQ(stemmer("œuvre"), "oeuvr");
  EXPECT_FALSE(stemmer.get_description().empty());
}

TEST(XapianStemmer, TermGeneratorAndQueryParserMakeOurStems) {
  Xapian::Document doc;
  Xapian::TermGenerator generator;
  generator.set_stemmer(make_xapian_stemmer());
  generator.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  generator.set_document(doc);
  generator.index_text("les données financées");
  std::vector<std::string> terms(doc.termlist_begin(), doc.termlist_end());
  EXPECT_NE(std::find(terms.begin(), terms.end(), "Zdon"), terms.end());
  EXPECT_NE(std::find(terms.begin(), terms.end(), "Zfinanc"), terms.end());

  Xapian::QueryParser parser;
  parser.set_stemmer(make_xapian_stemmer());
  parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  const std::string query = parser.parse_query("donnees financees").get_description();
  EXPECT_NE(query.find("Zdon"), std::string::npos) << query;
  EXPECT_NE(query.find("Zfinanc"), std::string::npos) << query;
}

TEST(FrenchChain, ThreadsGetIdenticalResults) {
  const std::vector<std::string> inputs = {
      "L’hôpital a publié jeudi.Les données de santé financées par l'État.",
      "Quel est le nombre d'hôpitaux en Île-de-France ? S.N.D.S. COVID-19 3,5",
      "ŒUVRES complètes, événements et évènements ; aujourd’hui qu’il vaccinées",
  };
  const Analyzer chain = make_french_analyzer({/*stop_words=*/true, /*stem=*/true});
  std::vector<std::string> expected;
  for (const auto& in : inputs) expected.push_back(describe(chain.analyze(in)));

  constexpr int kThreads = 4;
  constexpr int kRounds = 200;
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        const std::size_t i = static_cast<std::size_t>(r + t) % inputs.size();
        if (describe(chain.analyze(inputs[i])) != expected[i]) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

}  // namespace
}  // namespace frsearch::analysis
