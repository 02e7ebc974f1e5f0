// The query language and exports end to end, through the HTTP handlers, over a
// temp index of a small corpus written here. Each operator has a case whose
// answer differs from the same words with the operator ignored (checked too),
// and every answer's count equals its export's; exports of 0, 1 and every match,
// and CSV quoting of a title with a comma, quotes and a line break.
// (query_test.cc checks the parser itself; this checks what a user gets.)

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "indexer/indexer.h"
#include "indexer/schema.h"
#include "indexer/synonyms.h"
#include "searchd/http.h"
#include "searchd/search.h"
#include "tests/corpus/test_util.h"
#include "tests/searchd/handler_util.h"

namespace frsearch::search {
namespace {

using nlohmann::json;
using Params = std::multimap<std::string, std::string>;
using corpus::testing::TempDir;
using testing::DirContext;
using testing::parse_csv;

const char* const kTrickyTitle =
    "Hôpital de Valmont : un entrepôt de données, \"ouvert\"\net partagé";

/// The corpus: one JSON record per line.
std::string corpus_text() {
  const json records[] = {
      {{"id", "l1"},
       {"title", kTrickyTitle},
       {"date", "2020-02-10"},
       {"categories", {"Santé, recherche"}},
       {"body", "Le centre hospitalier ouvre un entrepôt de données de santé pour la recherche."}},
      {{"id", "l2"},
       {"title", "Vaccination contre la grippe"},
       {"date", "2020-11-05"},
       {"categories", {"À la une"}},
       {"body", "La campagne de vaccination contre la grippe saisonnière commence à l’hôpital."}},
      {{"id", "l3"},
       {"title", "Les événements de l’été"},
       {"date", "2021-06-30"},
       {"categories", {"Événement", "À la une"}},
       {"body", "Un événement sur les données ouvertes se tient à Lyon."}},
      {{"id", "l4"},
       {"title", "Evenement numerique a Lyon"},
       {"date", "2021-07-01"},
       {"categories", {"Numérique"}},
       {"body", "Sans accents : evenement numerique et intelligence artificielle."}},
      {{"id", "l5"},
       {"title", "Intelligence artificielle et cardiologie"},
       {"date", "2022-01-15"},
       {"categories", {"Projets"}},
       {"body",
        "L’intelligence artificielle aide les cardiologues à lire les données de l’hôpital."}},
      {{"id", "l6"},
       {"title", "Cardiologie : le cœur des données"},
       {"date", "2022-03-01"},
       {"categories", {"Projets", "Santé, recherche"}},
       {"body", "Les cardiologues partagent des données du cœur avec la recherche."}},
      {{"id", "l7"},
       {"title", "Colloque sur la santé publique"},
       {"date", "2023-01-15"},
       {"categories", {"Institutionnel"}},
       {"body",
        "Le colloque a réuni des patients et des associations autour de la santé publique."}},
      {{"id", "l8"},
       {"title", "Rien à voir"},
       {"date", "2023-05-01"},
       {"body", "Un texte sans rapport avec le reste."}},
  };
  std::string text;
  for (const json& record : records) text += record.dump() + "\n";
  return text;
}

class LanguageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    indexer::Options options;
    options.index_dir = dir_->path().string() + "/index";
    std::ostringstream err;
    const auto summary =
        indexer::build(options, {dir_->write("corpus/language.jsonl", corpus_text())}, err);
    ASSERT_EQ(summary.indexed, 8u) << err.str();
    context_ = new DirContext(options.index_dir);
  }
  static void TearDownTestSuite() {
    delete context_;
    delete dir_;
  }

  /// GET @p path with @p params through the routes table; a streamed body is drained.
  static Response get(const std::string& path, Params params) {
    Response response = testing::call(api_routes(), *context_, "GET", path, std::move(params));
    if (response.stream) {
      EXPECT_TRUE(response.stream([&](std::string_view piece) {
        response.body.append(piece);
        return true;
      }));
    }
    return response;
  }

  /// /api/search's total and the ids of every match (one page of 100), sorted.
  static std::pair<std::size_t, std::string> search(const Params& params) {
    Params page = params;
    page.emplace("per_page", "100");
    const Response response = get("/api/search", page);
    EXPECT_EQ(response.status, 200) << response.body;
    const json body = json::parse(response.body);
    std::set<std::string> ids;
    for (const auto& hit : body["hits"]) ids.insert(hit["id"].get<std::string>());
    std::string joined;
    for (const auto& id : ids) joined += (joined.empty() ? "" : ",") + id;
    return {body["total"].get<std::size_t>(), joined};
  }

