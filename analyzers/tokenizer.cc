// FrenchTokenizer: ICU word segmentation over UTF-8, then the re-splits of tokenizer.h.
#include "analyzers/tokenizer.h"

#include "analyzers/unicode_util.h"

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include <array>
#include <climits>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

namespace frsearch::analysis {
namespace {

/// What a code point inside an ICU word does to the word.
enum class Kind : std::uint8_t {
  kWord,        ///< letter, digit or combining mark
  kApostrophe,  ///< ' ’ ʼ ‘: kept, for the elision filter
  kDot,         ///< '.': acronym, decimal point or glued sentence
  kNumSep,      ///< ',' ';' between digits ("3,5")
  kKeep,        ///< middle dot of inclusive writing ("salarié·e·s"): kept, folded away later
  kIgnore,      ///< format character (soft hyphen, ZWJ): dropped from the text
  kSplit,       ///< anything else (':', '_', U+202F, invalid UTF-8): ends the token
};

Kind classify(UChar32 c) {
  if (c < 0) return Kind::kSplit;
  if (c < 0x80) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      return Kind::kWord;
    }
    if (c == '\'') return Kind::kApostrophe;
    if (c == '.') return Kind::kDot;
    if (c == ',' || c == ';') return Kind::kNumSep;
    return Kind::kSplit;
  }
  switch (c) {
    case 0x2019:
    case 0x2018:
    case 0x02BC:
      return Kind::kApostrophe;
    case 0x2024:
    case 0xFE52:
    case 0xFF0E:
      return Kind::kDot;
    case 0x00B7:
      return Kind::kKeep;
    default:
      break;
  }
  const std::int8_t type = u_charType(c);
  if (type == U_FORMAT_CHAR) return Kind::kIgnore;
  if (u_isalnum(c) || type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK ||
      type == U_ENCLOSING_MARK) {
    return Kind::kWord;
  }
  return Kind::kSplit;
}

/// One decoded code point of an ICU word, with its byte range in the whole text.
struct CodePoint {
  UChar32 c;
  std::size_t begin;
  std::size_t end;
  Kind kind;
};

using CodePoints = std::vector<CodePoint>;

bool is_digit_at(const CodePoints& cps, std::size_t i) {
  return cps[i].kind == Kind::kWord && u_isdigit(cps[i].c);
}

/// Single letters (plus combining marks) between dots, as in "S.N.D.S"; an elided
/// article may come first ("l'O.M.S"), the elision filter removes it later.
bool is_acronym(const CodePoints& cps, std::size_t first, std::size_t last) {
  std::size_t letters = 0;
  std::size_t parts = 1;
  for (std::size_t i = first; i < last; ++i) {
    const CodePoint& cp = cps[i];
    if (cp.kind == Kind::kDot) {
      if (letters != 1) return false;
      letters = 0;
      ++parts;
    } else if (cp.kind == Kind::kApostrophe && parts == 1) {
      letters = 0;
    } else if (cp.kind == Kind::kWord && u_isalpha(cp.c)) {
      ++letters;
    } else if (cp.kind == Kind::kWord && !u_isalnum(cp.c)) {
      continue;  // combining mark
    } else if (cp.kind != Kind::kIgnore) {
      return false;
    }
  }
  return letters == 1 && parts >= 2;
}

/// Builds the tokens of one text; holds the per-call state.
class TokenSink {
 public:
  TokenSink(std::string_view text, std::vector<Token>& out) : text_(text), out_(out) {}

  /// One ICU word segment [begin, end).
  void segment(std::size_t begin, std::size_t end) {
    if (all_ascii_alnum(begin, end)) {
      emit(std::string(text_.substr(begin, end - begin)), begin, end);
      return;
    }
    decode(begin, end);
    std::size_t piece = 0;
    for (std::size_t i = 0; i <= cps_.size(); ++i) {
      if (i == cps_.size() || cps_[i].kind == Kind::kSplit) {
        this->piece(piece, i);
        piece = i + 1;
      }
    }
  }

