#include "searchd/query_parts.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <set>
#include <utility>

#include "indexer/document.h"
#include "indexer/indexer.h"
#include "indexer/schema.h"
#include "searchd/search_common.h"

namespace frsearch::search {
namespace {

using Q = Xapian::Query;

/// The term prefixes of a field: exact folded word, and stem. The whole text has
/// no exact-word terms (index format 3): its "word" prefix only names the folded
/// word of a Leaf, which the query turns into its stem (positional_term()).
struct Prefixes {
  std::string word;
  std::string stem;
};

Prefixes prefixes_of(Field field) {
  if (field == Field::kTitle) return {schema::kTitle, schema::kTitleStem};
  return {"", schema::kStem};
}

std::size_t utf8_chars(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

Q combine(Q::op op, const std::vector<Q>& queries) {
  if (queries.size() == 1) return queries.front();
  return Q(op, queries.begin(), queries.end());
}

void merge(MatchTerms& into, const MatchTerms& from) {
  into.words.insert(from.words.begin(), from.words.end());
  into.stems.insert(from.stems.begin(), from.stems.end());
  into.prefixes.insert(from.prefixes.begin(), from.prefixes.end());
}

/// The terms of @p db that start with @p prefix, the kWildcardExpansion most
/// frequent, joined by @p op; the bare prefix (which matches nothing) when none.
/// Expanded here over the whole database rather than by OP_WILDCARD, which
/// Xapian 1.4 expands shard by shard (each shard its own most frequent terms,
/// and statistics that differ from a single index's).
Q expand_prefix(const Xapian::Database& db, const std::string& prefix, Q::op op) {
  std::vector<std::pair<Xapian::doccount, std::string>> found;
  for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it) {
    found.emplace_back(it.get_termfreq(), *it);
  }
  if (found.empty()) return Q(prefix);
  if (found.size() > kWildcardExpansion) {
    std::partial_sort(found.begin(), found.begin() + kWildcardExpansion, found.end(),
                      [](const auto& a, const auto& b) {
                        return a.first != b.first ? a.first > b.first : a.second < b.second;
                      });
    found.resize(kWildcardExpansion);
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return a.second < b.second; });
  }
  std::vector<Q> terms;
  terms.reserve(found.size());
  for (const auto& entry : found) terms.emplace_back(entry.second);
  return combine(op, terms);
}

/// A word prefix of the whole text ("vaccinat*") as the stems of its words, joined
/// by @p op: the stems of the kWildcardExpansion most frequent words of the index
/// (detail::dictionary_words()) that start with @p prefix (vaccination: Zvaccin), and
/// the kWildcardExpansion most frequent stems that start with it themselves (the
/// words the dictionary leaves out: numbers, words of one document). The index has
/// no exact words (format 3), so a stem stands for all its inflections: "vaccinat*"
/// also finds « vaccin ». Stop words have no stem: nullopt when the prefix's words
/// are all stop words; the bare "Z" + prefix (which matches nothing) when there is
/// no such word at all.
std::optional<Q> expand_word_prefix(const Xapian::Database& db, const std::string& prefix,
                                    Q::op op) {
  std::vector<std::pair<Xapian::doccount, std::string>> found =
      detail::dictionary_words(db, prefix, std::numeric_limits<std::size_t>::max());
  if (found.size() > kWildcardExpansion) {
    std::partial_sort(found.begin(), found.begin() + kWildcardExpansion, found.end(),
                      [](const auto& a, const auto& b) {
                        return a.first != b.first ? a.first > b.first : a.second < b.second;
                      });
    found.resize(kWildcardExpansion);
  }
  std::set<std::string> stems;
  for (const auto& entry : found) {
    std::string term = positional_term(entry.second);
    if (!term.empty()) stems.insert(std::move(term));
  }
  const std::string direct = schema::kStem + prefix;
  const Q own = expand_prefix(db, direct, Q::OP_OR);
  for (auto t = own.get_unique_terms_begin(); t != own.get_unique_terms_end(); ++t) {
    if (*t != direct || db.term_exists(direct)) stems.insert(*t);
  }
  if (stems.empty()) return found.empty() ? std::optional<Q>(Q(direct)) : std::nullopt;
  const std::vector<Q> terms(stems.begin(), stems.end());
  return combine(op, terms);
}

