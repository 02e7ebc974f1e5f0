// "Did you mean" and completions: folded vocabulary, accents restored from XU terms.
#include "searchd/search_spelling.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <utility>

#include "searchd/search_common.h"

namespace frsearch::search::detail {
namespace {

constexpr std::size_t kMaxCandidates = 2000;  // completions: terms looked at, at most

bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f';
}

bool is_operator(std::string_view word) {
  static constexpr std::array<std::string_view, 7> kOperators = {"AND", "OR",   "NOT", "ET",
                                                                 "OU",  "SAUF", "NEAR"};
  if (word.substr(0, 5) == "NEAR/") return true;
  return std::find(kOperators.begin(), kOperators.end(), word) != kOperators.end();
}

/// Fields whose value is a word to check ("titre:santé"); the others are skipped.
enum class Field { kNone, kText, kOther };

Field field_of(std::string_view chunk, std::size_t& value_at) {
  const std::size_t colon = chunk.find(':');
  if (colon == std::string_view::npos || colon == 0) return Field::kNone;
  const std::string_view name = chunk.substr(0, colon);
  value_at = colon + 1;
  if (name == "title" || name == "titre") return Field::kText;
  if (name == "category" || name == "categorie" || name == "catégorie" || name == "date") {
    return Field::kOther;
  }
  return Field::kNone;
}

/// One word of the query to rewrite: bytes [start, end) of q become @c text.
struct Replacement {
  std::size_t start = 0, end = 0;
  std::string text;
};

/// Spelling suggestion for a folded word; "" when none (or when the database
/// has no spelling table, e.g. a remote shard).
std::string spelling_of(const Xapian::Database& db, const std::string& folded) {
  try {
    return db.get_spelling_suggestion(folded);
  } catch (const Xapian::DatabaseModifiedError&) {
    throw;
  } catch (const Xapian::Error&) {
    return {};
  }
}

bool all_digits(std::string_view word) {
  return std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::optional<std::string> did_you_mean(const Xapian::Database& db,
                                        const analysis::Analyzer& analyzer, std::string_view q) {
  std::vector<Replacement> replacements;
  bool corrected = false;
  std::size_t pos = 0;
  while (pos < q.size()) {
    while (pos < q.size() && is_space(q[pos])) ++pos;
    std::size_t end = pos;
    while (end < q.size() && !is_space(q[end])) ++end;
    std::size_t start = pos;
    pos = end;
    // Strip the syntax around a word: -word, +word, (word), "word", word*.
    while (start < end && std::string_view("-+(\"").find(q[start]) != std::string_view::npos) {
      ++start;
    }
    if (start < end && q[end - 1] == '*') continue;  // prefix: nothing to correct
    std::string_view chunk = q.substr(start, end - start);
    if (chunk.empty() || is_operator(chunk)) continue;
    std::size_t value_at = 0;
    const Field field = field_of(chunk, value_at);
    if (field == Field::kOther) continue;
    if (field == Field::kText) start += value_at;
    chunk = q.substr(start, end - start);
    for (const analysis::Token& token : analyzer.analyze(chunk)) {
      const std::string& folded = token.text;
      if (folded.empty() || all_digits(folded) || analysis::is_stop_word(folded)) continue;
      std::string word = folded;
      if (db.get_termfreq(folded) == 0) {
        const std::string suggestion = spelling_of(db, folded);
        if (suggestion.empty() || suggestion == folded) continue;
        word = suggestion;
        corrected = true;
      }
      std::string surface = surface_form(db, word);
      if (surface == folded) continue;  // as typed already (give or take case)
      replacements.push_back(
          {start + word_start(chunk, token), start + token.end, std::move(surface)});
    }
  }
  if (!corrected) return std::nullopt;
  std::string out;
  std::size_t at = 0;
  for (const Replacement& r : replacements) {
    out.append(q.substr(at, r.start - at));
    out += r.text;
    at = r.end;
  }
  out.append(q.substr(at));
  return out;
}

std::vector<std::string> complete(const Xapian::Database& db, const analysis::Analyzer& analyzer,
                                  std::string_view prefix, unsigned n) {
  std::vector<std::string> out;
  if (n == 0 || prefix.empty() || is_space(prefix.back())) return out;
  std::size_t characters = 0;  // code points, not bytes
  for (char c : prefix) {
    if (!is_space(c) && (static_cast<unsigned char>(c) & 0xC0) != 0x80) ++characters;
  }
  if (characters < 2) return out;
  const std::vector<analysis::Token> tokens = analyzer.analyze(prefix);
  if (tokens.empty() || tokens.back().end != prefix.size()) return out;
  const analysis::Token& last = tokens.back();
  const std::string& folded = last.text;
  if (!is_word_term(folded)) return out;

  std::vector<std::pair<Xapian::doccount, std::string>> candidates;
  std::size_t seen = 0;
  for (auto it = db.allterms_begin(folded); it != db.allterms_end(folded); ++it) {
    if (++seen > kMaxCandidates) break;
    const std::string term = *it;
    if (!is_word_term(term) || analysis::is_stop_word(term)) continue;
    candidates.emplace_back(it.get_termfreq(), term);
  }
  const std::size_t keep = std::min<std::size_t>(n, candidates.size());
  std::partial_sort(candidates.begin(), candidates.begin() + keep, candidates.end(),
                    [](const auto& a, const auto& b) {
                      return a.first != b.first ? a.first > b.first : a.second < b.second;
                    });
  const std::string head(prefix.substr(0, word_start(prefix, last)));
  for (std::size_t i = 0; i < keep; ++i) {
    out.push_back(head + surface_form(db, candidates[i].second));
  }
  return out;
}

}  // namespace frsearch::search::detail
