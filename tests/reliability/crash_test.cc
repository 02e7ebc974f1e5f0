// Crash safety: the indexer killed with SIGKILL at seeded random points of a
// `build` and of an `add` (10 runs in all). After each kill the index opens
// and holds exactly the documents of its last commit: for a build, the
// previous generation untouched; for an add (one shard, ordered writes), the
// old documents plus a prefix of the new input, each document whole (its
// stored record is the old or the new version, never a mix) and no id twice.
// A rerun then converges to the full set (from what the last kill left).
//
// FRS_CRASH_SEED=N replays other kill points (the seed is printed on failure);
// tests/indexer/cli_test.cc has the fixed-delay variants of these kills.

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <xapian.h>
#include <nlohmann/json.hpp>

#include "support.h"
#include "tests/corpus/test_util.h"

namespace frsearch::reliability {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using corpus::testing::TempDir;
using Clock = std::chrono::steady_clock;

constexpr int kRunsPerCommand = 5;

unsigned seed() {
  const char* text = std::getenv("FRS_CRASH_SEED");
  return text && *text ? static_cast<unsigned>(std::strtoul(text, nullptr, 10)) : 20261129u;
}

/// One generated article: id, and a body that names its version.
json article(const std::string& id, int version, int n) {
  static const char* words[] = {"santé",  "hôpital", "données", "réseau",  "élection", "budget",
                                "climat", "énergie", "école",   "justice", "culture",  "sport"};
  std::string body = "version" + std::to_string(version) + " ";
  unsigned state = static_cast<unsigned>(n) * 2654435761u + static_cast<unsigned>(version);
  for (int w = 0; w < 40; ++w) {
    state = state * 1103515245u + 12345u;
    body += std::string(words[(state >> 8) % 12]) + " ";
  }
  return {{"id", id},
          {"title", "Article " + id + " v" + std::to_string(version)},
          {"date", "2021-0" + std::to_string(1 + n % 9) + "-1" + std::to_string(n % 10)},
          {"body", body}};
}

/// Writes the records as JSON Lines; returns the path.
std::string write_jsonl(const TempDir& dir, const std::string& name,
                        const std::vector<json>& records) {
  std::string text;
  for (const json& r : records) text += r.dump() + "\n";
  return dir.write(name, text);
}

/// id → stored record, for every document of the index; ADD_FAILUREs on an id twice.
std::map<std::string, json> documents_of(const std::string& index, const std::string& context) {
  std::map<std::string, json> docs;
  Xapian::Database db(index);  // throws if the index does not open
  for (Xapian::PostingIterator p = db.postlist_begin(""); p != db.postlist_end(""); ++p) {
    const json record = json::parse(db.get_document(*p).get_data(), nullptr, false);
    if (!record.is_object() || !record.contains("id")) {
      ADD_FAILURE() << context << ": a document without a whole record";
      continue;
    }
    if (!docs.emplace(record["id"].get<std::string>(), record).second) {
      ADD_FAILURE() << context << ": id " << record["id"] << " twice";
    }
  }
  return docs;
}

/// Runs the indexer, kills it with SIGKILL after @p delay unless it ended; its status.
int kill_after(const std::vector<std::string>& args, const std::string& log,
               std::chrono::milliseconds delay) {
  Process process(args, log);
  const int status = process.wait(delay);
  if (status != -1) return status;
  process.signal(SIGKILL);
  return process.wait(30s);
}

double run_seconds(const std::vector<std::string>& args, const std::string& log) {
  const auto started = Clock::now();
  EXPECT_EQ(run(args, log), 0) << log;
  return std::chrono::duration<double>(Clock::now() - started).count();
}

class CrashTest : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return dir_.path().string() + "/" + name; }

  TempDir dir_;
  std::mt19937 random_{seed()};
  /// Kill points: a seeded fraction of an uninterrupted run's time.
  std::uniform_real_distribution<double> fraction_{0.3, 1.05};
};

TEST_F(CrashTest, KilledBuildKeepsThePreviousIndex) {
  constexpr int kOld = 40, kNew = 2500;
  std::vector<json> old_records, new_records;
  for (int n = 0; n < kOld; ++n) old_records.push_back(article("old" + std::to_string(n), 1, n));
  for (int n = 0; n < kNew; ++n) new_records.push_back(article("new" + std::to_string(n), 1, n));
  const std::string old_in = write_jsonl(dir_, "old.jsonl", old_records);
  const std::string new_in = write_jsonl(dir_, "new.jsonl", new_records);
  const std::string index = path("index"), scratch = path("scratch");
  const std::vector<std::string> build_new = {indexer_path(), "build", "--index", index,
                                              "--threads",    "2",     new_in};

  // How long a whole build takes here (on a scratch index), to spread the kills over it.
  const double full = run_seconds(
      {indexer_path(), "build", "--index", scratch, "--threads", "2", new_in}, path("timing.log"));
  ASSERT_EQ(run({indexer_path(), "build", "--index", index, old_in}, path("old.log")), 0);

  for (int i = 0; i < kRunsPerCommand; ++i) {
    const auto delay =
        std::chrono::milliseconds(static_cast<long>(fraction_(random_) * full * 1000));
    const std::string context = "build run " + std::to_string(i) + " killed after " +
                                std::to_string(delay.count()) + " ms of ~" +
                                std::to_string(static_cast<int>(full * 1000)) +
                                " (FRS_CRASH_SEED=" + std::to_string(seed()) + ")";
    const int status = kill_after(build_new, path("build.log"), delay);
    const std::map<std::string, json> docs = documents_of(index, context);
    // Finished first, or killed after publishing the new generation (its
    // last commit) but before exiting: the whole new set.
    if (status == 0 || docs.size() == static_cast<std::size_t>(kNew)) {
      for (const json& r : new_records) EXPECT_EQ(docs.at(r["id"]), r) << context;
      ASSERT_EQ(run({indexer_path(), "build", "--index", index, old_in}, path("old.log")), 0);
      continue;
    }
    EXPECT_EQ(status, 128 + SIGKILL) << context;
    ASSERT_EQ(docs.size(), static_cast<std::size_t>(kOld)) << context;
    for (const json& r : old_records) EXPECT_EQ(docs.at(r["id"]), r) << context;
  }

  EXPECT_EQ(run(build_new, path("rerun.log")), 0);
  const std::map<std::string, json> docs = documents_of(index, "rerun");
  ASSERT_EQ(docs.size(), static_cast<std::size_t>(kNew));
  for (const json& r : new_records) EXPECT_EQ(docs.at(r["id"]), r);
}

