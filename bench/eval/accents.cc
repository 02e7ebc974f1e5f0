// Accent removal for the "no accents" questions (see accents.h).
#include "bench/eval/accents.h"

#include <stdexcept>

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace frsearch::eval {
namespace {

const icu::Normalizer2& normalizer(bool decompose) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = decompose ? icu::Normalizer2::getNFDInstance(status)
                                        : icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status) || !n) throw std::runtime_error("ICU normalizer unavailable");
  return *n;
}

/// The ligatures that are letters of their own in Unicode, not decomposable.
const char16_t* ligature(UChar32 c) {
  switch (c) {
    case u'œ':
      return u"oe";
    case u'Œ':
      return u"OE";
    case u'æ':
      return u"ae";
    case u'Æ':
      return u"AE";
    default:
      return nullptr;
  }
}

}  // namespace

std::string strip_accents(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  const auto input = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  const icu::UnicodeString decomposed = normalizer(true).normalize(input, status);
  icu::UnicodeString kept;
  for (int32_t i = 0; i < decomposed.length();) {
    const UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (U_GET_GC_MASK(c) & U_GC_M_MASK) continue;  // a combining mark
    if (const char16_t* l = ligature(c))
      kept.append(l);
    else
      kept.append(c);
  }
  const icu::UnicodeString composed = normalizer(false).normalize(kept, status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU normalization failed");
  std::string out;
  composed.toUTF8String(out);
  return out;
}

}  // namespace frsearch::eval
