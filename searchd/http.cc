#include "searchd/http.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <optional>
#include <stdexcept>
#include <utility>

#include "corpus/article.h"
#include "searchd/metrics.h"
#include "searchd/search_common.h"

namespace frsearch::search {

namespace {

using nlohmann::json;

constexpr const char* kJson = "application/json; charset=utf-8";

// ---- Errors -----------------------------------------------------------------

/// A client error found while reading a request; dispatch() turns it into JSON.
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }

 private:
  int status_;
  std::string code_;
};

[[noreturn]] void bad_parameter(const std::string& message) {
  throw HttpError(400, "invalid_parameter", message);
}

/// JSON text that never throws on bytes that are not UTF-8 (they become U+FFFD).
std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

Response json_response(const json& value, int status = 200) {
  Response response;
  response.status = status;
  response.content_type = kJson;
  response.body = dump(value);
  return response;
}

// ---- Parameter validation ---------------------------------------------------

/// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) {
        lo = 0xA0;
      }
      if (c == 0xED) {
        hi = 0x9F;
      }
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) {
        lo = 0x90;
      }
      if (c == 0xF4) {
        hi = 0x8F;
      }
    } else {
      return false;
    }
    if (n - i < len) {
      return false;
    }
    const auto c1 = static_cast<unsigned char>(text[i + 1]);
    if (c1 < lo || c1 > hi) {
      return false;
    }
    for (std::size_t k = 2; k < len; ++k) {
      const auto ck = static_cast<unsigned char>(text[i + k]);
      if (ck < 0x80 || ck > 0xBF) {
        return false;
      }
    }
    i += len;
  }
  return true;
}

/// Checks a free-text parameter: valid UTF-8, no NUL, at most @p max_bytes.
void check_text(const std::string& name, const std::string& value, std::size_t max_bytes) {
  if (value.size() > max_bytes) {
    bad_parameter(name + " is longer than " + std::to_string(max_bytes) + " bytes");
  }
  if (!is_valid_utf8(value)) {
    bad_parameter(name + " is not valid UTF-8");
  }
  if (value.find('\0') != std::string::npos) {
    bad_parameter(name + " contains a NUL character");
  }
}

using Params = std::multimap<std::string, std::string>;

