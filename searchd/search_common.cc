// Helpers shared by the parts of the Searcher: filters, hit metadata, surface forms.
#include "searchd/search_common.h"

#include <algorithm>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "indexer/indexer.h"
#include "indexer/schema.h"

namespace frsearch::search::detail {
namespace {

std::string json_string(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) {
    return {};
  }
  return it->get<std::string>();
}

bool has_apostrophe(std::string_view s) {
  return s.find('\'') != std::string_view::npos || s.find("\u2019") != std::string_view::npos;
}

}  // namespace

std::size_t word_start(std::string_view text, const analysis::Token& token) {
  if (token.end > text.size() || token.start >= token.end || has_apostrophe(token.text)) {
    return token.start;
  }
  const std::string_view bytes = text.substr(token.start, token.end - token.start);
  std::size_t after = 0;
  if (std::size_t q = bytes.rfind('\''); q != std::string_view::npos) {
    after = q + 1;
  }
  if (std::size_t q = bytes.rfind("\u2019"); q != std::string_view::npos) {
    after = std::max(after, q + 3);
  }
  return after < bytes.size() ? token.start + after : token.start;
}

std::string fold_title(const analysis::Analyzer& analyzer, std::string_view title) {
  std::string folded;
  for (const analysis::Token& token : analyzer.analyze(title)) {
    if (!folded.empty()) {
      folded += ' ';
    }
    folded += token.text;
  }
  return folded;
}

std::string day_key(std::string_view day) {
  std::string key;
  for (char c : day) {
    if (c != '-') {
      key += c;
    }
  }
  return key.size() == 8 ? key : std::string(day);
}

std::optional<Xapian::Query> category_filter(const Filters& filters) {
  if (filters.categories.empty()) {
    return std::nullopt;
  }
  std::vector<Xapian::Query> labels;
  for (const std::string& label : filters.categories) {
    labels.emplace_back(indexer::category_term(label));
  }
  return Xapian::Query(Xapian::Query::OP_OR, labels.begin(), labels.end());
}

std::optional<Xapian::Query> date_filter(const Filters& filters) {
  const bool has_from = !filters.from.empty(), has_to = !filters.to.empty();
  if (has_from && has_to) {
    return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, schema::kSlotDay, day_key(filters.from),
                         day_key(filters.to));
  }
  if (has_from) {
    return Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::kSlotDay, day_key(filters.from));
  }
  if (has_to) {
    return Xapian::Query(Xapian::Query::OP_VALUE_LE, schema::kSlotDay, day_key(filters.to));
  }
  return std::nullopt;
}

Xapian::Query apply_filters(Xapian::Query query, const std::optional<Xapian::Query>& category,
                            const std::optional<Xapian::Query>& dates) {
  if (category && dates) {
    return Xapian::Query(Xapian::Query::OP_FILTER, query,
                         Xapian::Query(Xapian::Query::OP_AND, *category, *dates));
  }
  if (category) {
    return Xapian::Query(Xapian::Query::OP_FILTER, query, *category);
  }
  if (dates) {
    return Xapian::Query(Xapian::Query::OP_FILTER, query, *dates);
  }
  return query;
}

Hit hit_meta(const Xapian::Document& doc) {
  Hit hit;
  const nlohmann::json meta =
      nlohmann::json::parse(doc.get_value(schema::kSlotMeta), nullptr, /*allow_exceptions=*/false);
  if (!meta.is_object()) {
    return hit;
  }
  hit.id = json_string(meta, "id");
  hit.title = json_string(meta, "title");
  hit.url = json_string(meta, "url");
  hit.date = json_string(meta, "date").substr(0, 10);  // "YYYY-MM-DD" of a date-time too
  auto categories = meta.find("categories");
  if (categories != meta.end() && categories->is_array()) {
    for (const auto& label : *categories) {
      if (label.is_string()) {
        hit.categories.push_back(label.get<std::string>());
      }
    }
  }
  return hit;
}

std::string stored_text(const Xapian::Document& doc) {
  const nlohmann::json record =
      nlohmann::json::parse(doc.get_data(), nullptr, /*allow_exceptions=*/false);
  if (!record.is_object()) {
    return {};
  }
  std::string body = json_string(record, "body");
  bool blank = true;
  for (char c : body) {
    blank = blank && (c == ' ' || c == '\n' || c == '\r' || c == '\t');
  }
  return blank ? json_string(record, "summary") : body;
}

bool is_word_term(std::string_view term) {
  if (term.empty()) {
    return false;
  }
  const unsigned char c = static_cast<unsigned char>(term[0]);
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

}  // namespace frsearch::search::detail
