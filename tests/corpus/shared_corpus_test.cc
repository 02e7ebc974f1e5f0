// The OrangeSum corpus of ../shared, read end to end: every record must be good.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include "corpus/article.h"

namespace frsearch::corpus {
namespace {

TEST(CorpusShared, ReadsTheFourOrangeSumFiles) {
  const std::string dir = FRS_SOURCE_DIR "/../shared/corpora/orangesum";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no shared data at " << dir;
  const std::vector<std::string> files = list_input_files({dir});
  ASSERT_EQ(files.size(), 4u);
  std::size_t good = 0, without_category = 0;
  std::set<std::string> ids;
  std::string rejections;
  for (const std::string& file : files) {
    const bool finished = read_file(
        file,
        [&](Article&& a) {
          ++good;
          ids.insert(a.id);
          without_category += a.categories.empty();
          EXPECT_GE(a.day, "2011-01-01") << a.id;
          EXPECT_LE(a.day, "2020-12-31") << a.id;
          return true;
        },
        [&](const Rejection& r) {
          rejections += r.file + ":" + std::to_string(r.line) + ": " + r.reason + "\n";
          return true;
        });
    EXPECT_TRUE(finished);
  }
  EXPECT_EQ(rejections, "");
  EXPECT_EQ(good, 35987u);
  EXPECT_EQ(ids.size(), good);  // ids are unique across the four files
  // DATA.md: "about 2,200 articles with no category".
  EXPECT_GT(without_category, 2000u);
  EXPECT_LT(without_category, 2400u);
  RecordProperty("articles_without_category", static_cast<int>(without_category));
}

}  // namespace
}  // namespace frsearch::corpus
