// Highlighted snippets: analyse the text, mark matched words, pick the best window.
#include "searchd/snippet.h"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "searchd/search_common.h"

namespace frsearch::search {

/// One analysed word of the text: where it is and whether (and as what) it matched.
struct detail::SnippetWord {
  std::size_t start = 0, end = 0;    ///< bytes of the word itself (elided article excluded)
  const std::string* key = nullptr;  ///< what it matched as (null: no match)
};

namespace {

constexpr std::string_view kEllipsis = "…";
constexpr std::size_t kSlack = 16;  // leading/trailing non-word bytes kept rather than cut
/// Stems share their first two bytes with their word (checked on the 133k words of
/// the OrangeSum corpus), so a word starting otherwise need not be stemmed.
constexpr std::size_t kStemHeadBytes = 2;

using Word = detail::SnippetWord;

bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f';
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

/// A run of words [first, last) and how good it is.
struct Window {
  std::size_t first = 0, last = 0;
  std::size_t distinct = 0, matched = 0;
  bool better_than(const Window& other) const {
    if (distinct != other.distinct) {
      return distinct > other.distinct;
    }
    return matched > other.matched;
  }
};

Window window_at(const std::vector<Word>& words, std::size_t first, const SnippetOptions& options) {
  Window w{first, first, 0, 0};
  std::vector<const std::string*> keys;
  while (w.last < words.size() && w.last - first < options.max_words &&
         (w.last == first || words[w.last].end - words[first].start <= options.max_bytes)) {
    const Word& word = words[w.last++];
    if (!word.key) {
      continue;
    }
    ++w.matched;
    auto same = [&](const std::string* key) { return *key == *word.key; };
    if (std::none_of(keys.begin(), keys.end(), same)) {
      keys.push_back(word.key);
    }
  }
  w.distinct = keys.size();
  return w;
}

/// The best window starting on a matched word, then moved left to give the
/// first match some context when that loses nothing.
Window best_window(const std::vector<Word>& words, const SnippetOptions& options) {
  Window best = window_at(words, 0, options);
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (!words[i].key) {
      continue;
    }
    Window w = window_at(words, i, options);
    if (w.better_than(best)) {
      best = w;
    }
  }
  if (best.first == 0 || best.matched == 0) {
    return best;
  }
  std::size_t last_match = best.last - 1;
  while (!words[last_match].key) {
    --last_match;
  }
  const std::size_t shift = std::min(best.first, (best.last - 1 - last_match) / 2);
  if (shift == 0) {
    return best;
  }
  Window shifted = window_at(words, best.first - shift, options);
  return best.better_than(shifted) ? best : shifted;
}

/// Largest index <= @p i that does not fall inside a UTF-8 sequence.
std::size_t utf8_floor(std::string_view text, std::size_t i) {
  i = std::min(i, text.size());
  while (i > 0 && i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) {
    --i;
  }
  return i;
}

void append_escaped(std::string& out, char c) {
  switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      out += c;
  }
}

/// Appends escaped @p text with whitespace runs folded into one space.
void append_text(std::string& out, std::string_view text) {
  for (char c : text) {
    if (!is_space(c)) {
      append_escaped(out, c);
    } else if (!out.empty() && out.back() != ' ') {
      out += ' ';
    }
  }
}

bool blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), is_space);
}

/// What a character does in the quick scan (see Highlighter::quick_words): as the
/// tokenizer classifies it (analyzers/tokenizer.cc), without ICU's word breaks.
enum class ScanKind { kWord, kJoin, kSplit };