std::vector<std::string> split_words(const std::string& expression) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start <= expression.size()) {
    std::size_t end = expression.find(' ', start);
    if (end == std::string::npos) end = expression.size();
    if (end > start) words.push_back(expression.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

/// True for a leaf of the unprefixed field (a folded word), false for a title word ("S").
bool word_leaf(const Leaf& leaf) {
  return !leaf.term.empty() && !(leaf.term[0] >= 'A' && leaf.term[0] <= 'Z');
}

/// The phrase of @p terms, one per query word in order, std::nullopt for a stop
/// word (no positional term): stop words at the edges drop out, those inside
/// leave a gap the window covers ("ministre de la santé": ministre, santé in
/// that order within 4 positions); one term left is that term alone; none
/// (stop words only): std::nullopt.
std::optional<Q> phrase_over_gaps(std::vector<std::optional<Q>> terms) {
  std::vector<Q> present;
  std::size_t first = 0, last = 0;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (!terms[i]) continue;
    if (present.empty()) first = i;
    last = i;
    present.push_back(std::move(*terms[i]));
  }
  if (present.empty()) return std::nullopt;
  if (present.size() == 1) return present.front();
  return Q(Q::OP_PHRASE, present.begin(), present.end(),
           static_cast<Xapian::termcount>(last - first + 1));
}

/// A phrase of stop words only ("à la une", "il y a") as an exact phrase on
/// the title words ("S" terms keep positions for every title token, stop words
/// included): precise and cheap; nothing when no title holds it. @p words are
/// the "S" terms or queries, in order.
Q title_phrase(const std::vector<Q>& words) {
  if (words.size() == 1) return words.front();
  return Q(Q::OP_PHRASE, words.begin(), words.end(), static_cast<Xapian::termcount>(words.size()));
}

/// The words of @p expression, folded, as a phrase on their stems
/// (phrase_over_gaps); stop words only: a title phrase (title_phrase).
Q stem_phrase(const std::vector<std::string>& words) {
  std::vector<std::optional<Q>> terms;
  terms.reserve(words.size());
  for (const std::string& w : words) {
    const std::string term = positional_term(w);
    terms.push_back(term.empty() ? std::nullopt : std::optional<Q>(Q(term)));
  }
  if (std::optional<Q> phrase = phrase_over_gaps(std::move(terms))) return *phrase;
  std::vector<Q> titles;
  titles.reserve(words.size());
  for (const std::string& w : words) titles.emplace_back(schema::kTitle + w);
  return title_phrase(titles);
}

/// The folded word of a part that is one unprefixed, non-wildcard word; else nullptr.
const std::string* single_word(const Part& part) {
  if (part.negated || part.filter || part.leaves.size() != 1) return nullptr;
  const Leaf& leaf = part.leaves.front();
  if (leaf.wildcard || leaf.term.empty() || (leaf.term[0] >= 'A' && leaf.term[0] <= 'Z'))
    return nullptr;
  return &leaf.term;
}

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int to_int(std::string_view digits) {
  int n = 0;
  for (const char c : digits) n = n * 10 + (c - '0');
  return n;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

/// "YYYY", "YYYY-MM" or "YYYY-MM-DD" as the first (or, with @p upper, the
/// last) day it covers, "YYYYMMDD"; nullopt when it is not such a date.
std::optional<std::string> date_bound(std::string_view text, bool upper) {
  if (text.size() != 4 && text.size() != 7 && text.size() != 10) return std::nullopt;
  const std::string_view year = text.substr(0, 4);
  if (!all_digits(year)) return std::nullopt;
  const int y = to_int(year);
  int m = upper ? 12 : 1;
  if (text.size() >= 7) {
    if (text[4] != '-' || !all_digits(text.substr(5, 2))) return std::nullopt;
    m = to_int(text.substr(5, 2));
    if (m < 1 || m > 12) return std::nullopt;
  }
  int d = upper ? days_in_month(y, m) : 1;
  if (text.size() == 10) {
    if (text[7] != '-' || !all_digits(text.substr(8, 2))) return std::nullopt;
    d = to_int(text.substr(8, 2));
    if (d < 1 || d > days_in_month(y, m)) return std::nullopt;
  }
  char out[9];
  std::snprintf(out, sizeof out, "%04d%02d%02d", y, m, d);
  return std::string(out, 8);
}

}  // namespace

std::string positional_term(const std::string& folded_word) {
  const std::string stem = indexer::StemCache::stem(folded_word);
  return stem.empty() ? std::string() : schema::kStem + stem;
}

Xapian::BM25Weight relevance_weight() {
  return Xapian::BM25Weight(kBm25K1, /*k2=*/0, /*k3=*/1, kBm25B, kBm25MinNormLen);
}

Xapian::Query match_all() {
  return Xapian::Query(std::string());  // the empty term: every document
}

Xapian::Query materialize(const Part& part) {
  if (part.empty()) return part.query;
  if (part.negated) return Q(Q::OP_AND_NOT, match_all(), part.query);
  if (part.filter) return Q(Q::OP_SCALE_WEIGHT, part.query, 0.0);
  return part.query;
}

Part negate(const Part& part) {
  Part out;
  if (part.empty()) return out;
  out.query = materialize(part);
  out.negated = true;
  return out;
}

Part except(Part left, const Part& right) {
  if (right.empty()) return left;
  if (left.empty()) return negate(right);
  const Q excluded = materialize(right);
  Part out;
  if (left.negated) {
    out.query = Q(Q::OP_OR, left.query, excluded);
    out.negated = true;
    return out;
  }
  out.query = Q(Q::OP_AND_NOT, left.query, excluded);
  out.filter = left.filter;
  out.highlight = std::move(left.highlight);
  return out;
}

Part any_of(std::vector<Part> parts) {
  parts.erase(std::remove_if(parts.begin(), parts.end(), [](const Part& p) { return p.empty(); }),
              parts.end());
  if (parts.empty()) return {};
  if (parts.size() == 1) return std::move(parts.front());
  const bool filters =
      std::all_of(parts.begin(), parts.end(), [](const Part& p) { return p.filter && !p.negated; });
  Part out;
  std::vector<Q> queries;
  for (const Part& p : parts) {
    queries.push_back(filters ? p.query : materialize(p));
    merge(out.highlight, p.highlight);
  }
  out.query = combine(Q::OP_OR, queries);
  out.filter = filters;
  return out;
}

void Conjunction::add(const Part& part, Mode mode) {
  if (part.empty()) return;
  if (mode == Mode::kExcluded) {
    excluded_.push_back(materialize(part));
    return;
  }
  if (part.negated) {  // "a (NOT b)" and "a AND NOT b" exclude b
    excluded_.push_back(part.query);
    return;
  }
  merge(highlight_, part.highlight);
  if (part.filter) {
    filters_.push_back(part.query);
  } else if (mode == Mode::kRequired) {
    required_.push_back(part.query);
  } else {
    optional_.push_back(part.query);
  }
}

Part Conjunction::build() const {
  Part out;
  Q positive;
  if (!required_.empty()) positive = combine(Q::OP_AND, required_);
  if (!optional_.empty()) {
    const Q optional = combine(Q::OP_OR, optional_);
    positive = positive.empty() ? optional : Q(Q::OP_AND_MAYBE, positive, optional);
  }
  if (!filters_.empty()) {
    const Q filter = combine(Q::OP_AND, filters_);
    if (positive.empty()) {
      positive = filter;
      out.filter = true;
    } else {
      positive = Q(Q::OP_FILTER, positive, filter);
    }
  }
  if (!excluded_.empty()) {
    const Q excluded = combine(Q::OP_OR, excluded_);
    if (positive.empty()) {
      out.query = excluded;
      out.negated = true;
      out.filter = false;
      return out;
    }
    positive = Q(Q::OP_AND_NOT, positive, excluded);
  }
  out.query = positive;
  out.highlight = highlight_;
  return out;
}

std::vector<std::string> PartBuilder::fold_words(std::string_view raw) const {
  std::vector<std::string> words;
  for (analysis::Token& token : folding_.analyze(raw)) {
    if (!token.text.empty()) words.push_back(std::move(token.text));
  }
  return words;
}

bool PartBuilder::take_terms(std::size_t n) {
  if (terms_ + n > kMaxQueryTerms) {
    terms_ = kMaxQueryTerms;  // once full, stay full: later words are all ignored
    return false;
  }
  terms_ += n;
  return true;
}

Part PartBuilder::word(std::string_view raw, Field field) {
  if (full()) return {};  // not even worth analyzing
  bool prefix = false;
  while (!raw.empty() && raw.back() == '*') {
    raw.remove_suffix(1);
    prefix = true;
  }
  std::vector<std::string> words = fold_words(raw);
  if (prefix && !words.empty() && utf8_chars(words.back()) < kMinPrefixChars) {
    words.pop_back();  // "a*", lone "*": too short to expand, ignored
    prefix = false;
  }
  if (words.empty()) return {};
  const Prefixes prefixes = prefixes_of(field);
  Part part;
  if (words.size() == 1 && prefix) {
    if (!take_terms(1)) return {};
    if (field == Field::kTitle) {
      part.query = expand_prefix(db_, prefixes.word + words[0], Q::OP_SYNONYM);
    } else {
      std::optional<Q> stems = expand_word_prefix(db_, words[0], Q::OP_SYNONYM);
      // Stop words only ("quel*"): they have no stem, the title words do have them.
      part.query = stems ? *stems : expand_prefix(db_, schema::kTitle + words[0], Q::OP_SYNONYM);
      // Every word the stems match is marked in snippets ("vaccinat*" finds « vaccins »).
      // (Not the bare prefix standing for no word at all.)
      const std::string bare = schema::kStem + words[0];
      for (auto t = part.query.get_unique_terms_begin(); t != part.query.get_unique_terms_end();
           ++t) {
        if (detail::is_stem_term(*t) && (*t != bare || db_.term_exists(bare)))
          part.highlight.stems.insert((*t).substr(1));
      }
    }
    part.highlight.prefixes.insert(words[0]);
    part.leaves.push_back({prefixes.word + words[0], true});
    return part;
  }
  if (words.size() == 1) {
    if (!take_terms(2)) return {};
    const std::string& w = words[0];
    part.stop = analysis::is_stop_word(w);
    // The index gives stop words no stem: they are only title words (schema.h).
    const std::string stem = part.stop ? std::string() : analysis::stem(w);
    if (field == Field::kTitle) {
      const Q exact(prefixes.word + w);
      part.query = stem.empty() ? exact
                                : Q(Q::OP_OR, exact,
                                    Q(Q::OP_SCALE_WEIGHT, Q(prefixes.stem + stem), kStemWeight));
    } else if (stem.empty()) {
      // A stop word: searched alone ("le", "les des"), it finds the titles holding it.
      part.query = Q(schema::kTitle + w);
    } else {
      // No exact words in the text (index format 3): the stem, and the title's
      // exact word as a ranking bonus (exact forms first, where they can be told).
      part.query = Q(Q::OP_SCALE_WEIGHT, Q(prefixes.stem + stem), kStemWeight);
      if (kExactTitleWeight > 0)
        part.query = Q(Q::OP_AND_MAYBE, part.query,
                       Q(Q::OP_SCALE_WEIGHT, Q(schema::kTitle + w), kExactTitleWeight));
    }
    part.highlight.words.insert(w);
    if (!stem.empty()) part.highlight.stems.insert(stem);
    part.leaves.push_back({prefixes.word + w});
    return part;
  }
  // Several words in one ("e-santé", "aujourd'hui-même"): they must follow each other.
  if (!take_terms(words.size())) return {};
  std::vector<Leaf> leaves;
  leaves.reserve(words.size());
  for (const std::string& w : words) leaves.push_back({prefixes.word + w});
  leaves.back().wildcard = prefix;
  MatchTerms highlight;
  const bool all_stop = std::all_of(words.begin(), words.end() - (prefix ? 1 : 0),
                                    [](const std::string& w) { return analysis::is_stop_word(w); });
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (prefix && i + 1 == words.size()) {
      highlight.prefixes.insert(words[i]);
    } else if (all_stop || !analysis::is_stop_word(words[i])) {
      highlight.words.insert(words[i]);
    }
  }
  return positional(std::move(leaves), std::move(highlight));
}

