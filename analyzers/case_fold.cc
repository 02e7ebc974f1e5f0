// Lowercase and folding: see case_fold.h.
#include "analyzers/case_fold.h"

#include <unicode/bytestream.h>
#include <unicode/casemap.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>

#include "analyzers/unicode_util.h"

namespace frsearch::analysis {
namespace {

void append_utf8(UChar32 c, std::string& out) {
  char buffer[U8_MAX_LENGTH];
  std::int32_t length = 0;
  UBool error = false;
  U8_APPEND(buffer, length, U8_MAX_LENGTH, c, error);
  if (error) {
    out += "\xEF\xBF\xBD";
    return;
  }
  out.append(buffer, static_cast<std::size_t>(length));
}

bool is_removed(UChar32 c) {
  switch (c) {
    case '\'':
    case 0x2018:  // ‘
    case 0x2019:  // ’
    case 0x02BC:  // ʼ
    case 0x00B7:  // middle dot of inclusive writing
      return true;
    default:
      break;
  }
  const std::int8_t type = u_charType(c);
  return type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK || type == U_FORMAT_CHAR;
}

/// Lowercase letters that NFKD keeps whole but French readers type otherwise.
struct Expansion {
  UChar32 letter;
  const char* ascii;
};
constexpr Expansion kExpansions[] = {
    {0x0153, "oe"},  // œ
    {0x00E6, "ae"},  // æ
    {0x00DF, "ss"},  // ß
    {0x00F8, "o"},   // ø
    {0x0111, "d"},   // đ
    {0x00F0, "d"},   // ð
    {0x0142, "l"},   // ł
    {0x00FE, "th"},  // þ
    {0x0131, "i"},   // dotless ı
};

/// Appends a lowercase base letter, expanded when it is one of kExpansions.
void append_base(UChar32 c, std::string& out) {
  for (const Expansion& e : kExpansions) {
    if (e.letter == c) {
      out += e.ascii;
      return;
    }
  }
  append_utf8(c, out);
}

const icu::Normalizer2& nfkd() {
  static const icu::Normalizer2* const instance = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFKDInstance(status);
    if (U_FAILURE(status)) throw std::runtime_error("ICU NFKD data unavailable");
    return n;
  }();
  return *instance;
}

/// The definition of folding for one code point: lowercase, NFKD, drop marks, expand ligatures.
void fold_code_point_slow(UChar32 c, std::string& out) {
  c = u_tolower(c);
  if (is_removed(c)) return;
  icu::UnicodeString decomposition;
  if (!nfkd().getDecomposition(c, decomposition)) {
    append_base(c, out);
    return;
  }
  for (std::int32_t i = 0; i < decomposition.length();) {
    const UChar32 d = u_tolower(decomposition.char32At(i));
    i += U16_LENGTH(d);
    if (!is_removed(d)) append_base(d, out);
  }
}

/// fold_code_point_slow() precomputed for U+0000..U+07FF.
struct FoldTable {
  static constexpr UChar32 kSize = 0x800;
  struct Entry {
    std::uint8_t size = 0;
    char bytes[7] = {};
  };
  std::array<Entry, kSize> entries;
  std::array<bool, kSize> fits;  ///< false: fold longer than 7 bytes, use the slow path

  FoldTable() {
    for (UChar32 c = 0; c < kSize; ++c) {
      std::string folded;
      fold_code_point_slow(c, folded);
      fits[c] = folded.size() <= sizeof(Entry::bytes);
      if (!fits[c]) continue;
      entries[c].size = static_cast<std::uint8_t>(folded.size());
      folded.copy(entries[c].bytes, folded.size());
    }
  }
};

const FoldTable& fold_table() {
  static const FoldTable table;
  return table;
}

void fold_code_point(UChar32 c, std::string& out) {
  if (c < 0) {
    out += "\xEF\xBF\xBD";
    return;
  }
  const FoldTable& table = fold_table();
  if (c < FoldTable::kSize && table.fits[c]) {
    const FoldTable::Entry& e = table.entries[c];
    out.append(e.bytes, e.size);
    return;
  }
  fold_code_point_slow(c, out);
}

/// lowercase() without ICU's case mapper for a word of ASCII and U+0080..U+017F
/// (Latin-1 Supplement, Latin Extended-A: every French letter). There the full
/// lowercase mapping is the simple one, one code point for one, except U+0130 (İ),
/// left to ICU. False, with @p out unspecified, for anything else.
bool lowercase_latin(std::string_view word, std::string& out) {
  out.clear();
  out.reserve(word.size());
  const auto* s = reinterpret_cast<const std::uint8_t*>(word.data());
  const std::size_t n = word.size();
  for (std::size_t i = 0; i < n;) {
    const std::uint8_t b = s[i];
    if (b < 0x80) {
      out += (b >= 'A' && b <= 'Z') ? static_cast<char>(b - 'A' + 'a') : static_cast<char>(b);
      ++i;
      continue;
    }
    // Two-byte sequences of U+0080..U+017F only: lead bytes C2..C5.
    if (b < 0xC2 || b > 0xC5 || i + 1 >= n || (s[i + 1] & 0xC0) != 0x80) return false;
    const UChar32 c = ((b & 0x1F) << 6) | (s[i + 1] & 0x3F);
    if (c == 0x0130) return false;
    const UChar32 lower = u_tolower(c);
    if (lower < 0x80 || lower > 0x7FF) return false;  // not one 2-byte code point
    out += static_cast<char>(0xC0 | (lower >> 6));
    out += static_cast<char>(0x80 | (lower & 0x3F));
    i += 2;
  }
  return true;
}

}  // namespace

std::string lowercase(std::string_view word) {
  if (is_ascii(word)) {
    std::string out(word);
    ascii_lower_in_place(out);
    return out;
  }
  std::string out;
  if (lowercase_latin(word, out)) return out;
  out.clear();
  out.reserve(word.size());
  icu::StringByteSink<std::string> sink(&out);
  UErrorCode status = U_ZERO_ERROR;
  icu::CaseMap::utf8ToLower("", 0,
                            icu::StringPiece(word.data(), static_cast<std::int32_t>(word.size())),
                            sink, nullptr, status);
  return U_SUCCESS(status) ? out : std::string(word);
}

std::string lower(std::string_view word) {
  return is_ascii(word) ? lowercase(word) : lowercase(nfc_utf8(word));
}

std::string fold(std::string_view word) {
  std::string out;
  out.reserve(word.size());
  const auto* s = reinterpret_cast<const std::uint8_t*>(word.data());
  const auto length = static_cast<std::int32_t>(word.size());
  for (std::int32_t i = 0; i < length;) {
    const unsigned char ch = s[i];
    if (ch < 0x80) {
      ++i;
      if (ch == '\'') continue;
      out += (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : static_cast<char>(ch);
      continue;
    }
    UChar32 c;
    U8_NEXT(s, i, length, c);
    fold_code_point(c, out);
  }
  return out;
}

bool LowercaseFilter::apply(Token& token) const {
  if (is_ascii(token.text)) {
    ascii_lower_in_place(token.text);
  } else {
    token.text = lowercase(token.text);
  }
  return true;
}

bool FoldFilter::apply(Token& token) const {
  std::string& text = token.text;
  if (is_ascii(text)) {  // what fold() does to ASCII, in place: no copy, most words
    text.erase(std::remove(text.begin(), text.end(), '\''), text.end());
    ascii_lower_in_place(text);
  } else {
    text = fold(text);
  }
  return !text.empty();
}

}  // namespace frsearch::analysis