std::optional<std::string> first(const Params& params, const std::string& name) {
  auto it = params.find(name);
  if (it == params.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::vector<std::string> all(const Params& params, const std::string& name) {
  std::vector<std::string> values;
  auto [begin, end] = params.equal_range(name);
  for (auto it = begin; it != end; ++it) {
    values.push_back(it->second);
  }
  return values;
}

/// A decimal integer in [min, max], digits only: "abc", "-1", "1e9", "", " 5" are refused.
unsigned parse_uint(const std::string& name, const std::string& text, unsigned min, unsigned max) {
  const std::string range =
      name + " must be an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (text.empty() || text.size() > 9 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    bad_parameter(range);
  }
  const unsigned long value = std::stoul(text);
  if (value < min || value > max) {
    bad_parameter(range);
  }
  return static_cast<unsigned>(value);
}

unsigned uint_param(const Params& params, const std::string& name, unsigned fallback, unsigned min,
                    unsigned max) {
  auto text = first(params, name);
  return text ? parse_uint(name, *text, min, max) : fallback;
}

/// "YYYY-MM-DD" that names a real day; empty means "no bound".
std::string parse_day(const std::string& name, const std::string& text) {
  if (text.empty()) {
    return text;
  }
  const bool shape = text.size() == 10 && text[4] == '-' && text[7] == '-' &&
                     std::all_of(text.begin(), text.end(),
                                 [](char c) { return c == '-' || (c >= '0' && c <= '9'); });
  if (!shape) {
    bad_parameter(name + " must be a date YYYY-MM-DD");
  }
  try {
    corpus::parse_date(text);
  } catch (const std::exception&) {
    bad_parameter(name + " is not a real date: " + text);
  }
  return text;
}

/// Category labels (empty values ignored, as an HTML form sends them) and a date range.
Filters make_filters(const std::vector<std::string>& categories, const std::string& from,
                     const std::string& to) {
  Filters filters;
  for (const auto& category : categories) {
    check_text("category", category, kMaxCategoryBytes);
    if (!category.empty()) {
      filters.categories.push_back(category);
    }
  }
  if (filters.categories.size() > kMaxCategories) {
    bad_parameter("at most " + std::to_string(kMaxCategories) + " categories");
  }
  filters.from = parse_day("from", from);
  filters.to = parse_day("to", to);
  if (!filters.from.empty() && !filters.to.empty() && filters.from > filters.to) {
    bad_parameter("from is after to");
  }
  return filters;
}

Filters filters_from(const Params& params) {
  return make_filters(all(params, "category"), first(params, "from").value_or(""),
                      first(params, "to").value_or(""));
}

std::string query_text(const Params& params) {
  std::string q = first(params, "q").value_or("");
  check_text("q", q, kMaxQueryBytes);
  return q;
}

Sort parse_sort(const Params& params) {
  auto text = first(params, "sort");
  if (!text || *text == "relevance") {
    return Sort::kRelevance;
  }
  if (*text == "newest") {
    return Sort::kNewest;
  }
  if (*text == "oldest") {
    return Sort::kOldest;
  }
  bad_parameter("sort must be relevance, newest or oldest");
}

SearchRequest search_request(const Params& params) {
  SearchRequest request;
  request.q = query_text(params);
  request.filters = filters_from(params);
  request.sort = parse_sort(params);
  request.page = uint_param(params, "page", 1, 1, kMaxPage);
  request.per_page = uint_param(params, "per_page", 10, 1, kMaxPerPage);
  return request;
}

json hits_json(const std::vector<Hit>& hits) {
  json array = json::array();
  for (const auto& hit : hits) {
    array.push_back(to_json(hit));
  }
  return json{{"hits", std::move(array)}};
}

/// Runs @p work on the request's Searcher; a handle that went stale under it
/// (the index was rebuilt or updated meanwhile) is re-opened and @p work retried once.
template <class Work>
auto with_searcher(Context& context, Work&& work) {
  try {
    return work(context.searcher());
  } catch (const Xapian::DatabaseModifiedError&) {
  } catch (const Xapian::DatabaseOpeningError&) {
  }
  context.refresh();
  return work(context.searcher());
}

/// The state of the index @p searcher answers from, added to every JSON answer
/// so a count can be cited: {"generation", "last_update", "documents"} (read once
/// per index revision: Searcher::index_state()).
json index_json(Searcher& searcher) {
  const IndexState& state = searcher.index_state();
  return json{{"generation", state.generation},
              {"last_update", state.last_update},
              {"documents", state.documents}};
}

/// @p body (an object) with the "index" object of @p searcher added.
json with_index(json body, Searcher& searcher) {
  body["index"] = index_json(searcher);
  return body;
}

// ---- JSON bodies --------------------------------------------------------------

/// Deepest nesting of arrays and objects in a JSON text (strings skipped), so a
/// hostile body cannot make the parser recurse without bound.
std::size_t json_depth(std::string_view text) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

json parse_body(const std::string& body) {
  if (body.size() > kMaxBodyBytes) {
    throw HttpError(413, "payload_too_large", "the body is larger than 1 MiB");
  }
  if (json_depth(body) > 16) {
    bad_parameter("the JSON body is nested too deeply");
  }
  try {
    return json::parse(body);
  } catch (const json::exception&) {
    throw HttpError(400, "invalid_json", "the body is not valid JSON");
  }
}

std::string string_field(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) {
    return {};
  }
  if (!it->is_string()) {
    bad_parameter(std::string(name) + " must be a string");
  }
  return it->get<std::string>();
}

/// POST /api/related filters: from the JSON body ("category": string or array,
/// "from", "to"), else from the query string.
Filters body_filters(const json& object, const Params& params) {
  std::vector<std::string> categories = all(params, "category");
  if (auto it = object.find("category"); it != object.end() && !it->is_null()) {
    if (it->is_string()) {
      categories.push_back(it->get<std::string>());
    } else if (it->is_array() &&
               std::all_of(it->begin(), it->end(), [](const json& v) { return v.is_string(); })) {
      for (const auto& v : *it) {
        categories.push_back(v.get<std::string>());
      }
    } else {
      bad_parameter("category must be a string or an array of strings");
    }
  }
  std::string from =
      object.contains("from") ? string_field(object, "from") : first(params, "from").value_or("");
  std::string to =
      object.contains("to") ? string_field(object, "to") : first(params, "to").value_or("");
  return make_filters(categories, from, to);
}

bool is_blank(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  });
}

