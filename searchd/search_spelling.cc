// "Did you mean" and completions: the folded words of the spelling dictionary (index
// format 3 has no word terms: schema.h), the stems for context, accents restored from
// the surface forms a build stores as metadata and `add` as XU terms (indexer/surfaces.h).
#include "searchd/search_spelling.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "indexer/schema.h"
#include "indexer/surfaces.h"
#include "searchd/query_parts.h"
#include "searchd/search_common.h"

namespace frsearch::search::detail {
namespace {

constexpr std::size_t kMaxCompletionCandidates = 2000;  // completions: terms looked at, at most
constexpr std::size_t kMaxWords = 16;             // did-you-mean: query words looked at, at most
constexpr std::size_t kMaxCandidatesScored = 6;   // corrections weighed in context, at most
constexpr Xapian::doccount kCountLimit = 200;     // co-occurrence counts exact up to this
constexpr Xapian::termcount kPhraseWindow = 3;    // "neighbours": one word may come between
constexpr std::size_t kMaxSurfaceKeyBytes = 200;  // the indexer's bound on surface terms

/// The usual accented spelling of a folded word: its most frequent surface form,
/// counting the documents of the build (metadata) and those added since (XU terms),
/// when that form is found in more than half the documents holding the word (the
/// spelling dictionary's count); else the folded word itself. Ties go to the first
/// form in byte order.
std::string usual_spelling(const Xapian::Database& db, const std::string& folded) {
  const std::string key = std::string(schema::kSurface) + folded;
  std::map<std::string, Xapian::doccount> counts;
  if (key.size() <= kMaxSurfaceKeyBytes) {  // longer ones were never written
    for (auto& [surface, documents] : indexer::parse_surface_counts(db.get_metadata(key))) {
      counts[surface] += documents;
    }
  }
  const std::string prefix = key + ':';
  for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it) {
    counts[(*it).substr(prefix.size())] += it.get_termfreq();
  }
  std::string best;
  Xapian::doccount best_count = 0;
  for (const auto& [surface, documents] : counts) {
    if (documents > best_count) {
      best_count = documents;
      best = surface;
    }
  }
  if (best.empty() || best_count * 2 <= dictionary_frequencies(db, {folded}).front()) {
    return folded;
  }
  return best;
}

bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f';
}

bool is_operator(std::string_view word) {
  static constexpr std::array<std::string_view, 7> kOperators = {"AND", "OR",   "NOT", "ET",
                                                                 "OU",  "SAUF", "NEAR"};
  if (word.substr(0, 5) == "NEAR/") {
    return true;
  }
  return std::find(kOperators.begin(), kOperators.end(), word) != kOperators.end();
}

/// Fields whose value is a word to check ("titre:santé"); the others are skipped.
enum class Field { kNone, kText, kOther };

Field field_of(std::string_view chunk, std::size_t& value_at) {
  const std::size_t colon = chunk.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Field::kNone;
  }
  const std::string_view name = chunk.substr(0, colon);
  value_at = colon + 1;
  if (name == "title" || name == "titre") {
    return Field::kText;
  }
  if (name == "category" || name == "categorie" || name == "catégorie" || name == "date") {
    return Field::kOther;
  }
  return Field::kNone;
}

/// One word of the query: where it is in q, and what the index knows of it.
struct QueryWord {
  std::size_t start = 0, end = 0;  ///< bytes of q the word takes (elided article excluded)
  std::string folded;
  bool known = false;        ///< an indexed word
  std::string correction;    ///< folded correction of an unknown word, "" when none
  std::size_t position = 0;  ///< token number in q, stop words counted (gaps between words)
};

/// The spelling table's suggestion for a folded word; "" when none (or when the
/// database has no spelling table, e.g. a remote shard).
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