TEST_F(CrashTest, KilledAddKeepsItsLastCommit) {
  // The input updates every old article (version 2) among new ones, so a
  // kill shows whether each document is the old or the new one, whole.
  constexpr int kOld = 200, kNew = 3000;
  std::vector<json> old_records, input;
  for (int n = 0; n < kOld; ++n) old_records.push_back(article("a" + std::to_string(n), 1, n));
  for (int n = 0; n < kNew; ++n) {
    input.push_back(article("b" + std::to_string(n), 1, n));
    if (n % (kNew / kOld) == 0 && n / (kNew / kOld) < kOld) {
      const int old = n / (kNew / kOld);
      input.push_back(article("a" + std::to_string(old), 2, old));
    }
  }
  const std::string old_in = write_jsonl(dir_, "old.jsonl", old_records);
  const std::string new_in = write_jsonl(dir_, "input.jsonl", input);
  const std::string index = path("index"), scratch = path("scratch");
  const std::vector<std::string> add = {indexer_path(), "add", "--index", index,
                                        "--threads",    "2",   new_in};

  ASSERT_EQ(run({indexer_path(), "build", "--index", scratch, old_in}, path("t1.log")), 0);
  const double full = run_seconds(
      {indexer_path(), "add", "--index", scratch, "--threads", "2", new_in}, path("timing.log"));
  for (int i = 0; i < kRunsPerCommand; ++i) {
    // Each kill starts from the old index (a fresh generation), so that every
    // run tests its own kill point rather than one a finished run made moot.
    ASSERT_EQ(
        run({indexer_path(), "build", "--index", index, "--shards", "1", old_in}, path("old.log")),
        0);
    const auto delay =
        std::chrono::milliseconds(static_cast<long>(fraction_(random_) * full * 1000));
    const std::string context = "add run " + std::to_string(i) + " killed after " +
                                std::to_string(delay.count()) + " ms of ~" +
                                std::to_string(static_cast<int>(full * 1000)) +
                                " (FRS_CRASH_SEED=" + std::to_string(seed()) + ")";
    const int status = kill_after(add, path("add.log"), delay);
    if (status != 0) {
      EXPECT_EQ(status, 128 + SIGKILL) << context;
    }
    const std::map<std::string, json> docs = documents_of(index, context);

    // The committed part of the input is a prefix: the first record that is
    // missing (or still old) ends it, and nothing after it is in.
    std::size_t prefix = 0;
    while (prefix < input.size()) {
      const auto it = docs.find(input[prefix]["id"]);
      if (it == docs.end() || it->second != input[prefix]) break;
      ++prefix;
    }
    for (std::size_t k = prefix; k < input.size(); ++k) {
      const auto it = docs.find(input[k]["id"]);
      const bool old_id = input[k]["id"].get<std::string>()[0] == 'a';
      if (old_id) {  // not yet updated: still the whole old version
        ASSERT_NE(it, docs.end()) << context << ": " << input[k]["id"] << " lost";
        EXPECT_EQ(it->second, old_records[std::stoul(input[k]["id"].get<std::string>().substr(1))])
            << context << ": " << input[k]["id"] << " after the committed prefix of " << prefix;
      } else {
        EXPECT_EQ(it, docs.end()) << context << ": " << input[k]["id"]
                                  << " in the index after the committed prefix of " << prefix;
      }
    }
    EXPECT_EQ(docs.size(), kOld + std::count_if(input.begin(), input.begin() + prefix,
                                                [](const json& r) {
                                                  return r["id"].get<std::string>()[0] == 'b';
                                                }))
        << context;
    std::cout << context << ": exit " << status << ", committed prefix " << prefix << " of "
              << input.size() << "\n";
    if (status == 0) {
      EXPECT_EQ(prefix, input.size()) << context;
    }
  }

  EXPECT_EQ(run(add, path("rerun.log")), 0);
  const std::map<std::string, json> docs = documents_of(index, "rerun");
  EXPECT_EQ(docs.size(), static_cast<std::size_t>(kOld + kNew));
  for (const json& r : input) EXPECT_EQ(docs.at(r["id"]), r);
}

}  // namespace
}  // namespace frsearch::reliability
