/** @file
 * @brief StopFilter: drops French stop words, matched on the folded form.
 *
 * Our own list (articles, pronouns, prepositions, conjunctions, the forms of
 * être and avoir, question words such as quel, combien, pourquoi), written
 * folded so that "à"/"a" or "été"/"ete" are one entry. Queries use it;
 * documents keep stop words so that phrases keep their positions.
 */
#ifndef FRSEARCH_ANALYZERS_STOP_WORDS_H
#define FRSEARCH_ANALYZERS_STOP_WORDS_H

#include <string_view>
#include <vector>

#include "analyzers/analyzer.h"

namespace frsearch::analysis {

/// The whole list, sorted, folded (for tests and tools).
const std::vector<std::string_view>& french_stop_words();

/// Drops a token whose (folded) text is a stop word.
class StopFilter : public TokenFilter {
 public:
  bool apply(Token& token) const override;
};

}  // namespace frsearch::analysis

#endif  // FRSEARCH_ANALYZERS_STOP_WORDS_H
