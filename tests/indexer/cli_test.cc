// The indexer binary: exit statuses, stderr reports, stats JSON, and SIGKILL at
// any moment of a build or an add (the index stays readable at its last
// commit, and a rerun converges).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include <xapian.h>

#include "indexer/indexer.h"
#include "indexer/schema.h"
#include "test_support.h"

namespace frsearch::indexer {
namespace {

using testing::ids_in;
using testing::joined;
using testing::kill_indexer_after;
using testing::record;
using testing::run_indexer;
using testing::TempDir;

class CliTest : public ::testing::Test {
 protected:
  TempDir tmp_;
  const std::string index_ = tmp_ / "index";
};

TEST_F(CliTest, UsageErrorsExitTwo) {
  const std::vector<std::vector<std::string>> cases = {
      {},
      {"frobnicate"},
      {"build", "x.jsonl"},                                 // no --index
      {"build", "--index", index_},                         // no input
      {"build", "--index", index_, "--threads", "0", "x"},  // bad count
      {"build", "--index", index_, "--bogus", "x"},
      {"add", "--index", index_, "--shards", "2", "x"},  // build only
      {"delete", "--index", index_},                     // no id
      {"stats", "--index", index_, "extra"},
  };
  for (const auto& args : cases) {
    const testing::RunResult r = run_indexer(args);
    EXPECT_EQ(r.status, 2) << joined(args, " ");
    EXPECT_NE(r.err.find("usage: indexer build"), std::string::npos) << joined(args, " ");
  }
  EXPECT_EQ(run_indexer({"--help"}).status, 0);
}

TEST_F(CliTest, RejectionsExitThreeWithFileLineAndSummary) {
  const std::string in = tmp_.write("in.jsonl", record("a", "Un", "x") + "\n{bad\n" +
                                                    record("b", "Deux", "x", "2021-02-30") + "\n" +
                                                    record("c", "Trois", "x") + "\n");
  const testing::RunResult r = run_indexer({"build", "--index", index_, "--threads", "2", in});
  EXPECT_EQ(r.status, 3) << r.err;
  const std::vector<std::string> lines = testing::lines_of(r.err);
  ASSERT_EQ(lines.size(), 3u) << r.err;
  EXPECT_EQ(lines[0].rfind(in + ":2: ", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1].rfind(in + ":3: ", 0), 0u) << lines[1];
  EXPECT_EQ(lines[2].rfind("indexed 2 (0 replaced), 2 rejected, ", 0), 0u) << lines[2];
  EXPECT_NE(lines[2].find(" docs/s, "), std::string::npos);
  EXPECT_NE(lines[2].find(" MB/s"), std::string::npos);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(joined(ids_in(index_)), "a|c");

  const testing::RunResult st = run_indexer({"stats", "--index", index_});
  EXPECT_EQ(st.status, 0) << st.err;
  const nlohmann::json j = nlohmann::json::parse(st.out);
  EXPECT_EQ(j["documents"], 2);
  EXPECT_EQ(j["shards"], 1);
  EXPECT_TRUE(j.contains("last_update"));
}

TEST_F(CliTest, AddIntoAnIndexOfTheOlderFormatExitsOne) {
  const std::string good = tmp_.write("good.jsonl", record("a", "Un", "x") + "\n");
  const std::string more = tmp_.write("more.jsonl", record("b", "Deux", "x") + "\n");
  ASSERT_EQ(run_indexer({"build", "--index", index_, good}).status, 0);
  {
    Xapian::WritableDatabase db(index_ + "/gen-000001/shard-000", Xapian::DB_OPEN);
    db.set_metadata(schema::kMetaFormat, "");  // as the older indexer left it
    db.commit();
  }
  const testing::RunResult r = run_indexer({"add", "--index", index_, more});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("index format 1"), std::string::npos) << r.err;
  EXPECT_EQ(joined(ids_in(index_)), "a");
}

TEST_F(CliTest, StrictExitsOneAndDeleteNotesUnknownIds) {
  const std::string good = tmp_.write("good.jsonl", record("a", "Un", "x") + "\n");
  const std::string bad = tmp_.write("bad.jsonl", record("b", "Deux", "x") + "\nnope\n");
  ASSERT_EQ(run_indexer({"build", "--index", index_, good}).status, 0);
  EXPECT_EQ(run_indexer({"build", "--index", index_, "--strict", bad}).status, 1);
  EXPECT_EQ(run_indexer({"add", "--index", index_, "--strict", bad}).status, 1);
  EXPECT_EQ(joined(ids_in(index_)), "a");

  const testing::RunResult del = run_indexer({"delete", "--index", index_, "zzz", "a"});
  EXPECT_EQ(del.status, 0);
  EXPECT_NE(del.err.find("note: no document with id 'zzz'"), std::string::npos) << del.err;
  EXPECT_EQ(joined(ids_in(index_)), "");

  EXPECT_EQ(run_indexer({"stats", "--index", tmp_ / "nothing"}).status, 1);
  EXPECT_EQ(run_indexer({"build", "--index", index_, tmp_ / "missing.jsonl"}).status, 1);
}

/// Every id once, sorted: what a converged index holds.
std::vector<std::string> expected_ids(const std::string& prefix, int count) {
  std::set<std::string> ids;
  for (int i = 0; i < count; ++i) ids.insert(prefix + std::to_string(i));
  return {ids.begin(), ids.end()};
}

/// Sets an environment variable for the indexer runs of one test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
  ~ScopedEnv() { ::unsetenv(name_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
};

TEST_F(CliTest, KillDuringBuildKeepsThePreviousIndexAndARerunCompletes) {
  constexpr int kOld = 50, kNew = 3000;
  // Parts of 400 documents: each writer rolls over to new parts, and a kill may
  // come while they are being written or joined.
  const ScopedEnv parts("FRS_BUILD_PART_DOCS", "400");
  const std::string old_in = tmp_.write("old.jsonl", testing::generated_jsonl("old", kOld));
  const std::string new_in = tmp_.write("new.jsonl", testing::generated_jsonl("new", kNew));
  ASSERT_EQ(run_indexer({"build", "--index", index_, old_in}).status, 0);
  const std::vector<std::string> old_ids = expected_ids("old", kOld);
  const std::vector<std::string> new_ids = expected_ids("new", kNew);

  for (int delay_ms : {30, 150, 400, 900}) {
    const testing::RunResult r =
        kill_indexer_after({"build", "--index", index_, "--threads", "2", new_in}, delay_ms);
    const std::vector<std::string> ids = ids_in(index_);  // opens: the stub is never torn
    if (r.status == 0) {
      EXPECT_EQ(ids, new_ids) << "finished before " << delay_ms << " ms";
      break;
    }
    EXPECT_EQ(r.status, 128 + 9) << r.err;
    EXPECT_EQ(ids, old_ids) << "killed after " << delay_ms << " ms";
  }
  const testing::RunResult rerun = run_indexer({"build", "--index", index_, new_in});
  EXPECT_EQ(rerun.status, 0) << rerun.err;
  EXPECT_EQ(ids_in(index_), new_ids);
}

TEST_F(CliTest, KillDuringAddKeepsALastCommitAndARerunConverges) {
  constexpr int kNew = 5000;
  const std::string old_in = tmp_.write("old.jsonl", testing::generated_jsonl("old", 20));
  const std::string new_in = tmp_.write("new.jsonl", testing::generated_jsonl("new", kNew, 30));
  ASSERT_EQ(run_indexer({"build", "--index", index_, "--shards", "2", old_in}).status, 0);
  const std::vector<std::string> old_ids = expected_ids("old", 20);
  std::vector<std::string> all = old_ids;
  for (const std::string& id : expected_ids("new", kNew)) all.push_back(id);
  std::sort(all.begin(), all.end());

  for (int delay_ms : {100, 700, 1500}) {
    const testing::RunResult r =
        kill_indexer_after({"add", "--index", index_, "--threads", "2", new_in}, delay_ms);
    const std::vector<std::string> ids = ids_in(index_);
    const std::set<std::string> unique(ids.begin(), ids.end());
    EXPECT_EQ(unique.size(), ids.size()) << "an id twice after a kill at " << delay_ms << " ms";
    EXPECT_TRUE(std::includes(ids.begin(), ids.end(), old_ids.begin(), old_ids.end()));
    if (r.status == 0) break;
  }
  const testing::RunResult rerun = run_indexer({"add", "--index", index_, new_in});
  EXPECT_EQ(rerun.status, 0) << rerun.err;
  EXPECT_EQ(ids_in(index_), all);
}

}  // namespace
}  // namespace frsearch::indexer
