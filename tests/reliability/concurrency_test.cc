// searchd answers continuously while `indexer build` (new generations, with a
// different shard count each time) and `indexer add` replace the index it
// serves: every answer of several client threads is a 200 with a whole,
// valid JSON body, and the daemon ends up serving the last index.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <xapian.h>
#include <nlohmann/json.hpp>

#include "support.h"
#include "tests/corpus/test_util.h"

namespace frsearch::reliability {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using corpus::testing::TempDir;

/// @p count small articles "<prefix><n>" as JSON Lines.
std::string extra_articles(const std::string& prefix, int count) {
  std::string text;
  for (int n = 0; n < count; ++n) {
    text += json{{"id", prefix + std::to_string(n)},
                 {"title", "Santé publique " + std::to_string(n)},
                 {"date", "2024-0" + std::to_string(1 + n % 9) + "-15"},
                 {"body", "Les données de santé des hôpitaux, article " + std::to_string(n)}}
                .dump() +
            "\n";
  }
  return text;
}

TEST(ConcurrencyTest, SearchdAnswersWhileTheIndexIsRebuiltAndUpdated) {
  TempDir dir;
  const std::string index = dir.path().string() + "/index";
  const std::string log = dir.path().string() + "/indexer.log";
  ASSERT_EQ(run({indexer_path(), "build", "--index", index, sample_corpus()}, log), 0);
  Daemon daemon({index}, dir.path().string() + "/searchd.log");
  ASSERT_TRUE(daemon.ok());

  std::atomic<bool> done{false};
  std::atomic<int> requests{0}, failures{0};
  std::mutex mutex;
  std::string first_failure;
  auto fail = [&](const std::string& what) {
    ++failures;
    std::lock_guard<std::mutex> lock(mutex);
    if (first_failure.empty()) first_failure = what;
  };
  std::vector<std::thread> clients;
  for (int t = 0; t < 3; ++t) {
    clients.emplace_back([&, t] {
      const std::vector<std::string> paths = {
          "/api/search?q=sante&per_page=20", "/api/search?q=&per_page=100", "/health",
          "/api/search?q=donnees+hopital&sort=newest", "/api/suggest?q=san"};
      for (int i = t; !done; ++i) {
        const std::string& target = paths[i % paths.size()];
        const Answer answer = request(daemon.port(), "GET", target, "", "", 20s);
        ++requests;
        const json body = json::parse(answer.body, nullptr, false);
        if (answer.status != 200) {
          fail(target + ": status " + std::to_string(answer.status) + " " + answer.body);
        } else if (body.is_discarded() || !body.is_object()) {
          fail(target + ": not a whole JSON object: " + answer.body.substr(0, 200));
        } else if (target.rfind("/api/search", 0) == 0 &&
                   (!body["total"].is_number() || !body["hits"].is_array() ||
                    body["hits"].size() > body["total"].get<std::size_t>())) {
          fail(target + ": inconsistent answer " + answer.body.substr(0, 200));
        }
      }
    });
  }

  // Rebuilds with 1, 2 and 3 shards, each followed by two adds.
  int extra = 0;
  for (int round = 0; round < 3 && !HasFatalFailure(); ++round) {
    EXPECT_EQ(run({indexer_path(), "build", "--index", index, "--shards", std::to_string(round + 1),
                   "--threads", "2", sample_corpus()},
                  log),
              0);
    for (int add = 0; add < 2; ++add) {
      const std::string file = dir.write("extra" + std::to_string(extra) + ".jsonl",
                                         extra_articles("extra" + std::to_string(extra) + "-", 50));
      ++extra;
      EXPECT_EQ(run({indexer_path(), "add", "--index", index, file}, log), 0);
    }
  }
  // The daemon follows: /health counts what the index holds now.
  const std::size_t documents = Xapian::Database(index).get_doccount();
  std::size_t served = 0;
  search::testing::wait_until([&] {
    const Answer health = request(daemon.port(), "GET", "/health");
    if (health.status == 200) served = json::parse(health.body)["documents"].get<std::size_t>();
    return served == documents;
  });
  done = true;
  for (auto& client : clients) client.join();
  EXPECT_EQ(served, documents);
  EXPECT_GT(requests, 30);
  EXPECT_EQ(failures, 0) << first_failure;
  EXPECT_TRUE(daemon.process().running());
}

}  // namespace
}  // namespace frsearch::reliability
