// Fuzz target: the query language (searchd/query.h) over a small in-memory index.
//
// QueryParser::parse() catches everything and falls back to match-all, which
// would hide a bug from a fuzzer; so the stages it wraps also run bare here:
// lex_query() and plain_chunks() must not throw, and each lexed word, phrase,
// category and date goes through its own PartBuilder and materialize() with no
// catch. Then the whole parse: get_description() works, broken syntax is
// reported as a fallback, and running the query with Xapian::Enquire (a page
// and an exact count) does not throw.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <xapian.h>

#include "analyzers/analyzer.h"
#include "searchd/query.h"
#include "searchd/query_lexer.h"
#include "searchd/query_parts.h"
#include "tests/fuzz/fuzz_support.h"

namespace frsearch::fuzz {
namespace {

using search::Field;
using search::LexToken;
using Kind = search::LexToken::Kind;

const Xapian::Database& database() {
  static const Xapian::Database db = sample_memory_database();
  return db;
}

const analysis::Analyzer& folding() {
  static const analysis::Analyzer analyzer = analysis::make_french_analyzer();
  return analyzer;
}

bool inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

/// The parts query.cc builds from each token, without its catch-all.
void build_parts(std::string_view text, const search::LexResult& lexed) {
  search::PartBuilder builder(folding(), database());
  std::vector<search::Part> parts;
  for (std::size_t i = 0; i < lexed.tokens.size(); ++i) {
    const LexToken& token = lexed.tokens[i];
    if (token.kind == Kind::kNear && token.window > search::kMaxNearWindow) {
      fail("NEAR/n window above kMaxNearWindow", text);
    }
    if (token.kind == Kind::kWord) parts.push_back(builder.word(token.text, Field::kNone));
    if (token.kind == Kind::kWord) parts.push_back(builder.word(token.text, Field::kTitle));
    if (token.kind == Kind::kPhrase) parts.push_back(builder.phrase(token.text, Field::kNone));
    if (token.kind == Kind::kField && i + 1 < lexed.tokens.size()) {
      const LexToken& value = lexed.tokens[i + 1];
      if (token.field == Field::kCategory) {
        parts.push_back(builder.category(value.text, value.kind == Kind::kWord));
      } else if (token.field == Field::kDate) {
        if (auto date = builder.date(value.text)) parts.push_back(std::move(*date));
      }
    }
  }
  std::vector<search::Part> near_parts;
  for (const search::Part& part : parts) {
    if (part.empty()) continue;
    (void)search::materialize(part).get_description();
    (void)search::negate(part);
    if (!part.leaves.empty() && near_parts.size() < 4) near_parts.push_back(part);
  }
  if (near_parts.size() >= 2) {
    (void)search::materialize(builder.near(near_parts, search::kDefaultNearWindow));
  }
  if (!parts.empty()) (void)search::materialize(search::any_of(parts));
}

void run(std::string_view text) {
  const search::LexResult lexed = search::lex_query(text);
  if (lexed.tokens.size() > search::kMaxQueryTokens + 1)
    fail("lexer exceeded kMaxQueryTokens", text);
  for (std::string_view chunk : search::plain_chunks(text)) {
    if (!inside(chunk, text)) fail("plain_chunks() returned bytes outside the text", text);
  }
  build_parts(text, lexed);

  const search::QueryParser parser(database());
  const search::ParsedQuery parsed = parser.parse(text);
  if (lexed.broken && !parsed.fallback) fail("broken syntax not reported as fallback", text);
  if (parsed.query.get_description().empty()) fail("empty query description", text);

  Xapian::Enquire enquire(database());
  enquire.set_query(parsed.query);
  const Xapian::MSet page = enquire.get_mset(0, 10);
  const Xapian::MSet all = enquire.get_mset(0, 0, database().get_doccount());
  if (all.get_matches_estimated() > database().get_doccount())
    fail("more matches than documents", text);
  for (auto it = page.begin(); it != page.end(); ++it) (void)it.get_document().get_data();
}

}  // namespace
}  // namespace frsearch::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return frsearch::fuzz::run_target(data, size, frsearch::fuzz::run);
}
