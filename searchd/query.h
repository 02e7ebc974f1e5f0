/** @file
 * @brief The query language of SPEC.md, parsed into a Xapian::Query.
 *
 * Plain words, "phrases", -exclusion, AND/OR/NOT and ET/OU/SAUF, parentheses,
 * title:/titre:, category:/categorie:, date:FROM..TO (a filter inside the
 * query), word* and NEAR. Every
 * word goes through the same French analysis as the documents. Broken syntax
 * is never an error: the text is then searched as plain words.
 */
#ifndef FRSEARCH_SEARCHD_QUERY_H
#define FRSEARCH_SEARCHD_QUERY_H

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

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
  Xapian::Query query;           ///< Xapian::Query::MatchAll for an empty text
  MatchTerms highlight;          ///< positive terms only (not excluded ones)
  bool fallback = false;         ///< the syntax was broken; parsed as plain words
};

/// Parses queries against one database (used to expand word* and to restore
/// accents from the index's vocabulary). Cheap to construct; not thread-safe.
class QueryParser {
 public:
  explicit QueryParser(const Xapian::Database& db);
  ParsedQuery parse(std::string_view text) const;

 private:
  const Xapian::Database& db_;
};

}  // namespace frsearch::search

#endif  // FRSEARCH_SEARCHD_QUERY_H
