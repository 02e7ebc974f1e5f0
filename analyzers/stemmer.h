/** @file
 * @brief StemFilter: the stemmer for folded French (see stem() in analyzer.h).
 *
 * Snowball French expects accents: on folded words it splits the feminine
 * participles from the rest of their family (financé -> financ but
 * financee -> finance). Rewriting the folded endings "-ee" -> "-e" and
 * "-ees" -> "-es" before Snowball joins them again, so every spelling of a word
 * with or without accents gets one stem. Xapian::Stem is not thread-safe: each
 * thread uses its own.
 */
#ifndef FRSEARCH_ANALYZERS_STEMMER_H
#define FRSEARCH_ANALYZERS_STEMMER_H

#include <string>
#include <string_view>

#include "analyzers/analyzer.h"

namespace frsearch::analysis {

/// The folded word with its feminine participle ending normalised ("financees" -> "finances").
std::string normalise_feminine(std::string_view folded_word);

/// Replaces the (folded) text by its stem.
class StemFilter : public TokenFilter {
 public:
  bool apply(Token& token) const override;
};

}  // namespace frsearch::analysis

#endif  // FRSEARCH_ANALYZERS_STEMMER_H
