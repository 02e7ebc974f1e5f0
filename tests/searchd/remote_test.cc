// searchd over remote shards: the sample corpus indexed once as a single index
// and once as two shards (`indexer build --shards 2`), each shard served by its
// own xapian-tcpsrv on a loopback port. searchd over the two tcp:// shards, over
// one local shard plus one remote, and over the folder of shards must answer
// exactly as searchd over the single index (Xapian combines the statistics of
// the shards; articles are known by their id, never by Xapian's docid). Then a
// shard server dies: searchd answers 503 "unavailable" and keeps running; the
// server comes back on the same port: searchd answers again without restart.
// A shard server down when searchd starts is the same outage: searchd starts,
// warns, answers 503 (/health with "status": "unavailable") and recovers; a
// local folder that does not exist still fails at start. A shard host that does
// not answer costs the connect timeout once per pause, not on every request.

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "tests/corpus/test_util.h"
#include "tests/searchd/daemon_support.h"

namespace {

using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using frsearch::corpus::testing::slurp;
using frsearch::corpus::testing::TempDir;
using namespace frsearch::search::testing;

const std::string kTcpsrv = "/usr/bin/xapian-tcpsrv";
const std::string kSample = FRS_SOURCE_DIR "/corpus/sample";
const std::string kFixture = FRS_SOURCE_DIR "/tests/fixtures/searchd-http.jsonl";

/// One xapian-tcpsrv serving one database on a loopback port; restartable on
/// the same port.
class TcpServer {
 public:
  TcpServer(std::string database, std::string log, std::vector<std::string> extra = {})
      : database_(std::move(database)), log_(std::move(log)), extra_(std::move(extra)) {}

  /// Starts it on @p port (a free one when 0); false when it does not listen.
  bool start(int port = 0) {
    for (int attempt = 0; attempt < 3; ++attempt) {
      port_ = port ? port : free_port();
      std::vector<std::string> args = {kTcpsrv, "--port", std::to_string(port_), "--interface",
                                       "127.0.0.1"};
      args.insert(args.end(), extra_.begin(), extra_.end());
      args.push_back(database_);
      process_ = std::make_unique<Process>(args, log_);
      bool listening = false;
      wait_until(  // a generous deadline (kPatience): CI is loaded and runs ASan too
          [&] {
            listening = process_->stdout_text().find("Listening") != std::string::npos;
            return listening || !process_->running();
          },
          kPatience, 25ms);
      if (listening) return true;
      process_.reset();
      std::this_thread::sleep_for(200ms);  // the same port may still be held a moment
    }
    return false;
  }
  void stop() { process_.reset(); }
  int port() const { return port_; }
  std::string spec() const { return "tcp://127.0.0.1:" + std::to_string(port_); }

