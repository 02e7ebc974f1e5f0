// searchd end to end: the indexer and searchd binaries, a real socket and
// cpp-httplib's client. Builds an index of corpus/sample, serves it on a free
// port and checks every endpoint; rebuilds and updates the index while it is
// being queried (no restart, no failed request); SIGTERM; startup failures;
// a remote shard served by xapian-tcpsrv.

#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <xapian.h>
#include <nlohmann/json.hpp>

#include "searchd/server.h"
#include "tests/corpus/test_util.h"
#include "tests/searchd/daemon_support.h"
#include "tests/searchd/url_encode.h"

namespace {

using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using frsearch::corpus::testing::slurp;
using frsearch::corpus::testing::TempDir;
using frsearch::search::testing::Daemon;
using frsearch::search::testing::free_port;
using frsearch::search::testing::get_json;
using frsearch::search::testing::kIndexer;
using frsearch::search::testing::kSearchd;
using frsearch::search::testing::Listener;
using frsearch::search::testing::Process;
using frsearch::search::testing::run;
using frsearch::search::testing::url_encode;
using frsearch::search::testing::wait_until;

const std::string kSample = FRS_SOURCE_DIR "/corpus/sample";
const std::string kFixture = FRS_SOURCE_DIR "/tests/fixtures/searchd-http.jsonl";

std::size_t indexed_documents(const std::string& index, const std::string& log) {
  std::string out;
  EXPECT_EQ(run({kIndexer, "stats", "--index", index}, log, &out), 0);
  return json::parse(out).at("documents").get<std::size_t>();
}

/// The sample corpus when it is there, else this test's own fixture.
std::string corpus_input() {
  return fs::exists(kSample) ? kSample : kFixture;
}

// ---- One daemon for the read-only checks --------------------------------------------

class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    index_ = dir_->path().string() + "/index";
    std::string err;
    ASSERT_EQ(run({kIndexer, "build", "--index", index_, corpus_input()},
                  dir_->path().string() + "/build", nullptr, &err),
              0)
        << err;
    documents_ = indexed_documents(index_, dir_->path().string() + "/stats");
    daemon_ = new Daemon({index_}, dir_->path().string() + "/searchd.log");
  }
  static void TearDownTestSuite() {
    delete daemon_;
    delete dir_;
  }
  void SetUp() override { ASSERT_TRUE(daemon_->ok()) << "searchd did not start"; }

  static inline TempDir* dir_ = nullptr;
  static inline std::string index_;
  static inline std::size_t documents_ = 0;
  static inline Daemon* daemon_ = nullptr;
};

TEST_F(ServerTest, HealthAndSearchSeeEveryDocument) {
  auto client = daemon_->client();
  json health = get_json(client, "/health");
  EXPECT_EQ(health["index"]["documents"], documents_);
  health.erase("index");  // the index state, checked by http_test and language_test
  EXPECT_EQ(health, json({{"status", "ok"}, {"documents", documents_}}));
  const json all = get_json(client, "/api/search?q=&per_page=100");
  EXPECT_EQ(all["total"], documents_);
  std::string previous = "9999-99-99";
  for (const auto& hit : all["hits"]) {
    EXPECT_LE(hit["date"].get<std::string>(), previous) << "not newest first";
    previous = hit["date"];
  }
  const json page = get_json(client, "/api/search?q=donnees&page=1&per_page=3&sort=relevance");
  EXPECT_GT(page["total"].get<int>(), 0);
  EXPECT_LE(page["hits"].size(), 3u);
  EXPECT_EQ(page["query"], "donnees");
}

