// make_document(): the terms, positions, values and data of small articles,
// written as compact expected strings (one group of terms per line); then a
// reused DocumentMaker against fresh ones over whole corpora.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "analyzers/analyzer.h"
#include "corpus/article.h"
#include "indexer/document.h"
#include "indexer/indexer.h"
#include "indexer/schema.h"
#include "test_support.h"

namespace frsearch::indexer {
namespace {

using testing::joined;

corpus::Article article(const nlohmann::json& record) {
  return corpus::parse_json_record(record.dump());
}

/// The terms of @p doc whose prefix is exactly @p prefix (a capital prefix is
/// not followed by another capital), as "term:wdf@pos,pos" (positions when
/// there are some, wdf when not zero), space separated.
std::string terms(const Xapian::Document& doc, const std::string& prefix) {
  std::vector<std::string> out;
  for (Xapian::TermIterator t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
    const std::string term = *t;
    if (term.compare(0, prefix.size(), prefix) != 0) continue;
    const char next = term.size() > prefix.size() ? term[prefix.size()] : '\0';
    if (next >= 'A' && next <= 'Z') continue;  // a longer prefix (Z vs ZS)
    if (prefix.empty() && term[0] >= 'A' && term[0] <= 'Z') continue;
    std::string item = term;
    if (t.get_wdf() != 0) item += ":" + std::to_string(t.get_wdf());
    std::string positions;
    for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p)
      positions += (positions.empty() ? "@" : ",") + std::to_string(*p);
    out.push_back(item + positions);
  }
  return joined(out, " ");
}

class MakeDocumentTest : public ::testing::Test {
 protected:
  const analysis::Analyzer analyzer_ = analysis::make_french_analyzer();
};

TEST_F(MakeDocumentTest, TermsPositionsAndPrefixes) {
  const corpus::Article a = article({{"id", "a-1"},
                                     {"title", "L’Hôpital ouvre"},
                                     {"summary", "Données"},
                                     {"body", "Le cœur du projet."},
                                     {"date", "2021-12-23T10:00:00+01:00"},
                                     {"categories", {"Projets", "À la une"}},
                                     {"extra", 7}});
  std::vector<std::string> spelling;
  const Xapian::Document doc = make_document(a, analyzer_, &spelling);

  // No unprefixed terms (index format 3): the words go to the spelling list.
  EXPECT_EQ(terms(doc, ""), "");
  // Title words keep theirs: title at 1.., summary after a gap of 100, body
  // after another gap.
  EXPECT_EQ(terms(doc, "S"), "Shopital:1@1 Souvre:1@2");
  EXPECT_EQ(terms(doc, "Q"), "Qa-1");
  EXPECT_EQ(terms(doc, "K"), "Ka la une Kprojets");
  EXPECT_EQ(terms(doc, "Y") + " " + terms(doc, "M") + " " + terms(doc, "D"),
            "Y2021 M202112 D20211223");
  // Accented spellings as written, lower case, without the elided article.
  EXPECT_EQ(terms(doc, "XU"), "XUcoeur:cœur XUdonnees:données XUhopital:hôpital");
  EXPECT_EQ(joined(spelling, " "), "coeur donnees hopital ouvre projet");

  // Stems: every word but the stop words ("le" at 204, "du" at 206: gaps), with
  // the positions of their words, a title word weighing kTitleWdfBoost; title
  // words again in ZS, without positions.
  std::set<std::string> stems, title_stems;
  const std::pair<const char*, const char*> positioned[] = {{"coeur", ":1@205"},
                                                            {"donnees", ":1@103"},
                                                            {"hopital", ":3@1"},
                                                            {"ouvre", ":3@2"},
                                                            {"projet", ":1@207"}};
  for (const auto& [w, at] : positioned) stems.insert("Z" + analysis::stem(w) + at);
  for (const char* w : {"hopital", "ouvre"}) title_stems.insert("ZS" + analysis::stem(w) + ":1");
  EXPECT_EQ(terms(doc, "Z"), joined({stems.begin(), stems.end()}, " "));
  EXPECT_EQ(terms(doc, "ZS"), joined({title_stems.begin(), title_stems.end()}, " "));
}

TEST_F(MakeDocumentTest, StemPositionsAndWdfOverFields) {
  // A stem's wdf counts its words in every field (a title word kTitleWdfBoost
  // times); its positions are those of its words, inflections included.
  const Xapian::Document doc = make_document(article({{"id", "s"},
                                                      {"title", "Données"},
                                                      {"summary", "la donnée"},
                                                      {"body", "des données, de la santé"},
                                                      {"date", "2021-01-01"}}),
                                             analyzer_);
  const std::string donnee = "Z" + analysis::stem("donnees");
  ASSERT_EQ(donnee, "Z" + analysis::stem("donnee"));
  EXPECT_EQ(terms(doc, ""), "");
  const std::string sante = "Z" + analysis::stem("sante");
  EXPECT_EQ(terms(doc, "Z"), joined({donnee + ":5@1,103,205", sante + ":1@208"}, " "));
  EXPECT_EQ(terms(doc, "ZS"), "ZS" + analysis::stem("donnees") + ":1");
  // Document length unchanged by the schema: the sum of every wdf.
  Xapian::termcount length = 0;
  std::string all;
  for (Xapian::TermIterator t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
    length += t.get_wdf();
    all += *t + ":" + std::to_string(t.get_wdf()) + " ";
  }
  EXPECT_EQ(length, 1u + 6u + 1u) << all;  // S, Z (3 for the title word), ZS
}

TEST_F(MakeDocumentTest, ValuesAndData) {
  const corpus::Article a = article({{"id", "a-1"},
                                     {"title", "Titre"},
                                     {"body", ""},
                                     {"url", "https://exemple.org/a-1"},
                                     {"date", "2021-12-23T10:00:00+01:00"},
                                     {"categories", {"Projets", "À la une"}},
                                     {"extra", {{"kept", true}}}});
  const Xapian::Document doc = make_document(a, analyzer_);
  EXPECT_EQ(doc.get_value(schema::kSlotDay), "20211223");
  EXPECT_EQ(doc.get_value(schema::kSlotSort), "20211223090000a-1");  // the instant in UTC
  EXPECT_EQ(doc.get_value(schema::kSlotMonth), "2021-12");
  EXPECT_EQ(doc.get_value(schema::kSlotCategories), "Projets\x1f\xC3\x80 la une");
  EXPECT_EQ(nlohmann::json::parse(doc.get_value(schema::kSlotMeta)),
            nlohmann::json({{"id", "a-1"},
                            {"title", "Titre"},
                            {"url", "https://exemple.org/a-1"},
                            {"date", "2021-12-23"},
                            {"categories", {"Projets", "À la une"}}}));
  const nlohmann::json data = nlohmann::json::parse(doc.get_data());
  EXPECT_EQ(data, a.record);
  EXPECT_EQ(data["extra"]["kept"], true);
  EXPECT_EQ(data["date"], "2021-12-23T10:00:00+01:00");  // as written
}

TEST_F(MakeDocumentTest, NoCategoryNoSummary) {
  const Xapian::Document doc = make_document(
      article({{"id", "b"}, {"title", "Été"}, {"body", "à Paris"}, {"date", "2020-02-29"}}),
      analyzer_);
  EXPECT_EQ(terms(doc, "K"), "");
  EXPECT_EQ(doc.get_value(schema::kSlotCategories), "");
  // No summary: the body follows the title after one gap.
  EXPECT_EQ(terms(doc, ""), "");
  EXPECT_EQ(terms(doc, "S"), "Sete:1@1");
  // "été" is a stop word (a form of "être"): no stem, in the title its S term only.
  EXPECT_EQ(terms(doc, "Z"), "Z" + analysis::stem("paris") + ":1@103");
  EXPECT_EQ(terms(doc, "XU"), "XUa:à XUete:été");
  EXPECT_EQ(nlohmann::json::parse(doc.get_value(schema::kSlotMeta))["categories"],
            nlohmann::json::array());
}

TEST_F(MakeDocumentTest, SurfaceFormsAfterElisionAndCase) {
  // "l’Été" and "L'ÉTÉ" fold to "ete" and lower-case to "été"; one term for both.
  const Xapian::Document doc = make_document(article({{"id", "c"},
                                                      {"title", "x"},
                                                      {"body", "l’Été puis L'ÉTÉ, Noël"},
                                                      {"date", "2020-01-01"}}),
                                             analyzer_);
  EXPECT_EQ(terms(doc, "XU"), "XUete:été XUnoel:noël");
}

TEST_F(MakeDocumentTest, OverlongWordsAreSkippedButKeepTheirPosition) {
  const std::string longword(150, 'x');
  const Xapian::Document doc = make_document(article({{"id", "d"},
                                                      {"title", "x"},
                                                      {"body", "avant " + longword + " apres"},
                                                      {"date", "2020-01-01"}}),
                                             analyzer_);
  EXPECT_EQ(terms(doc, ""), "");
  EXPECT_EQ(terms(doc, "Z"), "Z" + analysis::stem("apres") + ":1@104 Z" + analysis::stem("avant") +
                                 ":1@102 Z" + analysis::stem("x") + ":3@1");
}

TEST_F(MakeDocumentTest, SpellingWordsAreDistinctAlphabeticAndLongEnough) {
  std::vector<std::string> spelling;
  make_document(article({{"id", "e"},
                         {"title", "Santé santé"},
                         {"body", "le covid19 de 2020 et la santé publique, un an"},
                         {"date", "2020-01-01"}}),
                analyzer_, &spelling);
  EXPECT_EQ(joined(spelling, " "), "publique sante");
}

TEST_F(MakeDocumentTest, StemTermsCountOccurrencesOfEveryInflection) {
  const Xapian::Document doc = make_document(article({{"id", "f"},
                                                      {"title", "Données"},
                                                      {"body", "donnée, données et DONNEES"},
                                                      {"date", "2020-01-01"}}),
                                             analyzer_);
  const std::string z = "Z" + analysis::stem("donnees");
  ASSERT_EQ(z, "Z" + analysis::stem("donnee"));        // one stem for the inflections
  EXPECT_EQ(terms(doc, "Z"), z + ":6@1,102,103,105");  // "et" at 104 has no stem
  EXPECT_EQ(terms(doc, "ZS"), "ZS" + z.substr(1) + ":1");
}

/// "word:documents" for each entry of @p dictionary.
std::string listed(const std::vector<std::pair<std::string, Xapian::doccount>>& dictionary) {
  std::vector<std::string> out;
  for (const auto& [word, documents] : dictionary)
    out.push_back(word + ":" + std::to_string(documents));
  return joined(out, " ");
}

TEST_F(MakeDocumentTest, CountedWordsGiveTheSpellingDictionary) {
  // A cache of 4 words fills up and is cleared between documents: the counts of
  // the words it forgets must be kept.
  for (const std::size_t cache_words : {std::size_t{4}, std::size_t{1} << 18}) {
    SCOPED_TRACE(cache_words);
    StemCache stems(cache_words);
    DocumentMaker maker(analyzer_, stems);
    WordCounts counts;
    maker.count_words(&counts);
    for (const auto& [id, title, body] :
         {std::tuple{"a", "Santé publique", "la santé des données"},
          std::tuple{"b", "Données", "données, DONNÉES et santé"},
          std::tuple{"c", "Un an", "le covid19 de 2020, une épidémie"}}) {
      maker.make(article({{"id", id}, {"title", title}, {"body", body}, {"date", "2020-01-01"}}),
                 nullptr);
    }
    maker.take_word_counts();
    // Documents, not occurrences; words of 3 bytes or more, letters only, stop
    // words too (a typo of one is corrected like any other word).
    EXPECT_EQ(listed(counts.dictionary(3)), "des:1 donnees:2 epidemie:1 publique:1 sante:2 une:1");
    // From 1000 documents on, the words of one document are left out.
    EXPECT_EQ(listed(counts.dictionary(1000)), "donnees:2 sante:2");
    maker.take_word_counts();  // nothing counted twice
    EXPECT_EQ(listed(counts.dictionary(3)), "des:1 donnees:2 epidemie:1 publique:1 sante:2 une:1");
  }
}

TEST(IdTermTest, ShortIdsAreKeptAndLongOnesHashedUnderTheLimit) {
  EXPECT_EQ(id_term("os-2"), "Qos-2");
  const std::string long_a(300, 'a');
  std::string long_b = long_a;
  long_b.back() = 'b';
  const std::string ta = id_term(long_a), tb = id_term(long_b);
  EXPECT_LE(ta.size(), 240u);
  EXPECT_NE(ta, tb);  // same first bytes, different hash tails
  EXPECT_EQ(ta, id_term(long_a));
  EXPECT_EQ(ta.substr(0, 10), "Q" + std::string(9, 'a'));
  EXPECT_EQ(ta[ta.size() - 17], '#');
}

TEST(CategoryTermTest, LabelsFoldedWordByWord) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"À la une", "Ka la une"},
      {"  Société  ", "Ksociete"},
      {"Événement", "Kevenement"},
      {"Institutionnel", "Kinstitutionnel"},
      {"Cœur  de   cible", "Kcoeur de cible"},
  };
  for (const auto& [label, term] : cases) EXPECT_EQ(category_term(label), term) << label;
}