 private:
  std::string database_, log_;
  std::vector<std::string> extra_;
  int port_ = 0;
  std::unique_ptr<Process> process_;
};

/// Compares two answers field by field: numbers that are not integers within
/// 1e-9 relative (scores), everything else exactly. took_ms and the index's
/// generation and last_update (they differ between two indexes) are skipped.
void expect_same(const json& want, const json& got, const std::string& where) {
  if (want.is_number_float() || got.is_number_float()) {
    ASSERT_TRUE(want.is_number() && got.is_number()) << where << ": " << want << " vs " << got;
    const double a = want.get<double>(), b = got.get<double>();
    EXPECT_LE(std::fabs(a - b), 1e-9 * std::max(std::fabs(a), std::fabs(b)))
        << where << ": " << a << " vs " << b;
    return;
  }
  if (want.type() != got.type()) {
    ADD_FAILURE() << where << ": " << want << " vs " << got;
    return;
  }
  if (want.is_object()) {
    for (const auto& [key, value] : want.items()) {
      if (key == "took_ms" || key == "generation" || key == "last_update") continue;
      if (!got.contains(key)) {
        ADD_FAILURE() << where << ": no " << key;
        continue;
      }
      expect_same(value, got[key], where + "." + key);
    }
    EXPECT_EQ(want.size(), got.size()) << where << ": " << got;
  } else if (want.is_array()) {
    ASSERT_EQ(want.size(), got.size()) << where << ": " << want << " vs " << got;
    for (std::size_t i = 0; i < want.size(); ++i) {
      expect_same(want[i], got[i], where + "[" + std::to_string(i) + "]");
    }
  } else {
    EXPECT_EQ(want, got) << where;
  }
}

/// The body of GET (or POST when @p post_body is given), with its status.
std::pair<int, std::string> fetch(httplib::Client& client, const std::string& path,
                                  const std::string* post_body = nullptr) {
  auto res = post_body ? client.Post(path.c_str(), *post_body, "application/json")
                       : client.Get(path.c_str());
  if (!res) return {-1, httplib::to_string(res.error())};
  return {res->status, res->body};
}

/// An export's lines parsed one by one (NDJSON) or kept as text (CSV, whose
/// score column is compared as a number).
json export_lines(const std::string& body, bool ndjson) {
  json lines = json::array();
  std::istringstream in(body);
  std::string line;
  while (std::getline(in, line)) {
    if (ndjson) {
      lines.push_back(json::parse(line, nullptr, false));
      continue;
    }
    const std::size_t comma = line.rfind(',');  // score is the last column
    json row = json::array({line.substr(0, comma)});
    char* end = nullptr;
    const std::string score = line.substr(comma + 1);
    const double value = std::strtod(score.c_str(), &end);
    row.push_back(end && *end == '\0' && !score.empty() ? json(value) : json(score));
    lines.push_back(row);
  }
  return lines;
}

// ---- The fixture: one single index, one sharded, two shard servers -------------------

class RemoteShardsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::exists(kTcpsrv)) return;
    dir_ = new TempDir;
    const std::string base = dir_->path().string();
    const std::string input = fs::exists(kSample) ? kSample : kFixture;
    single_ = base + "/single";
    sharded_ = base + "/sharded";
    std::string err;
    ASSERT_EQ(run({kIndexer, "build", "--index", single_, input}, base + "/b1", nullptr, &err), 0)
        << err;
    ASSERT_EQ(
        run({kIndexer, "build", "--index", sharded_, "--shards", "2", "--threads", "2", input},
            base + "/b2", nullptr, &err),
        0)
        << err;
    // DIR/XAPIANDB: one "BACKEND gen-N/shard-M" line per shard.
    std::istringstream stub(slurp(sharded_ + "/XAPIANDB"));
    std::string backend, shard;
    while (stub >> backend >> shard) shards_.push_back(sharded_ + "/" + shard);
    ASSERT_EQ(shards_.size(), 2u) << slurp(sharded_ + "/XAPIANDB");

    for (int i = 0; i < 2; ++i) {
      servers_[i] = new TcpServer(shards_[i], base + "/tcpsrv" + std::to_string(i) + ".log");
      ASSERT_TRUE(servers_[i]->start()) << slurp(base + "/tcpsrv" + std::to_string(i) + ".log");
    }
    reference_ = new Daemon({single_}, base + "/single.log");
  }
  static void TearDownTestSuite() {
    delete reference_;
    for (auto*& server : servers_) {
      delete server;
      server = nullptr;
    }
    delete dir_;
  }
  void SetUp() override {
    if (!fs::exists(kTcpsrv)) GTEST_SKIP() << "xapian-tcpsrv is not installed (xapian-tools)";
    ASSERT_TRUE(reference_ && reference_->ok()) << "searchd over the single index did not start";
  }

  /// Every answer of the comparison list from @p daemon, against the single index's.
  static void expect_same_answers(const Daemon& daemon, const std::string& name) {
    auto want_client = reference_->client();
    auto got_client = daemon.client();

    const json all = get_json(want_client, "/api/search?q=&per_page=100");
    ASSERT_GT(all["hits"].size(), 2u);
    std::vector<std::string> paths = {
        "/health",
        "/api/search?q=",
        "/api/search?q=&per_page=100&sort=oldest",
        "/api/search?q=donnees",
        "/api/search?q=donn%C3%A9es+de+sant%C3%A9&per_page=20",
        "/api/search?q=%22donn%C3%A9es+de+sant%C3%A9%22",
        "/api/search?q=sante+publiqe",
        "/api/search?q=hopital&sort=newest",
        "/api/search?q=recherche&from=2021-01-01&to=2024-12-31&sort=oldest",
        "/api/search?q=sante&category=Projets&category=Citoyen",
        "/api/search?q=donnees&page=2&per_page=5",
        "/api/search?q=titre%3Adonnees+OU+intelligence",
        "/api/search?q=intelligence+artificielle+-recherche",
        "/api/search?q=donn*",
        "/api/search?q=zzzzqqq",
        "/api/suggest?q=don",
        "/api/suggest?q=sant",
        "/api/articles/no-such-article",
    };
    for (std::size_t i = 0; i < all["hits"].size(); i += 7) {
      const std::string id = all["hits"][i]["id"];
      paths.push_back("/api/articles/" + id);
      paths.push_back("/api/articles/" + id + "/related?n=5");
    }
    for (const auto& path : paths) {
      const auto [want_status, want_body] = fetch(want_client, path);
      const auto [got_status, got_body] = fetch(got_client, path);
      EXPECT_EQ(want_status, got_status) << name << " " << path << ": " << got_body;
      expect_same(json::parse(want_body, nullptr, false), json::parse(got_body, nullptr, false),
                  name + " " + path);
    }

    const std::string draft = json{
        {"text", "Un entrepôt de données de santé à l’hôpital pour la recherche"},
        {"n", 5}}.dump();
    const auto [want_status, want_body] = fetch(want_client, "/api/related", &draft);
    const auto [got_status, got_body] = fetch(got_client, "/api/related", &draft);
    EXPECT_EQ(want_status, 200) << want_body;
    EXPECT_EQ(got_status, 200) << got_body;
    expect_same(json::parse(want_body, nullptr, false), json::parse(got_body, nullptr, false),
                name + " POST /api/related");

    for (const char* format : {"ndjson", "csv"}) {
      const std::string path = std::string("/api/export?q=donnees&format=") + format;
      const auto [want_code, want_text] = fetch(want_client, path);
      const auto [got_code, got_text] = fetch(got_client, path);
      EXPECT_EQ(want_code, 200);
      EXPECT_EQ(got_code, 200) << got_text;
      const bool ndjson = std::string(format) == "ndjson";
      const json want = export_lines(want_text, ndjson);
      EXPECT_GT(want.size(), 2u);
      expect_same(want, export_lines(got_text, ndjson), name + " " + path);
    }
  }

  static std::string log(const std::string& name) { return dir_->path().string() + "/" + name; }

  static inline TempDir* dir_ = nullptr;
  static inline std::string single_, sharded_;
  static inline std::vector<std::string> shards_;
  static inline TcpServer* servers_[2] = {nullptr, nullptr};
  static inline Daemon* reference_ = nullptr;
};

