// Fuzz target: the French analysis chain on arbitrary bytes.
//
// Every input goes through the tokenizer alone and through make_french_analyzer
// with each of the four option combinations (stop words on/off, stemming on/off).
// Properties: nothing throws; every token has start <= end <= text size, a
// non-empty text, positions never go back; the tokenizer keeps words within
// kMaxTokenBytes; fold() is idempotent and stem()/lower()/is_stop_word() accept
// whatever fold() returns.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "analyzers/analyzer.h"
#include "analyzers/tokenizer.h"
#include "tests/fuzz/fuzz_support.h"

namespace frsearch::fuzz {
namespace {

using analysis::Analyzer;
using analysis::Token;

/// The analyzers of every option combination, built once per process.
const std::array<Analyzer, 4>& analyzers() {
  static const std::array<Analyzer, 4> all = {
      analysis::make_french_analyzer({false, false}),
      analysis::make_french_analyzer({true, false}),
      analysis::make_french_analyzer({false, true}),
      analysis::make_french_analyzer({true, true}),
  };
  return all;
}

void check_tokens(std::string_view text, const std::vector<Token>& tokens, bool tokenizer_only) {
  std::uint32_t previous = 0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (t.start > t.end) fail("token start after its end", text);
    if (t.end > text.size()) fail("token end past the text", text);
    if (t.text.empty()) fail("empty token text", text);
    if (i > 0 && t.position < previous) fail("token positions go back", text);
    if (tokenizer_only && t.text.size() > analysis::kMaxTokenBytes) {
      fail("tokenizer kept a word longer than kMaxTokenBytes", text);
    }
    previous = t.position;
  }
}

void check_word_functions(std::string_view text, std::string_view word) {
  const std::string folded = analysis::fold(word);
  if (analysis::fold(folded) != folded) fail("fold() is not idempotent on a token", text);
  (void)analysis::stem(folded);
  (void)analysis::lower(word);
  (void)analysis::is_stop_word(folded);
}

void run(std::string_view text) {
  static const analysis::FrenchTokenizer tokenizer;
  const std::vector<Token> words = tokenizer.tokenize(text);
  check_tokens(text, words, true);
  for (const Token& t : words) check_word_functions(text, text.substr(t.start, t.end - t.start));
  for (const Analyzer& analyzer : analyzers()) check_tokens(text, analyzer.analyze(text), false);
  // The word functions also see raw bytes: the indexer calls them on labels.
  check_word_functions(text, text);
}

}  // namespace
}  // namespace frsearch::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return frsearch::fuzz::run_target(data, size, frsearch::fuzz::run);
}
