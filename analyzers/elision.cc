// ElisionFilter: see elision.h.
#include "analyzers/elision.h"

#include <algorithm>
#include <array>

namespace frsearch::analysis {
namespace {

// The French words that elide before a vowel, lowercase ASCII.
constexpr std::array<std::string_view, 13> kElided = {
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"};

bool equals_ascii_nocase(std::string_view word, std::string_view lower) {
  if (word.size() != lower.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    char ch = word[i];
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    if (ch != lower[i]) return false;
  }
  return true;
}

/// Bytes of the apostrophe at the start of @p s (' ’ ʼ ‘), or 0.
std::size_t apostrophe_length(std::string_view s) {
  if (!s.empty() && s[0] == '\'') return 1;
  if (s.size() >= 3 && (s.substr(0, 3) == "\u2019" || s.substr(0, 3) == "\u2018")) return 3;
  if (s.size() >= 2 && s.substr(0, 2) == "\u02BC") return 2;
  return 0;
}

}  // namespace

std::size_t elision_length(std::string_view word) {
  // The longest elided word is 6 letters; the apostrophe comes right after it.
  const std::size_t limit = std::min<std::size_t>(word.size(), 7);
  for (std::size_t i = 1; i < limit; ++i) {
    const std::size_t apostrophe = apostrophe_length(word.substr(i));
    if (apostrophe == 0) continue;
    const std::string_view prefix = word.substr(0, i);
    const bool elided = std::any_of(kElided.begin(), kElided.end(), [&](std::string_view e) {
      return equals_ascii_nocase(prefix, e);
    });
    const std::size_t length = i + apostrophe;
    return elided && length < word.size() ? length : 0;
  }
  return 0;
}

bool ElisionFilter::apply(Token& token) const {
  const std::size_t length = elision_length(token.text);
  if (length == 0) return true;
  token.text.erase(0, length);
  token.start = std::min(token.start + length, token.end);
  return true;
}

}  // namespace frsearch::analysis
