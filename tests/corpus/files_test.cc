// list_input_files() and read_file(): folders, JSON Lines (plain and gzip),
// damaged gzip streams, page exports, and what the handlers see.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "corpus/article.h"
#include "test_util.h"

namespace frsearch::corpus {
namespace {

using testing::TempDir;

/// What read_file() reported, one line per event: "A <id>" for an article,
/// "R <line> <reason>" for a rejection; and whether it returned true.
struct Log {
  std::string events;
  bool finished = false;
};

Log read_all(const std::string& path, std::size_t stop_after = 0) {
  Log log;
  std::size_t seen = 0;
  log.finished = read_file(
      path,
      [&](Article&& a) {
        log.events += "A " + a.id + "\n";
        return stop_after == 0 || ++seen < stop_after;
      },
      [&](const Rejection& r) {
        EXPECT_EQ(r.file, path);
        log.events += "R " + std::to_string(r.line) + " " + r.reason + "\n";
        return stop_after == 0 || ++seen < stop_after;
      });
  return log;
}

std::string record(const std::string& id, const std::string& body = "corps") {
  return nlohmann::json{
      {"id", id}, {"title", "Titre " + id}, {"date", "2020-01-02"}, {"body", body}}
      .dump();
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> lines;
  for (std::size_t at = 0; at < s.size();) {
    const std::size_t nl = std::min(s.find('\n', at), s.size());
    lines.push_back(s.substr(at, nl - at));
    at = nl + 1;
  }
  return lines;
}

/// @p events with each line cut to the same line of @p expected when it starts
/// with it, so that an expectation may stop after "invalid JSON: ".
std::string cut_like(const std::string& events, const std::string& expected) {
  const std::vector<std::string> want = split_lines(expected);
  const std::vector<std::string> got = split_lines(events);
  std::string out;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const bool prefix = i < want.size() && !want[i].empty() && got[i].rfind(want[i], 0) == 0;
    out += (prefix ? want[i] : got[i]) + "\n";
  }
  return out;
}

void write_gz(const std::string& path, const std::string& content) {
  gzFile out = gzopen(path.c_str(), "wb");
  ASSERT_NE(out, nullptr);
  ASSERT_EQ(gzwrite(out, content.data(), static_cast<unsigned>(content.size())),
            static_cast<int>(content.size()));
  ASSERT_EQ(gzclose(out), Z_OK);
}

/// Paths of @p files relative to @p dir, joined by spaces.
std::string relative(const std::vector<std::string>& files, const std::filesystem::path& dir) {
  std::string out;
  for (const auto& f : files)
    out += (out.empty() ? "" : " ") + std::filesystem::path(f).lexically_relative(dir).string();
  return out;
}

TEST(ListInputFiles, WalksFoldersForInputsInSortedOrder) {
  TempDir dir;
  for (const char* name :
       {"in/b.jsonl", "in/a.jsonl.gz", "in/sub/page.txt", "in/sub/deeper/x.jsonl", "in/PAGE2.TXT",
        "in/README.md", "in/data.json", "in/notes.jsonl.bak", "in/.hidden.jsonl",
        "in/.git/objects.jsonl", "in/sub/.cache/y.txt"})
    dir.write(name, "");
  std::filesystem::create_directories(dir.path() / "in/empty.jsonl");  // a folder, not a file
  EXPECT_EQ(relative(list_input_files({(dir.path() / "in").string()}), dir.path()),
            "in/PAGE2.TXT in/a.jsonl.gz in/b.jsonl in/sub/deeper/x.jsonl in/sub/page.txt");
}

TEST(ListInputFiles, FilesAsGivenThenFolders) {
  TempDir dir;
  const std::string notes = dir.write("notes.md", "");
  dir.write("d/z.jsonl", "");
  dir.write("d/y.txt", "");
  const std::string folder = (dir.path() / "d").string();
  // Any extension when named; the order of the arguments kept; a file met twice read once.
  EXPECT_EQ(relative(list_input_files({notes, folder, folder + "/y.txt"}), dir.path()),
            "notes.md d/y.txt d/z.jsonl");
  EXPECT_EQ(relative(list_input_files({}), dir.path()), "");
}

TEST(ListInputFiles, NonexistentPathThrows) {
  TempDir dir;
  const std::string missing = (dir.path() / "nothing-here").string();
  try {
    list_input_files({dir.path().string(), missing});
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
  }
}

TEST(ReadFile, JsonLinesReportEveryRecordWithItsLine) {
  struct Case {
    const char* name;
    std::string content;
    const char* events;
  };
  const Case cases[] = {
      {"empty", "", ""},
      {"one line, no final newline", record("a"), "A a\n"},
      {"blank lines skipped, numbers kept",
       "\n" + record("a") + "\n   \n\t\n" + record("b") + "\n\n", "A a\nA b\n"},
      {"CRLF and a BOM on line 1", "\xEF\xBB\xBF" + record("a") + "\r\n" + record("b") + "\r\n\r\n",
       "A a\nA b\n"},
      {"a BOM on a later line (files put end to end) is tolerated too",
       record("a") + "\n\xEF\xBB\xBF" + record("b") + "\n", "A a\nA b\n"},
      {"bad records between good ones",
       record("a") + "\n{\n" + R"({"id": "b", "date": "2020-01-01", "body": ""})" + "\n[]\n" +
           record("c") + "\n" + R"({"id": "d", "title": "t", "date": "2021-02-30", "body": ""})" +
           "\n" + "{\"id\": \"\xC3\x28\"}\n" + record("e") + "\n",
       "A a\nR 2 invalid JSON: \nR 3 missing field 'title'\nR 4 not a JSON object\nA c\n"
       "R 6 invalid date '2021-02-30'\nR 7 invalid UTF-8 (byte offset 8)\nA e\n"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    for (const bool gz : {false, true}) {
      const std::string path = (dir.path() / (gz ? "in.jsonl.gz" : "in.jsonl")).string();
      if (gz) {
        write_gz(path, c.content);
      } else {
        dir.write("in.jsonl", c.content);
      }
      const Log log = read_all(path);
      EXPECT_TRUE(log.finished);
      const std::string events = cut_like(log.events, c.events);
      EXPECT_EQ(events, c.events) << (gz ? "gzip" : "plain") << "\n" << log.events;
    }
  }
}

TEST(ReadFile, LinesLongerThanTheReadBuffer) {
  TempDir dir;
  std::string body;
  while (body.size() < 1'500'000) body += "Les données de santé à l’hôpital. ";
  const std::string content = record("a") + "\n" + record("long", body) + "\n" + record("c");
  const std::string plain = dir.write("in.jsonl", content);
  const std::string gz = (dir.path() / "in.jsonl.gz").string();
  write_gz(gz, content);
  for (const std::string& path : {plain, gz}) {
    std::vector<std::string> bodies;
    read_file(
        path,
        [&](Article&& a) {
          bodies.push_back(a.body);
          return true;
        },
        [&](const Rejection& r) {
          ADD_FAILURE() << r.line << ": " << r.reason;
          return true;
        });
    ASSERT_EQ(bodies.size(), 3u) << path;
    EXPECT_EQ(bodies[1], body);
    EXPECT_EQ(bodies[2], "corps");
  }
}

/// A gzip file of @p n records (ids r1..rn) with incompressible bodies, so the
/// compressed data is large enough to damage in the middle.
std::string write_records_gz(const TempDir& dir, int n) {
  std::string content;
  std::uint32_t seed = 12345;
  for (int i = 1; i <= n; ++i) {
    std::string body;
    for (int k = 0; k < 400; ++k) {
      seed = seed * 1103515245u + 12345u;
      body += static_cast<char>('a' + (seed >> 16) % 26);
    }
    content += record("r" + std::to_string(i), body) + "\n";
  }
  const std::string path = (dir.path() / "records.jsonl.gz").string();
  write_gz(path, content);
  return path;
}

/// The articles r1..rk at the start of @p events, as k; -1 when out of order.
int leading_records(const std::string& events) {
  int k = 0;
  for (std::size_t at = 0; events.compare(at, 2, "A ") == 0;) {
    const std::size_t nl = events.find('\n', at);
    if (events.substr(at + 2, nl - at - 2) != "r" + std::to_string(k + 1)) return -1;
    ++k;
    at = nl + 1;
  }
  return k;
}

TEST(ReadFile, TruncatedGzipKeepsTheRecordsBeforeTheBreak) {
  TempDir dir;
  const std::string path = write_records_gz(dir, 3000);
  const auto size = std::filesystem::file_size(path);
  std::filesystem::resize_file(path, size / 2);
  const Log log = read_all(path);
  EXPECT_TRUE(log.finished);
  const int good = leading_records(log.events);
  ASSERT_GT(good, 1000) << log.events.substr(0, 200);
  // Then exactly one rejection: the line that was being read when the data ended.
  const std::string rest = log.events.substr(log.events.find("\nR ") + 1);
  EXPECT_EQ(rest,
            "R " + std::to_string(good + 1) + " truncated gzip data (unexpected end of file)\n");
}

TEST(ReadFile, CorruptGzipIsReportedWhereItBroke) {
  TempDir dir;
  const std::string path = write_records_gz(dir, 3000);
  const auto size = std::filesystem::file_size(path);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2));
    const std::string garbage(64, '\xFF');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  const Log log = read_all(path);
  EXPECT_TRUE(log.finished);
  const int good = leading_records(log.events);
  ASSERT_GT(good, 1000) << log.events.substr(0, 200);
  // The last event is the gzip error; damaged lines inflated before zlib noticed
  // (if any) are rejected as records.
  const std::size_t last = log.events.rfind('\n', log.events.size() - 2) + 1;
  const std::string final_event = log.events.substr(last);
  EXPECT_EQ(final_event.rfind("R ", 0), 0u) << final_event;
  EXPECT_TRUE(final_event.find("corrupt gzip data: ") != std::string::npos ||
              final_event.find("truncated gzip data") != std::string::npos)
      << final_event;
  EXPECT_EQ(final_event.find(path), std::string::npos) << "the path is said once, by the caller";
  EXPECT_GE(std::stoi(final_event.substr(2)), good + 1);
}