/// Class of the code point at text[i], and its length in bytes (>= 1).
/// scan_kind() of the ASCII characters.
struct AsciiKinds {
  ScanKind kinds[128];
  AsciiKinds() {
    for (int ch = 0; ch < 128; ++ch) {
      const bool word =
          (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
      const bool join = ch == '\'' || ch == '.' || ch == ',' || ch == ';';
      kinds[ch] = word ? ScanKind::kWord : join ? ScanKind::kJoin : ScanKind::kSplit;
    }
  }
};
const AsciiKinds kAscii;

ScanKind scan_kind_slow(std::string_view text, std::size_t i, std::size_t& length);

inline ScanKind scan_kind(std::string_view text, std::size_t i, std::size_t& length) {
  const unsigned char ch = static_cast<unsigned char>(text[i]);
  if (ch < 0x80) {
    length = 1;
    return kAscii.kinds[ch];
  }
  return scan_kind_slow(text, i, length);
}

ScanKind scan_kind_slow(std::string_view text, std::size_t i, std::size_t& length) {
  const auto* s = reinterpret_cast<const std::uint8_t*>(text.data());
  auto at = static_cast<std::int32_t>(i);
  UChar32 c;
  U8_NEXT(s, at, static_cast<std::int32_t>(text.size()), c);
  length = static_cast<std::size_t>(at) - i;
  if (c < 0) {
    return ScanKind::kSplit;
  }
  switch (c) {
    case 0x2019:
    case 0x2018:
    case 0x02BC:
    case 0x2024:
    case 0xFE52:
    case 0xFF0E:
    case 0x00B7:
      return ScanKind::kJoin;
    default:
      break;
  }
  const std::int8_t type = u_charType(c);
  if (type == U_FORMAT_CHAR || u_isalnum(c) || type == U_NON_SPACING_MARK ||
      type == U_COMBINING_SPACING_MARK || type == U_ENCLOSING_MARK) {
    return ScanKind::kWord;
  }
  return ScanKind::kSplit;
}

/// Start of the whitespace-separated text unit holding byte @p i (at most @p i).
std::size_t unit_start(std::string_view text, std::size_t i) {
  i = std::min(i, text.size());
  while (i > 0 && !is_space(text[i - 1])) {
    --i;
  }
  return i;
}

/// End of the whitespace-separated text unit holding byte @p i - 1 (at least @p i).
std::size_t unit_end(std::string_view text, std::size_t i) {
  i = std::min(i, text.size());
  while (i < text.size() && !is_space(text[i])) {
    ++i;
  }
  return i;
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    append_escaped(out, c);
  }
  return out;
}

Highlighter::Highlighter(MatchTerms terms, const analysis::Analyzer& analyzer,
                         const SnippetOptions& options)
    : terms_(std::move(terms)), analyzer_(analyzer), options_(options) {
  for (const std::string& stem : terms_.stems) {
    if (stem.size() < kStemHeadBytes) {
      stem_all_ = true;
    }
    stem_heads_.insert(stem.substr(0, kStemHeadBytes));
  }
  // A query word gives a word key and usually a stem key: as many distinct keys as
  // the larger of the two sets (plus prefixes) means each word was likely found.
  enough_ = std::max(terms_.words.size(), terms_.stems.size()) + terms_.prefixes.size();
  // The first two bytes any match can start with: most words are told apart on
  // them, before any lookup or stemming.
  heads_.assign(1u << 16, false);
  for (const std::string& word : terms_.words) {
    heads_[head(word)] = true;
  }
  for (const std::string& stem : terms_.stems) {
    heads_[head(stem)] = true;
  }
  for (const std::string& prefix : terms_.prefixes) {
    if (prefix.size() == 1) {  // any second byte
      for (unsigned second = 0; second < 256; ++second) {
        heads_[(static_cast<unsigned char>(prefix[0]) << 8) | second] = true;
      }
    } else if (!prefix.empty()) {
      heads_[head(prefix)] = true;
    }
  }
}

std::size_t Highlighter::head(std::string_view folded) {
  const auto first = static_cast<unsigned char>(folded[0]);
  return (std::size_t{first} << 8) |
         (folded.size() > 1 ? static_cast<unsigned char>(folded[1]) : 0u);
}

Highlighter::~Highlighter() = default;

const std::string* Highlighter::match(const std::string& folded) {
  if (!stem_all_ && !folded.empty() && !heads_[head(folded)]) {
    return nullptr;  // neither a query word, a stem's beginning nor a prefix
  }
  auto [it, fresh] = seen_.try_emplace(folded);
  if (!fresh) {
    return it->second ? &*it->second : nullptr;
  }
  std::optional<std::string>& key = it->second;
  if (terms_.words.count(folded)) {
    key = folded;
  } else if (!terms_.stems.empty() &&
             (stem_all_ || stem_heads_.count(folded.substr(0, kStemHeadBytes)))) {
    std::string stemmed = analysis::stem(folded);
    if (terms_.stems.count(stemmed)) {
      key = std::move(stemmed);
    }
  }
  if (!key) {
    for (const std::string& prefix : terms_.prefixes) {
      if (!prefix.empty() && starts_with(folded, prefix)) {
        key = prefix;
        break;
      }
    }
  }
  return key ? &*key : nullptr;
}

std::string make_snippet(std::string_view text, const MatchTerms& terms,
                         const analysis::Analyzer& analyzer, const SnippetOptions& options) {
  return Highlighter(terms, analyzer, options).snippet(text);
}

