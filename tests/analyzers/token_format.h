/** @file
 * @brief Compact token strings for table-driven analyzer tests.
 *
 * A token prints as text@position[start,end]; tokens are joined by spaces, e.g.
 * "hopital@1[3,12] ouvre@2[13,18]". One string per case keeps tables readable and
 * shows every field that differs when a case fails.
 */
#ifndef FRSEARCH_TESTS_ANALYZERS_TOKEN_FORMAT_H
#define FRSEARCH_TESTS_ANALYZERS_TOKEN_FORMAT_H

#include <string>
#include <vector>

#include "analyzers/analyzer.h"

namespace frsearch::analysis::testing {

inline std::string describe(const std::vector<Token>& tokens) {
  std::string out;
  for (const Token& t : tokens) {
    if (!out.empty()) out += ' ';
    out += t.text + '@' + std::to_string(t.position) + '[' + std::to_string(t.start) + ',' +
           std::to_string(t.end) + ']';
  }
  return out;
}

/// Only the texts, space-separated: for cases where offsets are not the point.
inline std::string texts(const std::vector<Token>& tokens) {
  std::string out;
  for (const Token& t : tokens) {
    if (!out.empty()) out += ' ';
    out += t.text;
  }
  return out;
}

}  // namespace frsearch::analysis::testing

#endif  // FRSEARCH_TESTS_ANALYZERS_TOKEN_FORMAT_H
