// Highlighted snippets: analyse the text, mark matched words, pick the best window.
#include "searchd/snippet.h"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "searchd/search_common.h"

namespace frsearch::search {
namespace {

constexpr std::string_view kEllipsis = "…";
constexpr std::size_t kSlack = 16;  // leading/trailing non-word bytes kept rather than cut
/// Stems share their first two bytes with their word (checked on the 133k words of
/// the OrangeSum corpus), so a word starting otherwise need not be stemmed.
constexpr std::size_t kStemHeadBytes = 2;

/// One analysed word of the text: where it is and whether (and as what) it matched.
struct Word {
  std::size_t start = 0, end = 0;    ///< bytes of the word itself (elided article excluded)
  const std::string* key = nullptr;  ///< what it matched as (null: no match)
};

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
}

Highlighter::~Highlighter() = default;

const std::string* Highlighter::match(const std::string& folded) {
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
  std::vector<Word> words;
  // Piece by piece, cut on whitespace so no word is split. Once a window shows every
  // query word, one more piece lets the windows found reach their full length.
  std::size_t piece_bytes =
      terms_.empty() ? analysed.size() : std::max<std::size_t>(options.chunk_bytes, 1);
  bool last = false;
  for (std::size_t done = 0; done < analysed.size();) {
    std::size_t end = std::min(done + piece_bytes, analysed.size());
    while (end < analysed.size() && !is_space(analysed[end])) {
      ++end;
    }
    const std::string_view piece = analysed.substr(done, end - done);
    for (const analysis::Token& token : analyzer_.analyze(piece)) {
      if (token.end > piece.size() || token.start >= token.end) {
        continue;
      }
      words.push_back({done + detail::word_start(piece, token), done + token.end,
                       terms_.empty() ? nullptr : match(token.text)});
    }
    done = end;
    if (last) {
      break;
    }
    if (done < analysed.size() && enough_ > 0 && best_window(words, options).distinct >= enough_) {
      last = true;
      piece_bytes = 2 * options.max_bytes + kSlack;
    }
  }
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
