// parse_json_record(): what a good record becomes, and why a bad one is rejected.
#include <gtest/gtest.h>

#include <string>

#include "corpus/article.h"
#include "test_util.h"

namespace frsearch::corpus {
namespace {

using nlohmann::json;
using testing::joined;

/// The reason parse_json_record() gives for @p line, or "accepted".
std::string reason_for(std::string_view line) {
  try {
    parse_json_record(line);
    return "accepted";
  } catch (const InvalidRecord& e) {
    return e.what();
  }
}

TEST(JsonRecord, ReadsEveryField) {
  const Article a = parse_json_record(
      R"({"id": "os-2", "title": "Olivier Véran : 400 millions", "date": "2020-07-02T10:00:00+02:00",)"
      R"( "body": "Cette décision…", "categories": ["France", "Santé"], "summary": "Résumé.",)"
      R"( "url": "https://example.org/a", "source": {"name": "test"}, "words": 3})");
  EXPECT_EQ(a.id, "os-2");
  EXPECT_EQ(a.title, "Olivier Véran : 400 millions");
  EXPECT_EQ(a.date, "2020-07-02T10:00:00+02:00");
  EXPECT_EQ(a.day, "2020-07-02");
  EXPECT_EQ(a.sort_key, "20200702080000");
  EXPECT_EQ(a.body, "Cette décision…");
  EXPECT_EQ(joined(a.categories), "France|Santé");
  EXPECT_EQ(a.summary, "Résumé.");
  EXPECT_EQ(a.url, "https://example.org/a");
  // The record is the whole object, unknown fields kept.
  EXPECT_EQ(a.record.at("source").at("name"), "test");
  EXPECT_EQ(a.record.at("words"), 3);
  EXPECT_EQ(a.record.at("categories"), json::array({"France", "Santé"}));
}

TEST(JsonRecord, OptionalFields) {
  struct Case {
    const char* extra;       // fields added to a minimal good record
    const char* categories;  // Article::categories joined with '|'
    const char* summary;
    const char* url;
  };
  const Case cases[] = {
      {"", "", "", ""},
      {R"(, "categories": null, "summary": null, "url": null)", "", "", ""},
      {R"(, "categories": [])", "", "", ""},
      {R"(, "categories": ["A", "", "B", "A", " B ", "\u00a0"])", "A|B", "", ""},
      {R"(, "categories": ["À la une", "Citoyen"])", "À la une|Citoyen", "", ""},
      {R"(, "summary": "", "url": "")", "", "", ""},
      {R"(, "summary": "S", "url": "U")", "", "S", "U"},
  };
  for (const auto& c : cases) {
    const std::string line =
        std::string(R"({"id": "x", "title": "T", "date": "2021-01-01", "body": "")") + c.extra +
        "}";
    SCOPED_TRACE(line);
    const Article a = parse_json_record(line);
    EXPECT_EQ(joined(a.categories), c.categories);
    EXPECT_EQ(a.summary, c.summary);
    EXPECT_EQ(a.url, c.url);
    EXPECT_EQ(a.body, "");
  }
}

TEST(JsonRecord, RejectsWithAPreciseReason) {
  struct Case {
    std::string line;
    const char* reason;  // expected at the start of the reason
  };
  const std::string ok_id = R"("id": "x", )";
  const std::string ok_title = R"("title": "T", )";
  const std::string ok_date = R"("date": "2021-01-01", )";
  const std::string ok_body = R"("body": "b")";
  const std::string base = ok_id + ok_title + ok_date + ok_body;
  const Case cases[] = {
      {"{", "invalid JSON: "},
      {R"({"id": "x",})", "invalid JSON: "},
      {"not json", "invalid JSON: "},
      {"{" + base + "} trailing", "invalid JSON: "},
      {"[1, 2]", "not a JSON object"},
      {R"("a string")", "not a JSON object"},
      {"42", "not a JSON object"},
      {"null", "not a JSON object"},
      {"{" + ok_title + ok_date + ok_body + "}", "missing field 'id'"},
      {R"({"id": "", )" + ok_title + ok_date + ok_body + "}",
       "field 'id' must be a non-empty string"},
      {R"({"id": "  ", )" + ok_title + ok_date + ok_body + "}",
       "field 'id' must be a non-empty string"},
      {R"({"id": 7, )" + ok_title + ok_date + ok_body + "}",
       "field 'id' must be a non-empty string"},
      {R"({"id": null, )" + ok_title + ok_date + ok_body + "}",
       "field 'id' must be a non-empty string"},
      {"{" + ok_id + ok_date + ok_body + "}", "missing field 'title'"},
      {"{" + ok_id + R"("title": "", )" + ok_date + ok_body + "}",
       "field 'title' must be a non-empty string"},
      {"{" + ok_id + R"("title": "\u00a0 ", )" + ok_date + ok_body + "}",
       "field 'title' must be a non-empty string"},
      {"{" + ok_id + R"("title": ["T"], )" + ok_date + ok_body + "}",
       "field 'title' must be a non-empty string"},
      {"{" + ok_id + ok_title + ok_body + "}", "missing field 'date'"},
      {"{" + ok_id + ok_title + R"("date": 20210101, )" + ok_body + "}",
       "field 'date' must be a string"},
      {"{" + ok_id + ok_title + R"("date": "2021-02-30", )" + ok_body + "}",
       "invalid date '2021-02-30'"},
      {"{" + ok_id + ok_title + R"("date": "2021-13-01", )" + ok_body + "}",
       "invalid date '2021-13-01'"},
      {"{" + ok_id + ok_title + R"("date": "", )" + ok_body + "}", "invalid date ''"},
      {"{" + ok_id + ok_title + ok_date + R"("x": 1})", "missing field 'body'"},
      {"{" + ok_id + ok_title + ok_date + R"("body": null})", "field 'body' must be a string"},
      {"{" + ok_id + ok_title + ok_date + R"("body": 3})", "field 'body' must be a string"},
      {"{" + base + R"(, "categories": "Santé"})",
       "field 'categories' must be an array of strings"},
      {"{" + base + R"(, "categories": ["Santé", 3]})",
       "field 'categories' must be an array of strings"},
      {"{" + base + R"(, "categories": [null]})", "field 'categories' must be an array of strings"},
      {"{" + base + R"(, "categories": {"a": "b"}})",
       "field 'categories' must be an array of strings"},
      {"{" + base + R"(, "summary": 1})", "field 'summary' must be a string"},
      {"{" + base + R"(, "url": ["u"]})", "field 'url' must be a string"},
      {R"({"id": "x", "title": "T)"
       "\xff"
       R"(", )" +
           ok_date + ok_body + "}",
       "invalid UTF-8 (byte offset 23)"},
      {R"({"id": "x", "title": "T)"
       "\xc3"
       R"(", )" +
           ok_date + ok_body + "}",
       "invalid UTF-8 (byte offset 23)"},
      {"{\"id\": \"\xc0\xaf\"}", "invalid UTF-8 (byte offset 8)"},          // overlong '/'
      {"{\"id\": \"\xed\xa0\x80\"}", "invalid UTF-8 (byte offset 8)"},      // surrogate U+D800
      {"{\"id\": \"\xf4\x90\x80\x80\"}", "invalid UTF-8 (byte offset 8)"},  // above U+10FFFF
      {"{\"id\": \"\x80\"}", "invalid UTF-8 (byte offset 8)"},              // lone continuation
      {"\xe2\x82", "invalid UTF-8 (byte offset 0)"},                        // cut at the end
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.line);
    const std::string reason = reason_for(c.line);
    EXPECT_EQ(reason.rfind(c.reason, 0), 0u) << "reason: " << reason;
  }
}

