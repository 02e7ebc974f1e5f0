// What the indexer prints: the summary line, the progress line, input sizes.
#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "indexer/report.h"
#include "test_support.h"

namespace frsearch::indexer {
namespace {

TEST(ReportTest, SummaryLine) {
  EXPECT_EQ(summary_line(2000, 3, 1, 2.0, 5000000),
            "indexed 2000 (3 replaced), 1 rejected, 2.00 s, 1000 docs/s, 2.5 MB/s");
  EXPECT_EQ(summary_line(0, 0, 0, 0.0, 0),
            "indexed 0 (0 replaced), 0 rejected, 0.00 s, 0 docs/s, 0.0 MB/s");
}

TEST(ReportTest, ProgressLineOnlyWhenEnabledAndNotesClearIt) {
  std::ostringstream quiet_out, live_out;
  Reporter quiet(quiet_out), live(live_out);
  Progress off(quiet, false, 1000), on(live, true, 1000);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  off.update(10, 250);
  on.update(10, 250);
  EXPECT_EQ(quiet_out.str(), "");
  const std::string line = live_out.str();
  EXPECT_EQ(line.rfind("\r\033[K10 documents, ", 0), 0u) << line;
  EXPECT_NE(line.find(" docs/s, "), std::string::npos) << line;
  EXPECT_NE(line.find(" MB/s, ETA "), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), std::string::npos);
  live.line("a.jsonl:3: bad");  // a note replaces the progress line, on its own line
  EXPECT_EQ(live_out.str(), line + "\r\033[Ka.jsonl:3: bad\n");
  on.finish();
  EXPECT_EQ(live_out.str(), line + "\r\033[Ka.jsonl:3: bad\n");  // nothing left to clear
}

TEST(ReportTest, InputBytesCountUncompressedSizes) {
  testing::TempDir tmp;
  const std::string text(10000, 'x');
  const std::string plain = tmp.write("a.jsonl", text);
  const std::string gz = tmp / "b.jsonl.gz";
  gzFile out = gzopen(gz.c_str(), "wb");
  ASSERT_NE(out, nullptr);
  ASSERT_EQ(gzwrite(out, text.data(), static_cast<unsigned>(text.size())),
            static_cast<int>(text.size()));
  gzclose(out);
  EXPECT_EQ(input_bytes({plain}), 10000u);
  EXPECT_EQ(input_bytes({gz}), 10000u);  // not the compressed size
  EXPECT_EQ(input_bytes({plain, gz, tmp / "missing"}), 20000u);
}

}  // namespace
}  // namespace frsearch::indexer
