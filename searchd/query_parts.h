/** @file
 * @brief The building blocks of a parsed query: atoms made into Xapian
 * sub-queries, and the ways the parser combines them.
 *
 * The parser (query.cc) only decides the structure; everything that knows the
 * index schema lives here: which prefixes a word gets, how a word is weighed
 * against its stem, how phrases, prefixes, categories and dates become
 * queries, and how required, optional, excluded and filter parts combine
 * (like Xapian's default: +a b c -d = a AND_MAYBE (b OR c) AND_NOT d).
 */
#ifndef FRSEARCH_SEARCHD_QUERY_PARTS_H
#define FRSEARCH_SEARCHD_QUERY_PARTS_H

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "analyzers/analyzer.h"
#include "indexer/synonyms.h"
#include "searchd/query.h"
#include "searchd/query_lexer.h"

namespace frsearch::search {

/// The term that stands for folded word @p folded_word in the whole text, with its
/// positions: "Z" + its stem (index format 3 has no exact-word terms, schema.h); ""
/// for a stop word, which has none. Words, phrases, NEAR and the proximity bonus
/// use these.
std::string positional_term(const std::string& folded_word);

/// Relevance ranking is BM25 (Xapian::BM25Weight) with these parameters, measured
/// on the dev questions (docs/RELEVANCE.md). b = 1: full length normalisation, so a
/// long article holding many common question words does not outrank the short text
/// holding the rare ones (Xapian's default b 0.5: MRR@10 0.655 -> 0.691 at 0.9, +0.007
/// at 1). kBm25MinNormLen: Xapian clamps a document's length at this fraction of the
/// average (default 0.5), which made every text shorter than half the average weigh
/// like one of half; 0.2 is nearly plain BM25 (no text of the evaluation is shorter):
/// +0.026. k1 = 1.5 with it: +0.008 over 1 (2 and 3 only +0.002 more, and let a word
/// repeated weigh more against a second word of the query).
inline constexpr double kBm25K1 = 1.5;
inline constexpr double kBm25B = 1.0;
inline constexpr double kBm25MinNormLen = 0.2;
/// The weighting scheme of a relevance-sorted search (Searcher::search, export).
Xapian::BM25Weight relevance_weight();

/// A query matching every document, built anew for each caller. Never copy
/// Xapian::Query::MatchAll instead: every copy of that static shares one reference
/// count that is not atomic, so threads copying it at once can free it while a match
/// still uses it (the searchd crash, docs/RELIABILITY.md).
Xapian::Query match_all();

/// Weight of a word's stem, the term that finds it and its inflections in the whole
/// text (index format 3), against the other parts of a query (proximity, fillers,
/// synonyms). 1.5 measured best on the dev questions (docs/RELEVANCE.md, "Index
/// format 3": 1.0, 2.5 and 0.6 lower).
inline constexpr double kStemWeight = 1.5;
/// A title holding the very form of a word asked for ("S" + folded word) adds
/// this weight of that term (OP_AND_MAYBE): the one place left where format 3
/// tells exact forms from inflections, so « Événement » ranks above « Les
/// événements » for "événement". Small: it costs relevance on the dev questions
/// (docs/RELEVANCE.md, MRR@10 0.7334 without it, 0.7321 at 0.1, 0.7167 at 0.5).
inline constexpr double kExactTitleWeight = 0.1;
/// Neighbouring plain words of a query found near each other in a document add
/// this fraction of their weight again (Xapian's OP_NEAR: unordered, both words
/// within kProximityWindow positions). Measured on the dev questions
/// (docs/RELEVANCE.md): a full-weight ordered phrase hurt, this helps.
inline constexpr double kProximityWeight = 0.3;
inline constexpr Xapian::termcount kProximityWindow = 6;
/// Words one apart in the query (stop words removed) found within
/// kProximityWindow add this fraction of their weight again.
inline constexpr double kSkipProximityWeight = 0.15;
/// Words that questions use to ask rather than to name a subject ("nom",
/// "année", "appelle"; is_question_filler()) weigh this much beside other words.
inline constexpr double kFillerWeight = 0.3;
/// An equivalent expression of the synonyms file (indexer/synonyms.h) weighs
/// this much beside the words as typed, which therefore rank first.
inline constexpr double kSynonymWeight = 0.5;
/// True for a word of kFillerWeight (folded: "annee", "nom", "appelle").
bool is_question_filler(std::string_view folded_word);

/// word* expands to at most this many words, the most frequent ones.
inline constexpr Xapian::termcount kWildcardExpansion = 100;
/// word* needs at least this many characters (folded) before the '*'.
inline constexpr std::size_t kMinPrefixChars = 2;
/// At most this many terms per query; later words are ignored.
inline constexpr std::size_t kMaxQueryTerms = 1000;

/// One positional term of a phrase or NEAR: a term, or a prefix to expand.
struct Leaf {
  std::string term;
  bool wildcard = false;
};

/// A parsed piece of a query.
struct Part {
  Xapian::Query query;  ///< empty: nothing searchable (punctuation, truncated)
  MatchTerms highlight;
  bool filter = false;       ///< a boolean restriction that adds no weight (category, date)
  bool negated = false;      ///< means "every document except @c query" (NOT x, -x alone)
  bool stop = false;         ///< a lone stop word, dropped beside other words
  std::vector<Leaf> leaves;  ///< non-empty: a word or phrase NEAR can use