Part PartBuilder::proximity(const std::vector<std::string>& words) const {
  std::vector<Q> pairs;
  std::vector<std::string> stems;  // positions are on the stems (schema.h)
  stems.reserve(words.size());
  for (const std::string& w : words) stems.push_back(positional_term(w));
  // Neighbours (distance 1), then words one apart (distance 2), weighed less.
  for (std::size_t distance = 1; distance <= 2; ++distance) {
    const double weight = distance == 1 ? kProximityWeight : kSkipProximityWeight;
    for (std::size_t i = 0; i + distance < words.size(); ++i) {
      if (stems[i].empty() || stems[i + distance].empty() || stems[i] == stems[i + distance])
        continue;
      const Q pair[] = {Q(stems[i]), Q(stems[i + distance])};
      pairs.emplace_back(Q::OP_SCALE_WEIGHT, Q(Q::OP_NEAR, pair, pair + 2, kProximityWindow),
                         weight);
    }
  }
  Part part;
  if (!pairs.empty()) part.query = combine(Q::OP_OR, pairs);
  return part;
}

bool is_question_filler(std::string_view folded_word) {
  // The most frequent non-stop words of the dev questions that ask rather than
  // name ("en quelle année", "quel est le nom", "comment s'appelle").
  static const std::set<std::string_view> kFillers = {
      "annee", "appelait", "appele", "appelle", "consiste", "date",   "doit",
      "fait",  "faire",    "lors",   "nom",     "passe",    "permet", "peut",
      "quoi",  "sert",     "situe",  "trouve",  "type"};
  return kFillers.count(folded_word) > 0;
}

