/** @file
 * @brief Highlighted snippets: the part of a text where the query's words are.
 *
 * The text is run through the same French analysis as the index, so a query
 * word matches whatever its case, accents, elision or inflection ("donnees"
 * marks "données", "hopital" marks the "hôpital" of "L’hôpital"). The output is
 * HTML-escaped text with the original bytes of each matched word wrapped in
 * <mark>…</mark>, cut on word boundaries (never inside a UTF-8 sequence).
 */
#ifndef FRSEARCH_SEARCHD_SNIPPET_H
#define FRSEARCH_SEARCHD_SNIPPET_H

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analyzers/analyzer.h"
#include "searchd/query.h"

namespace frsearch::search {

namespace detail {
struct SnippetWord;
}

struct SnippetOptions {
  std::size_t max_words = 30;   ///< words in the window
  std::size_t max_bytes = 240;  ///< bytes of original text in the window (approximate)
  /// Only the beginning of a longer text is analysed (matches further on are not
  /// looked for): a snippet costs the same whatever the length of the article.
  std::size_t max_analysed_bytes = 20000;
  /// The text is looked at by pieces of about this many bytes (cut on whitespace),
  /// and no further once a window shows every query word: most articles name them
  /// in their first paragraph, so most of the text need not be looked at.
  std::size_t chunk_bytes = 1024;
};

/// Makes the snippets of one query's hits. It remembers which words matched,
/// so a word is stemmed once per query rather than once per occurrence.
/// Not thread-safe; @p analyzer must outlive it.
class Highlighter {
 public:
  /// @p analyzer must be the plain French chain (no stop words, no stemming) so
  /// token texts are folded words.
  Highlighter(MatchTerms terms, const analysis::Analyzer& analyzer,
              const SnippetOptions& options = {});
  Highlighter(const Highlighter&) = delete;
  Highlighter& operator=(const Highlighter&) = delete;
  ~Highlighter();

  /// The window of @p text with the most distinct matched words (the text's
  /// beginning when nothing matches), "… " / " …" where cut, runs of whitespace
  /// shown as one space. The search stops at the first piece of text (see
  /// SnippetOptions::chunk_bytes) after which a window holds as many distinct
  /// matched words as the query has words.
  ///
  /// Where the window is comes from a quick scan (words split as the tokenizer
  /// does, without ICU's word breaks, folded and matched as below); then only the
  /// part of the text around that window goes through the analyzer, and the words
  /// marked are the analyzer's. Should the analysis find fewer matches there than
  /// the scan did, the text is analysed from its beginning as the scan was made.
  std::string snippet(std::string_view text);

 private:
  /// What a folded word matched as (a word, a stem or a prefix), null if nothing.
  const std::string* match(const std::string& folded);
  /// First two bytes of a non-empty word as one number (second 0 when none).
  static std::size_t head(std::string_view folded);
  /// The quick scan: words of @p analysed found without the analyzer, by pieces
  /// until a window shows every query word.
  std::vector<detail::SnippetWord> quick_words(std::string_view analysed);
  /// What a quick word holding joining characters (' . , ;) may match as.
  const std::string* quick_match_joined(std::string_view run);
  /// Analyses @p text [from, to) (cut on whitespace) into @p words.
  void analyse(std::string_view text, std::size_t from, std::size_t to,
               std::vector<detail::SnippetWord>& words);
  /// Analyses @p analysed by pieces until a window shows every query word.
  void analyse_by_pieces(std::string_view analysed, std::vector<detail::SnippetWord>& words);
  /// The snippet of @p text around the best window of @p words.
  std::string render(std::string_view text, const std::vector<detail::SnippetWord>& words) const;

  MatchTerms terms_;
  const analysis::Analyzer& analyzer_;
  SnippetOptions options_;
  std::set<std::string> stem_heads_;  ///< first bytes of the stems: other words can't match one
  std::size_t enough_ = 0;            ///< distinct matches that end the search early
  bool stem_all_ = false;             ///< a stem too short for that test
  std::vector<bool> heads_;           ///< by head(): first two bytes of a possible match
  std::string folded_;                ///< the quick scan's folded word (reused)
  std::unordered_map<std::string, std::optional<std::string>> seen_;  ///< folded word -> key
};

/// One snippet: Highlighter(terms, analyzer, options).snippet(text).
std::string make_snippet(std::string_view text, const MatchTerms& terms,
                         const analysis::Analyzer& analyzer, const SnippetOptions& options = {});

/// Escapes & < > " ' for HTML text and attribute values.
std::string html_escape(std::string_view text);

}  // namespace frsearch::search

#endif  // FRSEARCH_SEARCHD_SNIPPET_H
