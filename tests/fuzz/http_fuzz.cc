// Fuzz target: searchd's HTTP layer (searchd/http.h) over a tiny temp index.
//
// Input layout, so that seeds stay readable:
//   byte 0        the method: 'P' POST, 'H' HEAD, 'X' PUT, 'D' DELETE, else GET
//   up to '\n'    the request target "PATH?QUERY" (PATH kept percent-encoded,
//                 QUERY split on '&' and '=' and decoded like cpp-httplib does)
//   the rest      the body
// The Request goes through dispatch() with api_routes(), as searchd does, and
// streamed exports are drained. Properties: never a 500 (or any status outside
// 200/400/404/405/413), every error is {"error": {"code", "message"}}, every
// JSON body parses (hence is valid UTF-8), every /api/ answer but an export is
// JSON, every NDJSON export line is a JSON object, a search page holds at most
// per_page hits.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <xapian.h>
#include <nlohmann/json.hpp>

#include "searchd/http.h"
#include "searchd/metrics.h"
#include "searchd/search.h"
#include "tests/fuzz/fuzz_support.h"

namespace frsearch::fuzz {
namespace {

using nlohmann::json;
using search::Request;
using search::Response;

/// searchd's request context over the sample index, for one thread. Like a
/// daemon worker it keeps its Searcher (and the metrics) from request to request.
class FuzzContext : public search::Context {
 public:
  FuzzContext() { refresh(); }
  search::Searcher& searcher() override { return *searcher_; }
  void refresh() override {
    db_ = Xapian::Database(index_.index_dir());
    searcher_.emplace(db_);
  }
  const search::Metrics* metrics() const override { return &metrics_; }
  search::Metrics& recorder() { return metrics_; }

 private:
  SampleIndex index_;
  Xapian::Database db_;
  std::optional<search::Searcher> searcher_;
  search::Metrics metrics_;
};

/// What cpp-httplib does to a query-string component: '+' is a space, then %XX.
std::string decode_component(std::string_view text) {
  std::string plus(text);
  for (char& c : plus) {
    if (c == '+') c = ' ';
  }
  return search::percent_decode(plus);
}

Request make_request(std::string_view input) {
  Request request;
  const char selector = input.empty() ? 'G' : input[0];
  request.method = selector == 'P'   ? "POST"
                   : selector == 'H' ? "HEAD"
                   : selector == 'X' ? "PUT"
                   : selector == 'D' ? "DELETE"
                                     : "GET";
  if (!input.empty()) input.remove_prefix(1);
  const std::size_t newline = input.find('\n');
  std::string_view target = input.substr(0, newline);
  if (newline != std::string_view::npos) request.body = std::string(input.substr(newline + 1));
  const std::size_t question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question == std::string_view::npos) return request;
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      request.params.emplace(
          decode_component(pair.substr(0, eq)),
          eq == std::string_view::npos ? std::string() : decode_component(pair.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return request;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string drain(std::string_view input, const Response& response) {
  std::string out;
  const bool complete = response.stream([&](std::string_view piece) {
    out.append(piece);
    return true;
  });
  if (!complete) fail("export stream stopped early", input);
  return out;
}

void check(std::string_view input, const Request& request, const Response& response) {
  const int status = response.status;
  if (status == 500) fail("status 500: " + response.body, input);
  if (status != 200 && status != 400 && status != 404 && status != 405 && status != 413) {
    fail("unexpected status " + std::to_string(status) + ": " + response.body, input);
  }
  const bool is_json = starts_with(response.content_type, "application/json");
  const bool api = starts_with(request.path, "/api/") || starts_with(response.endpoint, "search") ||
                   starts_with(response.endpoint, "related") || response.endpoint == "article" ||
                   response.endpoint == "suggest";
  if (response.stream) {
    if (status != 200 || response.endpoint != "export") fail("stream outside a 200 export", input);
    const std::string body = drain(input, response);
    if (response.content_type != "application/x-ndjson") return;
    for (std::size_t start = 0; start < body.size();) {
      const std::size_t end = body.find('\n', start);
      if (end == std::string::npos) fail("NDJSON export without a final newline", input);
      const json row = json::parse(body.substr(start, end - start), nullptr, false);
      if (!row.is_object()) fail("NDJSON export line is not a JSON object", input);
      start = end + 1;
    }
    return;
  }
  if (api && !is_json) fail("/api/ answer that is not JSON: " + response.content_type, input);
  if (status >= 400 && !is_json) fail("error that is not JSON", input);
  if (!is_json) return;
  const json body = json::parse(response.body, nullptr, false);
  if (body.is_discarded()) fail("body is not valid JSON: " + response.body, input);
  if (status >= 400) {
    if (!body.is_object()) fail("error body is not an object: " + response.body, input);
    const json error = body.value("error", json());
    if (!error.is_object() || !error.value("code", json()).is_string() ||
        !error.value("message", json()).is_string() ||
        error["message"].get<std::string>().empty()) {
      fail("error without code and message: " + response.body, input);
    }
  } else if (response.endpoint == "search") {
    if (!body.at("hits").is_array() ||
        body.at("hits").size() > body.at("per_page").get<unsigned>()) {
      fail("search page with more hits than per_page", input);
    }
  }
}

void run(std::string_view input) {
  static const std::vector<search::Route> routes = search::api_routes();
  static FuzzContext context;  // one worker's state, reused like a daemon's
  const Request request = make_request(input);
  const Response response = search::dispatch(routes, request, context);
  context.recorder().record(response.endpoint, response.status, 0.001);
  check(input, request, response);
}

}  // namespace
}  // namespace frsearch::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return frsearch::fuzz::run_target(data, size, frsearch::fuzz::run);
}
