// Each filter alone, and the word functions of analyzer.h (lower, fold, stem, is_stop_word).
#include <gtest/gtest.h>
#include <unicode/bytestream.h>
#include <unicode/casemap.h>
#include <unicode/unistr.h>

#include <string>
#include <vector>

#include "analyzers/analyzer.h"
#include "analyzers/case_fold.h"
#include "analyzers/elision.h"
#include "analyzers/stemmer.h"
#include "analyzers/stop_words.h"

namespace frsearch::analysis {
namespace {

struct FilterCase {
  std::string input;
  const char* expected;  ///< text after the filter, or "-" when dropped
};

/// Applies @p filter to a token spanning the whole of @p input; "text[start,end]" or "-".
std::string run(const TokenFilter& filter, const std::string& input) {
  Token token{input, 0, input.size(), 0};
  if (!filter.apply(token)) return "-";
  return token.text + '[' + std::to_string(token.start) + ',' + std::to_string(token.end) + ']';
}

TEST(ElisionFilter, Table) {
  const FilterCase cases[] = {
      {"L’hôpital", "hôpital[4,12]"},
      {"l'hôpital", "hôpital[2,10]"},
      {"qu'il", "il[3,5]"},
      {"QU’IL", "IL[5,7]"},
      {"jusqu’à", "à[8,10]"},
      {"Jusqu'au", "au[6,8]"},
      {"lorsqu'on", "on[7,9]"},
      {"puisqu’elle", "elle[9,13]"},
      {"quoiqu'il", "il[7,9]"},
      {"d\u02BCabord", "abord[3,8]"},
      {"c‘est", "est[4,7]"},
      {"j'ai", "ai[2,4]"},
      {"m'a", "a[2,3]"},
      {"n'est", "est[2,5]"},
      {"s'il", "il[2,4]"},
      {"t'es", "es[2,4]"},
      {"aujourd’hui", "aujourd’hui[0,13]"},
      {"presqu'île", "presqu'île[0,11]"},
      {"entr'ouvert", "entr'ouvert[0,11]"},
      {"l'", "l'[0,2]"},
      {"hôpital", "hôpital[0,8]"},
      {"é'a", "é'a[0,4]"},
  };
  const ElisionFilter filter;
  for (const auto& c : cases) EXPECT_EQ(run(filter, c.input), c.expected) << c.input;
}

TEST(LowercaseFilter, Table) {
  const FilterCase cases[] = {
      {"Hôpital", "hôpital[0,8]"},      {"ÉTÉ", "été[0,5]"},         {"ŒUVRE", "œuvre[0,6]"},
      {"L’Hôpital", "l’hôpital[0,12]"}, {"COVID19", "covid19[0,7]"}, {"ÇA", "ça[0,3]"},
      {"ΣΟΦΙΑ", "σοφια[0,10]"},         {"déjà", "déjà[0,6]"},
  };
  const LowercaseFilter filter;
  for (const auto& c : cases) EXPECT_EQ(run(filter, c.input), c.expected) << c.input;
}

TEST(FoldFilter, Table) {
  const FilterCase cases[] = {
      {"hôpital", "hopital[0,8]"},
      {"Œuvrées", "oeuvrees[0,9]"},
      {"cœur", "coeur[0,5]"},
      {"ÆSIR", "aesir[0,5]"},
      {"Straße", "strasse[0,7]"},
      {"ﬁn", "fin[0,4]"},
      {"aujourd’hui", "aujourdhui[0,13]"},
      {"aujourd'hui", "aujourdhui[0,11]"},
      {"salarié·e·s", "salariees[0,14]"},
      {"e\u0301te\u0301", "ete[0,7]"},
      {"naïve", "naive[0,6]"},
      {"ça", "ca[0,3]"},
      {"Ærø", "aero[0,5]"},
      {"Łódź", "lodz[0,7]"},
      {"ＡＢＣ", "abc[0,9]"},
      {"'", "-"},
      {"\u02BC", "-"},
      {"3,5", "3,5[0,3]"},
  };
  const FoldFilter filter;
  for (const auto& c : cases) EXPECT_EQ(run(filter, c.input), c.expected) << c.input;
}

TEST(StopFilter, Table) {
  const FilterCase cases[] = {
      {"les", "-"},
      {"a", "-"},
      {"ete", "-"},
      {"quel", "-"},
      {"quelles", "-"},
      {"combien", "-"},
      {"pourquoi", "-"},
      {"ou", "-"},
      {"lesquelles", "-"},
      {"hopital", "hopital[0,7]"},
      {"sante", "sante[0,5]"},
      {"donnees", "donnees[0,7]"},
      {"ou?", "ou?[0,3]"},
  };
  const StopFilter filter;
  for (const auto& c : cases) EXPECT_EQ(run(filter, c.input), c.expected) << c.input;
}

TEST(StemFilter, Table) {
  const FilterCase cases[] = {
      {"financees", "financ[0,9]"}, {"hopitaux", "hopital[0,8]"}, {"donnees", "don[0,7]"},
      {"securite", "securit[0,8]"}, {"cree", "cre[0,4]"},         {"2021", "2021[0,4]"},
  };
  const StemFilter filter;
  for (const auto& c : cases) EXPECT_EQ(run(filter, c.input), c.expected) << c.input;
}

TEST(Words, Lower) {
  EXPECT_EQ(lower("L’Hôpital"), "l’hôpital");
  EXPECT_EQ(lower("E\u0301TE\u0301"), "été");  // NFC as well
  EXPECT_EQ(lower("ŒUVRE"), "œuvre");
  EXPECT_EQ(lower("ABC"), "abc");
  EXPECT_EQ(lower(""), "");
}

/// ICU's full lowercase of @p word (root locale): what lowercase() must give.
std::string icu_lowercase(const std::string& word) {
  std::string out;
  icu::StringByteSink<std::string> sink(&out);
  UErrorCode status = U_ZERO_ERROR;
  icu::CaseMap::utf8ToLower("", 0, icu::StringPiece(word), sink, nullptr, status);
  return U_SUCCESS(status) ? out : word;
}

std::string utf8(UChar32 c) {
  std::string out;
  icu::UnicodeString(c).toUTF8String(out);
  return out;
}

// lowercase() maps ASCII and U+0080..U+017F itself, the rest through ICU: every
// code point of U+0000..U+07FF, alone and inside words, gives what ICU gives.
TEST(Words, LowercaseMatchesIcuOverLatinGreekCyrillic) {
  int checked = 0;
  for (UChar32 c = 1; c < 0x800; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    const std::string cp = utf8(c);
    for (const std::string& word : {cp, "É" + cp + "x", "a" + cp + "ÀŸ" + cp, cp + "Œ"}) {
      EXPECT_EQ(lowercase(word), icu_lowercase(word)) << "U+" << std::hex << c;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 4 * 0x7FF);
  // İ (full lowercase i + combining dot), Greek final sigma, invalid UTF-8, a lone
  // continuation byte, a truncated sequence: ICU's answers.
  for (const std::string word : {"İSTANBUL", "ÉTÉİ", "ΟΔΟΣ", "ÉΣ", "É\xff",
                                 "a\x80"
                                 "b",
                                 "É\xC3", "\xC3(", "ÀẞB"})
    EXPECT_EQ(lowercase(word), icu_lowercase(word)) << word;
}

TEST(Words, Fold) {
  EXPECT_EQ(fold("Œuvrées"), "oeuvrees");
  EXPECT_EQ(fold("L’HÔPITAL"), "lhopital");
  EXPECT_EQ(fold("E\u0301TE\u0301"), "ete");
  EXPECT_EQ(fold("ÇA"), "ca");
  EXPECT_EQ(fold("ẞ"), "ss");
  EXPECT_EQ(fold("ǼRE"), "aere");
  EXPECT_EQ(fold(""), "");
  EXPECT_EQ(fold("ab\xff"), "ab\xEF\xBF\xBD");  // invalid UTF-8 becomes U+FFFD
}

TEST(Words, FoldIsIdempotentAndMatchesLowerThenFold) {
  const char* words[] = {"Œuvrées",  "ÉVÈNEMENT", "Straße", "ﬁnancée",  "ǅemal",
                         "İstanbul", "ΣΟΦΙΑ",     "Ærø",    "hôpitaux", "e\u0301"};
  for (const char* w : words) {
    EXPECT_EQ(fold(fold(w)), fold(w)) << w;
    EXPECT_EQ(fold(lower(w)), fold(w)) << w;
  }
}

TEST(Words, FeminineEndings) {
  EXPECT_EQ(normalise_feminine("financees"), "finances");
  EXPECT_EQ(normalise_feminine("financee"), "finance");
  EXPECT_EQ(normalise_feminine("creee"), "cree");
  EXPECT_EQ(normalise_feminine("finance"), "finance");
  EXPECT_EQ(normalise_feminine("e"), "e");
  EXPECT_EQ(normalise_feminine(""), "");
}

TEST(StopWords, ListIsSortedFoldedAndHasQuestionWords) {
  const auto& words = french_stop_words();
  ASSERT_FALSE(words.empty());
  for (std::size_t i = 0; i < words.size(); ++i) {
    EXPECT_EQ(fold(words[i]), std::string(words[i])) << "not folded: " << words[i];
    if (i > 0) {
      EXPECT_LT(words[i - 1], words[i]);
    }
  }
  for (const char* q : {"quel", "quelle", "quels", "quelles", "combien", "comment", "pourquoi",
                        "quand", "ou", "qui", "que", "quoi", "lequel", "laquelle"}) {
    EXPECT_TRUE(is_stop_word(q)) << q;
  }
  for (const char* content : {"sante", "hopital", "vaccin", "donnees", "or"}) {
    EXPECT_FALSE(is_stop_word(content)) << content;
  }
}

}  // namespace
}  // namespace frsearch::analysis
