/** @file
 * @brief searchd's HTTP API as plain functions: Request in, Response out.
 *
 * Nothing here knows about sockets. One routes table maps (method, path
 * pattern) to a handler; dispatch() validates nothing itself but guarantees
 * the error contract of SPEC.md: every error is
 * {"error": {"code": "...", "message": "..."}} as application/json, 400 for
 * bad parameters, 404 for unknown paths and ids, 405 for a wrong method, 503
 * when the index cannot be reached, and 500 only for a real internal bug.
 * Every JSON answer of the API (not errors) also carries
 * "index": {"generation", "last_update", "documents"}, the state of the index it
 * was computed on, and exports send it as X-Index-Generation and
 * X-Index-Last-Update headers, so a researcher can cite where a count came from.
 * searchd/server.h adapts cpp-httplib to these types; tests call dispatch()
 * directly.
 */
#ifndef FRSEARCH_SEARCHD_HTTP_H
#define FRSEARCH_SEARCHD_HTTP_H

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "searchd/search.h"

namespace frsearch::search {

class Metrics;

/// One HTTP request, transport-independent.
struct Request {
  std::string method;  ///< "GET", "POST", ... ("HEAD" is answered as "GET")
  std::string path;    ///< as sent, still percent-encoded, without the query string
  std::multimap<std::string, std::string> params;  ///< query parameters, decoded
  std::string body;
  std::multimap<std::string, std::string> headers;
};

/// Receives one piece of a streamed body; returns false when the client has
/// gone, and the producer should stop.
using BodySink = std::function<bool(std::string_view)>;

struct Response {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  ///< extra headers
  /// When set, the body is produced by calling this once, after the handler
  /// returned (exports). Returns false when it stopped early. It uses the
  /// Context of the request, which must outlive it.
  std::function<bool(const BodySink&)> stream;
  std::string endpoint;  ///< route name, the label of the request metrics
};

/// What handlers need from the daemon for one request.
class Context {
 public:
  virtual ~Context() = default;
  /// The Searcher reserved for this request.
  virtual Searcher& searcher() = 0;
  /// Replaces the request's Searcher by one on a freshly opened index handle
  /// (after Xapian::DatabaseModifiedError); handlers then retry once.
  virtual void refresh() = 0;
  /// The daemon's metrics, or null when there are none (tests).
  virtual const Metrics* metrics() const = 0;
  /// Drops the request's handle instead of giving it back for reuse (it failed:
  /// a remote shard went away); a later request opens a fresh one. Handlers that
  /// answer anyway (/metrics) call it; the daemon does it itself on every 503.
  virtual void discard() {}
};

/// Decoded path segments captured by "{name}" in a route pattern, in order.
using Captures = std::vector<std::string>;
using Handler = std::function<Response(const Request&, const Captures&, Context&)>;

struct Route {
  std::string method;    ///< "GET" or "POST"
  std::string pattern;   ///< "/api/articles/{id}": literal segments and whole-segment captures
  std::string endpoint;  ///< name for metrics ("search", "article", ...)
  Handler handler;
};

/// The API of SPEC.md plus GET / and the embedded web assets.
std::vector<Route> api_routes();

/// Finds the route of @p request and runs it. Unknown path: 404; known path,
/// other method: 405; exceptions are mapped to JSON errors (see file comment).
Response dispatch(const std::vector<Route>& routes, const Request& request, Context& context);

/// A JSON error response with the shape of SPEC.md.
Response error_response(int status, std::string code, std::string message);

/// Percent-decodes one path segment ("%2F" → "/"); '+' stays '+'; a malformed
/// escape is kept as written.
std::string percent_decode(std::string_view text);

/// The rows of GET /api/export, for other front ends (newsq) to print the same.
/// CSV: RFC 4180 (fields with , " CR LF quoted, CRLF line ends), categories
/// joined by '|'; kCsvHeader is its first line. NDJSON: one object per line.
inline constexpr std::string_view kCsvHeader = "id,date,title,url,categories,score\r\n";
void append_csv_row(std::string& out, const ExportRow& row);
void append_ndjson_row(std::string& out, const ExportRow& row);

/// One file of web/, compiled into the binary.
struct Asset {
  std::string_view path;  ///< relative to web/, "index.html"
  std::string_view content_type;
  std::string_view data;
};
/// Every embedded file of web/ (generated at build time by searchd/embed_web.cmake).
const std::vector<Asset>& web_assets();

/// Limits the handlers enforce (bytes unless said otherwise).
inline constexpr std::size_t kMaxQueryBytes = 1000;
inline constexpr std::size_t kMaxCategoryBytes = 200;
inline constexpr std::size_t kMaxCategories = 50;
inline constexpr unsigned kMaxPage = 10000;
inline constexpr unsigned kMaxPerPage = 100;
inline constexpr unsigned kMaxRelated = 50;
inline constexpr unsigned kMaxSuggestions = 20;
inline constexpr std::size_t kMaxDraftBytes = 1000000;
/// Largest request body the server accepts (413 above).
inline constexpr std::size_t kMaxBodyBytes = 1 << 20;

}  // namespace frsearch::search

#endif  // FRSEARCH_SEARCHD_HTTP_H