 private:
  bool all_ascii_alnum(std::size_t begin, std::size_t end) const {
    for (std::size_t i = begin; i < end; ++i) {
      const unsigned char ch = static_cast<unsigned char>(text_[i]);
      const bool alnum =
          (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
      if (!alnum) return false;
    }
    return true;
  }

  void decode(std::size_t begin, std::size_t end) {
    cps_.clear();
    const auto* s = reinterpret_cast<const std::uint8_t*>(text_.data() + begin);
    const auto length = static_cast<std::int32_t>(end - begin);
    std::int32_t i = 0;
    while (i < length) {
      const std::int32_t at = i;
      UChar32 c;
      U8_NEXT(s, i, length, c);
      cps_.push_back({c, begin + static_cast<std::size_t>(at), begin + static_cast<std::size_t>(i),
                      classify(c)});
    }
  }

  /// Narrows [first, last) to start and end on a word character; false if none.
  bool trim(std::size_t& first, std::size_t& last) const {
    while (first < last && cps_[first].kind != Kind::kWord) ++first;
    while (last > first && cps_[last - 1].kind != Kind::kWord) --last;
    return first < last;
  }

  /// A run of code points without kSplit: an acronym, or split at dots not between digits.
  void piece(std::size_t first, std::size_t last) {
    if (!trim(first, last)) return;
    if (is_acronym(cps_, first, last)) {
      emit_range(first, last, /*drop_dots=*/true);
      return;
    }
    std::size_t part = first;
    for (std::size_t i = first; i < last; ++i) {
      if (cps_[i].kind != Kind::kDot) continue;
      const bool decimal =
          i > first && i + 1 < last && is_digit_at(cps_, i - 1) && is_digit_at(cps_, i + 1);
      if (decimal) continue;
      std::size_t a = part;
      std::size_t b = i;
      if (trim(a, b)) emit_range(a, b, /*drop_dots=*/false);
      part = i + 1;
    }
    std::size_t a = part;
    std::size_t b = last;
    if (trim(a, b)) emit_range(a, b, /*drop_dots=*/false);
  }

  void emit_range(std::size_t first, std::size_t last, bool drop_dots) {
    std::string word;
    bool ascii = true;
    for (std::size_t i = first; i < last; ++i) {
      const CodePoint& cp = cps_[i];
      if (cp.kind == Kind::kIgnore || (drop_dots && cp.kind == Kind::kDot)) continue;
      if (cp.c >= 0x80) ascii = false;
      word.append(text_.data() + cp.begin, cp.end - cp.begin);
    }
    if (!ascii) word = nfc_utf8(word);
    emit(std::move(word), cps_[first].begin, cps_[last - 1].end);
  }

  void emit(std::string word, std::size_t begin, std::size_t end) {
    const std::uint32_t position = next_position_++;
    if (word.size() > kMaxTokenBytes) return;
    out_.push_back(Token{std::move(word), begin, end, position});
  }

  std::string_view text_;
  std::vector<Token>& out_;
  CodePoints cps_;
  std::uint32_t next_position_ = 0;
};

/// UAX #29 Word_Break classes the fast segmenter handles (tokenizer.h); kUnknown sends
/// the whole text to ICU.
enum class Wb : std::uint8_t {
  kUnknown,
  kOther,         ///< always a boundary on both sides (spaces, most punctuation)
  kLetter,        ///< ALetter
  kNumeric,       ///< Numeric
  kMidLetter,     ///< MidLetter: between two letters
  kMidNumLet,     ///< MidNumLet, Single_Quote: between two letters or two digits
  kMidNum,        ///< MidNum: between two digits
  kExtendNumLet,  ///< ExtendNumLet: joins letters, digits and itself on both sides
};

/// Code points below U+0800 (Latin, Greek, Cyrillic, ...) and the General Punctuation
/// block, where the Word_Break property alone decides. Left out: Hebrew and later
/// scripts (their own rules, dictionaries), Extend/Format/ZWJ (they attach to the
/// previous character), pictographs (emoji sequences), and any letter or digit ICU
/// does not class as one.
class WordBreakTable {
 public:
  static constexpr UChar32 kLowEnd = 0x0800;
  static constexpr UChar32 kPunctBegin = 0x2000;
  static constexpr UChar32 kPunctEnd = 0x2070;

  WordBreakTable() {
    for (UChar32 c = 0; c < kLowEnd; ++c) low_[static_cast<std::size_t>(c)] = compute(c);
    for (UChar32 c = kPunctBegin; c < kPunctEnd; ++c)
      punct_[static_cast<std::size_t>(c - kPunctBegin)] = compute(c);
  }

  Wb operator()(UChar32 c) const {
    if (c >= 0 && c < kLowEnd) return low_[static_cast<std::size_t>(c)];
    if (c >= kPunctBegin && c < kPunctEnd) return punct_[static_cast<std::size_t>(c - kPunctBegin)];
    return Wb::kUnknown;
  }

 private:
  static Wb compute(UChar32 c) {
    if (u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC)) return Wb::kUnknown;
    const Kind kind = classify(c);
    switch (u_getIntPropertyValue(c, UCHAR_WORD_BREAK)) {
      case U_WB_ALETTER:
        return c < 0x0590 && kind == Kind::kWord ? Wb::kLetter : Wb::kUnknown;
      case U_WB_NUMERIC:
        return kind == Kind::kWord ? Wb::kNumeric : Wb::kUnknown;
      case U_WB_MIDLETTER:
        return Wb::kMidLetter;
      case U_WB_MIDNUMLET:
      case U_WB_SINGLE_QUOTE:
        return Wb::kMidNumLet;
      case U_WB_MIDNUM:
        return Wb::kMidNum;
      case U_WB_EXTENDNUMLET:
        return Wb::kExtendNumLet;
      case U_WB_OTHER:
      case U_WB_CR:
      case U_WB_LF:
      case U_WB_NEWLINE:
      case U_WB_WSEGSPACE:
      case U_WB_DOUBLE_QUOTE:  // only Hebrew letters give it a rule
        return kind == Kind::kWord || kind == Kind::kIgnore ? Wb::kUnknown : Wb::kOther;
      default:
        return Wb::kUnknown;
    }
  }

