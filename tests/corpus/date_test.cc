// parse_date(): the accepted forms, the calendar checks and the UTC sort key.
#include <gtest/gtest.h>

#include "corpus/article.h"

namespace frsearch::corpus {
namespace {

struct ValidDate {
  const char* text;
  const char* day;       // Date::day_string(): the calendar date as written
  const char* sort_key;  // UTC when an offset is given
};

TEST(ParseDate, AcceptsDatesAndDateTimes) {
  const ValidDate cases[] = {
      {"2021-12-23", "2021-12-23", "20211223000000"},
      {"2024-02-29", "2024-02-29", "20240229000000"},  // leap year
      {"2000-02-29", "2000-02-29", "20000229000000"},  // divisible by 400
      {"2024-01-10T09:30:00", "2024-01-10", "20240110093000"},
      {"2024-01-10 09:30:00", "2024-01-10", "20240110093000"},
      {"2024-01-10T09:30", "2024-01-10", "20240110093000"},
      {"2024-01-10T09:30:15Z", "2024-01-10", "20240110093015"},
      {"2024-01-10T09:30:15.123456Z", "2024-01-10", "20240110093015"},
      {"2024-01-10T09:30:15,5+00:00", "2024-01-10", "20240110093015"},
      {"2024-01-10T09:30:00+01:00", "2024-01-10", "20240110083000"},
      {"2024-01-10T09:30:00-05:30", "2024-01-10", "20240110150000"},
      {"2024-01-10T09:30:00+0130", "2024-01-10", "20240110080000"},
      {"2024-01-10T09:30:00+02", "2024-01-10", "20240110073000"},
      // The offset moves the instant across a day, a month, a year, a 29 February.
      {"2024-01-10T00:30:00+01:00", "2024-01-10", "20240109233000"},
      {"2024-03-01T00:15:00+02:00", "2024-03-01", "20240229221500"},
      {"2023-03-01T00:15:00+02:00", "2023-03-01", "20230228221500"},
      {"2021-01-01T00:00:00+01:00", "2021-01-01", "20201231230000"},
      {"2021-12-31T23:00:00-02:00", "2021-12-31", "20220101010000"},
      {"2024-02-28T22:00:00-03:00", "2024-02-28", "20240229010000"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    const Date date = parse_date(c.text);
    EXPECT_EQ(date.day_string(), c.day);
    EXPECT_EQ(date.sort_key, c.sort_key);
  }
}

TEST(ParseDate, FieldsOfTheCalendarDate) {
  const Date date = parse_date("2019-07-04T23:59:59-10:00");
  EXPECT_EQ(date.year, 2019);
  EXPECT_EQ(date.month, 7);
  EXPECT_EQ(date.day, 4);
  EXPECT_EQ(date.sort_key, "20190705095959");
}

TEST(ParseDate, RejectsImpossibleOrMalformedDates) {
  const char* cases[] = {
      "2021-02-30",
      "2023-02-29",
      "1900-02-29",
      "2021-13-01",
      "2021-00-10",
      "2021-04-31",
      "2021-01-00",
      "2021-01-32",
      "21-01-10",
      "2021-1-10",
      "2021/01/10",
      "10/01/2021",
      "2021-01-10T",
      "2021-01-10T24:00:00",
      "2021-01-10T12:60:00",
      "2021-01-10T12:30:61",
      "2021-01-10T12:30:00.",
      "2021-01-10T12:30:00+1",
      "2021-01-10T12:30:00+01:",
      "2021-01-10T12:30:00+25:00",
      "2021-01-10T12:30:00 +01:00",
      "2021-01-10T12",
      "2021-01-10x",
      " 2021-01-10",
      "2021-01-10 ",
      "",
      "yesterday",
      "9999-12-31T23:00:00-02:00",
  };
  for (const char* text : cases) {
    SCOPED_TRACE(text);
    try {
      parse_date(text);
      ADD_FAILURE() << "accepted";
    } catch (const InvalidRecord& e) {
      EXPECT_EQ(std::string(e.what()), "invalid date '" + std::string(text) + "'");
    }
  }
}

}  // namespace
}  // namespace frsearch::corpus
