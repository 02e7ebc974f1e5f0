// Tests of the Searcher (searchd/search.h) and snippets (searchd/snippet.h) over a
// small temporary index built with the indexer's make_document(): totals, sorts,
// pagination, filters, exact disjunctive facets (against brute-force counts),
// snippets, suggestions, completions, related articles and export.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <xapian.h>
#include <nlohmann/json.hpp>

#include "corpus/article.h"
#include "indexer/document.h"
#include "indexer/indexer.h"
#include "indexer/schema.h"
#include "searchd/query.h"
#include "searchd/search.h"
#include "searchd/search_common.h"
#include "searchd/search_facets.h"
#include "searchd/snippet.h"
#include "searchd/workers.h"

namespace frsearch::search {
namespace {

// ---- Fixture ----------------------------------------------------------------

/// The test corpus: accented and unaccented spellings, ligatures, elisions,
/// several categories and dates, reposts with the same title, HTML in a body.
constexpr const char* kRecords[] = {
    R"({"id": "a1", "title": "Les données de santé publique", "date": "2021-12-23",
        "categories": ["À la une", "Santé"],
        "body": "Les données de santé sont au cœur du débat. La santé publique a besoin de données fiables, disent les chercheurs de l’hôpital."})",
    R"({"id": "a2", "title": "L’hôpital face aux données", "date": "2021-12-01",
        "categories": ["Santé"], "url": "https://example.org/a2",
        "body": "L’hôpital de Lyon partage ses données de santé publique avec les chercheurs. L'hôpital présente un rapport annuel."})",
    R"({"id": "a3", "title": "Événement : forum des données ouvertes", "date": "2021-06-15",
        "categories": ["Événement"],
        "body": "Un forum sur les données ouvertes se tient à Paris. <script>alert('x')</script> Les données & les algorithmes."})",
    R"({"id": "a4", "title": "Les données de santé publique", "date": "2022-01-05",
        "categories": ["Santé"],
        "body": "Les données de santé sont au cœur du débat. La santé publique a besoin de données fiables, redisent les chercheurs de l’hôpital."})",
    R"({"id": "a5", "title": "Cœur artificiel : une première à l’hôpital", "date": "2020-03-10",
        "categories": ["Recherche"],
        "body": "Un cœur artificiel a été implanté à l’hôpital européen. Les médecins suivent le patient."})",
    R"({"id": "a6", "title": "Sans catégorie", "date": "2020-11-11",
        "body": "Les donnees anonymisees de l'hopital restent au coeur des inquietudes."})",
    R"({"id": "a7", "title": "Budget de l’hôpital public", "date": "2019-05-05",
        "categories": ["Économie", "Santé"],
        "body": "Le financement des hôpitaux publics augmente. L’hôpital financé par la région."})",
    R"({"id": "a8", "title": "Santé mentale des étudiants", "date": "2021-12-23T10:00:00+01:00",
        "categories": ["Santé", "Recherche"],
        "body": "Une étude sur la santé mentale des étudiants, menée par une équipe de recherche publique."})",
    R"({"id": "a9", "title": "Les Données de Santé publique !", "date": "2022-02-01",
        "categories": ["Santé"],
        "body": "Republication : les données de santé sont au cœur du débat, la santé publique a besoin de données."})",
    R"({"id": "a10", "title": "Élections régionales", "date": "2021-06-20",
        "categories": ["Politique"],
        "body": "Les élections régionales ont lieu en juin. La participation reste faible."})",
    R"({"id": "a11", "title": "Résumé seul", "date": "2018-01-02", "categories": ["Politique"],
        "summary": "Un résumé sur la santé publique et l’hôpital.", "body": ""})",
    R"({"id": "a12", "title": "Climat et santé", "date": "2021-12-24",
        "categories": ["Recherche", "À la une"],
        "body": "Le climat change la santé publique : chaleur, pollution et hôpitaux saturés."})",
    // No category. "vain" is more frequent than "vaccin", but only "vaccin" goes with "grippe".
    R"({"id": "a13", "title": "Le vaccin contre la grippe", "date": "2017-10-02",
        "body": "Le vaccin contre la grippe arrive en pharmacie."})",
    R"({"id": "a14", "title": "Un effort vain", "date": "2017-03-01",
        "body": "Un effort vain pour sauver le club."})",
    R"({"id": "a15", "title": "Combat vain", "date": "2017-05-01", "body": "Le combat semblait vain."})",
    R"({"id": "a16", "title": "Espoir vain", "date": "2017-06-01", "body": "Un espoir vain."})",
};

/// A folder made by mkdtemp() under $TMPDIR (or /tmp), removed with its content.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/frs-search-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// The parsed fixture articles, by id.
std::map<std::string, corpus::Article> articles_by_id() {
  std::map<std::string, corpus::Article> out;
  for (const char* record : kRecords) {
    std::string line = record;
    std::replace(line.begin(), line.end(), '\n', ' ');
    corpus::Article article = corpus::parse_json_record(line);
    out.emplace(article.id, std::move(article));
  }
  return out;
}

class SearchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    articles_ = new std::map<std::string, corpus::Article>(articles_by_id());
    // The same articles in one database, and spread over two shards.
    Xapian::WritableDatabase db(dir_->path() + "/db", Xapian::DB_CREATE_OR_OVERWRITE);
    Xapian::WritableDatabase shards[] = {
        Xapian::WritableDatabase(dir_->path() + "/shard0", Xapian::DB_CREATE_OR_OVERWRITE),
        Xapian::WritableDatabase(dir_->path() + "/shard1", Xapian::DB_CREATE_OR_OVERWRITE)};
    const analysis::Analyzer analyzer = analysis::make_french_analyzer();
    std::size_t n = 0;
    for (const auto& [id, article] : *articles_) {
      std::vector<std::string> spelling;
      const Xapian::Document doc = indexer::make_document(article, analyzer, &spelling);
      for (Xapian::WritableDatabase* target : {&db, &shards[n++ % 2]}) {
        target->replace_document(indexer::id_term(id), doc);
        for (const std::string& word : spelling) {
          target->add_spelling(word);
        }
      }
    }
    for (Xapian::WritableDatabase* target : {&db, &shards[0], &shards[1]}) {
      target->commit();
    }
  }
  static void TearDownTestSuite() {
    delete articles_;
    delete dir_;
  }

  void SetUp() override {
    db_ = Xapian::Database(dir_->path() + "/db");
    searcher_ = std::make_unique<Searcher>(db_);
  }

  SearchResult search(const std::string& q, const Filters& filters = {},
                      Sort sort = Sort::kRelevance, unsigned page = 1, unsigned per_page = 100) {
    SearchRequest request;
    request.q = q;
    request.filters = filters;
    request.sort = sort;
    request.page = page;
    request.per_page = per_page;
    return searcher_->search(request);
  }

  const corpus::Article& article(const std::string& id) const { return articles_->at(id); }
  /// A new index at @p path holding fixture articles a1, a2 and a3, not committed.
  Xapian::WritableDatabase small_index(const std::string& path,
                                       const analysis::Analyzer& analyzer) const {
    Xapian::WritableDatabase writer(path, Xapian::DB_CREATE_OR_OVERWRITE);
    for (const char* id : {"a1", "a2", "a3"}) {
      writer.replace_document(indexer::id_term(id), indexer::make_document(article(id), analyzer));
    }
    return writer;
  }

  /// Every document matching @p q alone, straight from Xapian (no filters).
  std::set<std::string> matching_ids(const std::string& q) {
    const ParsedQuery parsed = QueryParser(db_).parse(q);
    Xapian::Enquire enquire(db_);
    enquire.set_query(q.empty() ? Xapian::Query::MatchAll : parsed.query);
    std::set<std::string> ids;
    const Xapian::MSet mset = enquire.get_mset(0, db_.get_doccount());
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      const std::string data = it.get_document().get_data();
      ids.insert(nlohmann::json::parse(data).at("id").get<std::string>());
    }
    return ids;
  }

  /// Whether an article passes the filters, decided from the article itself.
  bool passes(const corpus::Article& a, const Filters& f, bool use_categories,
              bool use_dates) const {
    if (use_categories && !f.categories.empty()) {
      bool any = false;
      for (const std::string& label : f.categories) {
        for (const std::string& own : a.categories) {
          any = any || indexer::fold_label(own) == indexer::fold_label(label);
        }
      }
      if (!any) {
        return false;
      }
    }
    if (use_dates && !f.from.empty() && a.day < f.from) {
      return false;
    }
    if (use_dates && !f.to.empty() && a.day > f.to) {
      return false;
    }
    return true;
  }

  static inline TempDir* dir_ = nullptr;
  static inline std::map<std::string, corpus::Article>* articles_ = nullptr;
  Xapian::Database db_;
  std::unique_ptr<Searcher> searcher_;
};

