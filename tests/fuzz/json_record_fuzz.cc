// Fuzz target: one JSON Lines record (corpus::parse_json_record) and a date
// (corpus::parse_date), then what the indexer makes of an accepted record.
//
// Properties: only corpus::InvalidRecord escapes the parsers; an accepted record
// has a non-blank id and title, a day "YYYY-MM-DD" and a 14-digit sort key, and
// its stored JSON can be written out strictly (it is valid UTF-8); the indexer's
// make_document() takes it, and its id term stays under Xapian's term limit.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include <xapian.h>

#include "analyzers/analyzer.h"
#include "corpus/article.h"
#include "indexer/indexer.h"
#include "tests/fuzz/fuzz_support.h"

namespace frsearch::fuzz {
namespace {

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void check_date(std::string_view text, const corpus::Date& date) {
  if (date.sort_key.size() != 14 || !all_digits(date.sort_key))
    fail("sort key not 14 digits", text);
  const std::string day = date.day_string();
  if (day.size() != 10 || day[4] != '-' || day[7] != '-') fail("day not YYYY-MM-DD", text);
}

void check_article(std::string_view text, const corpus::Article& article) {
  if (article.id.empty() || article.title.empty())
    fail("accepted a record without id or title", text);
  if (article.day.size() != 10 || article.sort_key.size() != 14 || !all_digits(article.sort_key)) {
    fail("accepted a record with a malformed day or sort key", text);
  }
  if (article.record.at("date").get<std::string>() != article.date) fail("date differs", text);
  (void)article.record.dump();  // strict: throws on invalid UTF-8
  static const analysis::Analyzer analyzer = analysis::make_french_analyzer();
  std::vector<std::string> spelling;
  const Xapian::Document document = indexer::make_document(article, analyzer, &spelling);
  if (indexer::id_term(article.id).size() > 245) fail("id term above Xapian's limit", text);
  for (auto it = document.termlist_begin(); it != document.termlist_end(); ++it) {
    if ((*it).size() > 245) fail("term above Xapian's limit: " + *it, text);
  }
}

void run(std::string_view text) {
  try {
    check_date(text, corpus::parse_date(text));
  } catch (const corpus::InvalidRecord&) {
  }
  try {
    check_article(text, corpus::parse_json_record(text));
  } catch (const corpus::InvalidRecord& e) {
    if (std::string_view(e.what()).empty()) fail("rejection without a reason", text);
  }
}

}  // namespace
}  // namespace frsearch::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return frsearch::fuzz::run_target(data, size, frsearch::fuzz::run);
}
