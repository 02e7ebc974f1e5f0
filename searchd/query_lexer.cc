#include "searchd/query_lexer.h"

#include <algorithm>
#include <optional>

#include "analyzers/analyzer.h"

namespace frsearch::search {
namespace {

using Kind = LexToken::Kind;

/// The characters that delimit words in a query.
enum class Special { kNone, kSpace, kParenOpen, kParenClose, kQuoteOpen, kQuoteClose };

bool starts_with(std::string_view s, std::size_t i, std::string_view what) {
  return s.compare(i, what.size(), what) == 0;
}

// Quote pairs: "…", «…», “…” (and “…" as typed by some keyboards).
constexpr std::string_view kGuillemetOpen = "\xC2\xAB";   // «
constexpr std::string_view kGuillemetClose = "\xC2\xBB";  // »
constexpr std::string_view kCurlyOpen = "\xE2\x80\x9C";   // “
constexpr std::string_view kCurlyClose = "\xE2\x80\x9D";  // ”

/// Classifies the character at @p i; returns its length in bytes (0 for kNone).
std::size_t special_at(std::string_view s, std::size_t i, Special* kind) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  switch (c) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case '\f':
    case '\v':
      *kind = Special::kSpace;
      return 1;
    case '(':
      *kind = Special::kParenOpen;
      return 1;
    case ')':
      *kind = Special::kParenClose;
      return 1;
    case '"':
      *kind = Special::kQuoteOpen;
      return 1;
    default:
      break;
  }
  if (starts_with(s, i, "\xC2\xA0") || starts_with(s, i, "\xE2\x80\xAF") ||  // NBSP, NNBSP
      starts_with(s, i, "\xE3\x80\x80") || starts_with(s, i, "\xE2\x81\x9F")) {
    *kind = Special::kSpace;
    return s[i] == '\xC2' ? 2 : 3;
  }
  if (starts_with(s, i, "\xE2\x80") && i + 2 < s.size() &&
      static_cast<unsigned char>(s[i + 2]) >= 0x80 &&
      static_cast<unsigned char>(s[i + 2]) <= 0x8A) {
    *kind = Special::kSpace;  // U+2000..U+200A, the typographic spaces
    return 3;
  }
  if (starts_with(s, i, kGuillemetOpen) || starts_with(s, i, kCurlyOpen)) {
    *kind = Special::kQuoteOpen;
    return s[i] == '\xC2' ? 2 : 3;
  }
  if (starts_with(s, i, kGuillemetClose) || starts_with(s, i, kCurlyClose)) {
    *kind = Special::kQuoteClose;
    return s[i] == '\xC2' ? 2 : 3;
  }
  *kind = Special::kNone;
  return 0;
}

/// Where the phrase opened at @p open (length @p open_len) closes: the offset
/// of its closing quote and that quote's length, or nullopt when unbalanced.
std::optional<std::pair<std::size_t, std::size_t>> find_closing_quote(std::string_view s,
                                                                      std::size_t open,
                                                                      std::size_t open_len) {
  const std::size_t from = open + open_len;
  if (s[open] == '"') {
    const auto at = s.find('"', from);
    if (at == std::string_view::npos) return std::nullopt;
    return std::make_pair(at, std::size_t{1});
  }
  if (starts_with(s, open, kGuillemetOpen)) {
    const auto at = s.find(kGuillemetClose, from);
    if (at == std::string_view::npos) return std::nullopt;
    return std::make_pair(at, kGuillemetClose.size());
  }
  // “ closes with ” or with a straight quote, whichever comes first.
  const auto curly = s.find(kCurlyClose, from);
  const auto straight = s.find('"', from);
  if (curly == std::string_view::npos && straight == std::string_view::npos) return std::nullopt;
  if (straight < curly) return std::make_pair(straight, std::size_t{1});
  return std::make_pair(curly, kCurlyClose.size());
}

/// The operator spelled by @p word (upper case only), with its NEAR window.
std::optional<LexToken> operator_token(std::string_view word) {
  LexToken token;
  if (word == "AND" || word == "ET") {
    token.kind = Kind::kAnd;
  } else if (word == "OR" || word == "OU") {
    token.kind = Kind::kOr;
  } else if (word == "NOT" || word == "SAUF") {
    token.kind = Kind::kNot;
  } else if (word == "NEAR") {
    token.kind = Kind::kNear;
    token.window = kDefaultNearWindow;
  } else if (word.size() > 5 && word.substr(0, 5) == "NEAR/") {
    unsigned window = 0;
    for (const char c : word.substr(5)) {
      if (c < '0' || c > '9') return std::nullopt;
      window = std::min(kMaxNearWindow, window * 10 + static_cast<unsigned>(c - '0'));
    }
    token.kind = Kind::kNear;
    token.window = window;
  } else {
    return std::nullopt;
  }
  token.text = std::string(word);
  return token;
}