std::vector<std::string> ids_of(const std::vector<Hit>& hits) {
  std::vector<std::string> ids;
  ids.reserve(hits.size());
  for (const Hit& hit : hits) {
    ids.push_back(hit.id);
  }
  return ids;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    out += (out.empty() ? "" : " ") + item;
  }
  return out;
}

/// "value:count value:count" for compact comparisons.
std::string facet_string(const std::vector<FacetValue>& values) {
  std::string out;
  for (const FacetValue& v : values) {
    out += (out.empty() ? "" : " ") + v.value + ":" + std::to_string(v.count);
  }
  return out;
}

SearchRequest page_of_three(const char* q, const Filters& f, Sort sort, unsigned page) {
  SearchRequest request;
  request.q = q;
  request.filters = f;
  request.sort = sort;
  request.page = page;
  request.per_page = 3;
  return request;
}

std::string describe(const SearchRequest& r) {
  return "q=" + r.q + " categories=" + joined(r.filters.categories) + " from=" + r.filters.from +
         " to=" + r.filters.to + " sort=" + std::to_string(int(r.sort)) +
         " page=" + std::to_string(r.page);
}

// ---- Totals, sorts, pagination ------------------------------------------------

TEST_F(SearchTest, EmptyQueryListsEveryArticleNewestFirst) {
  const SearchResult r = search("");
  EXPECT_EQ(r.total, std::size(kRecords));
  ASSERT_EQ(r.hits.size(), std::size(kRecords));
  EXPECT_EQ(r.hits.front().id, "a9");  // 2022-02-01
  EXPECT_EQ(r.hits.back().id, "a14");  // 2017-03-01
  for (const Hit& hit : r.hits) {
    EXPECT_EQ(hit.score, 0);
  }
  EXPECT_FALSE(r.suggestion);
  EXPECT_EQ(joined(ids_of(search("", {}, Sort::kOldest).hits)),
            "a14 a15 a16 a13 a11 a7 a5 a6 a3 a10 a2 a1 a8 a12 a4 a9");
}

TEST_F(SearchTest, SortsByDateOrRelevance) {
  const SearchResult newest = search("santé", {}, Sort::kNewest);
  const SearchResult oldest = search("santé", {}, Sort::kOldest);
  const SearchResult relevance = search("santé", {}, Sort::kRelevance);
  ASSERT_GT(newest.total, 5u);
  EXPECT_EQ(newest.total, oldest.total);
  EXPECT_EQ(newest.total, relevance.total);
  for (std::size_t i = 1; i < newest.hits.size(); ++i) {
    EXPECT_GE(article(newest.hits[i - 1].id).sort_key, article(newest.hits[i].id).sort_key);
    EXPECT_LE(article(oldest.hits[i - 1].id).sort_key, article(oldest.hits[i].id).sort_key);
    const Hit &before = relevance.hits[i - 1], &after = relevance.hits[i];
    EXPECT_GE(before.score, after.score);
    if (before.score == after.score) {
      EXPECT_GE(article(before.id).sort_key, article(after.id).sort_key) << before.id;
    }
  }
  std::vector<std::string> reversed = ids_of(oldest.hits);
  std::reverse(reversed.begin(), reversed.end());
  EXPECT_EQ(ids_of(newest.hits), reversed);
  EXPECT_GT(relevance.hits.front().score, 0);
  // A title match weighs more than a passing mention in the body.
  std::vector<std::string> top = ids_of(search("publique").hits);
  ASSERT_GE(top.size(), 4u);
  top.resize(3);
  std::sort(top.begin(), top.end());
  EXPECT_EQ(joined(top), "a1 a4 a9");
}

TEST_F(SearchTest, PagesAreSlicesOfTheWholeList) {
  const std::vector<std::string> all = ids_of(search("donnees").hits);
  ASSERT_GE(all.size(), 5u);
  for (Sort sort : {Sort::kRelevance, Sort::kNewest}) {
    const std::vector<std::string> every = ids_of(search("donnees", {}, sort).hits);
    std::vector<std::string> paged;
    for (unsigned page = 1; page <= 4; ++page) {
      const SearchResult r = search("donnees", {}, sort, page, 2);
      EXPECT_EQ(r.total, every.size());
      EXPECT_EQ(r.page, page);
      EXPECT_EQ(r.per_page, 2u);
      EXPECT_LE(r.hits.size(), 2u);
      for (const Hit& hit : r.hits) {
        paged.push_back(hit.id);
      }
    }
    EXPECT_EQ(paged.size(), std::min<std::size_t>(8, every.size()));
    EXPECT_TRUE(std::equal(paged.begin(), paged.end(), every.begin()));
  }
  EXPECT_TRUE(search("donnees", {}, Sort::kRelevance, 1000, 10).hits.empty());
  EXPECT_EQ(search("donnees", {}, Sort::kRelevance, 1000, 10).total, all.size());
}

TEST_F(SearchTest, HitsCarryTheirMetadata) {
  const SearchResult r = search("hôpital face");
  ASSERT_FALSE(r.hits.empty());
  const Hit& hit = r.hits.front();
  EXPECT_EQ(hit.id, "a2");
  EXPECT_EQ(hit.title, "L’hôpital face aux données");
  EXPECT_EQ(hit.url, "https://example.org/a2");
  EXPECT_EQ(hit.date, "2021-12-01");
  EXPECT_EQ(joined(hit.categories), "Santé");
  const nlohmann::json json = to_json(r);
  EXPECT_EQ(json["hits"][0]["id"], "a2");
  EXPECT_TRUE(json["suggestion"].is_null());
  EXPECT_TRUE(json["facets"]["category"].is_array());
  EXPECT_EQ(json["total"], r.total);
  // A date-time keeps its calendar day.
  EXPECT_EQ(search("mentale").hits.front().date, "2021-12-23");
}

// ---- Filters and facets ---------------------------------------------------------

TEST_F(SearchTest, CategoryFilterMatchesAnyLabel) {
  Filters f;
  f.categories = {"Recherche", "Économie"};
  EXPECT_EQ(joined(ids_of(search("", f).hits)), "a12 a8 a5 a7");
  f.categories = {"evenement"};  // labels match whatever their accents and case
  EXPECT_EQ(joined(ids_of(search("", f).hits)), "a3");
  f.categories = {"Inconnue"};
  EXPECT_EQ(search("", f).total, 0u);
}

TEST_F(SearchTest, DateRangeIsInclusive) {
  Filters f;
  f.from = "2021-12-23";
  f.to = "2021-12-23";  // a8 is a date-time of that day
  EXPECT_EQ(joined(ids_of(search("", f, Sort::kOldest).hits)), "a1 a8");
  f.to.clear();
  EXPECT_EQ(joined(ids_of(search("", f, Sort::kOldest).hits)), "a1 a8 a12 a4 a9");
  f.from.clear();
  f.to = "2019-05-05";
  EXPECT_EQ(joined(ids_of(search("", f, Sort::kOldest).hits)), "a14 a15 a16 a13 a11 a7");
}

