// The HTTP API as plain functions: every route through dispatch(), no sockets,
// over a temp index of tests/fixtures/searchd-http.jsonl built by the indexer
// library. Checks the status codes and error shapes of SPEC.md, the JSON shapes
// of each endpoint, the CSV/NDJSON exports, and the embedded page.

#include <stdlib.h>

#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "indexer/indexer.h"
#include "searchd/http.h"
#include "searchd/metrics.h"
#include "searchd/search.h"
#include "tests/corpus/test_util.h"
#include "tests/searchd/handler_util.h"

namespace frsearch::search {
namespace {

using nlohmann::json;
using Params = std::multimap<std::string, std::string>;
using corpus::testing::TempDir;
using testing::parse_csv;

const std::string kFixture = FRS_SOURCE_DIR "/tests/fixtures/searchd-http.jsonl";

/// The request Context over one local index; counts refreshes, can be told to fail.
class TestContext : public Context {
 public:
  explicit TestContext(std::string dir) : dir_(std::move(dir)) { refresh_searcher(); }

  Searcher& searcher() override {
    if (fail_network) throw Xapian::NetworkError("shard down");
    if (stale_once) {
      stale_once = false;
      throw Xapian::DatabaseModifiedError("revision gone");
    }
    return *searcher_;
  }
  void refresh() override {
    ++refreshes;
    refresh_searcher();
  }
  const Metrics* metrics() const override { return &metrics_; }
  void discard() override { ++discards; }

  Metrics metrics_;
  int refreshes = 0;
  int discards = 0;
  bool fail_network = false;
  bool stale_once = false;

 private:
  void refresh_searcher() {
    db_ = Xapian::Database(dir_);
    searcher_.emplace(db_);
  }

  std::string dir_;
  Xapian::Database db_;
  std::optional<Searcher> searcher_;
};

class HttpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    indexer::Options options;
    options.index_dir = dir_->path().string() + "/index";
    std::ostringstream err;
    indexer::Summary summary = indexer::build(options, {kFixture}, err);
    ASSERT_EQ(summary.rejected, 0u) << err.str();
    documents_ = summary.indexed;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  void SetUp() override { context_.emplace(dir_->path().string() + "/index"); }

  Response call(const std::string& method, const std::string& path, Params params = {},
                std::string body = {}) {
    return testing::call(routes_, *context_, method, path, std::move(params), std::move(body));
  }
  Response get(const std::string& path, Params params = {}) {
    return call("GET", path, std::move(params));
  }
  Response post_related(const std::string& body) { return call("POST", "/api/related", {}, body); }