  bool empty() const { return query.empty(); }
};

/// @p part as a stand-alone query: negations against every document, filters with no weight.
Xapian::Query materialize(const Part& part);

/// Every document except those of @p part.
Part negate(const Part& part);

/// @p left AND_NOT @p right (@p left NOT @p right).
Part except(Part left, const Part& right);

/// The disjunction of @p parts (OR).
Part any_of(std::vector<Part> parts);

/// Required, optional, excluded and filter parts combined the way Xapian's
/// default operator does; also AND (every part required).
class Conjunction {
 public:
  enum class Mode { kOptional, kRequired, kExcluded };
  void add(const Part& part, Mode mode);
  Part build() const;

 private:
  std::vector<Xapian::Query> required_, optional_, excluded_, filters_;
  MatchTerms highlight_;
};

/// Turns words, phrases and field values into Parts. Counts the terms it
/// makes and returns empty Parts beyond kMaxQueryTerms. Uses @p db only to
/// expand word* inside phrases and NEAR (which Xapian cannot do itself).
class PartBuilder {
 public:
  /// @p synonyms: equivalent expressions to add to the words and phrases that
  /// hold one (indexer/synonyms.h), none when null; must outlive the builder.
  PartBuilder(const analysis::Analyzer& folding, const Xapian::Database& db,
              const indexer::SynonymTable* synonyms = nullptr)
      : folding_(folding), db_(db), synonyms_(synonyms) {}

  /// A word as typed, maybe ending in '*'. One token: the word or its stem;
  /// several ("e-santé"): a phrase of them; in the title with @p field kTitle.
  Part word(std::string_view raw, Field field);
  /// The text between quotes: a phrase of its words (stop words kept).
  Part phrase(std::string_view raw, Field field);
  /// category:value, a boolean filter on the folded label; "val*" for a prefix.
  Part category(std::string_view raw, bool allow_wildcard);
  /// date:FROM..TO (YYYY, YYYY-MM or YYYY-MM-DD, either side may be empty),
  /// date:YYYY[-MM[-DD]]; nullopt when the value is not a date.
  std::optional<Part> date(std::string_view raw);
  /// @p parts within @p window positions of each other; degrades to AND when
  /// one of them is not a word or phrase.
  Part near(std::vector<Part> parts, unsigned window);
  /// A ranking-only bonus for the optional plain @p words of a query (folded,
  /// in order, stop words removed): each two neighbours found within
  /// kProximityWindow positions of each other (kProximityWeight), and each two
  /// words one apart (kSkipProximityWeight). Empty for fewer than two words.
  Part proximity(const std::vector<std::string>& words) const;
  /// The equivalents of the expressions found in @p run, neighbouring optional
  /// words of a query given as their parts (stop words included; parts that
  /// are no single plain word are skipped and end an expression), longest
  /// expression first. A one-word expression's part becomes "the word OR any
  /// equivalent" in place; a longer one adds a part to return, "its phrase or
  /// any equivalent" weighed as one term (OP_SYNONYM), its words staying as
  /// they are. "SNDS" finds "Système national des données de santé" and back.
  std::vector<Part> equivalents(const std::vector<Part*>& run);
  /// True once kMaxQueryTerms terms were made: every later word is ignored.
  bool full() const { return terms_ >= kMaxQueryTerms; }

 private:
  std::vector<std::string> fold_words(std::string_view raw) const;
  /// A phrase of @p leaves: on the stems of whole-text words (stop words inside
  /// leave gaps the window covers, those at the edges drop out; stop words only:
  /// an exact phrase on the title words, which keep every position), on the
  /// words themselves in the title.
  Part positional(std::vector<Leaf> leaves, MatchTerms highlight);
  /// The positional query of one leaf: a title word itself; a word's stem term,
  /// nullopt for a stop word; a prefix as the OR of the stems word* gives (its
  /// words in the spelling dictionary, and the stems starting with it), nullopt
  /// when its words are all stop words.
  std::optional<Xapian::Query> leaf_query(const Leaf& leaf) const;
  /// Lists the stem of a non-wildcard @p leaf of the whole text in @p highlight
  /// (an inflected phrase is marked in snippets).
  void note_stem(const Leaf& leaf, MatchTerms& highlight) const;
  /// @p stems, a positional query over the stems of @p leaves, weighed like a
  /// word's stem (kStemWeight). Unchanged for title words.
  Xapian::Query weigh_stems(Xapian::Query stems, const std::vector<Leaf>& leaves) const;
  /// @p expressions (folded words joined by spaces) as words and phrases;
  /// their words go into @p highlight.
  std::vector<Xapian::Query> expressions(const std::vector<std::string>& expressions,
                                         MatchTerms& highlight);
  bool take_terms(std::size_t n);

  const analysis::Analyzer& folding_;
  const Xapian::Database& db_;
  const indexer::SynonymTable* synonyms_;
  std::size_t terms_ = 0;
};

}  // namespace frsearch::search

#endif  // FRSEARCH_SEARCHD_QUERY_PARTS_H