TEST_F(SearchTest, FacetsAreExactAndDisjunctive) {
  const std::vector<std::string> queries = {"", "santé", "donnees", "hopital OR coeur",
                                            "publique -recherche"};
  std::vector<Filters> filters(5);
  filters[1].categories = {"Santé"};
  filters[2].from = "2021-01-01";
  filters[2].to = "2021-12-31";
  filters[3].categories = {"Recherche", "À la une"};
  filters[3].from = "2020-01-01";
  filters[4].to = "2021-06-30";
  for (const std::string& q : queries) {
    const std::set<std::string> matches = matching_ids(q);
    for (const Filters& f : filters) {
      SCOPED_TRACE("q=" + q + " categories=" + joined(f.categories) + " from=" + f.from +
                   " to=" + f.to);
      std::size_t total = 0;
      std::map<std::string, Xapian::doccount> category, year, month;
      for (const std::string& id : matches) {
        const corpus::Article& a = article(id);
        if (passes(a, f, true, true)) {
          ++total;
        }
        if (passes(a, f, false, true)) {
          for (const std::string& label : a.categories) {
            ++category[label];
          }
        }
        if (passes(a, f, true, false)) {
          ++year[a.day.substr(0, 4)];
          ++month[a.day.substr(0, 7)];
        }
      }
      const SearchResult r = search(q, f);
      EXPECT_EQ(r.total, total);
      EXPECT_EQ(r.hits.size(), total);
      std::map<std::string, Xapian::doccount> got_category, got_year, got_month;
      for (const FacetValue& v : r.category) {
        got_category[v.value] = v.count;
      }
      for (const FacetValue& v : r.year) {
        got_year[v.value] = v.count;
      }
      for (const FacetValue& v : r.month) {
        got_month[v.value] = v.count;
      }
      EXPECT_EQ(got_category, category);
      EXPECT_EQ(got_year, year);
      EXPECT_EQ(got_month, month);
      // Sorted: category by count descending, dates by value ascending.
      EXPECT_TRUE(std::is_sorted(
          r.category.begin(), r.category.end(), [](const FacetValue& a, const FacetValue& b) {
            return a.count > b.count || (a.count == b.count && a.value < b.value);
          }));
      auto by_value = [](const FacetValue& a, const FacetValue& b) { return a.value < b.value; };
      EXPECT_TRUE(std::is_sorted(r.year.begin(), r.year.end(), by_value));
      EXPECT_TRUE(std::is_sorted(r.month.begin(), r.month.end(), by_value));
    }
  }
}

TEST_F(SearchTest, FacetsIgnoreTheirOwnFilter) {
  Filters f;
  f.categories = {"Politique"};
  f.from = "2021-01-01";
  const SearchResult r = search("", f);
  EXPECT_EQ(joined(ids_of(r.hits)), "a10");
  // The category facet keeps the date filter, not the category one.
  EXPECT_EQ(facet_string(r.category), "Santé:5 Recherche:2 À la une:2 Politique:1 Événement:1");
  // The date facets keep the category filter, not the date one.
  EXPECT_EQ(facet_string(r.year), "2018:1 2021:1");
  EXPECT_EQ(facet_string(r.month), "2018-01:1 2021-06:1");
  // No filter: everything, articles without category add nothing to the category facet.
  const SearchResult all = search("");
  EXPECT_EQ(facet_string(all.year), "2017:4 2018:1 2019:1 2020:2 2021:6 2022:2");
  Xapian::doccount labelled = 0;
  for (const FacetValue& v : all.category) {
    labelled += v.count;
  }
  EXPECT_EQ(labelled, 15u);  // label count of the fixture; a6 has none
}

// The table (single local database) and the value-slot spies (remote or several
// shards) must give the same totals, facets and pages, browsing included.
TEST_F(SearchTest, FacetTableCountsLikeTheValueSlotSpies) {
  Searcher spies(db_);
  spies.set_facet_table(false);
  std::vector<Filters> filters(7);
  filters[1].categories = {"Santé", "Politique"};
  filters[2].from = "2021-06-01";
  filters[3].categories = {"À la une"};
  filters[3].to = "2021-12-31";
  filters[4].categories = {"sante", "inconnue"};  // labels are matched folded
  filters[5].from = "2021-12-23";                 // bounds on a document's day
  filters[5].to = "2021-12-23";
  filters[6].from = "2022-01-01";  // an empty range
  filters[6].to = "2021-01-01";
  for (const char* q : {"", "santé", "hopital OR coeur", "\"santé publique\"", "vain"}) {
    for (const Filters& f : filters) {
      for (Sort sort : {Sort::kRelevance, Sort::kNewest, Sort::kOldest}) {
        for (unsigned page : {1u, 2u, 3u}) {
          const SearchRequest request = page_of_three(q, f, sort, page);
          const SearchResult table = searcher_->search(request), spied = spies.search(request);
          SCOPED_TRACE(describe(request));
          EXPECT_EQ(table.total, spied.total);
          EXPECT_EQ(ids_of(table.hits), ids_of(spied.hits));
          EXPECT_EQ(facet_string(table.category), facet_string(spied.category));
          EXPECT_EQ(facet_string(table.year), facet_string(spied.year));
          EXPECT_EQ(facet_string(table.month), facet_string(spied.month));
        }
      }
    }
  }
}

TEST_F(SearchTest, FacetTableFollowsANewRevision) {
  TempDir dir;
  const std::string path = dir.path() + "/db";
  const analysis::Analyzer analyzer = analysis::make_french_analyzer();
  Xapian::WritableDatabase writer = small_index(path, analyzer);
  writer.commit();
  Searcher searcher{Xapian::Database(path)};
  SearchRequest request;  // browsing: every document
  EXPECT_EQ(facet_string(searcher.search(request).month), "2021-06:1 2021-12:2");
  // a2 moves to another category, a5 and a12 arrive.
  corpus::Article moved = article("a2");
  moved.categories = {"Recherche"};
  writer.replace_document(indexer::id_term("a2"), indexer::make_document(moved, analyzer));
  for (const char* id : {"a5", "a12"}) {
    writer.replace_document(indexer::id_term(id), indexer::make_document(article(id), analyzer));
  }
  writer.commit();
  EXPECT_EQ(facet_string(searcher.search(request).month), "2021-06:1 2021-12:2");  // old handle
  searcher.reopen();
  const SearchResult r = searcher.search(request);
  EXPECT_EQ(r.total, 5u);
  EXPECT_EQ(facet_string(r.month), "2020-03:1 2021-06:1 2021-12:3");
  EXPECT_EQ(facet_string(r.category), "Recherche:3 À la une:2 Santé:1 Événement:1");
}

// Searchers of one pool share a FacetTables: one table per revision, not one per
// handle; a new revision gets its own, and answers are those of a table of its own.
TEST_F(SearchTest, FacetTablesAreSharedPerRevision) {
  TempDir dir;
  const std::string path = dir.path() + "/db";
  const analysis::Analyzer analyzer = analysis::make_french_analyzer();
  Xapian::WritableDatabase writer = small_index(path, analyzer);
  writer.set_metadata(schema::kMetaGeneration, "7");
  writer.commit();
  auto tables = std::make_shared<detail::FacetTables>();
  Searcher first{Xapian::Database(path), tables}, second{Xapian::Database(path), tables};
  SearchRequest request;
  request.q = "données";
  EXPECT_EQ(facet_string(first.search(request).month), "2021-06:1 2021-12:2");
  EXPECT_EQ(facet_string(second.search(request).month), "2021-06:1 2021-12:2");
  EXPECT_EQ(tables->builds(), 1u);
  EXPECT_EQ(first.index_state().generation, "7");
  EXPECT_EQ(first.index_state().documents, 3u);

  corpus::Article moved = article("a2");
  moved.date = "2020-03-10";
  moved.day = "2020-03-10";
  writer.replace_document(indexer::id_term("a2"), indexer::make_document(moved, analyzer));
  writer.set_metadata(schema::kMetaGeneration, "8");
  writer.commit();
  first.reopen();
  EXPECT_EQ(facet_string(first.search(request).month), "2020-03:1 2021-06:1 2021-12:1");
  EXPECT_EQ(first.index_state().generation, "8") << "the index block follows the revision";
  EXPECT_EQ(facet_string(second.search(request).month), "2021-06:1 2021-12:2")
      << "a handle not reopened keeps its revision's table";
  EXPECT_EQ(second.index_state().generation, "7");
  second.reopen();
  EXPECT_EQ(facet_string(second.search(request).month), "2020-03:1 2021-06:1 2021-12:1");
  EXPECT_EQ(tables->builds(), 2u);

  // Another database (another UUID) at the same revision number has its own table.
  Searcher other{db_, tables};
  const SearchResult r = other.search(SearchRequest{});
  EXPECT_EQ(r.total, db_.get_doccount());
  EXPECT_EQ(tables->builds(), 3u);
}

// ---- Snippets -------------------------------------------------------------------

TEST_F(SearchTest, SnippetsMarkMatchedWordsWhateverTheirAccents) {
  const SearchResult donnees = search("donnees", {}, Sort::kRelevance);
  ASSERT_FALSE(donnees.hits.empty());
  for (const Hit& hit : donnees.hits) {
    if (hit.id == "a11") {
      continue;
    }
    EXPECT_TRUE(hit.snippet.find("<mark>données</mark>") != std::string::npos ||
                hit.snippet.find("<mark>donnees</mark>") != std::string::npos)
        << hit.id << ": " << hit.snippet;
  }
  const SearchResult hopital = search("hopital", {}, Sort::kNewest);
  bool elided = false;
  for (const Hit& hit : hopital.hits) {
    elided = elided || hit.snippet.find("L’<mark>hôpital</mark>") != std::string::npos;
  }
  EXPECT_TRUE(elided);
  const SearchResult coeur = search("coeur");
  ASSERT_FALSE(coeur.hits.empty());
  for (const Hit& hit : coeur.hits) {
    EXPECT_TRUE(hit.snippet.find("<mark>cœur</mark>") != std::string::npos ||
                hit.snippet.find("<mark>coeur</mark>") != std::string::npos)
        << hit.snippet;
  }
}