TEST_F(RemoteShardsTest, TwoRemoteShardsAnswerAsTheSingleIndex) {
  Daemon daemon({servers_[0]->spec(), servers_[1]->spec()}, log("remote.log"));
  ASSERT_TRUE(daemon.ok()) << slurp(log("remote.log"));
  expect_same_answers(daemon, "tcp+tcp");
}

TEST_F(RemoteShardsTest, LocalShardPlusRemoteShardAnswerAsTheSingleIndex) {
  Daemon daemon({shards_[0], servers_[1]->spec()}, log("mixed.log"));
  ASSERT_TRUE(daemon.ok()) << slurp(log("mixed.log"));
  expect_same_answers(daemon, "local+tcp");
}

TEST_F(RemoteShardsTest, FolderOfShardsAnswersAsTheSingleIndex) {
  Daemon daemon({sharded_}, log("folder.log"));
  ASSERT_TRUE(daemon.ok()) << slurp(log("folder.log"));
  expect_same_answers(daemon, "folder");
}

TEST_F(RemoteShardsTest, DeadShardIs503ThenRecoversWithoutRestart) {
  // A server of its own, so the other tests keep theirs.
  TcpServer server(shards_[1], log("tcpsrv-dies.log"));
  ASSERT_TRUE(server.start()) << slurp(log("tcpsrv-dies.log"));
  Daemon daemon({servers_[0]->spec(), server.spec()}, log("dies.log"));
  ASSERT_TRUE(daemon.ok()) << slurp(log("dies.log"));
  auto client = daemon.client();
  const json before = get_json(client, "/api/search?q=sante");
  ASSERT_GT(before["total"].get<int>(), 0);

  server.stop();
  const std::vector<std::string> paths = {
      "/api/search?q=sante", "/api/search?q=", "/health", "/api/suggest?q=don",
      "/api/articles/" + before["hits"][0]["id"].get<std::string>()};
  for (int round = 0; round < 3; ++round) {  // more rounds than pooled handles
    for (const auto& path : paths) {
      const auto started = std::chrono::steady_clock::now();
      const json error = get_json(client, path, 503);
      EXPECT_EQ(error["error"]["code"], "unavailable") << path << ": " << error;
      EXPECT_TRUE(error["error"]["message"].is_string()) << path;
      EXPECT_LT(std::chrono::steady_clock::now() - started, 5s) << path;
    }
  }
  EXPECT_TRUE(daemon.process().running());
  EXPECT_EQ(get_json(client, "/api/search?q=sante&page=0", 400)["error"]["code"],
            "invalid_parameter")
      << "bad input stays a 400 while a shard is away";

  ASSERT_TRUE(server.start(server.port())) << slurp(log("tcpsrv-dies.log"));
  // Every request after the server is back succeeds: handles broken by the
  // outage are dropped and reopened, not used once more.
  for (int round = 0; round < 3; ++round) {
    for (const auto& path : paths) get_json(client, path, 200);
  }
  expect_same(before, get_json(client, "/api/search?q=sante"), "after recovery");
  EXPECT_TRUE(daemon.process().running());
}