  std::array<Wb, kLowEnd> low_{};
  std::array<Wb, kPunctEnd - kPunctBegin> punct_{};
};

const WordBreakTable& word_break_table() {
  static const WordBreakTable table;
  return table;
}

bool joins(Wb wb) {
  return wb == Wb::kLetter || wb == Wb::kNumeric || wb == Wb::kExtendNumLet;
}

/// The word segments of @p text (those holding a letter, digit or ExtendNumLet) by the
/// UAX #29 rules WB5-WB13b, into @p sink; false, with nothing emitted, when a code
/// point is outside the table.
bool fast_segments(std::string_view text, TokenSink& sink) {
  struct Unit {
    std::size_t begin;
    Wb wb;
  };
  const WordBreakTable& table = word_break_table();
  std::vector<Unit> units;
  units.reserve(text.size() + 1);
  const auto* s = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<std::int32_t>(text.size());
  for (std::int32_t i = 0; i < length;) {
    const std::int32_t at = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    const Wb wb = table(c);  // invalid UTF-8 (c < 0) is kUnknown
    if (wb == Wb::kUnknown) return false;
    units.push_back({static_cast<std::size_t>(at), wb});
  }
  const std::size_t n = units.size();
  units.push_back({text.size(), Wb::kOther});
  for (std::size_t k = 0; k < n;) {
    if (!joins(units[k].wb)) {
      ++k;
      continue;
    }
    Wb prev = units[k].wb;
    std::size_t j = k + 1;
    while (j < n) {
      const Wb cur = units[j].wb;
      if (joins(cur)) {  // WB5, WB8-WB10, WB13a, WB13b
        prev = cur;
        ++j;
        continue;
      }
      const Wb next = units[j + 1].wb;  // the sentinel when j + 1 == n
      const bool letters = prev == Wb::kLetter && next == Wb::kLetter &&
                           (cur == Wb::kMidLetter || cur == Wb::kMidNumLet);  // WB6, WB7
      const bool digits = prev == Wb::kNumeric && next == Wb::kNumeric &&
                          (cur == Wb::kMidNum || cur == Wb::kMidNumLet);  // WB11, WB12
      if (!letters && !digits) break;
      prev = next;
      j += 2;
    }
    sink.segment(units[k].begin, units[j].begin);
    k = j;
  }
  return true;
}

/// The calling thread's word iterator: creating one costs more than segmenting an article.
icu::BreakIterator& word_iterator() {
  thread_local const std::unique_ptr<icu::BreakIterator> iterator = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> it(
        icu::BreakIterator::createWordInstance(icu::Locale::getFrench(), status));
    if (U_FAILURE(status) || !it) throw std::runtime_error("ICU word break iterator unavailable");
    return it;
  }();
  return *iterator;
}

/// Points the iterator at a UTF-8 text for one call, and away from it afterwards.
class IteratorText {
 public:
  IteratorText(icu::BreakIterator& it, std::string_view text) : it_(it) {
    UErrorCode status = U_ZERO_ERROR;
    utext_openUTF8(&text_, text.data(), static_cast<std::int64_t>(text.size()), &status);
    it_.setText(&text_, status);
    ok_ = U_SUCCESS(status);
  }
  ~IteratorText() {
    UErrorCode status = U_ZERO_ERROR;
    UText empty = UTEXT_INITIALIZER;
    utext_openUTF8(&empty, "", 0, &status);
    it_.setText(&empty, status);
    utext_close(&empty);
    utext_close(&text_);
  }
  IteratorText(const IteratorText&) = delete;
  IteratorText& operator=(const IteratorText&) = delete;
  bool ok() const { return ok_; }

 private:
  icu::BreakIterator& it_;
  UText text_ = UTEXT_INITIALIZER;
  bool ok_ = false;
};

}  // namespace

std::vector<Token> FrenchTokenizer::tokenize(std::string_view text) const {
  std::vector<Token> tokens;
  // ICU indexes UTF-8 with int32_t: a longer text is cut (never seen in news).
  if (text.size() > static_cast<std::size_t>(INT32_MAX)) text = text.substr(0, INT32_MAX);
  if (text.empty()) return tokens;
  tokens.reserve(text.size() / 7 + 1);
  if (fast_path_) {
    TokenSink sink(text, tokens);
    if (fast_segments(text, sink)) return tokens;
  }

  icu::BreakIterator& it = word_iterator();
  const IteratorText scoped(it, text);
  if (!scoped.ok()) return tokens;
  TokenSink sink(text, tokens);
  std::int32_t begin = it.first();
  for (std::int32_t end = it.next(); end != icu::BreakIterator::DONE;
       begin = end, end = it.next()) {
    if (it.getRuleStatus() < UBRK_WORD_NONE_LIMIT) continue;  // spaces, punctuation
    sink.segment(static_cast<std::size_t>(begin), static_cast<std::size_t>(end));
  }
  return tokens;
}

}  // namespace frsearch::analysis