TEST_F(SearchTest, SnippetsAreEscaped) {
  const SearchResult r = search("algorithmes");
  ASSERT_EQ(r.hits.size(), 1u);
  const std::string& s = r.hits[0].snippet;
  EXPECT_EQ(s.find("<script>"), std::string::npos) << s;
  EXPECT_NE(s.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), std::string::npos) << s;
  EXPECT_NE(s.find("&amp; les <mark>algorithmes</mark>"), std::string::npos) << s;
}

TEST_F(SearchTest, SnippetOfAnEmptyBodyIsTheSummary) {
  const SearchResult r = search("résumé");
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].snippet, "Un <mark>résumé</mark> sur la santé publique et l’hôpital.");
  // Browsing: the beginning of the body, nothing marked.
  for (const Hit& hit : search("").hits) {
    EXPECT_EQ(hit.snippet.find("<mark>"), std::string::npos);
  }
}

/// make_snippet() alone, table-driven: text, marked words, expected snippet.
TEST(SnippetTest, WindowsCutsAndMarks) {
  const analysis::Analyzer analyzer = analysis::make_french_analyzer();
  MatchTerms donnees;
  donnees.words = {"donnees"};
  MatchTerms stems;
  stems.stems = {analysis::stem("finance")};
  MatchTerms prefix;
  prefix.prefixes = {"hop"};
  const MatchTerms none;
  SnippetOptions small;
  small.max_words = 6;
  small.max_bytes = 60;
  struct Case {
    std::string text;
    const MatchTerms* terms;
    std::string expected;
  };
  const std::string long_text =
      "un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze "
      "quinze seize les données ouvertes dix-sept dix-huit dix-neuf vingt";
  const std::vector<Case> cases = {
      {"Les Données sont là.", &donnees, "Les <mark>Données</mark> sont là."},
      {long_text, &donnees, "… seize les <mark>données</mark> ouvertes dix-sept …"},
      {long_text, &none, "un deux trois quatre cinq six …"},
      {"Financement et financées, finance.", &stems,
       "<mark>Financement</mark> et <mark>financées</mark>, <mark>finance</mark>."},
      {"L'hôpital et les hôpitaux", &prefix,
       "L&#39;<mark>hôpital</mark> et les <mark>hôpitaux</mark>"},
      {"a\n\n  b <i>", &none, "a b &lt;i&gt;"},
      {"", &donnees, ""},
      {"   \n", &none, ""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(make_snippet(c.text, *c.terms, analyzer, small), c.expected) << c.text;
  }
  // Analysed by small pieces, stopping once every word is found: the same windows.
  small.chunk_bytes = 8;
  for (const Case& c : cases) {
    EXPECT_EQ(make_snippet(c.text, *c.terms, analyzer, small), c.expected) << c.text;
  }
}

TEST(SnippetTest, LooksPastTheFirstPieceForMissingWords) {
  const analysis::Analyzer analyzer = analysis::make_french_analyzer();
  MatchTerms terms;
  terms.words = {"donnees", "ouvertes"};
  SnippetOptions options;
  options.chunk_bytes = 64;
  std::string text = "Les données d'abord.";
  for (int i = 0; i < 40; ++i) {
    text += " remplissage";
  }
  text += " Les données ouvertes enfin.";
  for (int i = 0; i < 40; ++i) {
    text += " suite";
  }
  const std::string s = make_snippet(text, terms, analyzer, options);
  EXPECT_NE(s.find("<mark>données</mark> <mark>ouvertes</mark> enfin"), std::string::npos) << s;
  // Without the second word, the first piece is enough and the snippet starts there.
  terms.words = {"donnees"};
  EXPECT_EQ(make_snippet(text, terms, analyzer, options).rfind("Les <mark>données</mark>", 0), 0u);
}

TEST(SnippetTest, NeverBreaksUtf8) {
  const analysis::Analyzer analyzer = analysis::make_french_analyzer();
  std::string text = "a";  // odd offsets: byte 240 falls inside a sequence
  for (int i = 0; i < 300; ++i) {
    text += "é";  // one 601-byte word
  }
  text += " fin";
  const std::string s = make_snippet(text, {}, analyzer);
  ASSERT_FALSE(s.empty());
  // Valid UTF-8: every lead byte is followed by the right number of continuation bytes.
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = s[i];
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    ASSERT_LE(i + n, s.size()) << "cut sequence at " << i;
    for (std::size_t k = 1; k < n; ++k) {
      ASSERT_EQ(s[i + k] & 0xC0, 0x80) << i;
    }
    i += n;
  }
  EXPECT_LT(s.size(), 300u);
}

// ---- Suggestions and completions -------------------------------------------------

TEST_F(SearchTest, SuggestsCorrectionsWithAccents) {
  struct Case {
    std::string q;
    std::optional<std::string> expected;
  };
  const std::vector<Case> cases = {
      {"sante publiqe", "santé publique"},
      {"santé publiqe", "santé publique"},
      {"titre:sante publiqe", "titre:santé publique"},
      {"\"sante publiqe\" -climat", "\"santé publique\" -climat"},
      {"vacin", "vain"},                  // alone: the most frequent of the near words
      {"grippe vacin", "grippe vaccin"},  // in context: the one found with the others
      {"vacin contre grippe", "vaccin contre grippe"},
      {"lees donnees", "les données"},   // a stop word can be the correction
      {"sante publique", std::nullopt},  // nothing to correct
      {"evenements", std::nullopt},      // an inflection of an indexed word is no typo
      {"", std::nullopt},
      {"AND OR", std::nullopt},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(search(c.q).suggestion, c.expected) << c.q;
  }
}

/// Adds a brief of 2021-01-01 to @p db as the indexer makes it; returns its
/// spelling words (indexer::make_document()).
std::vector<std::string> add_brief(Xapian::WritableDatabase& db, const analysis::Analyzer& analyzer,
                                   const std::string& id, const std::string& title,
                                   const std::string& body) {
  corpus::Article article;
  article.id = id;
  article.title = title;
  article.body = body;
  article.date = article.day = "2021-01-01";
  article.sort_key = "20210101000000";
  article.record = {{"id", id}, {"title", title}, {"body", body}, {"date", article.date}};
  std::vector<std::string> spelling;
  db.replace_document(indexer::id_term(id), indexer::make_document(article, analyzer, &spelling));
  return spelling;
}

// In context, a correction is weighed with the nearest known words each side,
// over the stop words between them (left out of the phrase, in its window), on
// their stems (index format 3); a stop word correction, which has no term, by the
// documents where its neighbours stand around the gap it would fill.
TEST(SpellingContext, LooksPastStopWords) {
  const TempDir dir;
  const analysis::Analyzer analyzer = analysis::make_french_analyzer();
  Xapian::WritableDatabase db(dir.path() + "/db", Xapian::DB_CREATE_OR_OVERWRITE);
  std::vector<std::string> bodies;
  for (int k = 0; k < 3; ++k) bodies.push_back("Il marche sur la route chaque matin.");
  bodies.push_back("La marche sud est fermée.");  // "marche sud", but never "sud la route"
  for (int k = 0; k < 3; ++k) bodies.push_back("Il a été élu au conseil municipal.");
  // "consul" is one edit from "conseul" too, more frequent, and with "élu", but
  // before it: not "élu au consul".
  for (int k = 0; k < 4; ++k) bodies.push_back("Le consul a voté et il fut élu grâce au vote.");
  for (std::size_t n = 0; n < bodies.size(); ++n) {
    for (const std::string& word :
         add_brief(db, analyzer, "s" + std::to_string(n), "Brève", bodies[n]))
      db.add_spelling(word);
  }
  db.commit();
  const Xapian::Database reader(dir.path() + "/db");
  Searcher searcher(reader);
  const auto suggestion = [&](const std::string& q) {
    SearchRequest request;
    request.q = q;
    return searcher.search(request).suggestion.value_or("(none)");
  };
  EXPECT_EQ(suggestion("marche sux la route"), "marche sur la route");
  EXPECT_EQ(suggestion("élu au conseul"), "élu au conseil");
  EXPECT_EQ(suggestion("conseul"), "consul");  // alone: the more frequent
}

