/** @file
 * @brief LowercaseFilter and FoldFilter: Unicode lower case, then accent and ligature folding.
 *
 * Visitors type without accents ("hopital", "coeur"), so every indexed word is
 * folded: lowercased, decomposed (NFKD, so "ﬁ" -> "fi"), combining marks
 * removed, ligatures expanded (œ -> oe, æ -> ae, ß -> ss) and the apostrophes and
 * middle dots left inside a word removed ("aujourd’hui" -> "aujourdhui").
 * Both stages have an ASCII fast path; code points below U+0800 (all of Latin,
 * Greek, Cyrillic) are folded through a table built once from ICU's data, so a
 * French word costs a few table lookups.
 */
#ifndef FRSEARCH_ANALYZERS_CASE_FOLD_H
#define FRSEARCH_ANALYZERS_CASE_FOLD_H

#include <string>
#include <string_view>

#include "analyzers/analyzer.h"

namespace frsearch::analysis {

/// Full Unicode lowercase (root locale) of a UTF-8 word, without normalising it.
std::string lowercase(std::string_view word);

class LowercaseFilter : public TokenFilter {
 public:
  bool apply(Token& token) const override;
};

/// Replaces the text by fold(text); drops the token if nothing is left (a lone apostrophe).
class FoldFilter : public TokenFilter {
 public:
  bool apply(Token& token) const override;
};

}  // namespace frsearch::analysis

#endif  // FRSEARCH_ANALYZERS_CASE_FOLD_H