  /// The ids of /api/export (NDJSON) in their order.
  static std::vector<std::string> exported(Params params) {
    params.emplace("format", "ndjson");
    const Response response = get("/api/export", params);
    EXPECT_EQ(response.status, 200) << response.body;
    std::vector<std::string> ids;
    std::istringstream lines(response.body);
    for (std::string line; std::getline(lines, line);) {
      ids.push_back(json::parse(line)["id"].get<std::string>());
    }
    return ids;
  }

  /// The sorted ids matching @p q, checked to be as many as its export's rows.
  static std::string ids(const std::string& q, Params params = {}) {
    params.emplace("q", q);
    const auto [total, joined] = search(params);
    EXPECT_EQ(exported(params).size(), total) << q;
    return joined;
  }

  static inline TempDir* dir_ = nullptr;
  static inline DirContext* context_ = nullptr;
};

// ---- The query language ---------------------------------------------------------------

struct OperatorCase {
  const char* query;
  const char* expected;  ///< sorted ids
  const char* ignored;   ///< the same words with the operator ignored: must answer otherwise
};

TEST_F(LanguageTest, EachOperatorChangesTheAnswer) {
  const OperatorCase cases[] = {
      // Phrases, straight or French quotes.
      {"\"données de santé\"", "l1", "données de santé"},
      {"« données ouvertes »", "l1,l3", "données ouvertes"},  // l1: « données, "ouvert" »
      // NEAR: within 10 words, or n.
      {"intelligence NEAR cardiologie", "l5", "intelligence cardiologie"},
      {"cardiologues NEAR/3 données", "l6", "cardiologues NEAR données"},
      // Boolean operators, English and French, with parentheses.
      {"données AND hôpital", "l1,l5", "données hôpital"},
      {"données ET hôpital", "l1,l5", "données hôpital"},
      {"grippe OR cœur", "l2,l6", "grippe AND cœur"},
      {"grippe OU cœur", "l2,l6", "grippe ET cœur"},
      {"données NOT cardiologie", "l1,l3", "données cardiologie"},
      {"données SAUF cardiologie", "l1,l3", "données cardiologie"},
      {"(grippe OU cœur) ET données", "l6", "grippe OU cœur ET données"},
      {"(cardiologie OU vaccination) SAUF (données OU lyon)", "l2", "cardiologie OU vaccination"},
      {"grippe ET (NOT hôpital OU saisonnière)", "l2", "grippe ET NOT hôpital"},
      {"grippe et cardiologie", "l2,l5,l6", "grippe ET cardiologie"},  // operators in capitals only
      // Fields.
      {"titre:données", "l1,l6", "données"},
      {"title:\"santé publique\"", "l7", "santé publique données"},
      {"titre:(grippe OU lyon)", "l2,l4", "grippe OU lyon"},
      {"categorie:\"Santé, recherche\"", "l1,l6", "Santé, recherche"},
      {"categorie:\"sante, RECHERCHE\"", "l1,l6", "sante, RECHERCHE"},
      {"catégorie:\"à la une\" données", "l3", "à la une données"},
      // Prefixes over accented and unaccented forms.
      {"évé*", "l3,l4", "évé"},
      {"eve*", "l3,l4", "eve"},
      {"titre:événem*", "l3,l4", "événem"},
      // Exclusion.
      {"données -cardiologie", "l1,l3", "données cardiologie"},
      {"hôpital -titre:hôpital", "l2,l5", "hôpital titre:hôpital"},
      // Date ranges in the query itself, inclusive.
      {"date:2021-06-30..2022-01-15", "l3,l4,l5", "2021-06-30..2022-01-15"},
      {"données date:2021..2022", "l3,l5,l6", "données"},
      {"date:2022-01", "l5", "2022-01"},
      {"date:..2020-11-05", "l1,l2", "2020-11-05"},
  };
  for (const OperatorCase& c : cases) {
    SCOPED_TRACE(c.query);
    EXPECT_EQ(ids(c.query), c.expected);
    EXPECT_NE(ids(c.ignored), c.expected) << "ignoring the operator gives the same answer";
  }
}