// Index format 3 has no word terms: word* goes through the index's words ("XW"
// metadata, what remote shards serve too; no spelling table here) to their stems
// (and through the stems that start with it, numbers included), completions come
// from those words, and a query of stop words only (no stem) looks in the titles.
TEST(Format3Words, PrefixesCompletionsAndStopWords) {
  const TempDir dir;
  const analysis::Analyzer analyzer = analysis::make_french_analyzer();
  Xapian::WritableDatabase db(dir.path() + "/db", Xapian::DB_CREATE_OR_OVERWRITE);
  indexer::WordCounts words;
  const std::vector<std::pair<std::string, std::string>> texts = {
      {"Vaccination en pharmacie", "La vaccination commence lundi."},
      {"Le vaccin arrive", "Un vaccin testé."},
      {"Un vaccin de plus", "Encore un vaccin."},
      {"Les données", "Les statistiques 2021 des données."},
  };
  for (std::size_t n = 0; n < texts.size(); ++n) {
    const std::string id = "f" + std::to_string(n);
    for (const std::string& word : add_brief(db, analyzer, id, texts[n].first, texts[n].second))
      words.add(word, 1);
  }
  words.add_to_metadata(db);
  db.set_metadata(schema::kMetaFormat, schema::kFormat);  // the words are the "XW" counts
  db.commit();
  const Xapian::Database reader(dir.path() + "/db");
  Searcher searcher(reader);
  const auto ids = [&](const std::string& q) {
    SearchRequest request;
    request.q = q;
    std::set<std::string> found;
    for (const Hit& hit : searcher.search(request).hits) found.insert(hit.id);
    return std::vector<std::string>(found.begin(), found.end());
  };
  using V = std::vector<std::string>;
  // "vaccinat" begins no stem ("vaccination" is Zvaccin): only the dictionary finds
  // it; its stem also finds « vaccin » (a stem stands for all its inflections).
  EXPECT_EQ(ids("vaccinat*"), (V{"f0", "f1", "f2"}));
  EXPECT_EQ(ids("statisti*"), V{"f3"});
  EXPECT_EQ(ids("202*"), V{"f3"});  // numbers are no dictionary words: their stems
  EXPECT_EQ(ids("zzz*"), V{});
  EXPECT_EQ(ids("vaccination-en-pharma*"), V{"f0"});  // in a phrase too
  // What a prefix matches is marked in the snippets, other inflections included.
  SearchRequest prefix;
  prefix.q = "vaccinat*";
  std::string snippets;
  for (const Hit& hit : searcher.search(prefix).hits) snippets += hit.snippet + "|";
  EXPECT_NE(snippets.find("<mark>vaccination</mark>"), std::string::npos) << snippets;
  EXPECT_NE(snippets.find("<mark>vaccin</mark>"), std::string::npos) << snippets;
  // Completions: the dictionary's words, the most frequent first, stop words left out.
  EXPECT_EQ(joined(searcher.suggest("vacc", 2)), "vaccin vaccination");
  EXPECT_EQ(joined(searcher.suggest("do", 5)), "données");
  EXPECT_EQ(joined(searcher.suggest("de", 5)), "");  // "des" is a stop word
  // Stop words only: the titles holding them; none beside other words.
  EXPECT_EQ(ids("le"), V{"f1"});
  EXPECT_EQ(ids("les des"), V{"f3"});
  EXPECT_EQ(ids("la"), V{});  // in a body only
  EXPECT_EQ(ids("le pharmacie"), V{"f0"});
  // Spelling checks know the words and their counts from there too.
  SearchRequest typo;
  typo.q = "pharmacei";
  EXPECT_EQ(searcher.search(typo).suggestion, "pharmacie");
}

TEST_F(SearchTest, CompletesTheLastWordWithItsAccents) {
  EXPECT_EQ(joined(searcher_->suggest("hôp", 1)), "hôpital");
  EXPECT_EQ(joined(searcher_->suggest("hop", 1)), "hôpital");
  const std::vector<std::string> two = searcher_->suggest("HOP", 2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0], "hôpital");
  EXPECT_EQ(two[1], "hôpitaux");
  EXPECT_EQ(joined(searcher_->suggest("données de san", 1)), "données de santé");
  EXPECT_EQ(joined(searcher_->suggest("l’hop", 1)), "l’hôpital");
  EXPECT_TRUE(searcher_->suggest("h", 5).empty());
  EXPECT_TRUE(searcher_->suggest("", 5).empty());
  EXPECT_TRUE(searcher_->suggest("hopital ", 5).empty());
  EXPECT_TRUE(searcher_->suggest("zzz", 5).empty());
}

// ---- Related articles --------------------------------------------------------------

TEST_F(SearchTest, RelatedToAnArticle) {
  EXPECT_FALSE(searcher_->related_to_article("nope", 5, {}));
  for (const auto& [id, a] : *articles_) {
    const auto related = searcher_->related_to_article(id, 5, {});
    ASSERT_TRUE(related) << id;
    EXPECT_LE(related->size(), 5u);
    for (const Hit& hit : *related) {
      EXPECT_NE(hit.id, id);
    }
  }
  // a1's reposts (a4, a9: same title give or take case and punctuation) come once.
  const std::vector<std::string> ids = ids_of(*searcher_->related_to_article("a1", 5, {}));
  ASSERT_FALSE(ids.empty());
  EXPECT_TRUE(ids.front() == "a4" || ids.front() == "a9") << joined(ids);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "a4") + std::count(ids.begin(), ids.end(), "a9"), 1)
      << joined(ids);
  // Filters apply.
  Filters f;
  f.categories = {"Recherche"};
  const auto filtered = searcher_->related_to_article("a1", 5, f);
  ASSERT_TRUE(filtered);
  for (const Hit& hit : *filtered) {
    EXPECT_TRUE(std::find(hit.categories.begin(), hit.categories.end(), "Recherche") !=
                hit.categories.end())
        << hit.id;
  }
}

TEST_F(SearchTest, RelatedToADraft) {
  const std::vector<Hit> hits =
      searcher_->related_to_text("UN CŒUR ARTIFICIEL IMPLANTÉ PAR LES MEDECINS", 3, {});
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits.front().id, "a5");
  EXPECT_GT(hits.front().score, 0);
  EXPECT_TRUE(searcher_->related_to_text("le la les", 3, {}).empty());
  EXPECT_TRUE(searcher_->related_to_text("", 3, {}).empty());
  // A long draft (10,000 words) is answered, and quickly.
  std::string draft;
  for (int i = 0; i < 1000; ++i) {
    draft += "Les élections régionales ont lieu mot" + std::to_string(i) +
             " avec une participation faible. ";  // 10 words
  }
  const auto start = std::chrono::steady_clock::now();
  const std::vector<Hit> long_hits = searcher_->related_to_text(draft, 5, {});
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ASSERT_FALSE(long_hits.empty());
  EXPECT_EQ(long_hits.front().id, "a10");
  EXPECT_LT(ms, 2000) << "generous bound: sanitizers slow this down";
}

// ---- Articles and export -----------------------------------------------------------

TEST_F(SearchTest, ArticleIsTheStoredRecord) {
  const auto a2 = searcher_->article("a2");
  ASSERT_TRUE(a2);
  EXPECT_EQ((*a2)["title"], "L’hôpital face aux données");
  EXPECT_EQ((*a2)["url"], "https://example.org/a2");
  EXPECT_FALSE(searcher_->article("a"));
  EXPECT_FALSE(searcher_->article(""));
  EXPECT_EQ(searcher_->documents(), std::size(kRecords));
}

TEST_F(SearchTest, ExportStreamsEveryMatchInOrder) {
  for (const std::string& q : {std::string(), std::string("santé"), std::string("zzzz")}) {
    for (Sort sort : {Sort::kRelevance, Sort::kNewest, Sort::kOldest}) {
      SearchRequest request;
      request.q = q;
      request.sort = sort;
      request.per_page = 100;
      const SearchResult r = searcher_->search(request);
      std::vector<std::string> exported;
      searcher_->export_matches(request, [&](const ExportRow& row) {
        exported.push_back(row.id);
        EXPECT_EQ(row.date.size(), 10u);
        return true;
      });
      EXPECT_EQ(exported.size(), r.total) << q;
      EXPECT_EQ(exported, ids_of(r.hits)) << q;
    }
  }
  SearchRequest request;
  int rows = 0;
  searcher_->export_matches(request, [&](const ExportRow&) { return ++rows < 2; });
  EXPECT_EQ(rows, 2);
}

