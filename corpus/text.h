/** @file
 * @brief Small text helpers shared by the corpus readers (internal to corpus/).
 *
 * UTF-8 checking is done here rather than left to the JSON parser so that a
 * rejection can say exactly which byte is wrong. The slug is a fixed ASCII
 * transliteration of Latin letters: ids derived from it must stay the same
 * across runs and versions, so it does not depend on ICU's tables.
 */
#ifndef FRSEARCH_CORPUS_TEXT_H
#define FRSEARCH_CORPUS_TEXT_H

#include <cstddef>
#include <string>
#include <string_view>

namespace frsearch::corpus::text {

/// Byte offset of the first byte that is not part of well-formed UTF-8
/// (overlong forms, surrogates and code points above U+10FFFF are ill-formed),
/// or std::string_view::npos when @p s is valid.
std::size_t find_invalid_utf8(std::string_view s);

/// @p s without leading and trailing white space: ASCII spaces and controls
/// \t\n\v\f\r, and the Unicode spaces of French typography (U+00A0, U+202F,
/// U+2007, U+2009, U+200B, U+FEFF).
std::string_view trim(std::string_view s);

/// True when trim(s) is empty.
inline bool is_blank(std::string_view s) {
  return trim(s).empty();
}

/// Lower-case ASCII words of @p s joined by '-': Latin letters lose their
/// accents (é→e, œ→oe, ß→ss), every other character separates words. Cut at a
/// word boundary so that the result has at most @p max_bytes bytes (a single
/// longer word is cut).
std::string slug(std::string_view s, std::size_t max_bytes);

/// @p s cut to at most @p max_bytes bytes on a UTF-8 boundary, with "…" added
/// when something was cut. For quoting input in short messages.
std::string excerpt(std::string_view s, std::size_t max_bytes);

}  // namespace frsearch::corpus::text

#endif  // FRSEARCH_CORPUS_TEXT_H
