// Text helpers of the corpus readers: UTF-8 checking, trimming, slugs.
#include "corpus/text.h"

#include <array>
#include <cstdint>

namespace frsearch::corpus::text {
namespace {

/// Decodes the well-formed UTF-8 sequence at s[i]; returns its length and sets
/// @p cp, or returns 0 when the bytes there are ill-formed.
std::size_t decode(std::string_view s, std::size_t i, char32_t& cp) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  std::size_t len = 0;
  char32_t min = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    min = 0x80;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    min = 0x800;
    cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    min = 0x10000;
    cp = b0 & 0x07;
  } else {
    return 0;  // continuation byte, C0/C1 (overlong) or F5..FF
  }
  if (s.size() - i < len) {
    return 0;
  }
  for (std::size_t k = 1; k < len; ++k) {
    const unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) {
      return 0;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return len;
}

bool is_space(char32_t cp) {
  switch (cp) {
    case ' ':
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case 0x00A0:
    case 0x202F:
    case 0x2007:
    case 0x2009:
    case 0x200B:
    case 0xFEFF:
      return true;
    default:
      return false;
  }
}

/// Latin letters outside ASCII and their ASCII spelling, by ranges of code points.
struct Transliteration {
  char32_t first, last;
  const char* ascii;
};
constexpr std::array<Transliteration, 49> kLatin = {{
    {0x00C0, 0x00C5, "a"},  {0x00C6, 0x00C6, "ae"}, {0x00C7, 0x00C7, "c"},  {0x00C8, 0x00CB, "e"},
    {0x00CC, 0x00CF, "i"},  {0x00D0, 0x00D0, "d"},  {0x00D1, 0x00D1, "n"},  {0x00D2, 0x00D6, "o"},
    {0x00D8, 0x00D8, "o"},  {0x00D9, 0x00DC, "u"},  {0x00DD, 0x00DD, "y"},  {0x00DE, 0x00DE, "th"},
    {0x00DF, 0x00DF, "ss"}, {0x00E0, 0x00E5, "a"},  {0x00E6, 0x00E6, "ae"}, {0x00E7, 0x00E7, "c"},
    {0x00E8, 0x00EB, "e"},  {0x00EC, 0x00EF, "i"},  {0x00F0, 0x00F0, "d"},  {0x00F1, 0x00F1, "n"},
    {0x00F2, 0x00F6, "o"},  {0x00F8, 0x00F8, "o"},  {0x00F9, 0x00FC, "u"},  {0x00FD, 0x00FD, "y"},
    {0x00FE, 0x00FE, "th"}, {0x00FF, 0x00FF, "y"},  {0x0100, 0x0105, "a"},  {0x0106, 0x010D, "c"},
    {0x010E, 0x0111, "d"},  {0x0112, 0x011B, "e"},  {0x011C, 0x0123, "g"},  {0x0124, 0x0127, "h"},
    {0x0128, 0x0131, "i"},  {0x0132, 0x0133, "ij"}, {0x0134, 0x0135, "j"},  {0x0136, 0x0138, "k"},
    {0x0139, 0x0142, "l"},  {0x0143, 0x014B, "n"},  {0x014C, 0x0151, "o"},  {0x0152, 0x0153, "oe"},
    {0x0154, 0x0159, "r"},  {0x015A, 0x0161, "s"},  {0x0162, 0x0167, "t"},  {0x0168, 0x0173, "u"},
    {0x0174, 0x0175, "w"},  {0x0176, 0x0178, "y"},  {0x0179, 0x017E, "z"},  {0x017F, 0x017F, "s"},
    {0x1E9E, 0x1E9E, "ss"},
}};

/// The ASCII spelling of a letter or digit, or nullptr for a separator.
const char* ascii_of(char32_t cp, char (&one)[2]) {
  if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
    one[0] = static_cast<char>(cp);
    return one;
  }
  if (cp >= 'A' && cp <= 'Z') {
    one[0] = static_cast<char>(cp - 'A' + 'a');
    return one;
  }
  for (const auto& t : kLatin) {
    if (cp >= t.first && cp <= t.last) {
      return t.ascii;
    }
  }
  return nullptr;
}

}  // namespace

std::size_t find_invalid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    // Fast path over ASCII, which is most of the text.
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    char32_t cp;
    const std::size_t len = decode(s, i, cp);
    if (len == 0) {
      return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

std::string_view trim(std::string_view s) {
  char32_t cp;
  std::size_t len;
  while (!s.empty() && (len = decode(s, 0, cp)) != 0 && is_space(cp)) {
    s.remove_prefix(len);
  }
  while (!s.empty()) {
    // Step back to the start of the last character.
    std::size_t start = s.size() - 1;
    while (start > 0 && s.size() - start < 4 &&
           (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) {
      --start;
    }
    len = decode(s, start, cp);
    if (len != s.size() - start || !is_space(cp)) {
      break;
    }
    s.remove_suffix(len);
  }
  return s;
}

std::string slug(std::string_view s, std::size_t max_bytes) {
  std::string out;
  bool separate = false;
  char one[2] = {0, 0};
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp;
    std::size_t len = decode(s, i, cp);
    if (len == 0) {
      len = 1;
      cp = 0xFFFD;
    }
    i += len;
    const char* ascii = ascii_of(cp, one);
    if (ascii == nullptr) {
      separate = !out.empty();
      continue;
    }
    if (separate) {
      out += '-';
      separate = false;
    }
    out += ascii;
  }
  if (out.size() <= max_bytes) {
    return out;
  }
  const std::size_t cut = out.rfind('-', max_bytes);
  out.resize(cut == std::string::npos || cut == 0 ? max_bytes : cut);
  return out;
}

std::string excerpt(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) {
    return std::string(s);
  }
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return std::string(s.substr(0, cut)) + "…";
}

}  // namespace frsearch::corpus::text