// ---- Shards -------------------------------------------------------------------------

TEST_F(SearchTest, ShardsAnswerLikeOneDatabase) {
  Xapian::Database both(dir_->path() + "/shard0");
  both.add_database(Xapian::Database(dir_->path() + "/shard1"));
  Searcher sharded(both);
  Filters f;
  f.categories = {"Santé", "Recherche"};
  f.from = "2020-01-01";
  for (const std::string& q : {std::string(), std::string("santé"), std::string("hopital coeur")}) {
    for (Sort sort : {Sort::kRelevance, Sort::kOldest}) {
      SearchRequest request;
      request.q = q;
      request.sort = sort;
      request.filters = f;
      const SearchResult one = searcher_->search(request), two = sharded.search(request);
      EXPECT_EQ(two.total, one.total) << q;
      EXPECT_EQ(ids_of(two.hits), ids_of(one.hits)) << q;
      EXPECT_EQ(facet_string(two.category), facet_string(one.category)) << q;
      EXPECT_EQ(facet_string(two.month), facet_string(one.month)) << q;
      Xapian::doccount exported = 0;
      sharded.export_matches(request, [&](const ExportRow&) { return ++exported > 0; });
      EXPECT_EQ(exported, one.total) << q;
    }
  }
  SearchRequest typo;
  typo.q = "sante publiqe";
  EXPECT_EQ(sharded.search(typo).suggestion, "santé publique");
  EXPECT_EQ(joined(sharded.suggest("hop", 2)), "hôpital hôpitaux");
  ASSERT_TRUE(sharded.article("a7"));
  EXPECT_EQ((*sharded.article("a7"))["title"], "Budget de l’hôpital public");
  const auto related = sharded.related_to_article("a1", 3, {});
  ASSERT_TRUE(related);
  ASSERT_FALSE(related->empty());
  for (const Hit& hit : *related) {
    EXPECT_NE(hit.id, "a1");
  }
  EXPECT_EQ(sharded.documents(), std::size(kRecords));
}

// ---- Odd input ------------------------------------------------------------------------

TEST_F(SearchTest, OddInputNeverCrashes) {
  const std::vector<std::string> queries = {"\"",
                                            "(((",
                                            "AND",
                                            "-",
                                            "*",
                                            "titre:",
                                            "date:2021..",
                                            "\xff\xfe",
                                            "NEAR NEAR",
                                            "l'",
                                            "’’’",
                                            "a*",
                                            "—",
                                            std::string(3000, 'x'),
                                            "categorie:\"À la une\"",
                                            "hop* OR (donnees AND -sante)"};
  for (const std::string& q : queries) {
    for (unsigned page : {0u, 1u, 4000000000u}) {
      const SearchResult r = search(q, {}, Sort::kRelevance, page, 10);
      EXPECT_LE(r.hits.size(), 10u) << q;
    }
    searcher_->suggest(q, 5);
    searcher_->related_to_text(q, 5, {});
  }
  EXPECT_TRUE(search("donnees", {}, Sort::kRelevance, 1, 0).hits.empty());
}

TEST_F(SearchTest, EmptyIndexAnswersNothing) {
  const std::string path = dir_->path() + "/empty";
  Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OVERWRITE).commit();
  Searcher empty{Xapian::Database(path)};
  for (const std::string& q : {std::string(), std::string("santé"), std::string("sante publiqe")}) {
    SearchRequest request;
    request.q = q;
    request.filters.categories = {"Santé"};
    const SearchResult r = empty.search(request);
    EXPECT_EQ(r.total, 0u);
    EXPECT_TRUE(r.hits.empty());
    EXPECT_TRUE(r.category.empty());
    EXPECT_FALSE(r.suggestion);
    int rows = 0;
    empty.export_matches(request, [&](const ExportRow&) { return ++rows > 0; });
    EXPECT_EQ(rows, 0);
  }
  EXPECT_TRUE(empty.suggest("hop", 5).empty());
  EXPECT_TRUE(empty.related_to_text("santé publique", 5, {}).empty());
  EXPECT_FALSE(empty.related_to_article("a1", 5, {}));
  EXPECT_EQ(empty.documents(), 0u);
}

TEST(IndexFormatTest, WarnsAboutAnIndexOfAnOlderIndexer) {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  EXPECT_EQ(index_format_warning(db), "");  // empty: nothing to warn about
  db.add_document(Xapian::Document());
  const std::string warning = index_format_warning(db);  // no format: positions on words
  EXPECT_NE(warning.find("warning"), std::string::npos) << warning;
  EXPECT_NE(warning.find("indexer build"), std::string::npos) << warning;
  EXPECT_NE(warning.find("index format 1"), std::string::npos) << warning;
  // Format 2 (exact words beside the stems): still served, with a warning.
  db.set_metadata(schema::kMetaFormat, "2");
  const std::string two = index_format_warning(db);
  EXPECT_NE(two.find("index format 2"), std::string::npos) << two;
  EXPECT_NE(two.find("indexer build"), std::string::npos) << two;
  db.set_metadata(schema::kMetaFormat, schema::kFormat);
  EXPECT_EQ(index_format_warning(db), "");
  db.set_metadata(schema::kMetaFormat, "4");  // a newer indexer's: nothing to say
  EXPECT_EQ(index_format_warning(db), "");
}

// Every local shard is checked, not only the first one; those without the
// format are named.
TEST(IndexFormatTest, NamesEachShardOfAnOlderIndexer) {
  const TempDir dir;
  const std::string current = dir.path() + "/shard-000", old = dir.path() + "/shard-001",
                    empty = dir.path() + "/shard-002", two = dir.path() + "/shard-003";
  {
    Xapian::WritableDatabase a(current, Xapian::DB_CREATE_OR_OVERWRITE);
    a.add_document(Xapian::Document());
    a.set_metadata(schema::kMetaFormat, schema::kFormat);
    a.commit();
    Xapian::WritableDatabase b(old, Xapian::DB_CREATE_OR_OVERWRITE);
    b.add_document(Xapian::Document());
    b.commit();
    Xapian::WritableDatabase d(two, Xapian::DB_CREATE_OR_OVERWRITE);
    d.add_document(Xapian::Document());
    d.set_metadata(schema::kMetaFormat, "2");  // below the current format: named too
    d.commit();
    Xapian::WritableDatabase c(empty, Xapian::DB_CREATE_OR_OVERWRITE);
    c.commit();
  }
  const std::string warning = index_format_warning({current, old, empty}, "newsq");
  EXPECT_EQ(warning.rfind("newsq: warning: index " + old + " was", 0), 0u) << warning;
  EXPECT_EQ(warning.find(current), std::string::npos) << warning;
  EXPECT_EQ(warning.find(empty), std::string::npos) << warning;
  EXPECT_NE(warning.find("indexer build"), std::string::npos) << warning;
  // The oldest format is the one described; every shard below the current one named.
  const std::string both_old = index_format_warning({two, current, old}, "searchd");
  EXPECT_NE(both_old.find("indexes " + two + ", " + old + " were"), std::string::npos) << both_old;
  EXPECT_NE(both_old.find("index format 1"), std::string::npos) << both_old;
  EXPECT_EQ(index_format_warning({current, two}, "newsq").find("index format 2"),
            std::string("newsq: warning: index ").size() + two.size() +
                std::string(" was written by an older indexer (").size());
  // The combined database shows the first shard's metadata only: no warning.
  Xapian::Database both(current);
  both.add_database(Xapian::Database(old));
  EXPECT_EQ(index_format_warning(both), "");
  EXPECT_EQ(index_format_warning({current, empty}, "searchd"), "");
  EXPECT_EQ(
      index_format_warning({old, old}, "searchd").find("indexes " + old + ", " + old + " were"),
      std::string("searchd: warning: ").size());
}

// ---- Quick paths: the same answers as the full ones -------------------------------

std::set<Xapian::docid> matches_of(const Xapian::Database& db, const Xapian::Query& query) {
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  std::set<Xapian::docid> out;
  const Xapian::MSet mset = enquire.get_mset(0, db.get_doccount());
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    out.insert(*it);
  }
  return out;
}

