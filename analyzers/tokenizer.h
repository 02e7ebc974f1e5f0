/** @file
 * @brief FrenchTokenizer: NFC words from ICU word segmentation, fixed for scraped text.
 *
 * ICU's word BreakIterator runs over a UTF-8 UText, so boundaries are byte
 * offsets into the caller's text (invalid UTF-8 reads as U+FFFD and is never a
 * word). ICU then joins too much for news text scraped from the web, so each
 * ICU word is re-split:
 *   - "S.N.D.S" (single letters and dots) is an acronym: text "SNDS";
 *   - any other '.' splits, except between digits ("jeudi.Le" -> jeudi, Le; "3.5" stays);
 *   - ':', '_' and other joiners split ("titre:covid" -> titre, covid);
 *   - apostrophes (' ’ ʼ) and the middle dot stay inside the word for later filters;
 *   - format characters (soft hyphen, zero-width joiners) are dropped from the text.
 * Words longer than kMaxTokenBytes are dropped but keep their position.
 *
 * Most news text is Latin script and punctuation, where ICU's word rules reduce to
 * a few of UAX #29's (letters and digits join; '.', ''', '’' join two letters or two
 * digits; ',' and ';' two digits; '_' and U+202F join on both sides). A text whose
 * every code point is in that small set is segmented by those rules directly, with
 * the same segments as ICU and about a fifth of its cost; any other text (combining
 * marks, format characters, other scripts, invalid UTF-8) goes through ICU.
 */
#ifndef FRSEARCH_ANALYZERS_TOKENIZER_H
#define FRSEARCH_ANALYZERS_TOKENIZER_H

#include <cstddef>
#include <string_view>
#include <vector>

#include "analyzers/analyzer.h"

namespace frsearch::analysis {

/// Longest token kept, in bytes of its NFC text.
inline constexpr std::size_t kMaxTokenBytes = 64;

class FrenchTokenizer : public Tokenizer {
 public:
  /// @p fast_path false: always ICU (the reference the fast path is tested against).
  explicit FrenchTokenizer(bool fast_path = true) : fast_path_(fast_path) {}
  std::vector<Token> tokenize(std::string_view text) const override;

 private:
  bool fast_path_;
};

}  // namespace frsearch::analysis

#endif  // FRSEARCH_ANALYZERS_TOKENIZER_H