TEST_F(ServerTest, EveryEndpointAnswers) {
  auto client = daemon_->client();
  const json first = get_json(client, "/api/search?q=&per_page=1")["hits"][0];
  const std::string id = first["id"];
  EXPECT_EQ(get_json(client, "/api/articles/" + url_encode(id))["id"], id);
  const json related = get_json(client, "/api/articles/" + url_encode(id) + "/related?n=3");
  ASSERT_TRUE(related["hits"].is_array());
  for (const auto& hit : related["hits"]) EXPECT_NE(hit["id"], id);

  auto draft = client.Post("/api/related", R"({"text": "les données de santé des hôpitaux"})",
                           "application/json");
  ASSERT_TRUE(draft);
  EXPECT_EQ(draft->status, 200) << draft->body;
  EXPECT_TRUE(json::parse(draft->body)["hits"].is_array());

  EXPECT_TRUE(get_json(client, "/api/suggest?q=don")["suggestions"].is_array());
  EXPECT_EQ(get_json(client, "/api/articles/no-such-id", 404)["error"]["code"], "not_found");
  EXPECT_EQ(get_json(client, "/no/such/path", 404)["error"]["code"], "not_found");
  EXPECT_EQ(get_json(client, "/api/search?per_page=101", 400)["error"]["code"],
            "invalid_parameter");

  auto page = client.Get("/?q=hopital");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  auto script = client.Get("/app.js");
  ASSERT_TRUE(script);
  EXPECT_EQ(script->status, 200);
}

TEST_F(ServerTest, ExportsStreamEveryMatch) {
  auto client = daemon_->client();
  auto csv = client.Get("/api/export?q=&format=csv");
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  EXPECT_EQ(csv->get_header_value("Transfer-Encoding"), "chunked");
  EXPECT_EQ(csv->body.rfind("id,date,title,url,categories,score\r\n", 0), 0u);
  std::size_t records = 0;  // rows outside quotes: every CRLF that ends a record
  bool quoted = false;
  for (std::size_t i = 0; i < csv->body.size(); ++i) {
    if (csv->body[i] == '"') quoted = !quoted;
    if (!quoted && csv->body.compare(i, 2, "\r\n") == 0) ++records;
  }
  EXPECT_EQ(records, documents_ + 1);

  auto ndjson = client.Get("/api/export?q=");
  ASSERT_TRUE(ndjson);
  EXPECT_EQ(ndjson->get_header_value("Content-Type"), "application/x-ndjson");
  std::istringstream lines(ndjson->body);
  std::size_t rows = 0;
  for (std::string line; std::getline(lines, line); ++rows) {
    EXPECT_TRUE(json::parse(line).contains("id"));
  }
  EXPECT_EQ(rows, documents_);

  // A client that stops reading midway does not disturb the daemon.
  std::size_t received = 0;
  auto stopped = client.Get("/api/export?q=&format=csv", [&](const char*, std::size_t length) {
    received += length;
    return false;
  });
  EXPECT_FALSE(stopped);
  EXPECT_EQ(get_json(client, "/health")["documents"], documents_);
}

TEST_F(ServerTest, MetricsCountRequests) {
  auto client = daemon_->client();
  get_json(client, "/api/search?q=sante");
  auto res = client.Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  for (const std::string& line :
       {std::string("# TYPE frsearch_requests_total counter"),
        std::string("frsearch_requests_total{endpoint=\"search\",status=\"200\"}"),
        std::string("frsearch_request_duration_seconds_bucket{endpoint=\"search\",le=\"+Inf\"}"),
        "frsearch_documents " + std::to_string(documents_) + "\n",
        std::string("frsearch_index_reloads_total")}) {
    EXPECT_NE(res->body.find(line), std::string::npos) << line << "\n" << res->body;
  }
  const std::size_t generation = res->body.find("\nfrsearch_index_generation ");
  ASSERT_NE(generation, std::string::npos);
  EXPECT_GE(std::stoi(res->body.substr(generation + 27)), 1) << "the first build's generation";
}