TEST_F(LanguageTest, QueryDatesAndFiltersBothApply) {
  EXPECT_EQ(ids("date:2020..2022", {{"from", "2021-01-01"}}), "l3,l4,l5,l6");
  EXPECT_EQ(ids("date:2020..2022", {{"to", "2020-12-31"}}), "l1,l2");
  EXPECT_EQ(ids("données", {{"category", "Projets"}, {"from", "2022-02-01"}}), "l6");
  EXPECT_EQ(ids("categorie:projets", {{"category", "Santé, recherche"}}), "l6");
}

// ---- Exports ----------------------------------------------------------------------------

TEST_F(LanguageTest, ExportsOfNoneOneAndEveryMatch) {
  const Response none = get("/api/export", {{"q", "zzzxyzzy"}, {"format", "csv"}});
  EXPECT_EQ(none.status, 200);
  EXPECT_EQ(none.body, kCsvHeader);
  EXPECT_EQ(get("/api/export", {{"q", "zzzxyzzy"}}).body, "");

  const auto one = parse_csv(get("/api/export", {{"q", "colloque"}, {"format", "csv"}}).body);
  ASSERT_EQ(one.size(), 2u);
  EXPECT_EQ(one[1][0], "l7");
  EXPECT_EQ(one[1][1], "2023-01-15");
  EXPECT_EQ(one[1][2], "Colloque sur la santé publique");
  EXPECT_EQ(one[1][4], "Institutionnel");

  EXPECT_EQ(exported({{"q", ""}, {"sort", "oldest"}}),
            (std::vector<std::string>{"l1", "l2", "l3", "l4", "l5", "l6", "l7", "l8"}));
  EXPECT_EQ(exported({{"sort", "newest"}}),
            (std::vector<std::string>{"l8", "l7", "l6", "l5", "l4", "l3", "l2", "l1"}));
}

TEST_F(LanguageTest, CsvQuotesCommasQuotesAndLineBreaks) {
  const Response response = get("/api/export", {{"q", "titre:valmont"}, {"format", "csv"}});
  const std::string quoted =
      "\"Hôpital de Valmont : un entrepôt de données, \"\"ouvert\"\"\net partagé\"";
  EXPECT_NE(response.body.find("," + quoted + ","), std::string::npos) << response.body;
  EXPECT_NE(response.body.find(",\"Santé, recherche\","), std::string::npos) << response.body;
  const auto rows = parse_csv(response.body);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][2], kTrickyTitle);
  EXPECT_EQ(rows[1][4], "Santé, recherche");
  // NDJSON carries the same title as a JSON string, on one line.
  const std::string ndjson = get("/api/export", {{"q", "titre:valmont"}}).body;
  EXPECT_EQ(std::count(ndjson.begin(), ndjson.end(), '\n'), 1);
  EXPECT_EQ(json::parse(ndjson)["title"], kTrickyTitle);
}

TEST_F(LanguageTest, ExportedCountsEqualTotals) {
  const Params cases[] = {
      {},
      {{"q", "données"}},
      {{"q", "données"}, {"sort", "newest"}},
      {{"q", "santé OU lyon"}, {"from", "2021-01-01"}},
      {{"q", ""}, {"category", "À la une"}, {"category", "Projets"}},
      {{"q", "hôp*"}, {"to", "2022-01-15"}},
      {{"q", "categorie:\"à la une\" SAUF grippe"}},
      {{"q", "zzzxyzzy"}},
  };
  for (const Params& params : cases) {
    SCOPED_TRACE(::testing::PrintToString(params));
    const auto [total, joined] = search(params);
    const auto rows = exported(params);
    EXPECT_EQ(rows.size(), total);
    std::set<std::string> sorted(rows.begin(), rows.end());
    EXPECT_EQ(sorted.size(), rows.size()) << "a row exported twice";
    std::string ids;
    for (const auto& id : sorted) ids += (ids.empty() ? "" : ",") + id;
    EXPECT_EQ(ids, joined);
    Params csv = params;
    csv.emplace("format", "csv");
    EXPECT_EQ(parse_csv(get("/api/export", csv).body).size(), total + 1);
  }
}

