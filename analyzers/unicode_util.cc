// UTF-8 helpers: see unicode_util.h.
#include "analyzers/unicode_util.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>

#include <cstdint>
#include <stdexcept>

namespace frsearch::analysis {

std::string nfc_utf8(std::string_view s) {
  static const icu::Normalizer2* const nfc = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(status);
    if (U_FAILURE(status)) throw std::runtime_error("ICU NFC data unavailable");
    return n;
  }();
  const icu::StringPiece piece(s.data(), static_cast<std::int32_t>(s.size()));
  UErrorCode status = U_ZERO_ERROR;
  if (nfc->isNormalizedUTF8(piece, status) && U_SUCCESS(status)) return std::string(s);
  std::string out;
  icu::StringByteSink<std::string> sink(&out);
  status = U_ZERO_ERROR;
  nfc->normalizeUTF8(0, piece, sink, nullptr, status);
  return U_SUCCESS(status) ? out : std::string(s);
}

}  // namespace frsearch::analysis
