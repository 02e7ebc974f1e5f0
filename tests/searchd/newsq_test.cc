// newsq, the command-line client: runs build/bin/newsq as a child over a temp
// index of corpus/sample and checks that its JSON is the /api/search handler's,
// its CSV and NDJSON are /api/export's rows, its table lists the titles, and
// that usage errors exit 2 and an unknown index exits 1.

#include <algorithm>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "indexer/indexer.h"
#include "indexer/schema.h"
#include "searchd/http.h"
#include "searchd/search.h"
#include "tests/corpus/test_util.h"
#include "tests/searchd/daemon_support.h"
#include "tests/searchd/handler_util.h"

namespace frsearch::search {
namespace {

using nlohmann::json;
using Params = std::multimap<std::string, std::string>;
using corpus::testing::TempDir;
using testing::DirContext;
using testing::parse_csv;

const std::string kNewsq = FRS_BIN_DIR "/newsq";
const std::string kSample = FRS_SOURCE_DIR "/corpus/sample";

/// What one run of newsq printed, and its exit status (128 + signal when killed).
struct Outcome {
  int status = -1;
  std::string out, err;
};

class NewsqTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    index_ = dir_->path().string() + "/index";
    indexer::Options options;
    options.index_dir = index_;
    std::ostringstream err;
    const indexer::Summary summary = indexer::build(options, {kSample}, err);
    ASSERT_GT(summary.indexed, 20u) << err.str();
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  /// Runs newsq with @p args, stdout and stderr into files of the temp folder.
  static Outcome newsq(const std::vector<std::string>& args) {
    std::vector<std::string> all = {kNewsq};
    all.insert(all.end(), args.begin(), args.end());
    Outcome outcome;
    outcome.status =
        testing::run(all, dir_->path().string() + "/newsq", &outcome.out, &outcome.err);
    return outcome;
  }

  /// newsq --index INDEX followed by @p args.
  static Outcome query(std::vector<std::string> args) {
    args.insert(args.begin(), {"--index", index_});
    return newsq(args);
  }

  /// What the handlers answer for GET @p path with @p params.
  static Response handler(const std::string& path, Params params) {
    DirContext context(index_);
    Response response = testing::call(api_routes(), context, "GET", path, std::move(params));
    if (response.stream) {
      response.stream([&](std::string_view piece) {
        response.body.append(piece);
        return true;
      });
    }
    return response;
  }

  static inline TempDir* dir_ = nullptr;
  static inline std::string index_;
};

/// The JSON of a search answer without its timing, which differs between runs.
json timeless(const std::string& text) {
  json body = json::parse(text);
  body.erase("took_ms");
  return body;
}

TEST_F(NewsqTest, JsonIsTheSearchHandlersAnswer) {
  const std::vector<std::pair<std::vector<std::string>, Params>> cases = {
      {{}, {}},
      {{"-q", "données de santé"}, {{"q", "données de santé"}}},
      {{"--query=entrepôt", "--sort", "newest"}, {{"q", "entrepôt"}, {"sort", "newest"}}},
      {{"--category", "À la une", "--category", "Projets", "--from", "2020-01-01", "--page", "2",
        "--per-page", "3"},
       {{"category", "À la une"},
        {"category", "Projets"},
        {"from", "2020-01-01"},
        {"page", "2"},
        {"per_page", "3"}}},
      {{"-q", "titre:hôp* OU categorie:\"À la une\"", "--to", "2021-12-31", "--sort", "oldest"},
       {{"q", "titre:hôp* OU categorie:\"À la une\""}, {"to", "2021-12-31"}, {"sort", "oldest"}}},
  };
  for (const auto& [args, params] : cases) {
    SCOPED_TRACE(::testing::PrintToString(args));
    const Outcome run = query(args);
    ASSERT_EQ(run.status, 0) << run.err;
    const json expected = timeless(handler("/api/search", params).body);
    EXPECT_EQ(timeless(run.out), expected);
    EXPECT_GT(expected["total"].get<int>(), 0);
    EXPECT_EQ(expected["index"]["generation"], "1");
  }
}

TEST_F(NewsqTest, AllIsTheExportsRows) {
  const Params csv = {{"q", "santé"}, {"format", "csv"}, {"sort", "oldest"}};
  const Outcome run = query({"--all", "--format", "csv", "-q", "santé", "--sort", "oldest"});
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out, handler("/api/export", csv).body);
  const auto rows = parse_csv(run.out);
  const json total = json::parse(handler("/api/search", {{"q", "santé"}}).body)["total"];
  ASSERT_GT(total.get<std::size_t>(), 10u);
  EXPECT_EQ(rows.size() - 1, total.get<std::size_t>());
  for (const auto& row : rows) EXPECT_EQ(row.size(), 6u);