/// The words of @p q worth checking, in order: operators, fields other than
/// title, prefixes (word*), numbers and stop words left out.
std::vector<QueryWord> query_words(const Xapian::Database& db, const analysis::Analyzer& analyzer,
                                   std::string_view q) {
  std::vector<QueryWord> words;
  std::size_t pos = 0;
  std::size_t position = 0;  // tokens so far, stop words included
  while (pos < q.size() && words.size() < kMaxWords) {
    while (pos < q.size() && is_space(q[pos])) {
      ++pos;
    }
    std::size_t end = pos;
    while (end < q.size() && !is_space(q[end])) {
      ++end;
    }
    std::size_t start = pos;
    pos = end;
    // Strip the syntax around a word: -word, +word, (word), "word", word*.
    while (start < end && std::string_view("-+(\"").find(q[start]) != std::string_view::npos) {
      ++start;
    }
    if (start < end && q[end - 1] == '*') {
      continue;  // prefix: nothing to correct
    }
    std::string_view chunk = q.substr(start, end - start);
    if (chunk.empty() || is_operator(chunk)) {
      continue;
    }
    std::size_t value_at = 0;
    const Field field = field_of(chunk, value_at);
    if (field == Field::kOther) {
      continue;
    }
    if (field == Field::kText) {
      start += value_at;
    }
    chunk = q.substr(start, end - start);
    for (analysis::Token& token : analyzer.analyze(chunk)) {
      ++position;
      if (token.text.empty() || all_digits(token.text) || analysis::is_stop_word(token.text)) {
        continue;
      }
      QueryWord word;
      word.position = position;
      word.start = start + word_start(chunk, token);
      word.end = start + token.end;
      // A word found through its stem (the word itself or an inflection: "evenements"
      // for "Événement") is not a typo: it counts as known.
      word.known = db.get_termfreq(schema::kStem + analysis::stem(token.text)) > 0;
      word.folded = std::move(token.text);
      words.push_back(std::move(word));
    }
  }
  return words;
}

/// Words of the spelling dictionary one edit away from an ASCII @p word (deletion,
/// transposition, substitution, insertion of a-z), with their frequencies.
std::vector<std::pair<std::string, Xapian::doccount>> near_words(const Xapian::Database& db,
                                                                 const std::string& word) {
  std::vector<std::pair<std::string, Xapian::doccount>> found;
  const bool ascii = std::all_of(word.begin(), word.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (!ascii || word.size() < 3) {
    return found;
  }
  std::set<std::string> edits;
  for (std::size_t i = 0; i <= word.size(); ++i) {
    if (i < word.size()) {
      edits.insert(word.substr(0, i) + word.substr(i + 1));
    }
    if (i + 1 < word.size()) {
      std::string swapped = word;
      std::swap(swapped[i], swapped[i + 1]);
      edits.insert(swapped);
    }
    for (char c = 'a'; c <= 'z'; ++c) {
      if (i < word.size()) {
        std::string changed = word;
        changed[i] = c;
        edits.insert(changed);
      }
      edits.insert(word.substr(0, i) + c + word.substr(i));
    }
  }
  edits.erase(word);
  const std::vector<std::string> sorted(edits.begin(), edits.end());
  const std::vector<Xapian::doccount> freqs = dictionary_frequencies(db, sorted);
  for (std::size_t k = 0; k < sorted.size(); ++k) {  // stop words too: "lees" is "les"
    if (freqs[k] > 0) {
      found.emplace_back(sorted[k], freqs[k]);
    }
  }
  return found;
}

/// Documents matching @p query, exact up to kCountLimit.
Xapian::doccount count(const Xapian::Database& db, const Xapian::Query& query) {
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  return enquire.get_mset(0, 0, kCountLimit).get_matches_estimated();
}

/// The best correction of the unknown word words[i]: among the dictionary's words
/// one edit away, the one whose stem is found most often next to its neighbours in
/// the query, then with the other words, then the most frequent; else the spelling
/// table's suggestion (two edits away). A stop word has no term (no stem): it is
/// taken to be in every document, so it scores as its neighbours do, next to each
/// other over the gap it would fill, and together.
std::string best_correction(const Xapian::Database& db, const std::vector<QueryWord>& words,
                            std::size_t i) {
  const std::string& typed = words[i].folded;
  auto candidates = near_words(db, typed);
  if (candidates.empty()) {  // two edits away (or not ASCII): the spelling table's choice
    std::string suggested = spelling_of(db, typed);
    if (suggested.empty() || suggested == typed) {
      return {};
    }
    return suggested;
  }
  if (candidates.size() <= 1) {
    return candidates.empty() ? std::string() : candidates[0].first;
  }
  std::sort(candidates.begin(), candidates.end(),
            [](const auto& a, const auto& b) { return a.second > b.second; });
  if (candidates.size() > kMaxCandidatesScored) {
    candidates.resize(kMaxCandidatesScored);
  }

  std::vector<Xapian::Query> others;
  for (std::size_t k = 0; k < words.size(); ++k) {
    if (k != i && words[k].known) {
      others.emplace_back(positional_term(words[k].folded));
    }
  }
  if (others.empty()) {
    return candidates[0].first;
  }
  // The nearest known words each side (query_words left the stop words out);
  // the phrase window grows by the positions between, stop words included.
  const QueryWord* before = nullptr;
  const QueryWord* after = nullptr;
  for (std::size_t k = i; k > 0 && before == nullptr; --k) {
    if (words[k - 1].known) before = &words[k - 1];
  }
  for (std::size_t k = i + 1; k < words.size() && after == nullptr; ++k) {
    if (words[k].known) after = &words[k];
  }
  struct Score {
    Xapian::doccount adjacent = 0, together = 0, freq = 0;
    bool operator<(const Score& o) const {
      return std::tie(adjacent, together, freq) < std::tie(o.adjacent, o.together, o.freq);
    }
  };
  Score best_score;
  std::string best;
  for (const auto& entry : candidates) {
    // Not a structured binding: C++17 lambdas cannot capture those (clang refuses).
    const std::string& candidate = entry.first;
    Score score;
    score.freq = entry.second;
    const std::string stem = positional_term(candidate);
    // Documents where the stem of @p first comes shortly before that of @p second
    // (positions are on the stems, schema.h: they do not tell "élection" from
    // "élections"), the candidate standing for words[i].
    auto adjacent = [&](const QueryWord& first, const QueryWord& second) {
      const std::string sa = &first == &words[i] ? stem : positional_term(first.folded);
      const std::string sb = &second == &words[i] ? stem : positional_term(second.folded);
      const auto window =
          static_cast<Xapian::termcount>(kPhraseWindow + (second.position - first.position - 1));
      const Xapian::Query pair[] = {Xapian::Query(sa), Xapian::Query(sb)};
      return count(db, Xapian::Query(Xapian::Query::OP_PHRASE, pair, pair + 2, window));
    };
    if (stem.empty()) {  // a stop word: its neighbours next to each other over its gap
      if (before && after) {
        score.adjacent = adjacent(*before, *after);
      }
    } else {
      if (before) {
        score.adjacent += adjacent(*before, words[i]);
      }
      if (after) {
        score.adjacent += adjacent(words[i], *after);
      }
    }
    std::vector<Xapian::Query> all = others;
    if (!stem.empty()) {
      all.emplace_back(stem);
    }
    score.together = count(db, Xapian::Query(Xapian::Query::OP_AND, all.begin(), all.end()));
    if (best.empty() || best_score < score) {
      best_score = score;
      best = candidate;
    }
  }
  return best;
}

}  // namespace