  static inline TempDir* dir_ = nullptr;
  static inline std::size_t documents_ = 0;
  std::vector<Route> routes_ = api_routes();
  std::optional<TestContext> context_;
};

json body_json(const Response& response) {
  return json::parse(response.body);
}

/// The whole body of a response, streamed or not.
std::string drain(const Response& response) {
  if (!response.stream) return response.body;
  std::string out;
  const bool complete = response.stream([&](std::string_view piece) {
    out.append(piece);
    return true;
  });
  EXPECT_TRUE(complete);
  return out;
}

/// "400 invalid_parameter" for an error response, or what was wrong with it.
std::string error_summary(const Response& response) {
  if (response.content_type != "application/json; charset=utf-8") {
    return "content type " + response.content_type;
  }
  const json body = json::parse(response.body, nullptr, false);
  if (body.is_discarded() || !body.contains("error")) return "not an error: " + response.body;
  const json& error = body["error"];
  if (!error.value("message", json()).is_string() || error["message"].get<std::string>().empty()) {
    return "no message: " + response.body;
  }
  return std::to_string(response.status) + " " + error.value("code", "?");
}

// ---- 400s ---------------------------------------------------------------------------

TEST_F(HttpTest, EveryInvalidParameterIs400) {
  const std::string long_q(1001, 'a');
  const std::string long_category(201, 'c');
  const struct {
    std::string path;
    Params params;
  } cases[] = {
      {"/api/search", {{"from", "2022-02-30"}}},
      {"/api/search", {{"to", "2021-13-01"}}},
      {"/api/search", {{"to", "hier"}}},
      {"/api/search", {{"from", "2022-1-01"}}},
      {"/api/search", {{"from", "2022-01-01T00:00:00"}}},
      {"/api/search", {{"from", "2022/01/01"}}},
      {"/api/search", {{"from", "2023-01-01"}, {"to", "2022-12-31"}}},
      {"/api/search", {{"page", "0"}}},
      {"/api/search", {{"page", "-1"}}},
      {"/api/search", {{"page", "abc"}}},
      {"/api/search", {{"page", "1e9"}}},
      {"/api/search", {{"page", ""}}},
      {"/api/search", {{"page", " 2"}}},
      {"/api/search", {{"page", "10001"}}},
      {"/api/search", {{"page", "99999999999999999999"}}},
      {"/api/search", {{"per_page", "0"}}},
      {"/api/search", {{"per_page", "101"}}},
      {"/api/search", {{"per_page", "1000"}}},
      {"/api/search", {{"sort", "random"}}},
      {"/api/search", {{"sort", ""}}},
      {"/api/search", {{"q", long_q}}},
      {"/api/search", {{"q", "sant\xff"}}},
      {"/api/search", {{"q", "sant\xc3"}}},
      {"/api/search", {{"q", "\xc0\xaf"}}},
      {"/api/search", {{"q", "\xed\xa0\x80"}}},
      {"/api/search", {{"q", std::string("a\0b", 3)}}},
      {"/api/search", {{"category", "Citoyen"}, {"category", "\xfe"}}},
      {"/api/search", {{"category", long_category}}},
      {"/api/export", {{"format", "xml"}}},
      {"/api/export", {{"from", "2021-02-29"}}},
      {"/api/export", {{"q", long_q}}},
      {"/api/articles/h1/related", {{"n", "0"}}},
      {"/api/articles/h1/related", {{"n", "51"}}},
      {"/api/articles/h1/related", {{"n", "cinq"}}},
      {"/api/articles/h1/related", {{"from", "demain"}}},
      {"/api/suggest", {{"q", "\x80"}}},
      {"/api/suggest", {{"n", "0"}}},
  };
  for (const auto& c : cases) {
    std::string params;
    for (const auto& [name, value] : c.params) params += " " + name + "=" + value;
    EXPECT_EQ(error_summary(get(c.path, c.params)), "400 invalid_parameter") << c.path << params;
  }
}

TEST_F(HttpTest, LimitsThemselvesAreAccepted) {
  const Params cases[] = {
      {{"q", std::string(1000, 'a')}},
      {{"category", std::string(200, 'c')}},
      {{"per_page", "100"}},
      {{"page", "10000"}},
      {{"from", "2024-02-29"}, {"to", "2024-02-29"}},
      {{"from", ""}, {"to", ""}, {"category", ""}},  // an HTML form's empty fields
      {{"sort", "oldest"}, {"unknown", "ignored"}},
  };
  for (const auto& params : cases) {
    const Response response = get("/api/search", params);
    EXPECT_EQ(response.status, 200) << params.begin()->first << ": " << response.body;
  }
}

TEST_F(HttpTest, BadRelatedBodiesAre400) {
  const struct {
    std::string body;
    std::string want;
  } cases[] = {
      {"", "400 invalid_json"},
      {"{\"text\": ", "400 invalid_json"},
      {"{\"text\": \"\xff\"}", "400 invalid_json"},
      {"[\"text\"]", "400 invalid_parameter"},
      {"{}", "400 invalid_parameter"},
      {"{\"text\": \"\"}", "400 invalid_parameter"},
      {"{\"text\": \" \\n\\t \"}", "400 invalid_parameter"},
      {"{\"text\": 42}", "400 invalid_parameter"},
      {"{\"text\": \"santé\", \"n\": 0}", "400 invalid_parameter"},
      {"{\"text\": \"santé\", \"n\": 51}", "400 invalid_parameter"},
      {"{\"text\": \"santé\", \"n\": \"5\"}", "400 invalid_parameter"},
      {"{\"text\": \"santé\", \"n\": 2.5}", "400 invalid_parameter"},
      {"{\"text\": \"santé\", \"n\": -1}", "400 invalid_parameter"},
      {"{\"text\": \"santé\", \"from\": \"2021-02-30\"}", "400 invalid_parameter"},
      {"{\"text\": \"santé\", \"category\": [1]}", "400 invalid_parameter"},
      {"{\"text\": \"santé\", \"x\": " + std::string(100, '[') + std::string(100, ']') + "}",
       "400 invalid_parameter"},
      {"{\"text\": \"" + std::string(kMaxDraftBytes + 1, 'a') + "\"}", "400 invalid_parameter"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(error_summary(post_related(c.body)), c.want) << c.body.substr(0, 80);
  }
  EXPECT_EQ(error_summary(post_related(std::string(kMaxBodyBytes + 1, ' '))),
            "413 payload_too_large");
}

// ---- 404, 405, 503, 500 ---------------------------------------------------------------

TEST_F(HttpTest, UnknownPathsAndIdsAre404) {
  const char* paths[] = {"/nope",
                         "/api",
                         "/api/search/",
                         "/api/articles/",
                         "/api/articles//related",
                         "/api/articles/unknown",
                         "/api/articles/unknown/related",
                         "/api/articles/h1/related/more",
                         "/../CMakeLists.txt",
                         "/%2e%2e/CMakeLists.txt",
                         "/web/index.html",
                         "relative"};
  for (const char* path : paths) {
    EXPECT_EQ(error_summary(get(path)), "404 not_found") << path;
  }
}

TEST_F(HttpTest, WrongMethodIs405WithAllow) {
  const struct {
    std::string method, path, allow;
  } cases[] = {
      {"POST", "/api/search", "GET"}, {"GET", "/api/related", "POST"},
      {"DELETE", "/health", "GET"},   {"PUT", "/api/articles/h1", "GET"},
      {"POST", "/", "GET"},
  };
  for (const auto& c : cases) {
    const Response response = call(c.method, c.path);
    EXPECT_EQ(error_summary(response), "405 method_not_allowed") << c.method << " " << c.path;
    std::string allow;
    for (const auto& [name, value] : response.headers) {
      if (name == "Allow") allow = value;
    }
    EXPECT_EQ(allow, c.allow) << c.method << " " << c.path;
  }
}

TEST_F(HttpTest, UnreachableShardIs503) {
  context_->fail_network = true;
  for (const char* path : {"/api/search", "/health", "/api/articles/h1", "/api/suggest"}) {
    EXPECT_EQ(error_summary(get(path, {{"q", "sante"}})), "503 unavailable") << path;
  }
}

// Monitoring needs /metrics most while a shard is away: 200, the request counts,
// the index gauges at 0 and frsearch_index_readable 0; the failed handle is dropped.
TEST_F(HttpTest, MetricsAnswerWhileTheIndexCannotBeRead) {
  EXPECT_NE(get("/metrics").body.find("frsearch_index_readable 1\n"), std::string::npos);
  context_->metrics_.record("search", 503, 0.001);
  context_->fail_network = true;
  const Response response = get("/metrics");
  ASSERT_EQ(response.status, 200) << response.body;
  const std::string& text = response.body;
  EXPECT_NE(text.find("frsearch_requests_total{endpoint=\"search\",status=\"503\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("frsearch_documents 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("frsearch_index_readable 0\n"), std::string::npos) << text;
  EXPECT_EQ(context_->discards, 1);
}

TEST_F(HttpTest, StaleHandleIsRefreshedAndRetriedOnce) {
  context_->stale_once = true;
  const Response response = get("/api/search", {{"q", ""}});
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(context_->refreshes, 1);
}

TEST_F(HttpTest, ABugInAHandlerIs500Json) {
  const std::vector<Route> routes = {
      {"GET", "/boom", "boom", [](const Request&, const Captures&, Context&) -> Response {
         throw std::logic_error("bug");
       }}};
  Request request;
  request.method = "GET";
  request.path = "/boom";
  EXPECT_EQ(error_summary(dispatch(routes, request, *context_)), "500 internal");
}

// ---- Shapes ---------------------------------------------------------------------------

TEST_F(HttpTest, SearchHasTheShapeOfSpec) {
  const Response response = get("/api/search", {{"q", ""}, {"per_page", "2"}});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, "application/json; charset=utf-8");
  EXPECT_EQ(response.endpoint, "search");
  const json body = body_json(response);
  for (const char* key :
       {"query", "total", "page", "per_page", "took_ms", "hits", "facets", "suggestion"}) {
    EXPECT_TRUE(body.contains(key)) << key;
  }
  EXPECT_EQ(body["total"], documents_);
  EXPECT_EQ(body["per_page"], 2);
  ASSERT_EQ(body["hits"].size(), 2u);
  for (const char* key : {"id", "title", "url", "date", "categories", "score", "snippet"}) {
    EXPECT_TRUE(body["hits"][0].contains(key)) << key;
  }
  for (const char* facet : {"category", "year", "month"}) {
    ASSERT_TRUE(body["facets"][facet].is_array()) << facet;
  }
}

TEST_F(HttpTest, SearchPassesEveryParameterThrough) {
  const json body = body_json(get("/api/search", {{"q", ""},
                                                  {"category", "À la une"},
                                                  {"category", "Citoyen"},
                                                  {"from", "2021-01-01"},
                                                  {"to", "2022-12-31"},
                                                  {"sort", "oldest"}}));
  std::string ids;
  for (const auto& hit : body["hits"]) ids += hit["id"].get<std::string>() + " ";
  EXPECT_EQ(ids, "h1 h2 ");
}

TEST_F(HttpTest, ArticleIsTheWholeStoredRecord) {
  const Response response = get("/api/articles/h1");
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = body_json(response);
  EXPECT_EQ(body["author"], "Rédaction");
  EXPECT_EQ(body["summary"], "Un entrepôt pour la recherche.");
  EXPECT_EQ(body["categories"], json({"À la une", "Projets"}));
  EXPECT_TRUE(body["index"].contains("generation")) << body;
}

TEST_F(HttpTest, IdsArePercentDecodedWhateverTheirBytes) {
  const Response response = get("/api/articles/dossier%2F%C3%A9t%C3%A9%202022");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(body_json(response)["id"], "dossier/été 2022");
  // A field of the record named like the index state is returned as stored.
  EXPECT_EQ(body_json(response)["index"], "cardiologie");
  EXPECT_EQ(get("/api/articles/dossier%2F%C3%A9t%C3%A9%202022/related").status, 200);
  EXPECT_EQ(get("/api/articles/%ff%00").status, 404);
}

TEST_F(HttpTest, RelatedToAnArticleNeverListsItself) {
  const Response response = get("/api/articles/h1/related", {{"n", "3"}});
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = body_json(response);
  ASSERT_TRUE(body["hits"].is_array());
  EXPECT_LE(body["hits"].size(), 3u);
  for (const auto& hit : body["hits"]) {
    EXPECT_NE(hit["id"], "h1");
    EXPECT_TRUE(hit.contains("snippet"));
  }
}

TEST_F(HttpTest, RelatedToADraft) {
  const Response response = post_related(
      R"({"text": "Les associations de patients veulent de la transparence.", "n": 1})");
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = body_json(response);
  ASSERT_EQ(body["hits"].size(), 1u);
  EXPECT_EQ(body["hits"][0]["id"], "h2");
  const json filtered = body_json(post_related(
      R"({"text": "Les associations de patients veulent de la transparence.", "n": 5,
          "category": "Dossier"})"));
  for (const auto& hit : filtered["hits"]) EXPECT_EQ(hit["id"], "dossier/été 2022");
}

TEST_F(HttpTest, SuggestGivesAList) {
  const json body = body_json(get("/api/suggest", {{"q", "entre"}}));
  ASSERT_TRUE(body["suggestions"].is_array());
  json empty = body_json(get("/api/suggest", {{"q", ""}}));
  EXPECT_TRUE(empty["index"].is_object());
  empty.erase("index");
  EXPECT_EQ(empty, json::parse(R"({"suggestions": []})"));
}

TEST_F(HttpTest, HealthCountsDocuments) {
  json body = body_json(get("/health"));
  EXPECT_EQ(body["index"]["documents"], documents_);
  EXPECT_EQ(body["index"]["generation"], "1");
  body.erase("index");
  EXPECT_EQ(body, json({{"status", "ok"}, {"documents", documents_}}));
  EXPECT_EQ(call("HEAD", "/health").status, 200);
}

TEST_F(HttpTest, MetricsArePrometheusText) {
  context_->metrics_.record("search", 200, 0.003);
  const Response response = get("/metrics");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = response.body;
  EXPECT_NE(text.find("# TYPE frsearch_requests_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("frsearch_requests_total{endpoint=\"search\",status=\"200\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("frsearch_documents " + std::to_string(documents_) + "\n"),
            std::string::npos);
  EXPECT_NE(text.find("frsearch_index_generation "), std::string::npos);
  EXPECT_NE(text.find("frsearch_index_reloads_total 0\n"), std::string::npos);
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Metrics metrics;
  metrics.record("search", 200, 0.0004);
  metrics.record("search", 200, 0.003);
  metrics.record("search", 400, 20);
  metrics.record("export", 200, 0.2);
  metrics.record_reload();
  const std::string text = metrics.render({42, "7"});
  const char* expected[] = {
      "frsearch_requests_total{endpoint=\"search\",status=\"200\"} 2\n",
      "frsearch_requests_total{endpoint=\"search\",status=\"400\"} 1\n",
      "frsearch_request_duration_seconds_bucket{endpoint=\"search\",le=\"0.0005\"} 1\n",
      "frsearch_request_duration_seconds_bucket{endpoint=\"search\",le=\"0.0025\"} 1\n",
      "frsearch_request_duration_seconds_bucket{endpoint=\"search\",le=\"0.005\"} 2\n",
      "frsearch_request_duration_seconds_bucket{endpoint=\"search\",le=\"10\"} 2\n",
      "frsearch_request_duration_seconds_bucket{endpoint=\"search\",le=\"+Inf\"} 3\n",
      "frsearch_request_duration_seconds_count{endpoint=\"search\"} 3\n",
      "frsearch_request_duration_seconds_bucket{endpoint=\"export\",le=\"0.1\"} 0\n",
      "frsearch_request_duration_seconds_bucket{endpoint=\"export\",le=\"0.25\"} 1\n",
      "# TYPE frsearch_request_duration_seconds histogram\n",
      "frsearch_documents 42\n",
      "frsearch_index_generation 7\n",
      "frsearch_index_reloads_total 1\n",
  };
  for (const char* line : expected) EXPECT_NE(text.find(line), std::string::npos) << line << text;
}

// ---- Export -----------------------------------------------------------------------------

TEST_F(HttpTest, CsvExportQuotesAndCountsEveryMatch) {
  for (const Params& filter :
       {Params{{"q", ""}}, Params{{"q", "donnees"}}, Params{{"q", ""}, {"category", "À la une"}},
        Params{{"q", "sante"}, {"from", "2022-01-01"}}}) {
    Params params = filter;
    params.emplace("format", "csv");
    const Response response = get("/api/export", params);
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(response.content_type, "text/csv; charset=utf-8; header=present");
    const auto rows = parse_csv(drain(response));
    ASSERT_FALSE(rows.empty());
    EXPECT_EQ(rows[0],
              (std::vector<std::string>{"id", "date", "title", "url", "categories", "score"}));
    const json search = body_json(get("/api/search", filter));
    EXPECT_EQ(rows.size() - 1, search["total"].get<std::size_t>()) << filter.begin()->second;
    for (std::size_t i = 1; i < rows.size(); ++i) EXPECT_EQ(rows[i].size(), 6u);
  }
  const auto rows = parse_csv(drain(get("/api/export", {{"format", "csv"}, {"q", "confiance"}})));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][0], "h2");
  EXPECT_EQ(rows[1][1], "2021-11-20");
  EXPECT_EQ(rows[1][2], "Données de santé, \"confiance\" et transparence\nun débat");
  EXPECT_EQ(rows[1][3], "https://exemple.org/h2?a=1,b=2");
  EXPECT_EQ(rows[1][4], "Citoyen|Santé, recherche");
  EXPECT_GT(std::stod(rows[1][5]), 0);
}

TEST_F(HttpTest, NdjsonExportIsOneObjectPerMatch) {
  const Response response = get("/api/export", {{"q", ""}, {"sort", "oldest"}});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, "application/x-ndjson");
  std::istringstream lines(drain(response));
  std::string line, ids;
  std::size_t count = 0;
  while (std::getline(lines, line)) {
    const json row = json::parse(line);
    for (const char* key : {"id", "date", "title", "url", "categories", "score"}) {
      EXPECT_TRUE(row.contains(key)) << key;
    }
    ids += row["id"].get<std::string>() + " ";
    ++count;
  }
  EXPECT_EQ(count, documents_);
  EXPECT_EQ(ids, "h1 h2 dossier/été 2022 h4 h5 ");
}

TEST_F(HttpTest, ExportStopsWhenTheClientGoes) {
  const Response response = get("/api/export", {{"q", ""}});
  int pieces = 0;
  const bool complete = response.stream([&](std::string_view) {
    ++pieces;
    return false;
  });
  EXPECT_FALSE(complete);
  EXPECT_EQ(pieces, 1);
}

// ---- Page ---------------------------------------------------------------------------------

TEST_F(HttpTest, PageAndAssetsAreEmbedded) {
  const Response page = get("/", {{"q", "hopital"}});
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<form"), std::string::npos);
  EXPECT_NE(page.body.find("lang=\"fr\""), std::string::npos);
  for (const Asset& asset : web_assets()) {
    const Response response = get("/" + std::string(asset.path));
    EXPECT_EQ(response.status, 200) << asset.path;
    EXPECT_EQ(response.body, asset.data) << asset.path;
  }
  EXPECT_EQ(get("/app.js").content_type, "text/javascript; charset=utf-8");
}

TEST(PercentDecodeTest, Table) {
  const std::pair<const char*, const char*> cases[] = {
      {"abc", "abc"}, {"a%20b", "a b"}, {"a+b", "a+b"}, {"%2F", "/"},     {"%c3%A9", "é"},
      {"%", "%"},     {"%4", "%4"},     {"%zz", "%zz"}, {"100%", "100%"}, {"%25%32", "%2"},
  };
  for (const auto& [in, out] : cases) EXPECT_EQ(percent_decode(in), out) << in;
}

}  // namespace
}  // namespace frsearch::search
