// FrenchTokenizer alone: segmentation, re-splits of scraped text, offsets, limits.
#include "analyzers/tokenizer.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "shared_bodies.h"
#include "token_format.h"

namespace frsearch::analysis {
namespace {

using testing::describe;

struct Case {
  const char* name;
  std::string input;
  const char* expected;
};

// Names only: some inputs are 10 kB long.
void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name;
}

class TokenizerTable : public ::testing::TestWithParam<Case> {};

TEST_P(TokenizerTable, Tokens) {
  const Case& c = GetParam();
  EXPECT_EQ(describe(FrenchTokenizer().tokenize(c.input)), c.expected);
}

const Case kCases[] = {
    {"Empty", "", ""},
    {"OnlyPunctuation", " !?... — « » ", ""},
    {"Plain", "Le gouvernement a", "Le@0[0,2] gouvernement@1[3,15] a@2[16,17]"},
    // Apostrophes stay inside the word, for the elision filter.
    {"ApostropheTypographic", "L’hôpital ouvre", "L’hôpital@0[0,12] ouvre@1[13,18]"},
    {"ApostropheAscii", "qu'il", "qu'il@0[0,5]"},
    {"Aujourdhui", "aujourd’hui", "aujourd’hui@0[0,13]"},
    // Sentences glued without a space.
    {"GluedSentence", "jeudi.Le gouvernement", "jeudi@0[0,5] Le@1[6,8] gouvernement@2[9,21]"},
    {"GluedAfterDigits", "H1N1.Le virus", "H1N1@0[0,4] Le@1[5,7] virus@2[8,13]"},
    {"Initial", "M.Dupont", "M@0[0,1] Dupont@1[2,8]"},
    {"Domain", "orange.fr", "orange@0[0,6] fr@1[7,9]"},
    // Acronyms with dots: one word, offsets cover the letters and inner dots.
    {"Acronym", "le S.N.D.S. est", "le@0[0,2] SNDS@1[3,10] est@2[12,15]"},
    {"AcronymTwoLetters", "U.E", "UE@0[0,3]"},
    {"AcronymAccented", "É.U.", "ÉU@0[0,4]"},
    {"AcronymElided", "l'O.M.S.", "l'OMS@0[0,7]"},
    {"NotAcronymAfterWord", "l'OM.S", "l'OM@0[0,4] S@1[5,6]"},
    // ':' and other joiners split.
    {"Colon", "titre:covid", "titre@0[0,5] covid@1[6,11]"},
    {"Underscore", "mot_clé", "mot@0[0,3] clé@1[4,8]"},
    {"NarrowNoBreakSpace", "10\u202F000 mots", "10@0[0,2] 000@1[5,8] mots@2[9,13]"},
    // Hyphens split (ICU).
    {"Hyphen", "e-santé COVID-19", "e@0[0,1] santé@1[2,8] COVID@2[9,14] 19@3[15,17]"},
    // Numbers and dates.
    {"DecimalComma", "3,5 %", "3,5@0[0,3]"},
    {"DecimalPoint", "3.5 mg", "3.5@0[0,3] mg@1[4,6]"},
    {"Date", "23/12/2021", "23@0[0,2] 12@1[3,5] 2021@2[6,10]"},
    {"Thousands", "1.200.000", "1.200.000@0[0,9]"},
    // Normalisation: decomposed accents become NFC; format characters vanish.
    {"DecomposedAccents", "e\u0301te\u0301", "été@0[0,7]"},
    {"SoftHyphen", "exem\u00ADple", "exemple@0[0,9]"},
    {"MiddleDotKept", "salarié·e·s", "salarié·e·s@0[0,14]"},
    // Bytes that are not text.
    {"NulBytes", std::string("a\0b", 3), "a@0[0,1] b@1[2,3]"},
    {"InvalidByte",
     "ab\xff"
     "cd",
     "ab@0[0,2] cd@1[3,5]"},
    {"TruncatedSequence", "caf\xc3", "caf@0[0,3]"},
    {"Overlong",
     "a\xc0\xaf"
     "b",
     "a@0[0,1] b@1[3,4]"},
    {"Surrogate", "x\xed\xa0\x80y", "x@0[0,1] y@1[4,5]"},
    // Long tokens: 64 bytes kept; 65 dropped but their position stays used.
    {"Token64", std::string(64, 'a') + " b",
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@0[0,64] b@1[65,66]"},
    {"Token65", std::string(65, 'a') + " b", "b@1[66,67]"},
    {"Token10k", "x " + std::string(10000, 'e') + " y", "x@0[0,1] y@2[10003,10004]"},
    {"Token10kAccented", std::string(5000, 'a') + "é z", "z@1[5003,5004]"},
};

INSTANTIATE_TEST_SUITE_P(Cases, TokenizerTable, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Tokenizer, OffsetsRecoverTheWord) {
  const std::string text = "L’Agence régionale de santé (ARS) a publié jeudi.Les données";
  for (const Token& t : FrenchTokenizer().tokenize(text)) {
    ASSERT_LE(t.start, t.end);
    ASSERT_LE(t.end, text.size());
    EXPECT_EQ(text.substr(t.start, t.end - t.start), t.text);
  }
}

TEST(Tokenizer, ManyCallsReuseNothingVisible) {
  // The per-thread ICU iterator must not leak one text into the next call.
  FrenchTokenizer tokenizer;
  EXPECT_EQ(describe(tokenizer.tokenize("premier texte long")),
            "premier@0[0,7] texte@1[8,13] long@2[14,18]");
  EXPECT_EQ(describe(tokenizer.tokenize("deux")), "deux@0[0,4]");
  EXPECT_EQ(describe(tokenizer.tokenize("")), "");
}

// The fast path (tokenizer.h) must cut every text as ICU does. Every string of up to
// four symbols over letters, digits and the joining punctuation of French text, and
// of five over the joiners alone, against FrenchTokenizer(false) (ICU only).
void expect_same_as_icu(const std::vector<std::string>& symbols, std::size_t max_length) {
  const FrenchTokenizer fast;
  const FrenchTokenizer icu(/*fast_path=*/false);
  std::vector<std::size_t> digits;
  std::size_t checked = 0;
  for (std::size_t length = 1; length <= max_length; ++length) {
    digits.assign(length, 0);
    for (;;) {
      std::string text;
      for (std::size_t d : digits) text += symbols[d];
      ASSERT_EQ(describe(fast.tokenize(text)), describe(icu.tokenize(text))) << "text: " << text;
      ++checked;
      std::size_t i = 0;
      while (i < length && ++digits[i] == symbols.size()) digits[i++] = 0;
      if (i == length) break;
    }
  }
  EXPECT_GT(checked, symbols.size());
}

TEST(TokenizerFastPath, SameAsIcuOnShortStrings) {
  expect_same_as_icu({"a", "É", "œ", "1", ".",      "'", "’",  ":",  ",", ";",
                      "_", " ", "-", "·", "\u202F", "«", "\n", "\"", "%", "\u2026"},
                     4);
  expect_same_as_icu({"a", "1", ".", "'", ",", "_", "·", "\u2024"}, 5);
}

TEST(TokenizerFastPath, SameAsIcuOnMixedScripts) {
  // Texts the fast path must hand to ICU, or cut the same way.
  const FrenchTokenizer fast;
  const FrenchTokenizer icu(/*fast_path=*/false);
  for (const std::string text :
       {"e\u0301te\u0301 déjà", "exem\u00ADple", "東京 et Paris", "שלום a", "l’ʼOMS",
        "Ελλάδα και Россия 2021", "a\u200Db", "😀 ok", "© 2021 ™", "x\xff\xfey",
        "N°3 — 12 € · 1er 2ème", "a\u2019\u2019b 1,,2 1.,2 a..b"}) {
    EXPECT_EQ(describe(fast.tokenize(text)), describe(icu.tokenize(text))) << text;
  }
}

// Reads ../shared (skipped when absent): real bodies cut the same way by both paths.
TEST(TokenizerFastPathShared, SameAsIcuOnRealBodies) {
  const std::string path =
      std::string(FRS_SOURCE_DIR) + "/../shared/corpora/orangesum/articles-1.jsonl.gz";
  const std::vector<std::string> bodies = testing::read_bodies(path, 1000);
  if (bodies.empty()) GTEST_SKIP() << path << " is absent";
  const FrenchTokenizer fast;
  const FrenchTokenizer icu(/*fast_path=*/false);
  for (const std::string& body : bodies)
    ASSERT_EQ(describe(fast.tokenize(body)), describe(icu.tokenize(body))) << body;
}

}  // namespace
}  // namespace frsearch::analysis
