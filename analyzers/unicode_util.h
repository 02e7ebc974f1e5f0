/** @file
 * @brief Small UTF-8 helpers shared by the analysis stages (internal).
 */
#ifndef FRSEARCH_ANALYZERS_UNICODE_UTIL_H
#define FRSEARCH_ANALYZERS_UNICODE_UTIL_H

#include <string>
#include <string_view>

namespace frsearch::analysis {

/// True when every byte of @p s is ASCII (the fast path of every stage).
inline bool is_ascii(std::string_view s) {
  for (const char ch : s) {
    if (static_cast<unsigned char>(ch) >= 0x80) return false;
  }
  return true;
}

/// ASCII A-Z to a-z, in place.
inline void ascii_lower_in_place(std::string& s) {
  for (char& ch : s) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
}

/// NFC of a UTF-8 string (invalid sequences become U+FFFD).
std::string nfc_utf8(std::string_view s);

}  // namespace frsearch::analysis

#endif  // FRSEARCH_ANALYZERS_UNICODE_UTIL_H
