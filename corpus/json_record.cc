// parse_json_record(): one JSON Lines record checked against SPEC.md "Inputs".
#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "corpus/article.h"
#include "corpus/text.h"

namespace frsearch::corpus {
namespace {

using nlohmann::json;

/// nlohmann's parse message without its exception tag and "line 1" (a record
/// is one line), cut short: the "last read" part can quote a whole body.
/// Besides parse_error, the parser throws out_of_range for a number too large
/// for a double ("1e400"): that record is as invalid.
std::string parse_error_reason(const json::exception& e) {
  std::string_view what = e.what();
  if (const auto tag = what.find("] "); tag != std::string_view::npos) {
    what.remove_prefix(tag + 2);
  }
  constexpr std::string_view kLine = "parse error at line 1, ";
  if (what.substr(0, kLine.size()) == kLine) {
    what.remove_prefix(kLine.size());
  }
  return "invalid JSON: " + text::excerpt(what, 160);
}

const json* find(const json& record, const char* field) {
  const auto it = record.find(field);
  return it == record.end() ? nullptr : &*it;
}

[[noreturn]] void reject(const std::string& reason) {
  throw InvalidRecord(reason);
}

/// Deepest nesting of arrays and objects in a record. Real records have 2; writing
/// a record out (indexer, searchd) recurses once per level, and 100k levels (a
/// 200 KB line) overflowed the stack.
constexpr int kMaxDepth = 64;

/// Parses @p line, rejecting it when nested deeper than kMaxDepth.
json parse_limited(std::string_view line) {
  return json::parse(line.begin(), line.end(), [](int depth, json::parse_event_t event, json&) {
    if (depth >= kMaxDepth &&
        (event == json::parse_event_t::object_start || event == json::parse_event_t::array_start)) {
      reject("JSON nested deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    return true;
  });
}

/// A required string field that must hold something other than white space.
std::string required_text(const json& record, const char* field) {
  const json* value = find(record, field);
  if (value == nullptr) {
    reject(std::string("missing field '") + field + "'");
  }
  if (!value->is_string() || text::is_blank(value->get_ref<const std::string&>())) {
    reject(std::string("field '") + field + "' must be a non-empty string");
  }
  return value->get<std::string>();
}

/// An optional string field; null is the same as absent.
std::string optional_string(const json& record, const char* field) {
  const json* value = find(record, field);
  if (value == nullptr || value->is_null()) {
    return {};
  }
  if (!value->is_string()) {
    reject(std::string("field '") + field + "' must be a string");
  }
  return value->get<std::string>();
}

/// Category labels, trimmed, without empty ones and repeats, in their order.
std::vector<std::string> categories(const json& record) {
  const json* value = find(record, "categories");
  std::vector<std::string> labels;
  if (value == nullptr || value->is_null()) {
    return labels;
  }
  const bool ok = value->is_array() && std::all_of(value->begin(), value->end(),
                                                   [](const json& v) { return v.is_string(); });
  if (!ok) {
    reject("field 'categories' must be an array of strings");
  }
  std::unordered_set<std::string_view> seen;  // a set: scanning took 11 s for 50k labels
  for (const json& v : *value) {
    const std::string_view label = text::trim(v.get_ref<const std::string&>());
    if (!label.empty() && seen.insert(label).second) {
      labels.emplace_back(label);
    }
  }
  return labels;
}

}  // namespace

Article parse_json_record(std::string_view line) {
  if (const std::size_t bad = text::find_invalid_utf8(line); bad != std::string_view::npos) {
    reject("invalid UTF-8 (byte offset " + std::to_string(bad) + ")");
  }
  Article article;
  try {
    article.record = parse_limited(line);
  } catch (const json::exception& e) {
    reject(parse_error_reason(e));
  }
  const json& record = article.record;
  if (!record.is_object()) {
    reject("not a JSON object");
  }

  article.id = required_text(record, "id");
  article.title = required_text(record, "title");

  const json* date = find(record, "date");
  if (date == nullptr) {
    reject("missing field 'date'");
  }
  if (!date->is_string()) {
    reject("field 'date' must be a string");
  }
  article.date = date->get<std::string>();
  const Date parsed = parse_date(article.date);
  article.day = parsed.day_string();
  article.sort_key = parsed.sort_key;

  const json* body = find(record, "body");
  if (body == nullptr) {
    reject("missing field 'body'");
  }
  if (!body->is_string()) {
    reject("field 'body' must be a string");
  }
  article.body = body->get<std::string>();

  article.categories = categories(record);
  article.summary = optional_string(record, "summary");
  article.url = optional_string(record, "url");
  return article;
}

}  // namespace frsearch::corpus
