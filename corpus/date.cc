// parse_date(): "YYYY-MM-DD" and ISO 8601 date-times, checked against the calendar.
#include <cstdio>

#include "corpus/article.h"
#include "corpus/text.h"

namespace frsearch::corpus {
namespace {

bool is_leap(int year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

/// Reads the decimal number of exactly @p n digits at text[pos]; advances pos.
bool read_digits(std::string_view text, std::size_t& pos, std::size_t n, int& value) {
  if (text.size() - pos < n) {
    return false;
  }
  value = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const char c = text[pos + k];
    if (c < '0' || c > '9') {
      return false;
    }
    value = value * 10 + (c - '0');
  }
  pos += n;
  return true;
}

bool read_char(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) {
    return false;
  }
  ++pos;
  return true;
}

/// A calendar day and a time of day, in minutes, as they are shifted to UTC.
struct Instant {
  int year, month, day;
  int minutes;  ///< since midnight; may leave [0, 1440) before normalise()
  int seconds;

  /// Moves minutes back into one day by stepping the date (offsets are < 24 h).
  void normalise() {
    if (minutes < 0) {
      minutes += 24 * 60;
      if (--day == 0) {
        if (--month == 0) {
          month = 12;
          --year;
        }
        day = days_in_month(year, month);
      }
    } else if (minutes >= 24 * 60) {
      minutes -= 24 * 60;
      if (++day > days_in_month(year, month)) {
        day = 1;
        if (++month == 13) {
          month = 1;
          ++year;
        }
      }
    }
  }
};

/// Reads "HH:MM[:SS[.fff]]" and an optional zone; false when malformed.
bool read_time(std::string_view text, std::size_t& pos, Instant& at) {
  int hour, minute, second = 0;
  if (!read_digits(text, pos, 2, hour) || !read_char(text, pos, ':') ||
      !read_digits(text, pos, 2, minute) || hour > 23 || minute > 59) {
    return false;
  }
  if (read_char(text, pos, ':')) {
    if (!read_digits(text, pos, 2, second) || second > 59) {
      return false;
    }
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
      const std::size_t first = ++pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        ++pos;
      }
      if (pos == first) {
        return false;
      }
    }
  }
  at.minutes = hour * 60 + minute;
  at.seconds = second;
  if (pos == text.size()) {
    return true;  // local time, kept as written
  }
  if (text[pos] == 'Z' || text[pos] == 'z') {
    return ++pos == text.size();
  }
  const char sign = text[pos];
  if (sign != '+' && sign != '-') {
    return false;
  }
  ++pos;
  int off_hour, off_minute = 0;
  if (!read_digits(text, pos, 2, off_hour) || off_hour > 23) {
    return false;
  }
  if (pos < text.size()) {
    read_char(text, pos, ':');
    if (!read_digits(text, pos, 2, off_minute) || off_minute > 59) {
      return false;
    }
  }
  if (pos != text.size()) {
    return false;
  }
  const int offset = off_hour * 60 + off_minute;
  at.minutes += sign == '+' ? -offset : offset;
  at.normalise();
  return true;
}

[[noreturn]] void invalid(std::string_view text) {
  throw InvalidRecord("invalid date '" + text::excerpt(text, 40) + "'");
}

}  // namespace

std::string Date::day_string() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

Date parse_date(std::string_view text) {
  Date date;
  std::size_t pos = 0;
  if (!read_digits(text, pos, 4, date.year) || !read_char(text, pos, '-') ||
      !read_digits(text, pos, 2, date.month) || !read_char(text, pos, '-') ||
      !read_digits(text, pos, 2, date.day) || date.month < 1 || date.month > 12 || date.day < 1 ||
      date.day > days_in_month(date.year, date.month)) {
    invalid(text);
  }
  Instant at{date.year, date.month, date.day, 0, 0};
  if (pos < text.size()) {
    const char sep = text[pos++];
    if ((sep != 'T' && sep != 't' && sep != ' ') || !read_time(text, pos, at)) {
      invalid(text);
    }
    if (at.year < 0 || at.year > 9999) {
      invalid(text);  // shifted out of 4-digit years
    }
  }
  char key[24];
  std::snprintf(key, sizeof key, "%04d%02d%02d%02d%02d%02d", at.year, at.month, at.day,
                at.minutes / 60, at.minutes % 60, at.seconds);
  date.sort_key = key;
  return date;
}

}  // namespace frsearch::corpus
