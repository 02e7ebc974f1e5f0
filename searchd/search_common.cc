// Helpers shared by the parts of the Searcher: filters, hit metadata, surface forms.
#include "searchd/search_common.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <set>
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

// A quick reader of the JSON texts the indexer writes (nlohmann's dump()): it finds
// a member's value by skipping the others, and decodes only the strings asked for.
// It checks what it reads but not everything a full parser does (numbers, literals
// and the strings it skips are taken as they come): callers fall back to the full
// parser whenever it returns false, and the stored texts are dump()'s output.

bool is_json_space(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

std::size_t skip_space(std::string_view s, std::size_t i) {
  while (i < s.size() && is_json_space(s[i])) {
    ++i;
  }
  return i;
}

/// End of the string starting at s[i] == '"' (one past its closing quote), npos if unterminated.
std::size_t skip_string(std::string_view s, std::size_t i) {
  for (++i; i < s.size();) {
    const void* found = std::memchr(s.data() + i, '"', s.size() - i);
    if (!found) {
      return std::string_view::npos;
    }
    const std::size_t quote = static_cast<std::size_t>(static_cast<const char*>(found) - s.data());
    std::size_t backslashes = 0;  // an odd number before it escape the quote
    while (quote - backslashes > i && s[quote - backslashes - 1] == '\\') {
      ++backslashes;
    }
    if (backslashes % 2 == 0) {
      return quote + 1;
    }
    i = quote + 1;
  }
  return std::string_view::npos;
}

/// End of the value starting at s[i] (not space), npos if it does not end.
std::size_t skip_value(std::string_view s, std::size_t i) {
  if (i >= s.size()) {
    return std::string_view::npos;
  }
  if (s[i] == '"') {
    return skip_string(s, i);
  }
  if (s[i] == '{' || s[i] == '[') {
    std::size_t depth = 0;
    while (i < s.size()) {
      const char c = s[i];
      if (c == '"') {
        i = skip_string(s, i);
        if (i == std::string_view::npos) {
          return i;
        }
        continue;
      }
      if (c == '{' || c == '[') {
        ++depth;
      } else if ((c == '}' || c == ']') && --depth == 0) {
        return i + 1;
      }
      ++i;
    }
    return std::string_view::npos;
  }
  const std::size_t start = i;
  while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && !is_json_space(s[i])) {
    ++i;
  }
  return i > start ? i : std::string_view::npos;
}

/// Calls fn(raw key, raw value) for each member of the object @p s (keys without
/// escapes only); false when @p s is not read as one object or fn returns false.
template <class Fn>
bool for_each_member(std::string_view s, Fn&& fn) {
  std::size_t i = skip_space(s, 0);
  if (i >= s.size() || s[i] != '{') {
    return false;
  }
  i = skip_space(s, i + 1);
  if (i < s.size() && s[i] == '}') {
    return skip_space(s, i + 1) == s.size();
  }
  while (i < s.size()) {
    if (s[i] != '"') {
      return false;
    }
    const std::size_t key_end = skip_string(s, i);
    if (key_end == std::string_view::npos) {
      return false;
    }
    const std::string_view key = s.substr(i + 1, key_end - i - 2);
    if (key.find('\\') != std::string_view::npos) {
      return false;
    }
    i = skip_space(s, key_end);
    if (i >= s.size() || s[i] != ':') {
      return false;
    }
    i = skip_space(s, i + 1);
    const std::size_t value_end = skip_value(s, i);
    if (value_end == std::string_view::npos || !fn(key, s.substr(i, value_end - i))) {
      return false;
    }
    i = skip_space(s, value_end);
    if (i < s.size() && s[i] == ',') {
      i = skip_space(s, i + 1);
      continue;
    }
    return i < s.size() && s[i] == '}' && skip_space(s, i + 1) == s.size();
  }
  return false;
}