TEST(JsonRecord, ChecksFieldsInTheOrderOfTheSpec) {
  // Several problems: the first required field in id, title, date, body order.
  EXPECT_EQ(reason_for(R"({"title": 1, "date": "x"})"), "missing field 'id'");
  EXPECT_EQ(reason_for(R"({"id": "a", "date": "x"})"), "missing field 'title'");
  EXPECT_EQ(reason_for(R"({"id": "a", "title": "t", "date": "x"})"), "invalid date 'x'");
}

TEST(JsonRecord, InvalidJsonReasonIsShortAndSaysWhere) {
  const std::string long_body(100000, 'a');
  const std::string reason = reason_for(
      R"({"id": "x", "title": "T", "date": "2021-01-01", "body": ")" + long_body + R"(\q"})");
  EXPECT_EQ(reason.rfind("invalid JSON: column ", 0), 0u) << reason;
  EXPECT_LE(reason.size(), 200u) << reason;
  EXPECT_EQ(reason.find("json.exception"), std::string::npos) << reason;
}

TEST(JsonRecord, ReadsLongLines) {
  std::string body;
  while (body.size() < 1'000'000) body += "Les données de santé, l’hôpital et la recherche. ";
  const Article a = parse_json_record(
      json{{"id", "long"}, {"title", "Long"}, {"date", "2021-01-01"}, {"body", body}}.dump());
  EXPECT_EQ(a.body, body);
}

}  // namespace
}  // namespace frsearch::corpus
