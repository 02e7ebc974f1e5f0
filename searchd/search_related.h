/** @file
 * @brief Related articles: an article's or a draft's best terms, and reposts told apart.
 *
 * For a stored article, Xapian's relevance feedback (an RSet of that document
 * and the ESet of its best terms); for a draft, its words' stems weighted by
 * tf * idf against the index (index format 3 has stems, no word terms), plus a fixed bonus for the
 * articles published around a date the draft mentions ("mercredi 31 juillet": the story's own
 * articles are dated then, its older or later echoes are not), then a bonus
 * for the first candidates whose title says what the draft says (a first
 * match, before the Searcher's). Both give an OR query that the Searcher runs
 * with the usual filters, keeping one of each group of near-duplicates.
 * Alternatives (stems, pseudo-relevance feedback, title terms and idf boosts,
 * phrases, other weighting schemes, more or fewer terms, capitalised words,
 * word coverage, lead position) were measured and did no better:
 * docs/RELEVANCE.md, "Related articles".
 */
#ifndef FRSEARCH_SEARCHD_SEARCH_RELATED_H
#define FRSEARCH_SEARCHD_SEARCH_RELATED_H

#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "analyzers/analyzer.h"

namespace frsearch::search::detail {

/// The weighting of related-article matches (both stages, from an article or a
/// draft): BM25 with k1 1 and documents shorter than half the average length
/// weighed as that length. Not the search's relevance_weight() (k1 1.5, clamp 0.2,
/// tuned on short questions): a draft is a long query of many words, and on the
/// related tuning sample (bench/related/run.sh --offset 1000 --sample 2000) these
/// settings put the summarised article in the top 5 more often (docs/RELEVANCE.md).
Xapian::BM25Weight related_weight();

/// OR of the @p n_terms best expansion terms of document @p did, each weighted by
/// its ESet weight (OP_SCALE_WEIGHT). Only the text's stems ("Z") of 3+ bytes.
/// An empty query when the document has no such term.
Xapian::Query article_terms_query(const Xapian::Database& db, Xapian::docid did,
                                  unsigned n_terms = 25);

/// OR of the @p n_terms stems ("Z") of the words of @p text with the best tf * idf in
/// @p db, each with its frequency in the text as within-query frequency, and of a fixed weight
/// kMentionedDayWeight for the articles of the days mentioned_days() finds in it;
/// then with_title_match() of the stems of the text's words.
/// @p analyzer drops stop words. An empty query when no word of the text is in the index.
Xapian::Query text_terms_query(const Xapian::Database& db, const analysis::Analyzer& analyzer,
                               std::string_view text, unsigned n_terms = 30);

/// Share (0 to 1) of the title of @p doc that a draft also says: the inverse document
/// frequencies of its title's stems (schema::kTitleStem) found in @p stems (sorted
/// stems of the draft's words), over those of all its title's stems. 0 for a
/// document without title. @p id_term, when given, receives its schema::kId term.
double title_match(const Xapian::Database& db, const Xapian::Document& doc,
                   const std::vector<std::string>& stems, std::string* id_term = nullptr);

/// @p query with a second stage: among its kTitleMatchDepth best articles (a first
/// match, with related_weight() and no filters), each gets kTitleMatchWeight x the
/// best one's weight x its title_match() more. An article whose title says what the
/// draft says is about the draft's story; one that only shares words of its body may
/// be about another. @p query unchanged when nothing matches.
Xapian::Query with_title_match(const Xapian::Database& db, const Xapian::Query& query,
                               const std::vector<std::string>& stems);
inline constexpr double kTitleMatchWeight = 0.4;
inline constexpr unsigned kTitleMatchDepth = 30;

/// Weight added to an article published around a date the draft mentions. BM25
/// scores of a summary-sized draft's best match are ~10-25 here; 9 to 15 gave the
/// same results on the tuning sample (docs/RELEVANCE.md).
inline constexpr double kMentionedDayWeight = 12;
/// Days before and after a mentioned date whose articles get that weight: news
/// of "mercredi 31 juillet" is published that day or in the next few.
inline constexpr int kDaysBefore = 1;
inline constexpr int kDaysAfter = 3;

/// The day terms (schema::kDay) of kDaysBefore to kDaysAfter around each date
/// written in @p tokens (the folded words of a draft, with their positions) as
/// "[weekday] day month [year]" ("mercredi 31 juillet", "1er mai 2020"): of that
/// year when given, else of each year of the index (its schema::kYear terms)
/// whose calendar has that day on that weekday, or of every year without one.
/// Sorted, no duplicates; at most kMaxMentionedDates dates are read.
inline constexpr std::size_t kMaxMentionedDates = 8;
std::vector<std::string> mentioned_days(const Xapian::Database& db,
                                        const std::vector<analysis::Token>& tokens);

/// Tells the near-duplicates in a related list apart, so an article and its reposts
/// show once (the first met, the best ranked). Two articles are near-duplicates when
/// their folded titles are equal ("L’Hôpital !" = "l'hopital"), when one folded title
/// of 4+ words begins the other ("Appel à projets 2023 … (date limite prolongée)"), or
/// when their sets of distinct stems overlap by kSameWords or more (Jaccard: a repost
/// with a note added). One per list; not thread-safe.
class NearDuplicates {
 public:
  static constexpr double kSameWords = 0.7;

  /// @p words folds titles; it must outlive this object.
  explicit NearDuplicates(const analysis::Analyzer& words) : words_(words) {}

  /// True when @p doc (its title as written: @p title) repeats an article kept
  /// before; else keeps it and returns false.
  bool repeats(const Xapian::Document& doc, const std::string& title);

 private:
  struct Kept {
    std::string title;               ///< folded words joined by one space
    std::vector<std::string> words;  ///< distinct word terms, sorted
  };
  const analysis::Analyzer& words_;
  std::vector<Kept> kept_;
};

}  // namespace frsearch::search::detail

#endif  // FRSEARCH_SEARCHD_SEARCH_RELATED_H
