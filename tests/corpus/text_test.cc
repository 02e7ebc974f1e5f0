// corpus/text.h: UTF-8 checking, trimming, slugs and excerpts.
#include <gtest/gtest.h>

#include <string>

#include "corpus/text.h"

namespace frsearch::corpus::text {
namespace {

constexpr std::size_t kValid = std::string_view::npos;

TEST(CorpusText, FindInvalidUtf8) {
  struct Case {
    std::string bytes;
    std::size_t offset;
  };
  const Case cases[] = {
      {"", kValid},
      {"plain ascii", kValid},
      {"été, cœur, l’œuvre, « guillemets », 😀", kValid},
      {"\xEF\xBF\xBF", kValid},      // U+FFFF, a noncharacter but well-formed
      {"\xF4\x8F\xBF\xBF", kValid},  // U+10FFFF
      {"ab\xFF", 2},
      {"a\xC3", 1},              // cut sequence
      {"a\xC3\x28", 1},          // second byte not a continuation
      {"\xC0\x80", 0},           // overlong NUL
      {"\xC1\xBF", 0},           // overlong
      {"\xE0\x80\xAF", 0},       // overlong '/'
      {"\xED\xBF\xBF", 0},       // surrogate U+DFFF
      {"x\xF4\x90\x80\x80", 1},  // U+110000
      {"\xF5\x80\x80\x80", 0},
      {"caf\xC3\xA9 \xA9", 6},  // lone continuation after a good é
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.bytes);
    EXPECT_EQ(find_invalid_utf8(c.bytes), c.offset);
  }
}

TEST(CorpusText, Trim) {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {"", ""},
      {"  a b \t\r\n", "a b"},
      {"\xC2\xA0 Projet\xC2\xA0", "Projet"},  // no-break spaces
      {"\xE2\x80\xAF"
       "a\xE2\x80\xAF"
       "b\xE2\x80\xAF",
       "a\xE2\x80\xAF"
       "b"},  // narrow, inner kept
      {"\xEF\xBB\xBF"
       "a\xE2\x80\x8B",
       "a"},  // BOM, zero-width space
      {"\xC2\xA0\xC2\xA0 \xC2\xA0", ""},
      {"é", "é"},
      {"a\xC3", "a\xC3"},  // invalid bytes are not spaces
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(trim(c.in), c.out);
  }
  EXPECT_TRUE(is_blank(" \xC2\xA0\t"));
  EXPECT_FALSE(is_blank(" . "));
}

TEST(CorpusText, Slug) {
  struct Case {
    const char* in;
    std::size_t max;
    const char* out;
  };
  const Case cases[] = {
      {"Le Health Data Hub, deux ans", 80, "le-health-data-hub-deux-ans"},
      {"L’IA à l’hôpital : ÉTÉ 2021 !", 80, "l-ia-a-l-hopital-ete-2021"},
      {"Œuvre, cœur, Æsop, Straße, Ÿ, ç", 80, "oeuvre-coeur-aesop-strasse-y-c"},
      {"Łódź, Dvořák, Ångström, Þór", 80, "lodz-dvorak-angstrom-thor"},
      {"  --«»…  ", 80, ""},
      {"日本 x 😀 y", 80, "x-y"},
      {"abc def ghi", 7, "abc-def"},
      {"abc def ghi", 6, "abc"},
      {"abcdefghij", 4, "abcd"},  // one long word is cut
      {"a\xFF"
       "b",
       80, "a-b"},  // an invalid byte separates
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(slug(c.in, c.max), c.out);
  }
}

TEST(CorpusText, Excerpt) {
  EXPECT_EQ(excerpt("court", 10), "court");
  EXPECT_EQ(excerpt("abcdefghij", 4), "abcd…");
  EXPECT_EQ(excerpt("ééé", 3), "é…");  // never cuts inside a character
}

}  // namespace
}  // namespace frsearch::corpus::text