std::string Highlighter::snippet(std::string_view text) {
  if (blank(text)) {
    return {};
  }
  const SnippetOptions& options = options_;
  const std::string_view analysed = text.substr(0, utf8_floor(text, options.max_analysed_bytes));
  const std::size_t reach = 2 * options.max_bytes + kSlack;  // surely holds a window
  std::vector<Word> words;
  if (terms_.empty()) {  // nothing to mark: the window is the beginning
    const std::size_t to = unit_end(analysed, reach);
    analyse(analysed, 0, analysed.size() - to < reach ? analysed.size() : to, words);
    return render(text, words);
  }
  // Where the window is, from the quick scan; then the analysis of that part only.
  const std::vector<Word> quick = quick_words(analysed);
  const Window found = best_window(quick, options);
  std::size_t from = 0, to = unit_end(analysed, reach);
  if (found.matched > 0) {
    std::size_t last_match = found.last - 1;
    while (!quick[last_match].key) {
      --last_match;
    }
    // Room for the window, and for moving it left (best_window) by up to max_bytes
    // before its last match.
    const std::size_t first = quick[found.first].start, last_end = quick[last_match].end;
    const std::size_t low =
        std::min(first, last_end > options.max_bytes ? last_end - options.max_bytes : 0);
    from = low > 4 * kSlack ? unit_start(analysed, low - kSlack) : 0;
    if (from <= 4 * kSlack) {
      from = 0;  // the text's beginning is then in reach, as when analysed whole
    }
    // best_window() moved the window left of the match it starts from: the windows
    // starting at each of its matches must still be seen whole.
    const std::size_t last_start = quick[last_match].start;
    to = unit_end(
        analysed,
        std::max(from == 0 ? options.max_bytes : 0, last_start + options.max_bytes) + kSlack);
  }
  if (analysed.size() - to < 4 * kSlack) {
    to = analysed.size();
  }
  analyse(analysed, from, to, words);
  if (found.matched > 0 && best_window(words, options).distinct < found.distinct) {
    // The quick scan saw a match the analysis does not confirm: analyse from the start.
    words.clear();
    analyse_by_pieces(analysed, words);
  }
  return render(text, words);
}

void Highlighter::analyse(std::string_view text, std::size_t from, std::size_t to,
                          std::vector<Word>& words) {
  const std::string_view piece = text.substr(from, to - from);
  for (const analysis::Token& token : analyzer_.analyze(piece)) {
    if (token.end > piece.size() || token.start >= token.end) {
      continue;
    }
    words.push_back({from + detail::word_start(piece, token), from + token.end,
                     terms_.empty() ? nullptr : match(token.text)});
  }
}

void Highlighter::analyse_by_pieces(std::string_view analysed, std::vector<Word>& words) {
  const SnippetOptions& options = options_;
  // Piece by piece, cut on whitespace so no word is split. Once a window shows every
  // query word, one more piece lets the windows found reach their full length.
  std::size_t piece_bytes = std::max<std::size_t>(options.chunk_bytes, 1);
  bool last = false;
  for (std::size_t done = 0; done < analysed.size();) {
    const std::size_t end = unit_end(analysed, std::min(done + piece_bytes, analysed.size()));
    analyse(analysed, done, end, words);
    done = end;
    if (last) {
      break;
    }
    if (done < analysed.size() && enough_ > 0 && best_window(words, options).distinct >= enough_) {
      last = true;
      piece_bytes = 2 * options.max_bytes + kSlack;
    }
  }
}

