/** @file
 * @brief The queries behind related articles: an article's or a draft's best terms.
 *
 * For a stored article, Xapian's relevance feedback (an RSet of that document
 * and the ESet of its best terms); for a draft, its words weighted by
 * tf * idf against the index. Both give an OR query of folded word terms that
 * the Searcher runs with the usual filters. First versions; issue 6 tunes them.
 */
#ifndef FRSEARCH_SEARCHD_SEARCH_RELATED_H
#define FRSEARCH_SEARCHD_SEARCH_RELATED_H

#include <string_view>

#include <xapian.h>

#include "analyzers/analyzer.h"

namespace frsearch::search::detail {

/// OR of the @p n_terms best expansion terms of document @p did, each weighted by
/// its ESet weight (OP_SCALE_WEIGHT). Only word terms of 3+ bytes, no stop words.
/// An empty query when the document has no such term.
Xapian::Query article_terms_query(const Xapian::Database& db, Xapian::docid did,
                                  unsigned n_terms = 25);

/// OR of the @p n_terms words of @p text with the best tf * idf in @p db, each with
/// its frequency in the text as within-query frequency. @p analyzer drops stop words.
/// An empty query when no word of the text is in the index.
Xapian::Query text_terms_query(const Xapian::Database& db, const analysis::Analyzer& analyzer,
                               std::string_view text, unsigned n_terms = 30);

}  // namespace frsearch::search::detail

#endif  // FRSEARCH_SEARCHD_SEARCH_RELATED_H