std::optional<std::string> did_you_mean(const Xapian::Database& db,
                                        const analysis::Analyzer& analyzer, std::string_view q) {
  std::vector<QueryWord> words = query_words(db, analyzer, q);
  bool corrected = false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (words[i].known) {
      continue;
    }
    words[i].correction = best_correction(db, words, i);
    corrected = corrected || !words[i].correction.empty();
  }
  if (!corrected) {
    return std::nullopt;
  }
  // Every checked word with its usual accents; the rest as typed.
  std::string out;
  std::size_t at = 0;
  for (const QueryWord& word : words) {
    const std::string& folded = word.correction.empty() ? word.folded : word.correction;
    const std::string surface = usual_spelling(db, folded);
    if (surface == word.folded) {
      continue;  // as typed already (give or take case)
    }
    out.append(q.substr(at, word.start - at));
    out += surface;
    at = word.end;
  }
  out.append(q.substr(at));
  return out;
}

std::vector<std::string> complete(const Xapian::Database& db, const analysis::Analyzer& analyzer,
                                  std::string_view prefix, unsigned n) {
  std::vector<std::string> out;
  if (n == 0 || prefix.empty() || is_space(prefix.back())) {
    return out;
  }
  std::size_t characters = 0;  // code points, not bytes
  for (char c : prefix) {
    if (!is_space(c) && (static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++characters;
    }
  }
  if (characters < 2) {
    return out;
  }
  const std::vector<analysis::Token> tokens = analyzer.analyze(prefix);
  if (tokens.empty() || tokens.back().end != prefix.size()) {
    return out;
  }
  const analysis::Token& last = tokens.back();
  const std::string& folded = last.text;
  if (!is_word_term(folded)) {
    return out;
  }

  // The dictionary's words (index format 3 has no word terms); stop words left out.
  std::vector<std::pair<Xapian::doccount, std::string>> candidates =
      dictionary_words(db, folded, kMaxCompletionCandidates);
  candidates.erase(std::remove_if(candidates.begin(), candidates.end(),
                                  [](const auto& c) { return analysis::is_stop_word(c.second); }),
                   candidates.end());
  const std::size_t keep = std::min<std::size_t>(n, candidates.size());
  std::partial_sort(candidates.begin(), candidates.begin() + keep, candidates.end(),
                    [](const auto& a, const auto& b) {
                      return a.first != b.first ? a.first > b.first : a.second < b.second;
                    });
  const std::string head(prefix.substr(0, word_start(prefix, last)));
  for (std::size_t i = 0; i < keep; ++i) {
    out.push_back(head + usual_spelling(db, candidates[i].second));
  }
  return out;
}

}  // namespace frsearch::search::detail