TEST_F(RemoteShardsTest, ShardDownAtStartIs503ThenRecoversWithoutRestart) {
  TcpServer server(shards_[1], log("tcpsrv-late.log"));
  const int port = free_port();  // nobody listens there yet
  const std::string spec = "tcp://127.0.0.1:" + std::to_string(port);
  Daemon daemon({servers_[0]->spec(), spec}, log("late.log"), 2, 503);
  ASSERT_TRUE(daemon.ok()) << slurp(log("late.log"));
  const std::string err = daemon.process().stderr_text();
  EXPECT_NE(err.find("warning: cannot reach " + spec), std::string::npos) << err;
  EXPECT_NE(err.find("listening on http://127.0.0.1:"), std::string::npos) << err;

  auto client = daemon.client();
  auto want_client = reference_->client();
  const json want = get_json(want_client, "/api/search?q=sante");
  ASSERT_GT(want["total"].get<int>(), 0);
  const std::string article = "/api/articles/" + want["hits"][0]["id"].get<std::string>();
  const std::vector<std::string> paths = {
      "/api/search?q=sante", "/api/search?q=", "/api/suggest?q=don", article, article + "/related"};
  for (int round = 0; round < 3; ++round) {
    const json health = get_json(client, "/health", 503);
    EXPECT_EQ(health["status"], "unavailable") << health;
    EXPECT_EQ(health["documents"], 0) << health;
    EXPECT_EQ(health["error"]["code"], "unavailable") << health;
    for (const auto& path : paths) {
      const json error = get_json(client, path, 503);
      EXPECT_EQ(error["error"]["code"], "unavailable") << path << ": " << error;
    }
  }
  EXPECT_EQ(get_json(client, "/api/search?q=sante&page=0", 400)["error"]["code"],
            "invalid_parameter");
  auto page = client.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200) << "the search page needs no index";
  EXPECT_TRUE(daemon.process().running());

  ASSERT_TRUE(server.start(port)) << slurp(log("tcpsrv-late.log"));
  const json health = get_json(client, "/health");
  EXPECT_EQ(health["status"], "ok") << health;
  EXPECT_EQ(health["documents"], get_json(want_client, "/health")["documents"]);
  for (const auto& path : paths) {
    expect_same(get_json(want_client, path), get_json(client, path), "after the shard came up");
  }
  EXPECT_NE(daemon.process().stderr_text().find("the index can be read again"), std::string::npos)
      << daemon.process().stderr_text();
}

TEST_F(RemoteShardsTest, MissingLocalFolderStillFailsAtStart) {
  // A typo in a local --index must not start a daemon that answers 503 forever.
  const std::string missing = dir_->path().string() + "/no-such-index";
  std::string err;
  EXPECT_EQ(run({kSearchd, "--index", servers_[0]->spec(), "--index", missing, "--port", "0"},
                log("missing.log"), nullptr, &err),
            1);
  EXPECT_NE(err.find("cannot open the index " + missing + ": no such folder"), std::string::npos)
      << err;
}

TEST_F(RemoteShardsTest, SilentShardHostIsNotWaitedForByEveryRequest) {
  // A listening socket whose accept queue is full: the kernel drops the SYNs of
  // later connects, as a host that does not answer would, so opening the shard
  // takes Xapian's connect timeout (3 s).
  Listener silent(0);
  ASSERT_TRUE(silent.ok() && silent.fill());
  const std::string spec = "tcp://127.0.0.1:" + std::to_string(silent.port());

  Daemon daemon({servers_[0]->spec(), spec}, log("silent.log"), 2, 503);
  ASSERT_TRUE(daemon.ok()) << slurp(log("silent.log"));
  auto client = daemon.client();
  get_json(client, "/api/search?q=sante", 503);  // at most one wait, then a pause
  int quick = 0;
  for (int i = 0; i < 10; ++i) {
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(get_json(client, "/api/search?q=sante", 503)["error"]["code"], "unavailable");
    // Well under the 3 s connect timeout, with room for a loaded CI machine under ASan.
    if (std::chrono::steady_clock::now() - started < 1500ms) ++quick;
  }
  EXPECT_GE(quick, 8) << "requests waited for the silent host's connect timeout";
}

TEST_F(RemoteShardsTest, ConnectionsClosedByAnIdleTimeoutAreReopened) {
  // xapian-tcpsrv closes a connection idle for --idle-timeout ms (60 s by
  // default); the next request must not fail because the pooled handle is stale.
  TcpServer server(shards_[1], log("tcpsrv-idle.log"), {"--idle-timeout", "200"});
  ASSERT_TRUE(server.start()) << slurp(log("tcpsrv-idle.log"));
  Daemon daemon({servers_[0]->spec(), server.spec()}, log("idle.log"));
  ASSERT_TRUE(daemon.ok()) << slurp(log("idle.log"));
  auto client = daemon.client();
  const json first = get_json(client, "/api/search?q=donnees");
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(600ms);
    expect_same(first, get_json(client, "/api/search?q=donnees"), "after idle");
    get_json(client, "/health");
  }
}

}  // namespace
