/** @file
 * @brief Highlighted snippets: the part of a text where the query's words are.
 *
 * The text is run through the same French analysis as the index, so a query
 * word matches whatever its case, accents, elision or inflection ("donnees"
 * marks "données", "hopital" marks the "hôpital" of "L’hôpital"). The output is
 * HTML-escaped text with the original bytes of each matched word wrapped in
 * <mark>…</mark>, cut on word boundaries (never inside a UTF-8 sequence).
 */
#ifndef FRSEARCH_SEARCHD_SNIPPET_H
#define FRSEARCH_SEARCHD_SNIPPET_H

#include <cstddef>
#include <string>
#include <string_view>

#include "analyzers/analyzer.h"
#include "searchd/query.h"

namespace frsearch::search {

struct SnippetOptions {
  std::size_t max_words = 30;   ///< words in the window
  std::size_t max_bytes = 240;  ///< bytes of original text in the window (approximate)
};

/// The window of @p text with the most distinct matched words (the text's
/// beginning when nothing matches), "… " / " …" where cut, runs of whitespace
/// shown as one space. @p analyzer must be the plain French chain (no stop
/// words, no stemming) so token texts are folded words.
std::string make_snippet(std::string_view text, const MatchTerms& terms,
                         const analysis::Analyzer& analyzer, const SnippetOptions& options = {});

/// Escapes & < > " ' for HTML text and attribute values.
std::string html_escape(std::string_view text);

}  // namespace frsearch::search

#endif  // FRSEARCH_SEARCHD_SNIPPET_H