TEST_F(SearchTest, CountingQueryMatchesWhatTheQueryMatches) {
  std::size_t some = 0;
  for (const char* q :
       {"données", "santé publique", "hopital coeur artificiel", "\"santé publique\"",
        "+santé données", "donnees -hopital", "santé OR climat", "titre:hopital données",
        "donn* sante", "coeur NEAR/3 artificiel", "santé publique categorie:Santé", "NOT santé",
        "vaccin grippe", "les données de santé publique", "effort vain club"}) {
    const ParsedQuery parsed = QueryParser(db_).parse(q);
    const Xapian::Query counting = detail::match_query(parsed.query);
    const auto expected = matches_of(db_, parsed.query);
    EXPECT_EQ(matches_of(db_, counting), expected) << q << "\n"
                                                   << parsed.query.get_description() << "\n"
                                                   << counting.get_description();
    some += expected.empty() ? 0 : 1;
  }
  EXPECT_GE(some, 12u);
}

TEST(MatchQueryTest, DropsOnlyWhatWeighs) {
  using Q = Xapian::Query;
  const Q a("a"), b("b"), c("c");
  const Q ab[] = {a, b};
  const Q near(Q::OP_NEAR, ab, ab + 2, 5);
  auto same = [](const Q& x, const Q& y) { return x.get_description() == y.get_description(); };
  // A proximity bonus of words taken alone, scaled or not, goes.
  EXPECT_TRUE(
      same(detail::match_query(Q(Q::OP_OR, Q(Q::OP_OR, a, b), Q(Q::OP_SCALE_WEIGHT, near, 0.5))),
           Q(Q::OP_OR, a, b)));
  // ... but not when one of its words is not there alone.
  EXPECT_TRUE(same(detail::match_query(Q(Q::OP_OR, c, near)), Q(Q::OP_OR, c, near)));
  // The optional side of AND_MAYBE, and weights.
  EXPECT_TRUE(same(detail::match_query(Q(Q::OP_AND_MAYBE, a, b)), a));
  EXPECT_TRUE(same(detail::match_query(Q(Q::OP_SCALE_WEIGHT, a, 2.0)), a));
  // A fixed bonus filtered by words the query has: its matches are theirs.
  const Q bonus(Q::OP_FILTER, Q((new Xapian::FixedWeightPostingSource(1.0))->release()),
                Q(Q::OP_OR, a, b));
  EXPECT_TRUE(same(detail::match_query(Q(Q::OP_OR, Q(Q::OP_OR, a, b), bonus)), Q(Q::OP_OR, a, b)));
  // Twice the same branch: once.
  EXPECT_TRUE(same(detail::match_query(Q(Q::OP_OR, a, a)), a));
  // What is removed stays removed; phrases and value ranges are kept whole.
  EXPECT_TRUE(same(detail::match_query(Q(Q::OP_AND_NOT, Q(Q::OP_AND_MAYBE, a, c), near)),
                   Q(Q::OP_AND_NOT, a, near)));
  const Q range(Q::OP_VALUE_RANGE, 0, "a", "b");
  EXPECT_TRUE(same(detail::match_query(Q(Q::OP_FILTER, a, range)), Q(Q::OP_FILTER, a, range)));
}

/// What stored_text() gave when it parsed the whole record.
std::string full_stored_text(const std::string& text) {
  const nlohmann::json record = nlohmann::json::parse(text, nullptr, false);
  if (!record.is_object()) {
    return {};
  }
  auto field = [&](const char* key) {
    auto it = record.find(key);
    return it != record.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const std::string body = field("body");
  const bool blank = body.find_first_not_of(" \n\r\t") == std::string::npos;
  return blank ? field("summary") : body;
}

TEST(StoredRecordTest, QuickReadGivesWhatAFullParseGives) {
  const std::vector<std::string> records = {
      R"({"body": "Le \"cœur\" \\ \/ \n\t\u00e9\ud83d\ude00 \u20ac fin", "summary": "s"})",
      R"({"summary": "résumé", "body": "  \n"})",
      R"({"body": 42, "summary": "s"})",
      R"({"body": null})",
      R"({"title": {"nested": ["a", "}", {"b": "]"}]}, "n": -1.5e3, "ok": true, "body": "b\"}"})",
      R"({"body": "first", "body": "second"})",
      R"({"body": "bad \x escape"})",
      R"({"body": "lone \ud800 surrogate"})",
      R"({"body": "lone \udc00 low"})",
      "{\"body\": \"raw\x01control\"}",
      "{\"body\": \"bad utf8 \xC3\x28\"}",
      "{\"body\": \"overlong \xC0\xAF\"}",
      R"(["not", "an object"])",
      R"({"body": "unterminated)",
      R"({"body": "ok"} trailing)",
      R"({"body": "ok",})",
      "",
      "{}",
      R"({ "body" : "spaces" , "summary":"x" } )",
      R"({"b\u006fdy": "escaped key", "summary": "s"})",
      R"({"body": "escaped backslash at the end\\", "summary": "s"})",
  };
  for (const std::string& record : records) {
    EXPECT_EQ(detail::stored_text_of(record), full_stored_text(record)) << record;
  }
}

TEST(StoredRecordTest, QuickMetaGivesWhatAFullParseGives) {
  const std::vector<std::string> metas = {
      R"({"categories":["A","B\u00e9",3,{"x":"y"},"C"],"date":"2021-12-23T10:00:00+01:00","id":"x1","title":"T \"q\"","url":"u"})",
      R"({"categories":"not an array","date":"2021","id":7,"title":null})",
      R"({"id":"a","id":"b","categories":[]})",
      R"({"id":"bad \q"})",
      R"({"id": "truncated)",
      R"(null)",
      "",
  };
  for (const std::string& text : metas) {
    Hit expected;
    const nlohmann::json meta = nlohmann::json::parse(text, nullptr, false);
    if (meta.is_object()) {
      auto field = [&](const char* key) {
        auto it = meta.find(key);
        return it != meta.end() && it->is_string() ? it->get<std::string>() : std::string();
      };
      expected.id = field("id");
      expected.title = field("title");
      expected.url = field("url");
      expected.date = field("date").substr(0, 10);
      auto labels = meta.find("categories");
      if (labels != meta.end() && labels->is_array()) {
        for (const auto& label : *labels) {
          if (label.is_string()) {
            expected.categories.push_back(label.get<std::string>());
          }
        }
      }
    }
    const Hit hit = detail::hit_meta_of(text);
    EXPECT_EQ(hit.id, expected.id) << text;
    EXPECT_EQ(hit.title, expected.title) << text;
    EXPECT_EQ(hit.url, expected.url) << text;
    EXPECT_EQ(hit.date, expected.date) << text;
    EXPECT_EQ(hit.categories, expected.categories) << text;
  }
}

TEST(SnippetTest, FindsAFarWindowWhateverTheSpelling) {
  const analysis::Analyzer analyzer = analysis::make_french_analyzer();
  std::string filler;
  for (int i = 0; i < 300; ++i) {
    filler += "remplissage ";
  }
  MatchTerms terms;
  terms.words = {"hopital"};
  terms.stems = {analysis::stem("hopitaux")};
  const std::string far = filler + "Enfin, L’HÔPITAL et les « hôpitaux » publics. " + filler;
  std::string s = make_snippet(far, terms, analyzer);
  EXPECT_EQ(s.rfind("… ", 0), 0u) << s;
  EXPECT_NE(s.find("L’<mark>HÔPITAL</mark> et les « <mark>hôpitaux</mark> »"), std::string::npos)
      << s;
  // Words the tokenizer keeps whole: an apostrophe inside, an acronym with dots.
  MatchTerms joined;
  joined.words = {"aujourdhui", "oms"};
  s = make_snippet(filler + "C’est aujourd’hui que l’O.M.S. décide. " + filler, joined, analyzer);
  // (the mark starts past the apostrophe, as for an elided article: word_start())
  EXPECT_NE(s.find("aujourd’<mark>hui</mark>"), std::string::npos) << s;
  EXPECT_NE(s.find("<mark>O.M.S</mark>"), std::string::npos) << s;
  // A part the quick scan sees inside a whole word marks nothing.
  MatchTerms part;
  part.words = {"hui"};
  s = make_snippet(filler + "aujourd’hui " + filler, part, analyzer);
  EXPECT_EQ(s.find("<mark>"), std::string::npos) << s;
  // No match in the text: its beginning, as without words to mark.
  MatchTerms absent;
  absent.words = {"absent"};
  EXPECT_EQ(make_snippet(far, absent, analyzer), make_snippet(far, {}, analyzer));
  EXPECT_EQ(make_snippet(far, absent, analyzer).rfind("remplissage", 0), 0u);
}