std::vector<Xapian::Query> PartBuilder::expressions(const std::vector<std::string>& expressions,
                                                    MatchTerms& highlight) {
  std::vector<Q> queries;
  for (const std::string& expression : expressions) {
    const std::vector<std::string> words = split_words(expression);
    if (words.empty() || !take_terms(words.size())) continue;
    const bool all_stop = std::all_of(
        words.begin(), words.end(), [](const std::string& w) { return analysis::is_stop_word(w); });
    for (const std::string& w : words)
      if (all_stop || !analysis::is_stop_word(w)) highlight.words.insert(w);
    if (words.size() == 1) {
      const std::string stem = positional_term(words.front());
      queries.emplace_back(stem.empty() ? schema::kTitle + words.front() : stem);
    } else {
      queries.push_back(stem_phrase(words));
    }
  }
  return queries;
}

std::vector<Part> PartBuilder::equivalents(const std::vector<Part*>& run) {
  std::vector<Part> added;
  if (synonyms_ == nullptr || synonyms_->empty()) return added;
  std::size_t i = 0;
  while (i < run.size()) {
    // The expressions starting at i, one word longer each, then the longest known one.
    std::vector<std::string> keys;
    for (std::size_t n = 0; i + n < run.size() && n < synonyms_->longest(); ++n) {
      const std::string* word = single_word(*run[i + n]);
      if (word == nullptr) break;
      keys.push_back(n == 0 ? *word : keys.back() + ' ' + *word);
    }
    std::size_t length = keys.size();
    const std::vector<std::string>* found = nullptr;
    for (; length > 0 && found == nullptr; --length)
      found = synonyms_->equivalents(keys[length - 1]);
    if (found == nullptr) {
      ++i;
      continue;
    }
    ++length;  // the loop stepped past the match
    MatchTerms highlight;
    std::vector<Q> queries = expressions(*found, highlight);
    if (!queries.empty() && length == 1) {
      Part& part = *run[i];
      part.query = Q(Q::OP_OR, part.query,
                     Q(Q::OP_SCALE_WEIGHT, combine(Q::OP_SYNONYM, queries), kSynonymWeight));
      part.stop = false;  // asked for through its equivalents
      merge(part.highlight, highlight);
    } else if (!queries.empty()) {
      std::vector<std::string> typed;
      for (std::size_t k = i; k < i + length; ++k) typed.push_back(run[k]->leaves.front().term);
      queries.insert(queries.begin(), stem_phrase(typed));
      Part part;
      part.query =
          Q(Q::OP_SCALE_WEIGHT, Q(Q::OP_SYNONYM, queries.begin(), queries.end()), kSynonymWeight);
      part.highlight = std::move(highlight);
      added.push_back(std::move(part));
    }
    i += length;
  }
  return added;
}

