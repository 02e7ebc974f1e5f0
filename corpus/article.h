/** @file
 * @brief The article model and the readers of the input formats of SPEC.md.
 *
 * Inputs are JSON Lines (.jsonl, .jsonl.gz) and the news site's page exports
 * (.txt). Readers stream: one record at a time is held in memory, so a reader
 * can walk a corpus of any size. Bad records are reported, never fatal, unless
 * the caller asks to stop.
 */
#ifndef FRSEARCH_CORPUS_ARTICLE_H
#define FRSEARCH_CORPUS_ARTICLE_H

#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace frsearch::corpus {

/// One article, validated. Strings are valid UTF-8.
struct Article {
  std::string id;
  std::string title;
  std::string date;      ///< as written in the input: "2021-12-23" or an ISO 8601 date-time
  std::string day;       ///< calendar date as written, "YYYY-MM-DD" (used for filters and facets)
  std::string sort_key;  ///< "YYYYMMDDHHMMSS", the instant in UTC when a time/offset is given
  std::string body;
  std::string summary;  ///< empty when absent
  std::string url;      ///< empty when absent
  std::vector<std::string> categories;
  nlohmann::json record;  ///< the whole record, unknown fields kept, as it will be stored
  /// 1-based line of the record in its input file (1 for a page export), 0 when
  /// unknown; set by read_file(). The indexer's duplicate-id notes cite it.
  std::size_t line = 0;
};

/// Why and where one record was rejected. Printed as "FILE:LINE: reason".
struct Rejection {
  std::string file;
  std::size_t line = 0;
  std::string reason;
};

/// Thrown by the parse_* functions on a bad record; what() is the reason.
/// line() is the 1-based line of the problem within the text parsed, when the
/// parser knows it (page exports), else 0.
class InvalidRecord : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  InvalidRecord(const std::string& reason, std::size_t line)
      : std::runtime_error(reason), line_(line) {}
  std::size_t line() const { return line_; }

 private:
  std::size_t line_ = 0;
};

/// A checked calendar date with optional time; parse_date() rejects 2021-02-30.
struct Date {
  int year = 0, month = 0, day = 0;
  std::string day_string() const;  ///< "YYYY-MM-DD"
  std::string sort_key;            ///< "YYYYMMDDHHMMSS" (UTC when an offset was given)
};

/// Parses "YYYY-MM-DD" or an ISO 8601 date-time ("2024-01-10T09:30:00+01:00",
/// "...Z", fractional seconds allowed). Throws InvalidRecord when impossible.
Date parse_date(std::string_view text);

/// Validates one JSON Lines record (one line, without the newline).
Article parse_json_record(std::string_view line);

/// Parses one page export (the layout of shared/corpora/hdh/page-export-example.txt):
/// date line DD/MM/YYYY, title, category labels, "Partager", body, then a footer
/// of other articles that is not part of the body. The id is derived from the
/// date and the title, stable across runs.
Article parse_page_export(std::string_view text);

/// Every input file below @p paths: files as given, folders walked recursively
/// for *.jsonl, *.jsonl.gz and *.txt, in a stable (sorted) order.
/// Throws std::runtime_error for a path that does not exist.
std::vector<std::string> list_input_files(const std::vector<std::string>& paths);

/// Called for each good article; return false to stop reading.
using ArticleHandler = std::function<bool(Article&&)>;
/// Called for each rejected record; return false to stop reading.
using RejectionHandler = std::function<bool(const Rejection&)>;

/// Reads every record of one file (.jsonl, .jsonl.gz or .txt) in order.
/// Returns false when a handler asked to stop. An unreadable file is one Rejection
/// at line 0.
bool read_file(const std::string& path, const ArticleHandler& on_article,
               const RejectionHandler& on_rejection);

}  // namespace frsearch::corpus

#endif  // FRSEARCH_CORPUS_ARTICLE_H