TEST_F(ServerTest, TransportErrorsAreJsonToo) {
  auto client = daemon_->client();
  auto big = client.Post("/api/related", std::string((1 << 20) + 10, ' '), "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(json::parse(big->body)["error"]["code"], "payload_too_large");

  auto long_uri = client.Get(("/api/search?q=" + std::string(9000, 'a')).c_str());
  ASSERT_TRUE(long_uri);
  EXPECT_EQ(long_uri->status, 414);
  EXPECT_EQ(json::parse(long_uri->body)["error"]["code"], "uri_too_long");

  auto wrong = client.Delete("/api/search");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
}

TEST_F(ServerTest, ConcurrentClientsAllSucceed) {
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      auto client = daemon_->client();
      const char* paths[] = {"/api/search?q=sante", "/api/search?q=&category=Projets",
                             "/api/suggest?q=hop", "/health"};
      for (int i = 0; i < 25; ++i) {
        auto res = client.Get(paths[(t + i) % 4]);
        if (!res || res->status != 200) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
}

// ---- The pool of handles, without a daemon ------------------------------------------

// Handles that were opened at different times all reach a later commit, whichever is
// checked out first: an answer never steps back to the revision before a commit one
// handle has already shown (CI saw /health give 75 documents, then 74 again).
TEST(SearcherPoolTest, ACommitSeenByOneHandleIsSeenByEveryOther) {
  TempDir dir;
  const std::string path = dir.path().string() + "/db";
  Xapian::WritableDatabase writer(path, Xapian::DB_CREATE_OR_OPEN);
  writer.add_document(Xapian::Document());
  writer.commit();

  frsearch::search::SearcherPool::Intervals intervals;
  intervals.reopen = std::chrono::hours(1);  // only the very first checkout looks for commits
  frsearch::search::SearcherPool pool(frsearch::search::IndexSet({path}), nullptr, intervals);
  {
    // Two handles at once, opened one after the other (each open bumps the pool's epoch).
    auto first = pool.lease();
    auto second = pool.lease();
    ASSERT_EQ(first->searcher().documents(), 1u);
    ASSERT_EQ(second->searcher().documents(), 1u);
    second.reset();  // given back first: the next checkout takes `first`'s handle, the
    first.reset();   // older one, which reopens to catch up with the other's open
  }
  writer.add_document(Xapian::Document());
  writer.commit();

  auto older = pool.lease();
  EXPECT_EQ(older->searcher().documents(), 2u);  // caught up, and saw the commit
  auto newer = pool.lease();                     // the handle already at the latest epoch
  EXPECT_EQ(newer->searcher().documents(), 2u);
}

// ---- Daemons of their own -----------------------------------------------------------

TEST(ServerLifecycleTest, FollowsRebuildsAndUpdatesWithoutFailedRequests) {
  TempDir dir;
  const std::string index = dir.path().string() + "/index";
  ASSERT_EQ(run({kIndexer, "build", "--index", index, kFixture}, dir.path().string() + "/b1"), 0);
  const std::size_t before = indexed_documents(index, dir.path().string() + "/s1");
  Daemon daemon({index}, dir.path().string() + "/searchd.log");
  ASSERT_TRUE(daemon.ok());

  std::atomic<bool> done{false};
  std::atomic<int> requests{0}, failures{0};
  std::string failure;
  std::vector<std::size_t> seen;  // the document counts /health gave, repeats dropped
  std::thread hammer([&] {
    auto client = daemon.client();
    while (!done) {
      for (const char* path : {"/health", "/api/search?q=donnees", "/api/search?q="}) {
        auto res = client.Get(path);
        ++requests;
        if (!res || res->status != 200) {
          ++failures;
          failure = res ? res->body : httplib::to_string(res.error());
        } else if (path[1] == 'h') {
          const auto count = json::parse(res->body)["documents"].get<std::size_t>();
          if (seen.empty() || seen.back() != count) seen.push_back(count);
        }
      }
    }
  });
  auto documents = [&] {
    auto client = daemon.client();
    auto res = client.Get("/health");
    return res && res->status == 200 ? json::parse(res->body)["documents"].get<std::size_t>() : 0;
  };
  auto wait_for = [&](std::size_t want) {
    wait_until([&] { return documents() == want; });
    return documents();
  };

  // A rebuild with more articles: the new count without restart.
  ASSERT_EQ(
      run({kIndexer, "build", "--index", index, kFixture, kSample}, dir.path().string() + "/b2"),
      0);
  const std::size_t rebuilt = indexed_documents(index, dir.path().string() + "/s2");
  ASSERT_GT(rebuilt, before);
  EXPECT_EQ(wait_for(rebuilt), rebuilt);

  // An update in place (`indexer add`).
  const std::string extra = dir.path().string() + "/extra.jsonl";
  std::ofstream(extra)
      << R"({"id": "extra-1", "title": "Nouvel article", "date": "2024-05-01", "body": "Un texte."})"
      << "\n";
  ASSERT_EQ(run({kIndexer, "add", "--index", index, extra}, dir.path().string() + "/a1"), 0);
  EXPECT_EQ(wait_for(rebuilt + 1), rebuilt + 1);

  // And back to the small index, twice (older generations get removed).
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(run({kIndexer, "build", "--index", index, kFixture}, dir.path().string() + "/b3"), 0);
    EXPECT_EQ(wait_for(before), before);
  }
  std::this_thread::sleep_for(300ms);
  done = true;
  hammer.join();
  EXPECT_GT(requests, 20);
  EXPECT_EQ(failures, 0) << failure;
  // Answers never step back to an older state: what the hammer saw is an ordered
  // subsequence of the states the index went through.
  const std::vector<std::size_t> states = {before, rebuilt, rebuilt + 1, before};
  std::size_t at = 0;
  for (std::size_t count : seen) {
    while (at < states.size() && states[at] != count) ++at;
    EXPECT_LT(at, states.size()) << "went back to " << count;
  }

  auto client = daemon.client();
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->body.find("frsearch_index_reloads_total 0\n"), std::string::npos)
      << metrics->body;

  const auto start = std::chrono::steady_clock::now();
  daemon.process().signal(SIGTERM);
  EXPECT_EQ(daemon.process().wait(10s), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);
  EXPECT_NE(daemon.process().stderr_text().find("listening on http://127.0.0.1:"),
            std::string::npos);
}

