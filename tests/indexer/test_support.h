/** @file
 * @brief Helpers of the indexer tests: temporary folders, generated articles,
 * running the indexer binary, and reading an index back.
 */
#ifndef FRSEARCH_TESTS_INDEXER_TEST_SUPPORT_H
#define FRSEARCH_TESTS_INDEXER_TEST_SUPPORT_H

#include <string>
#include <vector>

#include <xapian.h>

namespace frsearch::indexer::testing {

/// A folder made by mkdtemp() under $TMPDIR (or /tmp), removed with its content.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  /// path() + "/" + @p name.
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  /// Writes @p content to @p name and returns the file's path.
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

/// One JSON Lines record with the required fields (and categories when given).
std::string record(const std::string& id, const std::string& title, const std::string& body,
                   const std::string& date = "2021-06-15",
                   const std::vector<std::string>& categories = {});

/// @p count generated French-looking articles "<prefix><n>", one per line,
/// with bodies of about @p words words.
std::string generated_jsonl(const std::string& prefix, int count, int words = 60);

/// The ids of the documents of the index at @p path (sorted, repeats kept).
std::vector<std::string> ids_of(const Xapian::Database& db);
std::vector<std::string> ids_in(const std::string& index_dir);

/// The title stored for @p id, "" when absent.
std::string stored_title(const Xapian::Database& db, const std::string& id);

/// Result of running a program.
struct RunResult {
  int status = -1;  ///< exit status, or 128 + signal
  std::string out, err;
};

/// Runs FRS_BIN_DIR/indexer with @p args, waits for it.
RunResult run_indexer(const std::vector<std::string>& args);

/// Starts FRS_BIN_DIR/indexer with @p args, kills it with SIGKILL after
/// @p delay_ms (unless it ended before), returns how it ended.
RunResult kill_indexer_after(const std::vector<std::string>& args, int delay_ms);

/// "a|b|c".
std::string joined(const std::vector<std::string>& items, const char* separator = "|");

/// The lines of @p text.
std::vector<std::string> lines_of(const std::string& text);

}  // namespace frsearch::indexer::testing

#endif  // FRSEARCH_TESTS_INDEXER_TEST_SUPPORT_H
