// Nothing searchd builds per request may share a Xapian object with another
// thread. Xapian counts references without atomics, so the static
// Xapian::Query::MatchAll, copied by every browse (blank q) and every negated
// word, had its count raced by concurrent requests until it was freed under a
// running match: the intermittent searchd segfault of ConcurrencyTest
// (docs/RELIABILITY.md). The parser's queries are checked deterministically (a
// query holding the static raises its count); the Searcher's on two threads,
// where a lost update shows as a count that moved (and ThreadSanitizer reports
// the race: build-tsan, docs/RELIABILITY.md).

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include <xapian.h>

#include "searchd/query.h"
#include "searchd/search.h"
#include "support.h"
#include "tests/corpus/test_util.h"

namespace frsearch::reliability {
namespace {

using corpus::testing::TempDir;

/// References held on the internals of the static Xapian::Query::MatchAll.
unsigned match_all_references() {
  return Xapian::Query::MatchAll.internal.get()->_refs;
}

/// The sample corpus indexed by the indexer, in @p dir.
std::string sample_index(const TempDir& dir) {
  const std::string index = dir.path().string() + "/index";
  const int status = run({indexer_path(), "build", "--index", index, sample_corpus()},
                         dir.path().string() + "/indexer.log");
  return status == 0 ? index : std::string();
}

TEST(SharedQueryTest, ParsedQueriesHoldNoReferenceOnXapiansMatchAll) {
  TempDir dir;
  const std::string index = sample_index(dir);
  ASSERT_FALSE(index.empty());
  const Xapian::Database db(index);
  const search::QueryParser parser(db);

  const unsigned before = match_all_references();
  // Blank, only stop words, negations, syntax with nothing searchable in it.
  const std::vector<std::string> texts = {
      "", "   ", "le la les", "-sante", "NOT sante", "sante -hopital", "(((", "titre:"};
  std::vector<search::ParsedQuery> parsed;
  for (const std::string& text : texts) {
    parsed.push_back(parser.parse(text));
    EXPECT_EQ(match_all_references(), before) << "q=\"" << text << "\" shares MatchAll";
  }

  // Still the same meaning: a blank query matches every document, a negation
  // every document but those of the word.
  ASSERT_EQ(parsed[0].query.get_type(), Xapian::Query::LEAF_MATCH_ALL);
  Xapian::Enquire enquire(db);
  enquire.set_query(parsed[0].query);
  EXPECT_EQ(enquire.get_mset(0, 0, db.get_doccount()).get_matches_estimated(), db.get_doccount());
  enquire.set_query(parsed[3].query);  // -sante
  const Xapian::doccount without =
      enquire.get_mset(0, 0, db.get_doccount()).get_matches_lower_bound();
  enquire.set_query(parser.parse("sante").query);
  const Xapian::doccount with = enquire.get_mset(0, 0, db.get_doccount()).get_matches_lower_bound();
  EXPECT_GT(with, 0u);
  EXPECT_GT(without, 0u);
  EXPECT_EQ(with + without, db.get_doccount());
}

TEST(SharedQueryTest, SearchersOnTwoThreadsLeaveMatchAllAlone) {
  TempDir dir;
  const std::string index = sample_index(dir);
  ASSERT_FALSE(index.empty());

  const unsigned before = match_all_references();
  // Each thread its own handle and Searcher, as searchd's pool gives them.
  auto work = [&index] {
    search::Searcher searcher{Xapian::Database(index)};
    search::SearchRequest browse;
    browse.per_page = 1;
    search::SearchRequest negated = browse;
    negated.q = "-sante";
    search::SearchRequest excluded = browse;
    excluded.q = "donnees NOT hopital";
    for (int i = 0; i < 400; ++i) {
      searcher.search(browse);
      searcher.search(negated);
      searcher.search(excluded);
    }
  };
  std::thread first(work), second(work);
  first.join();
  second.join();
  EXPECT_EQ(match_all_references(), before);
}

}  // namespace
}  // namespace frsearch::reliability