TEST(ServerLifecycleTest, SigintStopsAnIdleDaemonPromptly) {
  TempDir dir;
  const std::string index = dir.path().string() + "/index";
  ASSERT_EQ(run({kIndexer, "build", "--index", index, kFixture}, dir.path().string() + "/b"), 0);
  Daemon daemon({index}, dir.path().string() + "/searchd.log");
  ASSERT_TRUE(daemon.ok());
  const auto start = std::chrono::steady_clock::now();
  daemon.process().signal(SIGINT);
  EXPECT_EQ(daemon.process().wait(10s), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

// A crash leaves the faulting thread's stack in the log (searchd/server.cc,
// report_crashes), so that a crash seen once on CI says where it happened.
TEST(ServerLifecycleTest, ACrashWritesTheStackToStderr) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "the sanitizer's own crash report is kept under ASan and TSan";
#endif
  TempDir dir;
  const std::string index = dir.path().string() + "/index";
  ASSERT_EQ(run({kIndexer, "build", "--index", index, kFixture}, dir.path().string() + "/b"), 0);
  const rlimit no_core{0, 0};  // no core file of the daemon killed here (children inherit it)
  setrlimit(RLIMIT_CORE, &no_core);
  Daemon daemon({index}, dir.path().string() + "/searchd.log");
  ASSERT_TRUE(daemon.ok());
  daemon.process().signal(SIGSEGV);
  EXPECT_EQ(daemon.process().wait(60s), 128 + SIGSEGV);
  const std::string log = daemon.process().stderr_text();
  EXPECT_NE(log.find("searchd: fatal signal 11, stack:\n"), std::string::npos) << log;
  EXPECT_NE(log.find("searchd("), std::string::npos) << log;  // frames of the binary
}

TEST(ServerLifecycleTest, StartupFailuresExitWithAMessage) {
  TempDir dir;
  std::string err;
  EXPECT_EQ(run({kSearchd, "--index", dir.path().string() + "/missing", "--port", "0"},
                dir.path().string() + "/l1", nullptr, &err),
            1);
  EXPECT_NE(err.find("cannot open the index"), std::string::npos) << err;

  const std::string index = dir.path().string() + "/index";
  ASSERT_EQ(run({kIndexer, "build", "--index", index, kFixture}, dir.path().string() + "/b"), 0);
  {
    Listener taken(1);  // a port somebody else listens on
    ASSERT_TRUE(taken.ok());
    const std::string port = std::to_string(taken.port());
    EXPECT_EQ(run({kSearchd, "--index", index, "--port", port}, dir.path().string() + "/l2",
                  nullptr, &err),
              1);
    EXPECT_NE(err.find("cannot listen on 127.0.0.1:" + port), std::string::npos) << err;
  }

  const std::vector<std::string> bad_usage[] = {
      {kSearchd},
      {kSearchd, "--index"},
      {kSearchd, "--index", index, "--port", "http"},
      {kSearchd, "--index", index, "--threads", "0"},
      {kSearchd, "--index", "tcp://nohost", "--port", "0"},
      {kSearchd, "--index", index, "--verbose", "1"},
  };
  for (const auto& args : bad_usage) {
    EXPECT_EQ(run(args, dir.path().string() + "/l3", nullptr, &err), 2) << args.back();
    EXPECT_NE(err.find("usage: searchd"), std::string::npos) << err;
  }
}

TEST(ServerLifecycleTest, WarnsAtStartAboutAnIndexOfAnOlderIndexer) {
  // An index without the format metadata (schema.h) has no positions on its
  // stems: searchd says so once, at start; a current one starts quietly.
  TempDir dir;
  const std::string index = dir.path().string() + "/index";
  ASSERT_EQ(run({kIndexer, "build", "--index", index, kFixture}, dir.path().string() + "/b"), 0);
  const auto start_log = [&](const std::string& log) {
    {
      Daemon daemon({index}, log);
      EXPECT_TRUE(daemon.ok()) << slurp(log);
    }
    return slurp(log);
  };
  const std::string current = start_log(dir.path().string() + "/current.log");
  EXPECT_EQ(current.find("older indexer"), std::string::npos) << current;
  std::istringstream stub(slurp(index + "/XAPIANDB"));
  std::string backend, shard;
  ASSERT_TRUE(stub >> backend >> shard);
  {
    Xapian::WritableDatabase db(index + "/" + shard, Xapian::DB_OPEN);
    db.set_metadata("format", "");  // as an older indexer left it
    db.commit();
  }
  const std::string old = start_log(dir.path().string() + "/old.log");
  // The shard is named (each local shard is checked, not the first one only).
  EXPECT_NE(old.find("searchd: warning: index " + index + "/" + shard +
                     " was written by an older indexer"),
            std::string::npos)
      << old;
  EXPECT_NE(old.find("indexer build"), std::string::npos) << old;
}

TEST(ServerLifecycleTest, RemoteShardThroughXapianTcpsrv) {
  const std::string tcpsrv = "/usr/bin/xapian-tcpsrv";
  if (!fs::exists(tcpsrv)) GTEST_SKIP() << "xapian-tcpsrv is not installed (xapian-tools)";
  TempDir dir;
  const std::string index = dir.path().string() + "/index";
  ASSERT_EQ(run({kIndexer, "build", "--index", index, kFixture}, dir.path().string() + "/b"), 0);
  const std::size_t documents = indexed_documents(index, dir.path().string() + "/s");
  std::istringstream stub(slurp(index + "/XAPIANDB"));
  std::string backend, shard;
  ASSERT_TRUE(stub >> backend >> shard);

  const int port = free_port();
  auto server = std::make_unique<Process>(
      std::vector<std::string>{tcpsrv, "--port", std::to_string(port), "--interface", "127.0.0.1",
                               index + "/" + shard},
      dir.path().string() + "/tcpsrv.log");
  const bool up = wait_until([&] {
    return server->stderr_text().find("Listening") != std::string::npos ||
           server->stdout_text().find("Listening") != std::string::npos;
  });
  ASSERT_TRUE(up) << server->stdout_text() << server->stderr_text();

  Daemon daemon({"tcp://127.0.0.1:" + std::to_string(port)}, dir.path().string() + "/searchd.log");
  ASSERT_TRUE(daemon.ok()) << slurp(dir.path().string() + "/searchd.log");
  auto client = daemon.client();
  EXPECT_EQ(get_json(client, "/health")["documents"], documents);
  EXPECT_EQ(get_json(client, "/api/search?q=")["total"], documents);

  server.reset();  // the shard goes away
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(get_json(client, "/api/search?q=sante", 503)["error"]["code"], "unavailable");
}

TEST(ServerOptionsTest, SplitFromIsANumberAndZeroTurnsTheSplitOff) {
  using frsearch::search::parse_options;
  EXPECT_EQ(parse_options({"--index", "x"}).split_from, 20000u);
  EXPECT_EQ(parse_options({"--index", "x", "--split-from", "0"}).split_from, 0u);
  EXPECT_EQ(parse_options({"--index", "x", "--split-from", "5000"}).split_from, 5000u);
  EXPECT_THROW(parse_options({"--index", "x", "--split-from", "many"}), std::invalid_argument);
}

}  // namespace
