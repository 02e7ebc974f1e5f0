// parse_page_export(): one article of the news site exported as plain text.
//
// Layout (see shared/corpora/hdh/page-export-example.txt):
//   DD/MM/YYYY            the article's date
//   title
//   label lines           categories, until a line "Partager"
//   body                  paragraphs, separated by blank or non-breaking-space lines
//   footer                other articles: DD/MM/YYYY, a title cut with "…", labels
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <string_view>
#include <unordered_set>

#include "corpus/article.h"
#include "corpus/text.h"

namespace frsearch::corpus {
namespace {

/// Longest id: "YYYY-MM-DD-" and the slug of the title cut at a word.
constexpr std::size_t kMaxIdBytes = 80;

/// The text's lines, without '\n', '\r' or a leading byte-order mark.
std::vector<std::string_view> split_lines(std::string_view text) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (text.substr(0, kBom.size()) == kBom) {
    text.remove_prefix(kBom.size());
  }
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    lines.push_back(line);
    if (nl == std::string_view::npos) {
      break;
    }
    text.remove_prefix(nl + 1);
  }
  return lines;
}

/// A line that is only a date "DD/MM/YYYY" (surrounding spaces allowed).
bool is_date_line(std::string_view line) {
  line = text::trim(line);
  if (line.size() != 10 || line[2] != '/' || line[5] != '/') {
    return false;
  }
  for (std::size_t i : {0, 1, 3, 4, 6, 7, 8, 9}) {
    if (line[i] < '0' || line[i] > '9') {
      return false;
    }
  }
  return true;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

/// Index of the next line at or after @p i that is not blank, or lines.size().
std::size_t next_filled(const std::vector<std::string_view>& lines, std::size_t i) {
  while (i < lines.size() && text::is_blank(lines[i])) {
    ++i;
  }
  return i;
}

/// Where the footer of other articles starts: the first date line followed by a
/// title cut with "…" (or "..."). lines.size() when there is none.
std::size_t footer_start(const std::vector<std::string_view>& lines, std::size_t from) {
  for (std::size_t i = from; i < lines.size(); ++i) {
    if (!is_date_line(lines[i])) {
      continue;
    }
    const std::size_t title = next_filled(lines, i + 1);
    if (title == lines.size()) {
      continue;
    }
    const std::string_view t = text::trim(lines[title]);
    if (ends_with(t, "…") || ends_with(t, "...")) {
      return i;
    }
  }
  return lines.size();
}

/// FNV-1a, for an id when the title has no Latin letter or digit to slug.
std::uint32_t fnv1a(std::string_view s) {
  std::uint32_t h = 2166136261u;
  for (const char c : s) {
    h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  }
  return h;
}

/// Drops the short French function words a cut slug would end on
/// ("...-recherche-sur-les" -> "...-recherche"), keeping at least one word.
void drop_trailing_function_words(std::string& slug) {
  static constexpr std::string_view kWords[] = {
      "a",   "au",   "aux", "avec", "c", "ce", "ces", "cette", "d",    "dans",  "de", "des", "du",
      "en",  "est",  "et",  "j",    "l", "la", "le",  "les",   "leur", "leurs", "m",  "n",   "ou",
      "par", "pour", "qu",  "que",  "s", "sa", "se",  "ses",   "son",  "sur",   "t",  "un",  "une"};
  for (;;) {
    const std::size_t dash = slug.rfind('-');
    if (dash == std::string::npos) {
      return;
    }
    const std::string_view last = std::string_view(slug).substr(dash + 1);
    if (std::find(std::begin(kWords), std::end(kWords), last) == std::end(kWords)) {
      return;
    }
    slug.resize(dash);
  }
}

std::string make_id(const std::string& day, std::string_view title) {
  const std::size_t max = kMaxIdBytes - day.size() - 1;
  std::string slug = text::slug(title, max);
  if (slug.size() < text::slug(title, std::string::npos).size()) {
    drop_trailing_function_words(slug);
  }
  if (slug.empty()) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(fnv1a(title)));
    slug = buf;
  }
  return day + "-" + slug;
}

[[noreturn]] void reject(const std::string& reason, std::size_t line_index) {
  throw InvalidRecord(reason, line_index + 1);
}

}  // namespace

Article parse_page_export(std::string_view text) {
  if (const std::size_t bad = text::find_invalid_utf8(text); bad != std::string_view::npos) {
    const std::size_t line_start = text.rfind('\n', bad) + 1;  // npos + 1 == 0
    std::size_t line = 0;
    for (std::size_t i = 0; i < line_start; ++i) {
      line += text[i] == '\n';
    }
    reject("invalid UTF-8 (byte offset " + std::to_string(bad - line_start) + ")", line);
  }
  const std::vector<std::string_view> lines = split_lines(text);

  const std::size_t date_line = next_filled(lines, 0);
  if (date_line == lines.size()) {
    reject("empty page export", 0);
  }
  const std::string_view written = text::trim(lines[date_line]);
  if (!is_date_line(written)) {
    reject("expected a date line DD/MM/YYYY, found '" + text::excerpt(written, 40) + "'",
           date_line);
  }
  const std::string iso = std::string(written.substr(6, 4)) + "-" +
                          std::string(written.substr(3, 2)) + "-" +
                          std::string(written.substr(0, 2));
  Date date;
  try {
    date = parse_date(iso);
  } catch (const InvalidRecord&) {
    reject("invalid date '" + std::string(written) + "'", date_line);
  }

  const std::size_t title_line = next_filled(lines, date_line + 1);
  if (title_line == lines.size()) {
    reject("missing title after the date line", date_line);
  }

  Article article;
  article.title = std::string(text::trim(lines[title_line]));
  article.date = iso;
  article.day = date.day_string();
  article.sort_key = date.sort_key;
  article.id = make_id(article.day, article.title);

  std::unordered_set<std::string_view> seen;  // a set: scanning took 9 s for a 50k-line .txt
  std::size_t i = next_filled(lines, title_line + 1);
  for (; i < lines.size() && text::trim(lines[i]) != "Partager"; i = next_filled(lines, i + 1)) {
    const std::string_view label = text::trim(lines[i]);
    if (seen.insert(label).second) {
      article.categories.emplace_back(label);
    }
  }
  if (i == lines.size()) {
    reject("missing 'Partager' line after the labels", lines.size() - 1);
  }

  const std::size_t footer = footer_start(lines, i + 1);
  for (i = next_filled(lines, i + 1); i < footer; i = next_filled(lines, i + 1)) {
    if (!article.body.empty()) {
      article.body += "\n\n";
    }
    article.body += text::trim(lines[i]);
  }

  article.record = {{"id", article.id},
                    {"title", article.title},
                    {"date", article.date},
                    {"categories", article.categories},
                    {"body", article.body}};
  return article;
}

}  // namespace frsearch::corpus