TEST_F(SearchTest, AnswerTextIsWhatDumpWrites) {
  const nlohmann::json index = {{"generation", "3"}, {"last_update", "x"}, {"documents", 16}};
  auto dumped = [&](const SearchResult& r) {
    nlohmann::json j = to_json(r);
    j["index"] = index;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  for (const char* q : {"données", "santé publique", "", "sante publiqe", "zzzz"}) {
    SearchRequest request;
    request.q = q;
    const SearchResult r = searcher_->search(request);
    EXPECT_EQ(to_json_text(r, index), dumped(r)) << q;
  }
  SearchResult odd;
  odd.query = "a \"b\" \\ \x01\x1f\t\n\r\b\f\x7f é €";
  odd.suggestion = "bad \xC3\x28 utf8 \xE2\x82";
  odd.took_ms = 1e-7;
  Hit hit;
  hit.id = "x";
  hit.title = "T\xFF";
  hit.score = 12345.678901234567;
  hit.snippet = "<mark>é</mark> \xF0\x9F\x98\x80";
  hit.categories = {"A", "B\"", "\xED\xA0\x80"};
  odd.hits = {hit, Hit{}};
  odd.category = {{"Santé", 3}, {"\x80", 1}};
  odd.month = {{"2021-12", 7}};
  EXPECT_EQ(to_json_text(odd, index), dumped(odd));
}

// ---- Parallel search (search.h, Parallel; workers.h) ---------------------------------

// Two jobs that can only both finish if they run at the same time: the helper
// thread takes one while the caller runs the other.
TEST(WorkersTest, AnIdleHelperRunsAJobBesideTheCaller) {
  Workers workers(1);
  std::atomic<bool> first{false}, second{false};
  auto wait_for = [](const std::atomic<bool>& flag) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!flag && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
    return flag.load();
  };
  bool saw_second = false, saw_first = false;
  std::vector<std::function<void()>> jobs = {[&] {
                                               first = true;
                                               saw_second = wait_for(second);
                                             },
                                             [&] {
                                               second = true;
                                               saw_first = wait_for(first);
                                             }};
  workers.run(jobs);
  EXPECT_TRUE(saw_first && saw_second);
  EXPECT_EQ(workers.helped(), 1u);
}

TEST(WorkersTest, EveryJobRunsAndTheFirstErrorReachesTheCaller) {
  for (unsigned threads : {0u, 1u, 3u}) {
    Workers workers(threads);
    std::atomic<int> ran{0};
    std::vector<std::function<void()>> jobs;
    for (int i = 0; i < 8; ++i) {
      jobs.emplace_back([&ran, i] {
        ++ran;
        if (i == 3 || i == 6) {
          throw std::runtime_error("job " + std::to_string(i));
        }
      });
    }
    try {
      workers.run(jobs);
      ADD_FAILURE() << "no exception";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "job 3");
    }
    EXPECT_EQ(ran, 8) << threads << " threads";
    std::vector<std::function<void()>> none;
    workers.run(none);
  }
}

/// Every field of two answers, scores within 1e-9 (shards: the same statistics,
/// sums in another order).
void expect_same_answer(const SearchResult& a, const SearchResult& b) {
  EXPECT_EQ(a.total, b.total);
  ASSERT_EQ(ids_of(a.hits), ids_of(b.hits));
  for (std::size_t i = 0; i < a.hits.size(); ++i) {
    EXPECT_NEAR(a.hits[i].score, b.hits[i].score, 1e-9);
    EXPECT_EQ(a.hits[i].snippet, b.hits[i].snippet);
  }
  EXPECT_EQ(facet_string(a.category), facet_string(b.category));
  EXPECT_EQ(facet_string(a.year), facet_string(b.year));
  EXPECT_EQ(facet_string(a.month), facet_string(b.month));
  EXPECT_EQ(a.suggestion, b.suggestion);
}

// A search split over threads (min_matches 1: every search with a term), over one
// database and over two shards each counted with a table of its own, answers
// exactly what one thread over one database answers; so do the two shards on one
// thread (no workers).
TEST_F(SearchTest, SplitSearchesAnswerLikeOneThread) {
  Workers workers(1);
  auto tables = std::make_shared<detail::FacetTables>();
  const std::vector<std::string> one = {dir_->path() + "/db"};
  const std::vector<std::string> two = {dir_->path() + "/shard0", dir_->path() + "/shard1"};
  auto opener = [](std::vector<std::string> paths) {
    return [paths] {
      std::vector<Xapian::Database> parts;
      for (const std::string& path : paths) {
        parts.emplace_back(path);
      }
      return parts;
    };
  };
  auto parallel = [&](const std::vector<std::string>& paths, Workers* with) {
    Parallel p;
    p.workers = with;
    p.open_parts = opener(paths);
    p.min_matches = 1;
    return p;
  };
  Searcher split_one(opener(one)(), tables, parallel(one, &workers));
  Searcher split_two(opener(two)(), tables, parallel(two, &workers));
  Searcher serial_two(opener(two)(), tables, parallel(two, nullptr));
  std::vector<Filters> filters(4);
  filters[1].categories = {"Santé", "Politique"};
  filters[2].from = "2021-06-01";
  filters[3].categories = {"À la une"};
  filters[3].to = "2021-12-31";
  for (const char* q :
       {"", "santé", "hopital OR coeur", "\"santé publique\"", "vain", "donn*", "sante publiqe"}) {
    for (const Filters& f : filters) {
      for (Sort sort : {Sort::kRelevance, Sort::kNewest}) {
        for (unsigned page : {1u, 2u}) {
          const SearchRequest request = page_of_three(q, f, sort, page);
          SCOPED_TRACE(describe(request));
          const SearchResult expected = searcher_->search(request);
          {
            SCOPED_TRACE("one database, split");
            expect_same_answer(split_one.search(request), expected);
          }
          {
            SCOPED_TRACE("two shards, split");
            expect_same_answer(split_two.search(request), expected);
          }
          {
            SCOPED_TRACE("two shards, one thread");
            expect_same_answer(serial_two.search(request), expected);
          }
        }
      }
    }
  }
  EXPECT_GT(split_one.splits(), 0u);
  EXPECT_GT(split_two.splits(), 0u);
  EXPECT_EQ(serial_two.splits(), 0u);
  // Browsing and small queries are not split below the threshold.
  Parallel high = parallel(one, &workers);
  high.min_matches = 1000;
  Searcher unsplit(opener(one)(), tables, high);
  SearchRequest request;
  request.q = "santé";
  expect_same_answer(unsplit.search(request), searcher_->search(request));
  EXPECT_EQ(unsplit.splits(), 0u);
}

// The helper handles follow a commit with the Searcher's own, and counts never
// mix revisions: after the commit, a handle not reopened answers the old index,
// a reopened one the new one, split or not.
TEST_F(SearchTest, SplitSearchesFollowCommits) {
  TempDir dir;
  const std::string path = dir.path() + "/db";
  const analysis::Analyzer analyzer = analysis::make_french_analyzer();
  Xapian::WritableDatabase writer = small_index(path, analyzer);
  writer.commit();
  Workers workers(1);
  Parallel p;
  p.workers = &workers;
  p.open_parts = [path] { return std::vector<Xapian::Database>{Xapian::Database(path)}; };
  p.min_matches = 1;
  Searcher split(std::vector<Xapian::Database>{Xapian::Database(path)}, nullptr, p);
  SearchRequest request;
  request.q = "données";
  EXPECT_EQ(split.search(request).total, 3u);
  EXPECT_EQ(split.splits(), 1u);
  for (const char* id : {"a4", "a9"}) {
    writer.replace_document(indexer::id_term(id), indexer::make_document(article(id), analyzer));
  }
  writer.commit();
  const SearchResult before = split.search(request);  // neither handle reopened yet
  EXPECT_EQ(before.total, 3u);
  EXPECT_EQ(before.hits.size(), 3u);
  split.reopen();
  const SearchResult after = split.search(request);
  EXPECT_EQ(after.total, 5u);
  EXPECT_EQ(after.hits.size(), 5u);
  EXPECT_EQ(facet_string(after.month), "2021-06:1 2021-12:2 2022-01:1 2022-02:1");
}

}  // namespace
}  // namespace frsearch::search