/// A '+' or '-' that marks the next atom: followed by something an atom can start with.
bool is_modifier_at(std::string_view s, std::size_t i) {
  if (s[i] != '+' && s[i] != '-') return false;
  if (i + 1 >= s.size()) return false;
  const char next = s[i + 1];
  if (next == '+' || next == '-') return false;
  Special kind;
  special_at(s, i + 1, &kind);
  return kind == Special::kNone || kind == Special::kQuoteOpen || kind == Special::kParenOpen;
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : s_(text) {}

  LexResult run() {
    std::size_t i = 0;
    while (i < s_.size() && !result_.broken) {
      if (result_.tokens.size() > kMaxQueryTokens) {
        result_.broken = true;
        break;
      }
      Special kind;
      const std::size_t len = special_at(s_, i, &kind);
      switch (kind) {
        case Special::kSpace:
        case Special::kQuoteClose:  // a stray closing quote is punctuation
          glue_ = false;
          at_start_ = true;
          i += len;
          break;
        case Special::kParenOpen:
          emit(Kind::kOpen, "(");
          i += len;
          break;
        case Special::kParenClose:
          emit(Kind::kClose, ")");
          i += len;
          break;
        case Special::kQuoteOpen:
          i = phrase(i, len);
          break;
        case Special::kNone:
          if (at_start_ && !glue_ && is_modifier_at(s_, i)) {
            emit(s_[i] == '+' ? Kind::kPlus : Kind::kMinus, s_.substr(i, 1));
            glue_ = true;
            at_start_ = false;
            ++i;
          } else {
            i = word(i);
          }
          break;
      }
    }
    return std::move(result_);
  }

 private:
  void emit(Kind kind, std::string_view text, Field field = Field::kNone) {
    LexToken token;
    token.kind = kind;
    token.text = std::string(text);
    token.field = field;
    token.attached = glue_;
    result_.tokens.push_back(std::move(token));
    glue_ = false;
    at_start_ = true;
  }

  std::size_t phrase(std::size_t open, std::size_t open_len) {
    const auto close = find_closing_quote(s_, open, open_len);
    if (!close) {
      result_.broken = true;
      return s_.size();
    }
    emit(Kind::kPhrase, s_.substr(open + open_len, close->first - open - open_len));
    return close->first + close->second;
  }

  /// A run of word characters starting at @p from; returns where it ends.
  std::size_t word(std::size_t from) {
    std::size_t end = from;
    Special kind = Special::kNone;
    while (end < s_.size()) {
      const std::size_t len = special_at(s_, end, &kind);
      if (len != 0) break;
      ++end;
    }
    std::string_view run = s_.substr(from, end - from);
    // Field names, possibly stacked ("titre:titre:x" is left to the parser).
    for (;;) {
      const auto colon = run.find(':');
      if (colon == 0) {
        result_.broken = true;  // ":" or ":x": a field without a name
        return end;
      }
      if (colon == std::string_view::npos) break;
      const Field field = field_named(run.substr(0, colon));
      if (field == Field::kNone) break;  // "http://…", "10:30": plain text
      emit(Kind::kField, run.substr(0, colon), field);
      glue_ = true;
      at_start_ = false;
      run.remove_prefix(colon + 1);
    }
    if (run.empty()) return end;
    if (!glue_) {
      if (auto op = operator_token(run)) {
        op->attached = false;
        result_.tokens.push_back(std::move(*op));
        at_start_ = true;
        return end;
      }
    }
    emit(Kind::kWord, run);
    return end;
  }

  std::string_view s_;
  LexResult result_;
  bool glue_ = false;     ///< the next token is glued to a field name or a +/- mark
  bool at_start_ = true;  ///< the next character starts a new token (a +/- may mark it)
};

}  // namespace

Field field_named(std::string_view name) {
  // Field names are short; anything longer is plain text (and not worth folding).
  if (name.empty() || name.size() > 16) return Field::kNone;
  const std::string folded = analysis::fold(name);
  if (folded == "title" || folded == "titre") return Field::kTitle;
  if (folded == "category" || folded == "categorie") return Field::kCategory;
  if (folded == "date") return Field::kDate;
  return Field::kNone;
}

LexResult lex_query(std::string_view text) {
  return Lexer(text).run();
}

std::vector<std::string_view> plain_chunks(std::string_view text) {
  std::vector<std::string_view> chunks;
  std::size_t start = 0;
  auto flush = [&](std::size_t end) {
    if (end > start) {
      const std::string_view chunk = text.substr(start, end - start);
      if (!operator_token(chunk)) chunks.push_back(chunk);
    }
  };
  std::size_t i = 0;
  while (i < text.size()) {
    Special kind;
    std::size_t len = special_at(text, i, &kind);
    if (kind == Special::kNone && text[i] == ':') len = 1;
    if (len == 0) {
      ++i;
      continue;
    }
    flush(i);
    i += len;
    start = i;
  }
  flush(text.size());
  return chunks;
}

}  // namespace frsearch::search
