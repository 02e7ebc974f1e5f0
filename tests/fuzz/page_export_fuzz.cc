// Fuzz target: one page export (corpus::parse_page_export), then what the
// indexer makes of an accepted one.
//
// Properties: only corpus::InvalidRecord escapes, with a line within the text;
// an accepted export has a title, an id "YYYY-MM-DD-slug" of at most 80 bytes
// that is the same on a second parse, categories without blanks or repeats,
// a stored record that can be written out strictly, and make_document() takes it.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzers/analyzer.h"
#include "corpus/article.h"
#include "indexer/indexer.h"
#include "tests/fuzz/fuzz_support.h"

namespace frsearch::fuzz {
namespace {

void check_article(std::string_view text, const corpus::Article& article) {
  if (article.title.empty()) fail("accepted an export without a title", text);
  if (article.id.size() > 80) fail("id longer than 80 bytes", text);
  if (article.id.compare(0, 11, article.day + "-") != 0)
    fail("id does not start with the day", text);
  if (corpus::parse_page_export(text).id != article.id) fail("id not stable across parses", text);
  const auto& labels = article.categories;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i].empty()) fail("empty category", text);
    if (std::find(labels.begin(), labels.begin() + i, labels[i]) != labels.begin() + i) {
      fail("repeated category", text);
    }
  }
  (void)article.record.dump();  // strict: throws on invalid UTF-8
  static const analysis::Analyzer analyzer = analysis::make_french_analyzer();
  (void)indexer::make_document(article, analyzer);
}

void run(std::string_view text) {
  try {
    check_article(text, corpus::parse_page_export(text));
  } catch (const corpus::InvalidRecord& e) {
    const std::size_t lines = 1 + std::count(text.begin(), text.end(), '\n');
    if (e.line() < 1 || e.line() > lines) fail("rejection line outside the text", text);
    if (std::string_view(e.what()).empty()) fail("rejection without a reason", text);
  }
}

}  // namespace
}  // namespace frsearch::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return frsearch::fuzz::run_target(data, size, frsearch::fuzz::run);
}