TEST_F(LanguageTest, EveryAnswerNamesTheIndexState) {
  const json search = json::parse(get("/api/search", {{"q", "données"}}).body);
  ASSERT_TRUE(search.contains("index")) << search;
  EXPECT_EQ(search["index"]["generation"], "1");
  EXPECT_EQ(search["index"]["documents"], 8);
  const std::string last_update = search["index"]["last_update"];
  // ISO 8601 UTC: 2026-11-29T02:30:00Z
  EXPECT_EQ(last_update.size(), 20u) << last_update;
  EXPECT_EQ(last_update.substr(10, 1), "T");
  EXPECT_EQ(last_update.back(), 'Z');
  for (const char* path :
       {"/api/articles/l1", "/api/articles/l1/related", "/api/suggest", "/health"}) {
    const Response response = get(path, {{"q", "donn"}});
    ASSERT_EQ(response.status, 200) << path;
    EXPECT_EQ(json::parse(response.body)["index"], search["index"]) << path;
  }
  const Response related = testing::call(api_routes(), *context_, "POST", "/api/related", {},
                                         R"({"text": "les données de cardiologie"})");
  EXPECT_EQ(json::parse(related.body)["index"], search["index"]);

  const Response csv = get("/api/export", {{"q", "données"}, {"format", "csv"}});
  std::map<std::string, std::string> headers(csv.headers.begin(), csv.headers.end());
  EXPECT_EQ(headers["X-Index-Generation"], "1");
  EXPECT_EQ(headers["X-Index-Last-Update"], last_update);
  // Rows stay plain data.
  const std::string ndjson = get("/api/export", {{"q", "données"}}).body;
  EXPECT_EQ(ndjson.find("generation"), std::string::npos);
}

// ---- Synonyms over the sample corpus (corpus/synonyms.tsv) ------------------------------

/// The ids /api/search returns for @p q over @p context (one page of 100), best first.
std::vector<std::string> ranked_ids(DirContext& context, const std::string& q) {
  Request request;
  request.method = "GET";
  request.path = "/api/search";
  request.params = {{"q", q}, {"per_page", "100"}};
  const Response response = dispatch(api_routes(), request, context);
  EXPECT_EQ(response.status, 200) << response.body;
  std::vector<std::string> ids;
  const json body = json::parse(response.body);
  for (const auto& hit : body["hits"]) ids.push_back(hit["id"]);
  return ids;
}

bool has(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

TEST(SampleSynonyms, AcronymAndFullNameFindEachOther) {
  TempDir dir;
  indexer::Options options;
  options.index_dir = dir.path().string() + "/index";
  options.synonyms = FRS_SOURCE_DIR "/corpus/synonyms.tsv";
  std::ostringstream err;
  ASSERT_EQ(indexer::build(options, {FRS_SOURCE_DIR "/corpus/sample/articles.jsonl"}, err).indexed,
            67u)
      << err.str();
  DirContext context(options.index_dir);
  // This tutorial writes "système national des données de santé" (and "S.N.D.S.",
  // which folds to snds); this vaccination article writes only "SNDS"; these two
  // write only "HDH", never "Health Data Hub".
  const std::string tutorial = "2020-10-tutoriel-snds";
  const std::string acronym_only = "2021-09-vaccination-couverture-territoires";
  const std::string hdh_only = "2026-01-voeux-chantiers-2026";
  const char* const full_name = "\"Système national des données de santé\"";
  EXPECT_TRUE(has(ranked_ids(context, "SNDS"), tutorial));
  EXPECT_TRUE(has(ranked_ids(context, "snds"), acronym_only));
  EXPECT_TRUE(has(ranked_ids(context, full_name), acronym_only));
  EXPECT_TRUE(has(ranked_ids(context, "\"systeme national des donnees de sante\""), acronym_only));
  EXPECT_TRUE(has(ranked_ids(context, "\"Health Data Hub\""), hdh_only));
  EXPECT_TRUE(has(ranked_ids(context, "health data hub"), hdh_only));
  // The full name as plain words finds the acronym too, after the articles naming it.
  const std::vector<std::string> plain =
      ranked_ids(context, "système national des données de santé");
  ASSERT_TRUE(has(plain, acronym_only));
  EXPECT_NE(plain.front(), acronym_only);

  // The same corpus indexed without the file: none of these forms finds the other.
  indexer::Options without = options;
  without.index_dir = dir.path().string() + "/plain";
  without.synonyms.clear();
  ASSERT_EQ(indexer::build(without, {FRS_SOURCE_DIR "/corpus/sample/articles.jsonl"}, err).indexed,
            67u)
      << err.str();
  DirContext plain_context(without.index_dir);
  EXPECT_FALSE(has(ranked_ids(plain_context, full_name), acronym_only));
  EXPECT_FALSE(has(ranked_ids(plain_context, "\"Health Data Hub\""), hdh_only));
}

}  // namespace
}  // namespace frsearch::search
