// Inputs nobody would write: random bytes, random UTF-8 full of marks, joiners and
// apostrophes, and (when ../shared is present) real scraped news bodies.
#include <gtest/gtest.h>
#include <unicode/utf8.h>

#include <cctype>
#include <cstdint>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "analyzers/analyzer.h"
#include "analyzers/tokenizer.h"
#include "shared_bodies.h"

namespace frsearch::analysis {
namespace {

/// The invariants every output must hold, whatever the input.
void check_invariants(const std::string& text, const std::vector<Token>& tokens,
                      bool tokenizer_only) {
  std::uint32_t previous = 0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    ASSERT_LE(t.start, t.end);
    ASSERT_LE(t.end, text.size());
    ASSERT_FALSE(t.text.empty());
    if (i > 0) {
      ASSERT_GT(t.position, previous);
    }
    previous = t.position;
    if (tokenizer_only) {
      ASSERT_LE(t.text.size(), kMaxTokenBytes);
    }
  }
}

std::string random_bytes(std::mt19937& rng) {
  std::uniform_int_distribution<int> length(0, 80);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string s(static_cast<std::size_t>(length(rng)), '\0');
  for (char& c : s) c = static_cast<char>(byte(rng));
  return s;
}

/// Valid UTF-8 drawn mostly from what trips word segmentation up.
std::string random_utf8(std::mt19937& rng) {
  static const UChar32 kAlphabet[] = {
      'a',    'E',    'z',    '0',    '9',     ' ',    '.',      ',',    ';',
      ':',    '\'',   '-',    '_',    '/',     0,      0x00E9,   0x00C9, 0x0153,
      0x0152, 0x00E6, 0x00DF, 0x1E9E, 0xFB01,  0x0301, 0x0327,   0x2019, 0x2018,
      0x02BC, 0x00B7, 0x00AD, 0x200D, 0x202F,  0x00A0, 0x2024,   0xFF0E, 0x0130,
      0x03A3, 0x0644, 0x4E2D, 0xAC00, 0x1F600, 0xFFFD, 0x10FFFF, 0x0E01, 0x3042};
  std::uniform_int_distribution<int> length(0, 60);
  std::uniform_int_distribution<std::size_t> pick(0, std::size(kAlphabet) - 1);
  std::string s;
  for (int n = length(rng); n > 0; --n) {
    char buffer[U8_MAX_LENGTH];
    std::int32_t size = 0;
    UBool error = false;
    U8_APPEND(buffer, size, U8_MAX_LENGTH, kAlphabet[pick(rng)], error);
    if (!error) s.append(buffer, static_cast<std::size_t>(size));
  }
  return s;
}

TEST(Robustness, RandomInputs) {
  std::mt19937 rng(20211223);
  const FrenchTokenizer tokenizer;
  const Analyzer index = make_french_analyzer();
  const Analyzer query = make_french_analyzer({/*stop_words=*/true, /*stem=*/true});
  for (int i = 0; i < 3000; ++i) {
    const std::string text = (i % 2 == 0) ? random_bytes(rng) : random_utf8(rng);
    SCOPED_TRACE(::testing::PrintToString(text));
    check_invariants(text, tokenizer.tokenize(text), /*tokenizer_only=*/true);
    check_invariants(text, index.analyze(text), false);
    check_invariants(text, query.analyze(text), false);
    if (HasFatalFailure()) return;
  }
}

TEST(Robustness, RandomWordFunctions) {
  std::mt19937 rng(42);
  for (int i = 0; i < 2000; ++i) {
    const std::string word = (i % 2 == 0) ? random_bytes(rng) : random_utf8(rng);
    const std::string folded = fold(word);
    EXPECT_EQ(fold(folded), folded) << ::testing::PrintToString(word);
    (void)stem(folded);
    (void)lower(word);
    (void)is_stop_word(folded);
  }
}

TEST(RobustnessShared, RealBodiesKeepInvariantsAndSplitGluedSentences) {
  const std::string path = FRS_SOURCE_DIR "/../shared/corpora/orangesum/articles-0.jsonl.gz";
  if (!std::ifstream(path)) GTEST_SKIP() << "no shared corpus at " << path;
  const std::vector<std::string> bodies = testing::read_bodies(path, 300);
  ASSERT_FALSE(bodies.empty());
  const Analyzer index = make_french_analyzer();
  std::size_t tokens = 0;
  for (const std::string& body : bodies) {
    const std::vector<Token> result = index.analyze(body);
    check_invariants(body, result, false);
    for (const Token& t : result) {
      ++tokens;
      // No token keeps a ':' or a sentence-gluing '.' (only decimals such as 3.5).
      EXPECT_EQ(t.text.find(':'), std::string::npos) << t.text;
      const std::size_t dot = t.text.find('.');
      if (dot != std::string::npos) {
        EXPECT_TRUE(dot > 0 && std::isdigit(static_cast<unsigned char>(t.text[dot - 1]))) << t.text;
      }
    }
  }
  EXPECT_GT(tokens, bodies.size() * 50);
}

}  // namespace
}  // namespace frsearch::analysis
