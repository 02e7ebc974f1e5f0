/** @file
 * @brief The query language of SPEC.md, parsed into a Xapian::Query.
 *
 * Loosest first: OR/OU; AND/ET; NOT/SAUF ("a NOT b", or a leading "NOT b":
 * every document but b); juxtaposition (any of the words, +word required,
 * -word excluded, like Xapian's default); a NEAR b and a NEAR/n b (words, or
 * their inflections, at most n positions apart, 10 by default); atoms: word, word* (at least 2
 * letters), "phrase" (also « » and “ ”), (group), title:/titre: atom,
 * category:/categorie: value or "value with spaces" (a filter), and
 * date:FROM..TO with YYYY, YYYY-MM or YYYY-MM-DD on either side, either side
 * open (a filter, inclusive). Operators count in upper case only.
 *
 * Every word goes through the same French analysis as the documents (case,
 * accents, ligatures, elisions) and matches its inflections (its stem; index
 * format 3 has no exact words, schema.h), a title holding the exact form ranking
 * first. Stop words are dropped beside other words; alone they look in the titles;
 * phrases and NEAR match on the stems' positions, a stop word leaving a gap in
 * the phrase. Broken syntax is never an error: the text is then searched
 * as plain words and ParsedQuery::fallback says so.
 */
#ifndef FRSEARCH_SEARCHD_QUERY_H
#define FRSEARCH_SEARCHD_QUERY_H

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "indexer/synonyms.h"

namespace frsearch::search {

/// What a snippet should mark: a body word matches when its folded form is in
/// @c words, its stem in @c stems, or it starts with one of @c prefixes.
struct MatchTerms {
  std::set<std::string> words;
  std::set<std::string> stems;
  std::set<std::string> prefixes;
  bool empty() const { return words.empty() && stems.empty() && prefixes.empty(); }
};

struct ParsedQuery {
  Xapian::Query query;    ///< every document (match_all()) for an empty text
  MatchTerms highlight;   ///< positive terms only (not excluded ones)
  bool fallback = false;  ///< the syntax was broken; parsed as plain words
};

/// Parses queries against one database (used to expand word* inside phrases
/// and NEAR, which Xapian cannot do itself). Cheap to construct; not thread-safe.
class QueryParser {
 public:
  explicit QueryParser(const Xapian::Database& db);
  /// With the index's synonyms read already (indexer::read_synonyms(), which the
  /// first form calls on every parse); a Searcher keeps them per index revision.
  /// @p synonyms must outlive the parser.
  QueryParser(const Xapian::Database& db, const indexer::SynonymTable& synonyms);
  ParsedQuery parse(std::string_view text) const;

 private:
  const Xapian::Database& db_;
  const indexer::SynonymTable* synonyms_ = nullptr;  ///< null: read on every parse
};

}  // namespace frsearch::search

#endif  // FRSEARCH_SEARCHD_QUERY_H