Part PartBuilder::phrase(std::string_view raw, Field field) {
  if (full()) return {};
  const std::vector<std::string> words = fold_words(raw);
  if (words.size() <= 1) {
    // A phrase of one word is that word ('*' inside quotes is not a prefix).
    return words.empty() ? Part{} : word(words[0], field);
  }
  if (!take_terms(words.size())) return {};
  const Prefixes prefixes = prefixes_of(field);
  std::vector<Leaf> leaves;
  MatchTerms highlight;
  const bool all_stop = std::all_of(words.begin(), words.end(),
                                    [](const std::string& w) { return analysis::is_stop_word(w); });
  for (const std::string& w : words) {
    leaves.push_back({prefixes.word + w});
    if (all_stop || !analysis::is_stop_word(w)) highlight.words.insert(w);
  }
  Part part = positional(std::move(leaves), std::move(highlight));
  // A quoted expression of the synonyms file also finds its equivalents.
  std::string key;
  for (const std::string& w : words) key += (key.empty() ? "" : " ") + w;
  const std::vector<std::string>* found =
      field == Field::kNone && synonyms_ != nullptr ? synonyms_->equivalents(key) : nullptr;
  if (found != nullptr) {
    std::vector<Q> queries = expressions(*found, part.highlight);
    if (!queries.empty())
      part.query = Q(Q::OP_OR, part.query,
                     Q(Q::OP_SCALE_WEIGHT, combine(Q::OP_SYNONYM, queries), kSynonymWeight));
  }
  return part;
}

