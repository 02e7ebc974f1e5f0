/** @file
 * @brief Percent-encoding for the HTTP clients of the tests and benchmarks.
 *
 * Header-only and dependency-free, so bench/ can use it too: a path segment or
 * a query string value with every byte but RFC 3986's unreserved characters
 * (ALPHA, DIGIT, "-", ".", "_", "~") written as %XX.
 */
#ifndef FRSEARCH_TESTS_SEARCHD_URL_ENCODE_H
#define FRSEARCH_TESTS_SEARCHD_URL_ENCODE_H

#include <cctype>
#include <string>

namespace frsearch::search::testing {

/// @p text percent-encoded (upper-case hex digits), ready for a URL.
inline std::string url_encode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace frsearch::search::testing

#endif  // FRSEARCH_TESTS_SEARCHD_URL_ENCODE_H