// ---- Export -------------------------------------------------------------------

/// One CSV field as RFC 4180 wants it: quoted when it holds , " CR or LF.
void append_csv_field(std::string& out, const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) {
    out += field;
    return;
  }
  out += '"';
  for (char c : field) {
    if (c == '"') {
      out += '"';
    }
    out += c;
  }
  out += '"';
}

std::string format_score(double score) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", score);
  return buf;
}

std::string join_categories(const std::vector<std::string>& categories) {
  std::string joined;
  for (const auto& c : categories) {
    if (!joined.empty()) {
      joined += '|';
    }
    joined += c;
  }
  return joined;
}

}  // namespace

void append_csv_row(std::string& out, const ExportRow& row) {
  for (const std::string* field : {&row.id, &row.date, &row.title, &row.url}) {
    append_csv_field(out, *field);
    out += ',';
  }
  append_csv_field(out, join_categories(row.categories));
  out += ',';
  out += format_score(row.score);
  out += "\r\n";
}

void append_ndjson_row(std::string& out, const ExportRow& row) {
  // The text dump() gives the object (keys sorted), written field by field: with
  // a json object built per row NDJSON cost 1.65x the CPU of CSV, now 1.28x.
  // Strings by detail::append_json_string(), dump()'s bytes without a json value each.
  out += R"({"categories":[)";
  for (std::size_t i = 0; i < row.categories.size(); ++i) {
    out += i == 0 ? "" : ",";
    detail::append_json_string(out, row.categories[i]);
  }
  out += R"(],"date":)";
  detail::append_json_string(out, row.date);
  out += R"(,"id":)";
  detail::append_json_string(out, row.id);
  out += R"(,"score":)" + dump(row.score);
  out += R"(,"title":)";
  detail::append_json_string(out, row.title);
  out += R"(,"url":)";
  detail::append_json_string(out, row.url);
  out += "}\n";
}

namespace {

/// Produces the export into @p sink in pieces of about kFlushBytes, so memory
/// stays flat however many rows match. A stale handle is retried once when
/// nothing has been sent yet.
class ExportStream {
 public:
  static constexpr std::size_t kFlushBytes = std::size_t{64} * 1024;

  ExportStream(SearchRequest request, bool csv, Context& context)
      : request_(std::move(request)), csv_(csv), context_(context) {}

  bool operator()(const BodySink& sink) {
    for (int attempt = 0;; ++attempt) {
      try {
        return run(sink);
      } catch (const Xapian::DatabaseModifiedError&) {
        if (attempt > 0 || sent_) {
          return false;
        }
        context_.refresh();
      } catch (...) {
        return false;  // headers are gone already: a truncated chunked body tells the client
      }
    }
  }

 private:
  bool run(const BodySink& sink) {
    std::string buffer;
    if (csv_) {
      buffer = std::string(kCsvHeader);
    }
    bool client_gone = false;
    context_.searcher().export_matches(request_, [&](const ExportRow& row) {
      csv_ ? append_csv_row(buffer, row) : append_ndjson_row(buffer, row);
      if (buffer.size() < kFlushBytes) {
        return true;
      }
      sent_ = true;
      client_gone = !sink(buffer);
      buffer.clear();
      return !client_gone;
    });
    if (client_gone) {
      return false;
    }
    return buffer.empty() || sink(buffer);
  }