Part PartBuilder::positional(std::vector<Leaf> leaves, MatchTerms highlight) {
  std::vector<std::optional<Q>> terms;
  terms.reserve(leaves.size());
  for (const Leaf& leaf : leaves) {
    terms.push_back(leaf_query(leaf));  // nullopt for a stop word: a gap
    if (terms.back()) note_stem(leaf, highlight);
  }
  Part part;
  if (std::optional<Q> phrase = phrase_over_gaps(std::move(terms))) {
    part.query = weigh_stems(std::move(*phrase), leaves);
  } else {  // stop words only: an exact phrase on the title words
    std::vector<Q> titles;
    titles.reserve(leaves.size());
    for (const Leaf& leaf : leaves) {
      const std::string term = schema::kTitle + leaf.term;
      titles.push_back(leaf.wildcard ? expand_prefix(db_, term, Q::OP_OR) : Q(term));
    }
    part.query = title_phrase(titles);
  }
  part.highlight = std::move(highlight);
  part.leaves = std::move(leaves);
  return part;
}

void PartBuilder::note_stem(const Leaf& leaf, MatchTerms& highlight) const {
  if (!word_leaf(leaf) || leaf.wildcard) return;
  highlight.stems.insert(indexer::StemCache::stem(leaf.term));
}

Xapian::Query PartBuilder::weigh_stems(Xapian::Query stems, const std::vector<Leaf>& leaves) const {
  if (std::none_of(leaves.begin(), leaves.end(), word_leaf)) return stems;  // title words
  return Q(Q::OP_SCALE_WEIGHT, stems, kStemWeight);
}

std::optional<Xapian::Query> PartBuilder::leaf_query(const Leaf& leaf) const {
  if (!word_leaf(leaf)) {
    // Title words keep their positions. Xapian 1.4 cannot put OP_WILDCARD under
    // OP_PHRASE/OP_NEAR, but it can put an OR of terms.
    return leaf.wildcard ? expand_prefix(db_, leaf.term, Q::OP_OR) : Q(leaf.term);
  }
  if (!leaf.wildcard) {
    const std::string term = positional_term(leaf.term);
    if (term.empty()) return std::nullopt;
    return Q(term);
  }
  // A prefix expands as word* alone does: the stems of its words.
  return expand_word_prefix(db_, leaf.term, Q::OP_OR);
}