// DocumentMaker keeps a stem cache and scratch space (stem counts, word marks)
// across documents: a maker reused over many articles, with a cache large or
// small enough to be cleared every few documents, must make exactly what a fresh
// maker makes for each article alone (terms, wdf, positions, values, data, the
// spelling list and the surface pairs). Over the sample corpus, and over the
// first 1,000 OrangeSum articles of ../shared when it is there (skipped if not).
/// Everything a document holds, one line per item.
std::string dump(const Xapian::Document& doc) {
  std::string out = "data " + doc.get_data() + "\n";
  for (auto v = doc.values_begin(); v != doc.values_end(); ++v)
    out += "value " + std::to_string(v.get_valueno()) + " " + *v + "\n";
  for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
    out += *t + ":" + std::to_string(t.get_wdf());
    for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p)
      out += "," + std::to_string(*p);
    out += "\n";
  }
  return out;
}

/// What one maker makes of one article, spelling and surfaces included.
std::string made(DocumentMaker& maker, const corpus::Article& article) {
  std::vector<std::string> spelling, surfaces;
  std::string out = dump(maker.make(article, &spelling, &surfaces));
  for (const std::string& word : spelling) out += "spelling " + word + "\n";
  for (const std::string& pair : surfaces) out += "surface " + pair + "\n";
  return out;
}

