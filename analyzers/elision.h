/** @file
 * @brief ElisionFilter: drops a leading elided article or pronoun (l’, qu’, jusqu’…).
 *
 * Runs on the word as written, before folding, so both apostrophes (' and ’,
 * also ʼ and ‘) are recognised in any case ("L’hôpital" -> "hôpital",
 * "QU'IL" -> "IL", "jusqu’à" -> "à"). Only the listed prefixes elide, so
 * "aujourd’hui" stays whole. The token's start moves past the prefix.
 */
#ifndef FRSEARCH_ANALYZERS_ELISION_H
#define FRSEARCH_ANALYZERS_ELISION_H

#include <cstddef>
#include <string_view>

#include "analyzers/analyzer.h"

namespace frsearch::analysis {

/// Bytes of the elided prefix (letters and apostrophe) at the start of @p word,
/// or 0 when it has none or nothing follows it.
std::size_t elision_length(std::string_view word);

class ElisionFilter : public TokenFilter {
 public:
  bool apply(Token& token) const override;
};

}  // namespace frsearch::analysis

#endif  // FRSEARCH_ANALYZERS_ELISION_H
