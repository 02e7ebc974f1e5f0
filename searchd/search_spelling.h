/** @file
 * @brief "Did you mean" corrections and completions while typing.
 *
 * Both work on folded words (the index's vocabulary and its spelling table are
 * folded) and give the words their usual accents back from the "XU" surface
 * terms, so "sante publiqe" becomes "santé publique" and "hop" completes to
 * "hôpital".
 */
#ifndef FRSEARCH_SEARCHD_SEARCH_SPELLING_H
#define FRSEARCH_SEARCHD_SEARCH_SPELLING_H

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "analyzers/analyzer.h"

namespace frsearch::search::detail {

/// @p q with each unknown word replaced by the index's spelling suggestion and
/// every known word given its usual accents; operators, fields, stop words,
/// prefixes (word*) and punctuation are kept as typed. std::nullopt when no
/// word needed a correction. @p analyzer is the plain French chain.
std::optional<std::string> did_you_mean(const Xapian::Database& db,
                                        const analysis::Analyzer& analyzer, std::string_view q);

/// Up to @p n completions of the last word of @p prefix, most frequent first:
/// the whole prefix with that word completed and accented ("données de san" ->
/// "données de santé"). Empty for a prefix under 2 characters or ending in a space.
std::vector<std::string> complete(const Xapian::Database& db, const analysis::Analyzer& analyzer,
                                  std::string_view prefix, unsigned n);

}  // namespace frsearch::search::detail

#endif  // FRSEARCH_SEARCHD_SEARCH_SPELLING_H
