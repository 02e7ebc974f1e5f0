// Slow and half-open clients (slowloris) against searchd with 2 worker
// threads: many more idle or trickling connections than workers must not keep
// a normal request waiting, and idle connections are closed after the
// server's timeouts (keep-alive 2 s for a connection that sends nothing,
// read 5 s for one that stops midway through its request).

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "support.h"
#include "tests/corpus/test_util.h"

namespace frsearch::reliability {
namespace {

using namespace std::chrono_literals;
using corpus::testing::TempDir;
using Clock = std::chrono::steady_clock;

constexpr unsigned kWorkers = 2;
constexpr int kSlowClients = 48;  ///< many times the workers

class SlowClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index_ = dir_.path().string() + "/index";
    ASSERT_EQ(run({indexer_path(), "build", "--index", index_, sample_corpus()},
                  dir_.path().string() + "/build.log"),
              0);
    daemon_ = std::make_unique<Daemon>(std::vector<std::string>{index_},
                                       dir_.path().string() + "/searchd.log", kWorkers);
    ASSERT_TRUE(daemon_->ok()) << "searchd did not start";
  }

  TempDir dir_;
  std::string index_;
  std::unique_ptr<Daemon> daemon_;
};

TEST_F(SlowClientTest, ManySlowConnectionsDoNotStarveANormalRequest) {
  // A third sends nothing, a third half a request line, a third trickles
  // header bytes (one every 300 ms) for as long as the test runs.
  std::vector<std::unique_ptr<Connection>> slow;
  for (int i = 0; i < kSlowClients; ++i) {
    slow.push_back(std::make_unique<Connection>(daemon_->port()));
    ASSERT_TRUE(slow.back()->connected()) << i;
    if (i % 3 == 1) slow.back()->send("GET /api/search?q=sa");
    if (i % 3 == 2) slow.back()->send("GET /health HTTP/1.1\r\nHost: x\r\n");
  }
  std::atomic<bool> done{false};
  std::thread trickle([&] {
    while (!done) {
      for (int i = 2; i < kSlowClients; i += 3) slow[i]->send("X");
      std::this_thread::sleep_for(300ms);
    }
  });

  // Normal requests keep being answered promptly, for longer than the timeouts.
  double worst = 0;
  int answered = 0;
  const auto until = Clock::now() + 7s;
  while (Clock::now() < until) {
    const Answer answer = request(daemon_->port(), "GET", "/api/search?q=sante", "", "", 10s);
    EXPECT_EQ(answer.status, 200) << answer.body;
    answered += answer.status == 200;
    worst = std::max(worst, answer.seconds);
    std::this_thread::sleep_for(200ms);
  }
  done = true;
  trickle.join();
  EXPECT_GT(answered, 10);
  EXPECT_LT(worst, 1.5) << "a normal request waited behind slow clients";
  EXPECT_TRUE(daemon_->process().running());
}

TEST_F(SlowClientTest, IdleAndStalledConnectionsAreClosed) {
  std::vector<std::unique_ptr<Connection>> idle, stalled;
  for (int i = 0; i < 8; ++i) {
    idle.push_back(std::make_unique<Connection>(daemon_->port()));
    stalled.push_back(std::make_unique<Connection>(daemon_->port()));
    stalled.back()->send("GET /health HTTP/1.1\r\nHost: x\r\n");  // no blank line: never complete
  }
  // The kept-alive connection of a finished request is closed too.
  Connection kept(daemon_->port());
  kept.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(kept.receive(5s).status, 200);

  const auto started = Clock::now();
  for (auto& connection : idle) EXPECT_TRUE(connection->closed_within(8s)) << "idle";
  EXPECT_TRUE(kept.closed_within(8s)) << "kept alive";
  for (auto& connection : stalled) EXPECT_TRUE(connection->closed_within(10s)) << "stalled";
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  EXPECT_GT(seconds, 1.0) << "closed before any timeout could have run out";
  EXPECT_LT(seconds, 12.0);
  EXPECT_EQ(request(daemon_->port(), "GET", "/health").status, 200);
}

}  // namespace
}  // namespace frsearch::reliability