void append_utf8(std::string& out, std::uint32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

bool hex4(std::string_view s, std::size_t i, std::uint32_t& value) {
  if (i + 4 > s.size()) {
    return false;
  }
  value = 0;
  for (std::size_t k = i; k < i + 4; ++k) {
    const char c = s[k];
    const int digit = c >= '0' && c <= '9'   ? c - '0'
                      : c >= 'a' && c <= 'f' ? c - 'a' + 10
                      : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                             : -1;
    if (digit < 0) {
      return false;
    }
    value = value * 16 + static_cast<std::uint32_t>(digit);
  }
  return true;
}

/// Length of the well-formed UTF-8 sequence at s[i] (a lead byte >= 0x80), 0 if none.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  auto cont = [&](std::size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return k < s.size() && at(k) >= lo && at(k) <= hi;
  };
  const unsigned char c = at(i);
  if (c >= 0xC2 && c <= 0xDF) {
    return cont(i + 1) ? 2 : 0;
  }
  if (c >= 0xE0 && c <= 0xEF) {
    const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    const unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

/// Decodes the JSON string @p raw (with its quotes) into @p out; false where a
/// full parser would reject it (raw control character, bad escape or UTF-8).
bool decode_string(std::string_view raw, std::string& out) {
  if (raw.size() < 2 || raw.front() != '"' || raw.back() != '"') {
    return false;
  }
  const std::string_view s = raw.substr(1, raw.size() - 2);
  out.reserve(out.size() + s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t run = i;  // plain printable ASCII, copied at once
    while (run < s.size() && static_cast<unsigned char>(s[run]) >= 0x20 &&
           static_cast<unsigned char>(s[run]) < 0x80 && s[run] != '\\') {
      ++run;
    }
    out.append(s.data() + i, run - i);
    i = run;
    if (i >= s.size()) {
      break;
    }
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20) {
      return false;
    }
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence(s, i);
      if (n == 0) {
        return false;
      }
      out.append(s.data() + i, n);
      i += n;
      continue;
    }
    // A backslash escape.
    if (i + 1 >= s.size()) {
      return false;
    }
    const char e = s[i + 1];
    i += 2;
    switch (e) {
      case '"':
      case '\\':
      case '/':
        out += e;
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        std::uint32_t code = 0;
        if (!hex4(s, i, code)) {
          return false;
        }
        i += 4;
        if (code >= 0xD800 && code <= 0xDBFF) {  // a surrogate pair
          std::uint32_t low = 0;
          if (i + 6 > s.size() || s[i] != '\\' || s[i + 1] != 'u' || !hex4(s, i + 2, low) ||
              low < 0xDC00 || low > 0xDFFF) {
            return false;
          }
          i += 6;
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
        } else if (code >= 0xDC00 && code <= 0xDFFF) {
          return false;
        }
        append_utf8(out, code);
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

/// The strings of the JSON array @p raw, in @p out (other elements skipped, as
/// hit_meta does); false when the array is not read.
bool string_array(std::string_view raw, std::vector<std::string>& out) {
  std::size_t i = skip_space(raw, 1);
  if (i < raw.size() && raw[i] == ']') {
    return i + 1 == raw.size();
  }
  while (i < raw.size()) {
    const std::size_t end = skip_value(raw, i);
    if (end == std::string_view::npos) {
      return false;
    }
    if (raw[i] == '"') {
      std::string value;
      if (!decode_string(raw.substr(i, end - i), value)) {
        return false;
      }
      out.push_back(std::move(value));
    }
    i = skip_space(raw, end);
    if (i < raw.size() && raw[i] == ',') {
      i = skip_space(raw, i + 1);
      continue;
    }
    return i + 1 == raw.size() && raw[i] == ']';
  }
  return false;
}

/// What match_query() knows of the matches of a query.
struct Shape {
  /// Clauses: each match holds at least one term of each (none: unknown).
  std::vector<std::set<std::string>> must;
  /// Terms each of whose documents matches.
  std::set<std::string> covers;
};

Shape shape(const Xapian::Query& q) {
  using Q = Xapian::Query;
  Shape out;
  const std::size_t n = q.get_num_subqueries();
  switch (q.get_type()) {
    case Q::LEAF_TERM: {
      const std::string term = *q.get_terms_begin();
      out.must.push_back({term});
      out.covers.insert(term);
      return out;
    }
    case Q::OP_SCALE_WEIGHT:
      return n == 1 ? shape(q.get_subquery(0)) : out;
    case Q::OP_OR:
    case Q::OP_SYNONYM:
    case Q::OP_MAX: {
      std::set<std::string> any;  // one clause of each branch, joined
      bool every = n > 0;
      for (std::size_t i = 0; i < n; ++i) {
        Shape sub = shape(q.get_subquery(i));
        out.covers.insert(sub.covers.begin(), sub.covers.end());
        if (sub.must.empty()) {
          every = false;
        } else if (every) {
          auto smallest =
              std::min_element(sub.must.begin(), sub.must.end(),
                               [](const auto& a, const auto& b) { return a.size() < b.size(); });
          any.insert(smallest->begin(), smallest->end());
        }
      }
      if (every) {
        out.must.push_back(std::move(any));
      }
      return out;
    }
    case Q::OP_AND:
    case Q::OP_FILTER:
    case Q::OP_NEAR:
    case Q::OP_PHRASE:
      for (std::size_t i = 0; i < n; ++i) {
        Shape sub = shape(q.get_subquery(i));
        out.must.insert(out.must.end(), sub.must.begin(), sub.must.end());
      }
      return out;
    case Q::OP_AND_MAYBE:
    case Q::OP_AND_NOT: {
      if (n == 0) {
        return out;
      }
      Shape first = shape(q.get_subquery(0));
      out.must = std::move(first.must);
      if (q.get_type() == Q::OP_AND_MAYBE) {
        out.covers = std::move(first.covers);
      }
      return out;
    }
    default:
      return out;
  }
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

Xapian::Query match_query(const Xapian::Query& q) {
  using Q = Xapian::Query;
  const std::size_t n = q.get_num_subqueries();
  switch (q.get_type()) {
    case Q::OP_SCALE_WEIGHT:
    case Q::OP_AND_MAYBE:
      return n > 0 ? match_query(q.get_subquery(0)) : q;
    case Q::OP_OR:
    case Q::OP_SYNONYM:
    case Q::OP_MAX: {
      std::vector<Q> subs;
      std::vector<Shape> shapes;
      for (std::size_t i = 0; i < n; ++i) {
        subs.push_back(q.get_subquery(i));
        shapes.push_back(shape(subs.back()));
      }
      // A branch goes when one of its clauses is covered by the branches still
      // there: each of its matches is then a match of theirs (see shape()).
      std::vector<bool> kept(n, true);
      for (std::size_t i = 0; i < n; ++i) {
        std::set<std::string> others;
        for (std::size_t j = 0; j < n; ++j) {
          if (j != i && kept[j]) {
            others.insert(shapes[j].covers.begin(), shapes[j].covers.end());
          }
        }
        kept[i] =
            std::none_of(shapes[i].must.begin(), shapes[i].must.end(), [&](const auto& clause) {
              return !clause.empty() &&
                     std::includes(others.begin(), others.end(), clause.begin(), clause.end());
            });
      }
      std::vector<Q> out;
      for (std::size_t i = 0; i < n; ++i) {
        if (kept[i]) {
          out.push_back(match_query(subs[i]));
        }
      }
      return out.size() == 1 ? out[0] : Q(Q::OP_OR, out.begin(), out.end());
    }
    case Q::OP_AND:
    case Q::OP_FILTER:
    case Q::OP_AND_NOT: {
      std::vector<Q> subs;
      for (std::size_t i = 0; i < n; ++i) {
        // Only the first side of AND_NOT counts matches; the others remove them.
        subs.push_back(q.get_type() == Q::OP_AND_NOT && i > 0 ? q.get_subquery(i)
                                                              : match_query(q.get_subquery(i)));
      }
      return Q(q.get_type(), subs.begin(), subs.end());
    }
    default:
      return q;
  }
}

Hit hit_meta(const Xapian::Document& doc) {
  return hit_meta_of(doc.get_value(schema::kSlotMeta));
}

std::string stored_text(const Xapian::Document& doc) {
  return stored_text_of(doc.get_data());
}

Hit hit_meta_of(std::string_view meta_text) {
  Hit hit;
  bool quick = true;
  std::size_t fields = 0;
  const bool object = for_each_member(meta_text, [&](std::string_view key, std::string_view value) {
    std::string* field = key == "id"      ? &hit.id
                         : key == "title" ? &hit.title
                         : key == "url"   ? &hit.url
                         : key == "date"  ? &hit.date
                                          : nullptr;
    if (field) {
      ++fields;
      field->clear();
      if (value.front() == '"' && !decode_string(value, *field)) {
        quick = false;
      }
    } else if (key == "categories") {
      ++fields;
      hit.categories.clear();
      if (value.front() == '[' && !string_array(value, hit.categories)) {
        quick = false;
      }
    }
    return quick;
  });
  if (object && quick) {
    hit.date = hit.date.substr(0, 10);  // "YYYY-MM-DD" of a date-time too
    return hit;
  }
  hit = Hit{};
  const nlohmann::json meta = nlohmann::json::parse(meta_text, nullptr, /*allow_exceptions=*/false);
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

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::size_t start = out.size();
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence(text, i);
      if (n == 0) {  // malformed: nlohmann's replacement, for the whole string
        out.resize(start);
        out += nlohmann::json(std::string(text))
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return;
      }
      out.append(text.data() + i, n);
      i += n;
      continue;
    }
    ++i;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

std::optional<std::string> json_top_string(std::string_view json, std::string_view key) {
  std::string out;
  bool quick = true;
  const bool object = for_each_member(json, [&](std::string_view k, std::string_view value) {
    if (k == key) {  // the last of duplicate keys, as nlohmann's parser keeps it
      out.clear();
      quick = value.front() != '"' || decode_string(value, out);
    }
    return quick;
  });
  if (!object || !quick) {
    return std::nullopt;
  }
  return out;
}

std::string stored_text_of(std::string_view record_text) {
  auto is_blank = [](const std::string& text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; });
  };
  if (std::optional<std::string> body = json_top_string(record_text, "body")) {
    if (!is_blank(*body)) {
      return std::move(*body);
    }
    if (std::optional<std::string> summary = json_top_string(record_text, "summary")) {
      return std::move(*summary);
    }
  }
  const nlohmann::json record =
      nlohmann::json::parse(record_text, nullptr, /*allow_exceptions=*/false);
  if (!record.is_object()) {
    return {};
  }
  std::string body = json_string(record, "body");
  return is_blank(body) ? json_string(record, "summary") : body;
}

bool is_word_term(std::string_view term) {
  if (term.empty()) {
    return false;
  }
  const unsigned char c = static_cast<unsigned char>(term[0]);
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

bool is_stem_term(std::string_view term) {
  return term.size() >= 2 && term[0] == 'Z' && !(term[1] >= 'A' && term[1] <= 'Z');
}

namespace {

/// True when @p db is of index format 3 or later, whose words are its "XW" word
/// counts (schema.h): one metadata lookup (one round trip to a remote shard),
/// where listing the "XW" keys would bring every word of the index.
bool has_word_counts(const Xapian::Database& db) {
  return std::strtoul(db.get_metadata(schema::kMetaFormat).c_str(), nullptr, 10) >= 3;
}

/// The "XW" word counts of the words starting with @p prefix, in byte order, at
/// most @p max_words: one listing of metadata keys, the counts being in the keys.
std::vector<std::pair<Xapian::doccount, std::string>> listed_words(const Xapian::Database& db,
                                                                   const std::string& prefix,
                                                                   std::size_t max_words) {
  std::vector<std::pair<Xapian::doccount, std::string>> found;
  const std::string key = schema::kWord + prefix;
  for (auto it = db.metadata_keys_begin(key);
       it != db.metadata_keys_end(key) && found.size() < max_words; ++it) {
    auto [word, documents] = schema::parse_word_count_key(*it);
    if (documents > 0) {
      found.emplace_back(static_cast<Xapian::doccount>(documents), std::move(word));
    }
  }
  return found;
}

Xapian::doccount word_count(const Xapian::Database& db, const std::string& word) {
  const auto found = listed_words(db, word + schema::kWordCountSeparator, 1);
  return found.empty() ? 0 : found.front().first;
}

}  // namespace

std::vector<std::pair<Xapian::doccount, std::string>> dictionary_words(const Xapian::Database& db,
                                                                       const std::string& prefix,
                                                                       std::size_t max_words) {
  if (has_word_counts(db)) {
    return listed_words(db, prefix, max_words);
  }
  std::vector<std::pair<Xapian::doccount, std::string>> found;
  Xapian::TermIterator it = db.spellings_begin();
  if (it == db.spellings_end()) {
    return found;
  }
  it.skip_to(prefix);
  for (; it != db.spellings_end() && found.size() < max_words; ++it) {
    std::string word = *it;
    if (word.compare(0, prefix.size(), prefix) != 0) {
      break;
    }
    found.emplace_back(it.get_termfreq(), std::move(word));
  }
  return found;
}

std::vector<Xapian::doccount> dictionary_frequencies(const Xapian::Database& db,
                                                     const std::vector<std::string>& sorted_words) {
  std::vector<Xapian::doccount> out(sorted_words.size(), 0);
  if (has_word_counts(db)) {
    for (std::size_t i = 0; i < sorted_words.size(); ++i) {
      out[i] = word_count(db, sorted_words[i]);
    }
    return out;
  }
  Xapian::TermIterator it = db.spellings_begin();
  for (std::size_t i = 0; i < sorted_words.size() && it != db.spellings_end(); ++i) {
    it.skip_to(sorted_words[i]);
    if (it != db.spellings_end() && *it == sorted_words[i]) {
      out[i] = it.get_termfreq();
    }
  }
  return out;
}

}  // namespace frsearch::search::detail