std::vector<Word> Highlighter::quick_words(std::string_view analysed) {
  const SnippetOptions& options = options_;
  std::vector<Word> words;
  // The same pieces and stop as analyse_by_pieces(), over the quick words.
  std::size_t piece_end = std::min(std::max<std::size_t>(options.chunk_bytes, 1), analysed.size());
  bool last = false;
  std::size_t length = 0;
  for (std::size_t i = 0; i < analysed.size();) {
    if (scan_kind(analysed, i, length) == ScanKind::kSplit) {
      i += length;
      continue;
    }
    // A run of word and joining characters: its word characters' span.
    std::size_t first = std::string_view::npos, end = i;
    bool joined = false, ascii = true;
    for (ScanKind kind;
         i < analysed.size() && (kind = scan_kind(analysed, i, length)) != ScanKind::kSplit;
         i += length) {
      if (kind == ScanKind::kWord) {
        if (first == std::string_view::npos) {
          first = i;
        }
        joined = joined || end < i;  // a joining character since the last word character
        ascii = ascii && length == 1;
        end = i + length;
      } else if (first == std::string_view::npos) {
        end = i + length;  // leading joining characters: not inside the word
      }
    }
    if (first != std::string_view::npos) {
      const std::string_view run = analysed.substr(first, end - first);
      const std::string* key = nullptr;
      if (joined) {
        key = quick_match_joined(run);
      } else if (ascii) {  // fold() of plain ASCII letters and digits: lowercase
        const auto lower = [](char c) {
          return static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        };
        const std::size_t run_head =
            (std::size_t{lower(run[0])} << 8) | (run.size() > 1 ? lower(run[1]) : 0u);
        if (stem_all_ || heads_[run_head]) {  // else no match (match()), without a copy
          folded_.assign(run.data(), run.size());
          for (char& c : folded_) {
            c = static_cast<char>(lower(c));
          }
          key = match(folded_);
        }
      } else {
        key = match(analysis::fold(run));
      }
      words.push_back({first, end, key});
    }
    if (i >= piece_end) {
      if (last || i >= analysed.size()) {
        break;
      }
      if (enough_ > 0 && best_window(words, options).distinct >= enough_) {
        last = true;
        piece_end = i + 2 * options.max_bytes + kSlack;
      } else {
        piece_end = i + std::max<std::size_t>(options.chunk_bytes, 1);
      }
    }
  }
  return words;
}

const std::string* Highlighter::quick_match_joined(std::string_view run) {
  // The tokenizer keeps "aujourd'hui", "3,5", "O.M.S" whole (folded without the
  // apostrophe, the acronym without its dots) and splits other dots; the elision
  // filter leaves "hôpital" of "l'hôpital": any of these forms may be the word.
  if (const std::string* key = match(analysis::fold(run))) {
    return key;
  }
  std::string dotless;
  for (char c : run) {
    if (c != '.') {
      dotless += c;
    }
  }
  if (dotless.size() != run.size()) {
    if (const std::string* key = match(analysis::fold(dotless))) {
      return key;
    }
  }
  std::size_t length = 0;
  for (std::size_t i = 0; i < run.size();) {
    std::size_t end = i;
    while (end < run.size() && scan_kind(run, end, length) == ScanKind::kWord) {
      end += length;
    }
    if (end > i) {
      if (const std::string* key = match(analysis::fold(run.substr(i, end - i)))) {
        return key;
      }
    }
    i = end;
    while (i < run.size() && scan_kind(run, i, length) != ScanKind::kWord) {
      i += length;
    }
  }
  return nullptr;
}

std::string Highlighter::render(std::string_view text, const std::vector<Word>& words) const {
  const SnippetOptions& options = options_;
  std::string out;
  if (words.empty()) {  // punctuation only: its beginning
    const std::size_t end = utf8_floor(text, options.max_bytes);
    append_text(out, text.substr(0, end));
    if (end < text.size()) {
      out += std::string(" ") + std::string(kEllipsis);
    }
    return out;
  }
  const Window w = best_window(words, options);
  std::size_t begin = words[w.first].start;
  if (w.first == 0 && begin <= kSlack) {
    begin = 0;
  }
  std::size_t end = words[w.last - 1].end;
  if (w.last == words.size() && text.size() - end <= kSlack) {
    end = text.size();
  }
  // One giant "word" (a URL, a run of digits...): cut it, on a UTF-8 boundary.
  const std::size_t limit =
      end - begin > 2 * options.max_bytes ? utf8_floor(text, begin + options.max_bytes) : end;
  const bool cut_before = begin > 0 && !blank(text.substr(0, begin));
  const bool cut_after = limit < text.size() && !blank(text.substr(limit));

  if (cut_before) {
    out += std::string(kEllipsis) + " ";
  }
  std::size_t pos = begin;
  for (std::size_t i = w.first; i < w.last && pos < limit; ++i) {
    const Word& word = words[i];
    if (word.end > limit) {
      break;
    }
    append_text(out, text.substr(pos, word.start - pos));
    if (word.key) {
      out += "<mark>";
      append_text(out, text.substr(word.start, word.end - word.start));
      out += "</mark>";
    } else {
      append_text(out, text.substr(word.start, word.end - word.start));
    }
    pos = word.end;
  }
  if (pos < limit) {
    append_text(out, text.substr(pos, limit - pos));
  }
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  if (cut_after) {
    out += std::string(" ") + std::string(kEllipsis);
  }
  return out;
}

}  // namespace frsearch::search