  const Outcome ndjson = query({"--all", "--category", "Citoyen"});
  ASSERT_EQ(ndjson.status, 0) << ndjson.err;
  EXPECT_EQ(ndjson.out, handler("/api/export", {{"category", "Citoyen"}}).body);
  const json citoyen = json::parse(handler("/api/search", {{"category", "Citoyen"}}).body)["total"];
  EXPECT_EQ(std::count(ndjson.out.begin(), ndjson.out.end(), '\n'), citoyen.get<int>());
}

TEST_F(NewsqTest, OnePageAsRows) {
  const json page = json::parse(
      handler("/api/search", {{"q", "données"}, {"page", "2"}, {"per_page", "4"}}).body);
  ASSERT_EQ(page["hits"].size(), 4u);
  const Outcome csv = query({"-q", "données", "--page", "2", "--per-page", "4", "--format", "csv"});
  ASSERT_EQ(csv.status, 0) << csv.err;
  const auto rows = parse_csv(csv.out);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0],
            (std::vector<std::string>{"id", "date", "title", "url", "categories", "score"}));
  const Outcome ndjson =
      query({"-q", "données", "--page", "2", "--per-page", "4", "--format", "ndjson"});
  ASSERT_EQ(ndjson.status, 0) << ndjson.err;
  std::istringstream lines(ndjson.out);
  std::string line;
  for (std::size_t i = 0; i < 4; ++i) {
    ASSERT_TRUE(std::getline(lines, line));
    const json row = json::parse(line);
    const json& hit = page["hits"][i];
    EXPECT_EQ(rows[i + 1][0], hit["id"]);
    EXPECT_EQ(rows[i + 1][2], hit["title"]);
    EXPECT_EQ(row["id"], hit["id"]);
    EXPECT_EQ(row["categories"], hit["categories"]);
    EXPECT_FALSE(row.contains("snippet"));
  }
  EXPECT_FALSE(std::getline(lines, line));
}

TEST_F(NewsqTest, TableListsTheTitles) {
  const json page = json::parse(handler("/api/search", {{"q", "hôpital"}, {"per_page", "5"}}).body);
  const Outcome run = query({"-q", "hôpital", "--per-page", "5", "--format", "table"});
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(std::count(run.out.begin(), run.out.end(), '\n'), 2 + 5) << run.out;
  EXPECT_EQ(run.out.rfind("# " + std::to_string(page["total"].get<int>()) + " matches", 0), 0u)
      << run.out;
  std::size_t at = 0;
  for (const auto& hit : page["hits"]) {
    // Titles may be cut: their first 30 bytes, in rank order, after the date.
    const std::string title = hit["title"].get<std::string>().substr(0, 30);
    const std::size_t found = run.out.find(hit["date"].get<std::string>() + "  " + title, at);
    ASSERT_NE(found, std::string::npos) << title << "\n" << run.out;
    at = found;
  }
  const int citoyen =
      json::parse(handler("/api/search", {{"category", "Citoyen"}}).body)["total"].get<int>();
  ASSERT_GT(citoyen, 1);
  const Outcome all = query({"--all", "--format", "table", "--category", "Citoyen"});
  ASSERT_EQ(all.status, 0) << all.err;
  EXPECT_EQ(std::count(all.out.begin(), all.out.end(), '\n'), citoyen + 3) << all.out;
  EXPECT_NE(all.out.find("# " + std::to_string(citoyen) + " matches\n"), std::string::npos);
}

TEST_F(NewsqTest, UsageErrorsExit2) {
  const std::vector<std::vector<std::string>> bad = {
      {"-q", "santé"},  // no --index
      {"--index", index_, "--bogus"},
      {"--index", index_, "--format", "xml"},
      {"--index", index_, "--per-page"},
      {"--index", index_, "--all", "--format", "json"},
      {"--index", index_, "--all", "--page", "2"},
      {"--index", index_, "--per-page", "0"},       // refused by the handler (400)
      {"--index", index_, "--from", "2021-02-30"},  // idem
      {"--index", index_, "--sort", "best"},
      {"--index", index_, "--all", "--from", "2022-01-01", "--to", "2021-01-01"},
  };
  for (const auto& args : bad) {
    SCOPED_TRACE(::testing::PrintToString(args));
    const Outcome run = newsq(args);
    EXPECT_EQ(run.status, 2);
    EXPECT_EQ(run.err.rfind("newsq: ", 0), 0u) << run.err;
    EXPECT_TRUE(run.out.empty()) << run.out;
  }
  const Outcome help = newsq({"--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("usage: newsq"), std::string::npos);
}

TEST_F(NewsqTest, UnknownIndexExits1) {
  const TempDir empty;
  for (const std::string& index : {empty.path().string() + "/none", empty.path().string()}) {
    const Outcome run = newsq({"--index", index, "-q", "santé"});
    EXPECT_EQ(run.status, 1) << index;
    EXPECT_NE(run.err.find("cannot open the index"), std::string::npos) << run.err;
    EXPECT_TRUE(run.out.empty());
  }
}

}  // namespace
}  // namespace frsearch::search