  SearchRequest request_;
  bool csv_;
  Context& context_;
  bool sent_ = false;
};

// ---- Handlers -----------------------------------------------------------------

Response handle_search(const Request& request, const Captures&, Context& context) {
  const SearchRequest search = search_request(request.params);
  Response response;
  response.content_type = kJson;
  // The text of with_index(to_json(...)), written without a tree (search.h).
  response.body = with_searcher(context, [&](Searcher& searcher) {
    return to_json_text(searcher.search(search), index_json(searcher));
  });
  return response;
}

Response handle_article(const Request&, const Captures& captures, Context& context) {
  const std::string& id = captures.at(0);
  auto record = with_searcher(context, [&](Searcher& searcher) -> std::optional<json> {
    auto found = searcher.article(id);
    if (!found) {
      return std::nullopt;
    }
    // The record's own fields come first: one named "index" is returned as stored.
    if (found->contains("index")) {
      return found;
    }
    return with_index(std::move(*found), searcher);
  });
  if (!record) {
    throw HttpError(404, "not_found", "no article with this id");
  }
  return json_response(*record);
}

Response handle_related_article(const Request& request, const Captures& captures,
                                Context& context) {
  const std::string& id = captures.at(0);
  const unsigned n = uint_param(request.params, "n", 5, 1, kMaxRelated);
  const Filters filters = filters_from(request.params);
  auto body = with_searcher(context, [&](Searcher& searcher) -> std::optional<json> {
    auto hits = searcher.related_to_article(id, n, filters);
    return hits ? std::optional<json>(with_index(hits_json(*hits), searcher)) : std::nullopt;
  });
  if (!body) {
    throw HttpError(404, "not_found", "no article with this id");
  }
  return json_response(*body);
}

Response handle_related_text(const Request& request, const Captures&, Context& context) {
  const json body = parse_body(request.body);
  if (!body.is_object()) {
    bad_parameter("the body must be a JSON object");
  }
  if (!body.contains("text")) {
    bad_parameter("text is required");
  }
  const std::string text = string_field(body, "text");
  if (text.size() > kMaxDraftBytes) {
    bad_parameter("text is longer than 1,000,000 bytes");
  }
  if (is_blank(text)) {
    bad_parameter("text is empty");
  }
  unsigned n = 5;
  if (auto it = body.find("n"); it != body.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<long long>() < 1 ||
        it->get<long long>() > static_cast<long long>(kMaxRelated)) {
      bad_parameter("n must be an integer from 1 to " + std::to_string(kMaxRelated));
    }
    n = it->get<unsigned>();
  }
  const Filters filters = body_filters(body, request.params);
  return json_response(with_searcher(context, [&](Searcher& searcher) {
    return with_index(hits_json(searcher.related_to_text(text, n, filters)), searcher);
  }));
}

Response handle_suggest(const Request& request, const Captures&, Context& context) {
  const std::string prefix = query_text(request.params);
  const unsigned n = uint_param(request.params, "n", 8, 1, kMaxSuggestions);
  return json_response(with_searcher(context, [&](Searcher& searcher) {
    std::vector<std::string> suggestions;
    if (!is_blank(prefix)) {
      suggestions = searcher.suggest(prefix, n);
    }
    return with_index(json{{"suggestions", suggestions}}, searcher);
  }));
}

Response handle_export(const Request& request, const Captures&, Context& context) {
  SearchRequest search;
  search.q = query_text(request.params);
  search.filters = filters_from(request.params);
  search.sort = parse_sort(request.params);
  const std::string format = first(request.params, "format").value_or("ndjson");
  if (format != "csv" && format != "ndjson") {
    bad_parameter("format must be csv or ndjson");
  }
  const bool csv = format == "csv";

  Response response;
  response.content_type = csv ? "text/csv; charset=utf-8; header=present" : "application/x-ndjson";
  response.headers.emplace_back("Content-Disposition",
                                std::string("attachment; filename=\"export.") + format + "\"");
  // The state the export starts from, in headers: the rows stay plain data.
  const json index =
      with_searcher(context, [](Searcher& searcher) { return index_json(searcher); });
  response.headers.emplace_back("X-Index-Generation", index["generation"].get<std::string>());
  response.headers.emplace_back("X-Index-Last-Update", index["last_update"].get<std::string>());
  response.stream = ExportStream(std::move(search), csv, context);
  return response;
}

Response handle_health(const Request&, const Captures&, Context& context) {
  return json_response(with_searcher(context, [](Searcher& searcher) {
    return with_index(json{{"status", "ok"}, {"documents", searcher.documents()}}, searcher);
  }));
}

Response handle_metrics(const Request&, const Captures&, Context& context) {
  IndexGauges gauges;
  try {
    const IndexState state =
        with_searcher(context, [](Searcher& searcher) { return searcher.index_state(); });
    gauges.documents = state.documents;
    gauges.generation = state.generation;
  } catch (const Xapian::Error&) {
    // Monitoring needs /metrics most while a shard is away: 200 with the request
    // counts, no documents, and frsearch_index_readable 0.
    gauges = IndexGauges{};
    gauges.readable = false;
    context.discard();
  }
  Response response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = context.metrics() ? context.metrics()->render(gauges) : Metrics().render(gauges);
  return response;
}