Part PartBuilder::category(std::string_view raw, bool allow_wildcard) {
  bool prefix = false;
  while (allow_wildcard && !raw.empty() && raw.back() == '*') {
    raw.remove_suffix(1);
    prefix = true;
  }
  // Folded exactly as the indexer folds labels, so any case or accents match.
  const std::string label = indexer::fold_label(raw);
  if (label.empty() || (prefix && utf8_chars(label) < kMinPrefixChars)) return {};
  if (!take_terms(1)) return {};
  Part part;
  const std::string term = indexer::category_term(raw);
  part.query = prefix ? expand_prefix(db_, term, Q::OP_OR) : Q(term);
  part.filter = true;
  return part;
}

std::optional<Part> PartBuilder::date(std::string_view raw) {
  std::optional<std::string> from, to;
  const auto dots = raw.find("..");
  if (dots == std::string_view::npos) {
    from = date_bound(raw, false);
    to = date_bound(raw, true);
    if (!from || !to) return std::nullopt;
  } else {
    const std::string_view lo = raw.substr(0, dots), hi = raw.substr(dots + 2);
    if (!lo.empty() && !(from = date_bound(lo, false))) return std::nullopt;
    if (!hi.empty() && !(to = date_bound(hi, true))) return std::nullopt;
  }
  Part part;
  if (!from && !to) return part;  // "date:..": no restriction
  if (!take_terms(1)) return part;
  if (from && to) {
    part.query = Q(Q::OP_VALUE_RANGE, schema::kSlotDay, *from, *to);
  } else if (from) {
    part.query = Q(Q::OP_VALUE_GE, schema::kSlotDay, *from);
  } else {
    part.query = Q(Q::OP_VALUE_LE, schema::kSlotDay, *to);
  }
  part.filter = true;
  return part;
}

Part PartBuilder::near(std::vector<Part> parts, unsigned window) {
  parts.erase(std::remove_if(parts.begin(), parts.end(), [](const Part& p) { return p.empty(); }),
              parts.end());
  if (parts.empty()) return {};
  if (parts.size() == 1) return std::move(parts.front());
  const bool positional =
      std::all_of(parts.begin(), parts.end(), [](const Part& p) { return !p.leaves.empty(); });
  if (!positional) {  // "a NEAR (b OR c)", "a NEAR categorie:x": every one required
    Conjunction all;
    for (const Part& p : parts) all.add(p, Conjunction::Mode::kRequired);
    return all.build();
  }
  Part out;
  std::vector<Q> subqueries;
  std::vector<Leaf> leaves;
  std::vector<const Part*> unplaced;  // no positional term: stop words only
  for (const Part& p : parts) {
    const std::size_t before = subqueries.size();
    for (const Leaf& leaf : p.leaves) {
      leaves.push_back(leaf);
      std::optional<Q> query = leaf_query(leaf);
      if (!query) continue;
      subqueries.push_back(std::move(*query));
      note_stem(leaf, out.highlight);
    }
    if (subqueries.size() == before) unplaced.push_back(&p);
    merge(out.highlight, p.highlight);
  }
  if (subqueries.size() < 2) {  // nothing to be near: every part required
    Conjunction all;
    for (const Part& p : parts) all.add(p, Conjunction::Mode::kRequired);
    return all.build();
  }
  // Like Xapian's NEAR/n: every word within n positions of the others; the
  // stop words left out still count, so the window covers their gaps.
  const auto span = static_cast<Xapian::termcount>(std::max(window, 1u) + leaves.size() - 1);
  out.query = weigh_stems(Q(Q::OP_NEAR, subqueries.begin(), subqueries.end(), span), leaves);
  if (unplaced.empty()) return out;
  Conjunction all;
  all.add(out, Conjunction::Mode::kRequired);
  for (const Part* p : unplaced) all.add(*p, Conjunction::Mode::kRequired);
  return all.build();
}

}  // namespace frsearch::search
