/** @file
 * @brief French text analysis: a tokenizer followed by small token filters.
 *
 * One narrow interface serves indexing, query parsing and highlighting, so the
 * three always agree on what a "word" is. A Token keeps the byte offsets of the
 * word in the original text, so a highlighter can wrap the original bytes.
 *
 * The stages, in order (see docs/ARCHITECTURE.md for why this order):
 *   FrenchTokenizer  NFC + ICU word segmentation, glued sentences split, acronyms joined
 *   ElisionFilter    l' d' j' m' n' s' t' c' qu' jusqu' lorsqu' puisqu' quoiqu' (' or ’)
 *   LowercaseFilter  Unicode lower case (accents kept)
 *   FoldFilter       accent and ligature folding (é→e, ç→c, œ→oe, æ→ae)
 *   StopFilter       French stop words (folded list), optional
 *   StemFilter       stemmer for folded French (accent-insensitive by construction), optional
 */
#ifndef FRSEARCH_ANALYZERS_ANALYZER_H
#define FRSEARCH_ANALYZERS_ANALYZER_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

namespace frsearch::analysis {

/// One word of a text as it moves through the pipeline.
struct Token {
  std::string text;            ///< current form; each filter rewrites it
  std::size_t start = 0;       ///< byte offset of the word in the original text
  std::size_t end = 0;         ///< byte offset just past the word
  std::uint32_t position = 0;  ///< word position (0-based); dropped tokens leave gaps
};

/// Splits a text into tokens. Never throws on bad input: invalid UTF-8 is
/// treated as U+FFFD and offsets always lie within the input.
class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  virtual std::vector<Token> tokenize(std::string_view text) const = 0;
};

/// One stage after the tokenizer: rewrites a token in place, or drops it by
/// returning false. Filters hold no per-call state and are thread-safe.
class TokenFilter {
 public:
  virtual ~TokenFilter() = default;
  virtual bool apply(Token& token) const = 0;
};

/// A tokenizer and a chain of filters. Immutable once built; safe to share
/// between threads.
class Analyzer {
 public:
  Analyzer(std::unique_ptr<Tokenizer> tokenizer, std::vector<std::unique_ptr<TokenFilter>> filters);
  Analyzer(Analyzer&&) noexcept;
  Analyzer& operator=(Analyzer&&) noexcept;
  ~Analyzer();

  /// Runs the whole chain over @p text.
  std::vector<Token> analyze(std::string_view text) const;

 private:
  std::unique_ptr<Tokenizer> tokenizer_;
  std::vector<std::unique_ptr<TokenFilter>> filters_;
};

/// What the French chain ends with.
struct FrenchOptions {
  bool stop_words = false;  ///< drop French stop words (queries); documents keep them for phrases
  bool stem = false;        ///< replace each word by its folded-French stem
};

/// The standard chain: tokenizer, elision, lowercase, fold, then optionally stop and stem.
Analyzer make_french_analyzer(FrenchOptions options = {});

/// Lowercase + NFC of one word, accents kept ("L’Hôpital" → "l’hôpital"). For surface forms.
std::string lower(std::string_view word);

/// Lowercase + accent/ligature folding of one word ("Œuvrées" → "oeuvrees").
std::string fold(std::string_view word);

/// The stemmer for folded French: stem(fold(w)) is the same for every
/// spelling of w with or without accents, and conflates inflections
/// (financé, financée, financées, financement → one stem).
std::string stem(std::string_view folded_word);

/// A Xapian::Stem applying stem(fold(word)), so Xapian's own machinery (TermGenerator,
/// QueryParser, ESet) makes exactly our terms. Like any Xapian::Stem, one copy per thread.
Xapian::Stem make_xapian_stemmer();

/// True for a French stop word given in folded form ("a", "les", "etait", "quel").
bool is_stop_word(std::string_view folded_word);

}  // namespace frsearch::analysis

#endif  // FRSEARCH_ANALYZERS_ANALYZER_H
