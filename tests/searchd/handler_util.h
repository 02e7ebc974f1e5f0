/** @file
 * @brief Helpers of the searchd handler tests: a Context over one index folder,
 * one request through the routes table, CSV reading.
 */
#ifndef FRSEARCH_TESTS_SEARCHD_HANDLER_UTIL_H
#define FRSEARCH_TESTS_SEARCHD_HANDLER_UTIL_H

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <xapian.h>

#include "searchd/http.h"
#include "searchd/search.h"

namespace frsearch::search::testing {

/// The handlers' Context over one local index folder, opened once.
class DirContext : public Context {
 public:
  explicit DirContext(const std::string& dir) : searcher_(Xapian::Database(dir)) {}
  Searcher& searcher() override { return searcher_; }
  void refresh() override {}
  const Metrics* metrics() const override { return nullptr; }

 private:
  Searcher searcher_;
};

/// METHOD @p path with @p params and @p body through @p routes over @p context,
/// as searchd would run it (no sockets); a streamed body is left to the caller.
inline Response call(const std::vector<Route>& routes, Context& context, const std::string& method,
                     const std::string& path, std::multimap<std::string, std::string> params = {},
                     std::string body = {}) {
  Request request;
  request.method = method;
  request.path = path;
  request.params = std::move(params);
  request.body = std::move(body);
  return dispatch(routes, request, context);
}

/// RFC 4180 CSV into rows of fields (quoted fields may hold , " CR LF); a text
/// that does not end with CRLF is a test failure.
inline std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      ++i;
    } else {
      field += c;
    }
  }
  EXPECT_TRUE(field.empty() && row.empty()) << "CSV does not end with CRLF";
  return rows;
}

}  // namespace frsearch::search::testing

#endif  // FRSEARCH_TESTS_SEARCHD_HANDLER_UTIL_H