TEST(ReadFile, HandlersCanStopTheReading) {
  TempDir dir;
  const std::string path =
      dir.write("in.jsonl", record("a") + "\n{\n" + record("b") + "\n" + record("c") + "\n");
  Log log = read_all(path, 1);
  EXPECT_FALSE(log.finished);
  EXPECT_EQ(log.events, "A a\n");
  log = read_all(path, 2);
  EXPECT_FALSE(log.finished);
  EXPECT_EQ(log.events.substr(0, 21), "A a\nR 2 invalid JSON:");
  EXPECT_EQ(log.events.find("A b"), std::string::npos);
}

TEST(ReadFile, UnreadableFileIsOneRejectionAtLineZero) {
  TempDir dir;
  EXPECT_EQ(read_all((dir.path() / "missing.jsonl").string()).events,
            "R 0 cannot open: No such file or directory\n");
  EXPECT_EQ(read_all((dir.path() / "missing.txt").string()).events,
            "R 0 cannot open: No such file or directory\n");
  EXPECT_EQ(read_all(dir.path().string()).events, "R 0 cannot open: is a directory\n");
}

TEST(ReadFile, PageExportIsOneArticleOrOneRejection) {
  TempDir dir;
  const Log good = read_all(FRS_SOURCE_DIR "/tests/fixtures/corpus/page-export-consultation.txt");
  EXPECT_TRUE(good.finished);
  EXPECT_EQ(good.events,
            "A 2024-03-05-consultation-citoyenne-l-entrepot-de-donnees-de-sante-d-une-region\n");
  const std::string bad = dir.write("bad.TXT", "01/02/2021\nTitre\n\nCorps sans bouton\n");
  EXPECT_EQ(read_all(bad).events, "R 4 missing 'Partager' line after the labels\n");
}

TEST(ReadFile, EachArticleKnowsItsLine) {
  TempDir dir;
  const std::string path =
      dir.write("in.jsonl", "\n" + record("a") + "\n{\n\n" + record("b") + "\n");
  std::string lines;
  read_file(
      path,
      [&](Article&& a) {
        lines += a.id + "@" + std::to_string(a.line) + " ";
        return true;
      },
      [](const Rejection&) { return true; });
  EXPECT_EQ(lines, "a@2 b@5 ");
}

}  // namespace
}  // namespace frsearch::corpus