std::vector<corpus::Article> read(const std::string& path, std::size_t limit) {
  std::vector<corpus::Article> articles;
  corpus::read_file(
      path,
      [&](corpus::Article&& article) {
        articles.push_back(std::move(article));
        return articles.size() < limit;
      },
      [](const corpus::Rejection&) { return true; });
  return articles;
}

class DocumentMakerTest : public ::testing::Test {
 protected:
  /// Counts the articles whose reused-maker output differs from a fresh maker's.
  void expect_same_as_fresh(const std::vector<corpus::Article>& articles) {
    ASSERT_FALSE(articles.empty());
    StemCache big_cache;
    StemCache small_cache(64);  // cleared every document or two
    DocumentMaker big(analyzer_, big_cache);
    DocumentMaker small(analyzer_, small_cache);
    std::size_t differing = 0;
    for (const corpus::Article& article : articles) {
      StemCache fresh_cache;
      DocumentMaker fresh(analyzer_, fresh_cache);
      const std::string expected = made(fresh, article);
      const std::string reused = made(big, article);
      const std::string cleared = made(small, article);
      if (reused != expected || cleared != expected) {
        ++differing;
        if (differing == 1) {
          EXPECT_EQ(reused, expected) << "article " << article.id;
          EXPECT_EQ(cleared, expected) << "article " << article.id;
        }
      }
    }
    EXPECT_EQ(differing, 0U) << "of " << articles.size();
    EXPECT_GT(big_cache.word_count(), 64U);  // the small cache really was cleared
  }

