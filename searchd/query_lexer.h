/** @file
 * @brief The lexer of the query language: query text in, syntax tokens out.
 *
 * Splits a query into words, "phrases" (also « » and “ ”), parentheses,
 * field names (title:, titre:, category:, categorie:, date:), the +/- marks
 * and the upper-case operators (AND OR NOT ET OU SAUF NEAR NEAR/n). Words are
 * left as written: the French analysis happens later, in the parser, so that
 * word splitting is always the one of the documents. The lexer never throws;
 * it reports broken syntax (an unbalanced quote, an empty field name) through
 * LexResult::broken so the caller can fall back to plain words.
 */
#ifndef FRSEARCH_SEARCHD_QUERY_LEXER_H
#define FRSEARCH_SEARCHD_QUERY_LEXER_H

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace frsearch::search {

enum class Field { kNone, kTitle, kCategory, kDate };

struct LexToken {
  enum class Kind { kWord, kPhrase, kOpen, kClose, kField, kPlus, kMinus, kAnd, kOr, kNot, kNear };
  Kind kind = Kind::kWord;
  std::string text;            ///< kWord: the word as written; kPhrase: the text between the quotes
  Field field = Field::kNone;  ///< kField only
  unsigned window = 0;         ///< kNear only: the n of NEAR/n (default kDefaultNearWindow)
  bool attached = false;       ///< glued to the token before it (after a field name or +/-)
};

struct LexResult {
  std::vector<LexToken> tokens;
  bool broken = false;  ///< unbalanced quote, empty field name (":x"), or too many tokens
};

/// A query of more tokens than this is not parsed (its words are searched
/// plainly): far more than kMaxQueryTerms needs, and it bounds the parser's work.
inline constexpr std::size_t kMaxQueryTokens = 5000;

/// How many words NEAR allows between its operands when no /n is given.
inline constexpr unsigned kDefaultNearWindow = 10;
/// The largest n accepted in NEAR/n (larger values are clamped).
inline constexpr unsigned kMaxNearWindow = 1000;

/// Tokenizes a whole query. Any bytes are accepted (invalid UTF-8, NUL).
LexResult lex_query(std::string_view text);

/// The field named @p name (case, accents ignored: "Titre", "catégorie"), or kNone.
Field field_named(std::string_view name);

/// Splits @p text into plain word chunks for the fallback: syntax characters
/// (parentheses, quotes, ':' and whitespace) separate chunks and upper-case
/// operators are dropped. "(santé AND" -> {"santé"}.
std::vector<std::string_view> plain_chunks(std::string_view text);

}  // namespace frsearch::search

#endif  // FRSEARCH_SEARCHD_QUERY_LEXER_H