Handler asset_handler(const Asset& asset) {
  return [&asset](const Request&, const Captures&, Context&) {
    Response response;
    response.content_type = std::string(asset.content_type);
    response.body = std::string(asset.data);
    response.headers.emplace_back("Cache-Control", "no-cache");
    if (asset.content_type.rfind("text/html", 0) == 0) {
      response.headers.emplace_back(
          "Content-Security-Policy",
          "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
          "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    }
    return response;
  };
}

// ---- Routing ------------------------------------------------------------------

/// "/a/b%2Fc" → {"a", "b%2Fc"} (still encoded); "/" → {}. @p path starts with '/'.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path == "/") {
    return segments;
  }
  std::size_t start = 1;
  for (;;) {
    const std::size_t slash = path.find('/', start);
    segments.push_back(path.substr(start, slash - start));
    if (slash == std::string_view::npos) {
      break;
    }
    start = slash + 1;
  }
  return segments;
}

bool is_capture(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

/// True when @p path has the shape of @p pattern; fills @p captures.
bool match(std::string_view pattern, std::string_view path, Captures& captures) {
  if (path.empty() || path.front() != '/') {
    return false;
  }
  const auto want = split_path(pattern);
  const auto have = split_path(path);
  if (want.size() != have.size()) {
    return false;
  }
  Captures found;
  for (std::size_t i = 0; i < want.size(); ++i) {
    std::string segment = percent_decode(have[i]);
    if (is_capture(want[i])) {
      if (segment.empty()) {
        return false;
      }
      found.push_back(std::move(segment));
    } else if (segment != want[i]) {
      return false;
    }
  }
  captures = std::move(found);
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

}  // namespace

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
        hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

Response error_response(int status, std::string code, std::string message) {
  return json_response(
      json{{"error", {{"code", std::move(code)}, {"message", std::move(message)}}}}, status);
}

std::vector<Route> api_routes() {
  std::vector<Route> routes = {
      {"GET", "/api/search", "search", handle_search},
      {"GET", "/api/articles/{id}", "article", handle_article},
      {"GET", "/api/articles/{id}/related", "related", handle_related_article},
      {"POST", "/api/related", "related_text", handle_related_text},
      {"GET", "/api/suggest", "suggest", handle_suggest},
      {"GET", "/api/export", "export", handle_export},
      {"GET", "/health", "health", handle_health},
      {"GET", "/metrics", "metrics", handle_metrics},
  };
  for (const Asset& asset : web_assets()) {
    routes.push_back({"GET", "/" + std::string(asset.path), "page", asset_handler(asset)});
    if (asset.path == "index.html") {
      routes.push_back({"GET", "/", "page", asset_handler(asset)});
    }
  }
  return routes;
}

Response dispatch(const std::vector<Route>& routes, const Request& request, Context& context) {
  const std::string method = request.method == "HEAD" ? "GET" : request.method;
  const Route* route = nullptr;
  Captures captures;
  std::string allowed;
  for (const Route& candidate : routes) {
    Captures found;
    if (!match(candidate.pattern, request.path, found)) {
      continue;
    }
    if (candidate.method == method) {
      route = &candidate;
      captures = std::move(found);
      break;
    }
    if (allowed.find(candidate.method) == std::string::npos) {
      allowed += (allowed.empty() ? "" : ", ") + candidate.method;
    }
  }
  if (!route) {
    Response response = allowed.empty()
                            ? error_response(404, "not_found", "no such path")
                            : error_response(405, "method_not_allowed", "use " + allowed);
    if (!allowed.empty()) {
      response.headers.emplace_back("Allow", allowed);
    }
    response.endpoint = allowed.empty() ? "unknown" : "method_not_allowed";
    return response;
  }

  Response response;
  try {
    response = route->handler(request, captures, context);
  } catch (const HttpError& e) {
    response = error_response(e.status(), e.code(), e.what());
  } catch (const Xapian::NetworkError&) {
    response = error_response(503, "unavailable", "a shard of the index cannot be reached");
  } catch (const Xapian::DatabaseError&) {
    response = error_response(503, "unavailable", "the index cannot be read right now");
  } catch (const Xapian::Error& e) {
    response = error_response(500, "internal", e.get_description());
  } catch (const std::exception& e) {
    response = error_response(500, "internal", e.what());
  } catch (...) {
    response = error_response(500, "internal", "unexpected error");
  }
  response.endpoint = route->endpoint;
  return response;
}

}  // namespace frsearch::search