  const analysis::Analyzer analyzer_ = analysis::make_french_analyzer();
};

TEST_F(DocumentMakerTest, ReusedMakerMakesWhatAFreshOneMakesOnTheSample) {
  expect_same_as_fresh(read(FRS_SOURCE_DIR "/corpus/sample/articles.jsonl", 1000));
}

TEST_F(DocumentMakerTest, ReusedMakerMakesWhatAFreshOneMakesOnOrangeSum) {
  const std::string path = FRS_SOURCE_DIR "/../shared/corpora/orangesum/articles-0.jsonl.gz";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no shared data at " << path;
  expect_same_as_fresh(read(path, 1000));
}

TEST_F(DocumentMakerTest, StemCacheNumbersWordsAndStems) {
  StemCache cache;
  const std::uint32_t finance = cache.word("financees");
  const std::uint32_t financed = cache.word("finance");
  const std::uint32_t the = cache.word("les");
  EXPECT_EQ(cache.word("financees"), finance);
  EXPECT_NE(finance, financed);
  EXPECT_EQ(cache.word_text(finance), "financees");
  // One stem for both spellings, its terms built once; none for a stop word.
  ASSERT_NE(cache.stem_of(finance), StemCache::kNoStem);
  EXPECT_EQ(cache.stem_of(finance), cache.stem_of(financed));
  EXPECT_EQ(cache.stem_term(cache.stem_of(finance)), "Z" + cache.stem("financees"));
  EXPECT_EQ(cache.title_stem_term(cache.stem_of(finance)), "ZS" + cache.stem("financees"));
  EXPECT_EQ(cache.stem_of(the), StemCache::kNoStem);
  EXPECT_EQ(cache.stem_count(), 1U);
  cache.clear();
  EXPECT_EQ(cache.word_count(), 0U);
  EXPECT_EQ(cache.word("les"), 0U);
}

}  // namespace
}  // namespace frsearch::indexer
