// Related articles: relevance-feedback terms of an article, tf * idf terms,
// mentioned dates and title match of a draft.
#include "searchd/search_related.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "indexer/schema.h"
#include "searchd/query_parts.h"
#include "searchd/search_common.h"

namespace frsearch::search::detail {
namespace {

/// Keeps the terms worth expanding on: the text's stems ("Z", not the title's "ZS")
/// of 3+ bytes. Index format 3 has no word terms; stop words have no stem.
class StemTermDecider : public Xapian::ExpandDecider {
 public:
  bool operator()(const std::string& term) const override {
    return term.size() >= 4 && is_stem_term(term);
  }
};

}  // namespace

Xapian::Query article_terms_query(const Xapian::Database& db, Xapian::docid did, unsigned n_terms) {
  Xapian::Enquire enquire(db);
  Xapian::RSet rset;
  rset.add_document(did);
  const StemTermDecider decider;
  // Exact term frequencies over every shard: without the flag, Xapian 1.4
  // estimates them from the shard holding the document, so the terms and their
  // weights would depend on how the articles are sharded.
  const Xapian::ESet eset =
      enquire.get_eset(n_terms, rset, Xapian::Enquire::USE_EXACT_TERMFREQ, &decider);
  std::vector<Xapian::Query> terms;
  for (auto it = eset.begin(); it != eset.end(); ++it) {
    terms.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(*it), it.get_weight());
  }
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

namespace {

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil).
long days_from_civil(long year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const long era = (year >= 0 ? year : year - 399) / 400;
  const long year_of_era = year - era * 400;
  const long day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const long day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

/// The schema::kDay term ("D20190731") of @p days since 1970-01-01 (civil_from_days).
std::string day_term(long days) {
  days += 719468;
  const long era = (days >= 0 ? days : days - 146096) / 146097;
  const long day_of_era = days - era * 146097;
  const long year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const long day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const long mp = (5 * day_of_year + 2) / 153;
  const long day = day_of_year - (153 * mp + 2) / 5 + 1;
  const long month = mp < 10 ? mp + 3 : mp - 9;
  const long year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s%04ld%02ld%02ld", schema::kDay, year, month, day);
  return buffer;
}

/// True when month @p month of @p year has a day @p day.
bool has_day(int month, long year, int day) {
  static constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= (month == 2 && !leap ? 28 : kDays[month - 1]);
}

/// 1-based index of @p word in @p names, 0 when absent.
template <std::size_t N>
int index_of(const std::array<const char*, N>& names, const std::string& word) {
  for (std::size_t i = 0; i < N; ++i) {
    if (word == names[i]) return static_cast<int>(i) + 1;
  }
  return 0;
}

/// The number @p word writes when it is all digits (up to 4), or "1er"; else 0.
int number(const std::string& word) {
  if (word == "1er") return 1;
  if (word.empty() || word.size() > 4 ||
      !std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return 0;
  }
  return std::stoi(word);
}

}  // namespace

std::vector<std::string> mentioned_days(const Xapian::Database& db,
                                        const std::vector<analysis::Token>& tokens) {
  // Folded forms, as the French chain gives them.
  static const std::array<const char*, 12> kMonths = {
      "janvier", "fevrier", "mars",      "avril",   "mai",      "juin",
      "juillet", "aout",    "septembre", "octobre", "novembre", "decembre"};
  static const std::array<const char*, 7> kWeekdays = {"lundi",    "mardi",  "mercredi", "jeudi",
                                                       "vendredi", "samedi", "dimanche"};
  const auto next_to = [&](std::size_t i, std::size_t j) {
    return tokens[j].position == tokens[i].position + 1;
  };
  std::vector<long> index_years;  // read once, when a date is met
  std::vector<std::string> days;
  std::size_t dates = 0;
  for (std::size_t i = 0; i + 1 < tokens.size() && dates < kMaxMentionedDates; ++i) {
    const int day = number(tokens[i].text);
    const int month = index_of(kMonths, tokens[i + 1].text);
    if (day < 1 || day > 31 || month == 0 || !next_to(i, i + 1) || !has_day(month, 2000, day)) {
      continue;
    }
    ++dates;
    const int weekday = i > 0 && next_to(i - 1, i) ? index_of(kWeekdays, tokens[i - 1].text) : 0;
    const int year =
        i + 2 < tokens.size() && next_to(i + 1, i + 2) && tokens[i + 2].text.size() == 4
            ? number(tokens[i + 2].text)
            : 0;
    if (index_years.empty()) {
      const std::size_t prefix = std::char_traits<char>::length(schema::kYear);
      for (auto it = db.allterms_begin(schema::kYear); it != db.allterms_end(schema::kYear); ++it) {
        const int y = number((*it).substr(prefix));
        if (y > 0) index_years.push_back(y);
      }
    }
    for (const long y : year > 0 ? std::vector<long>{year} : index_years) {
      if (!has_day(month, y, day)) continue;
      const long date = days_from_civil(y, month, day);
      // 1970-01-01 was a Thursday (4, Monday = 1).
      if (weekday != 0 && (date % 7 + 7 + 3) % 7 + 1 != weekday) continue;
      for (long d = date - kDaysBefore; d <= date + kDaysAfter; ++d) {
        days.push_back(day_term(d));
      }
    }
  }
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  return days;
}

Xapian::Query text_terms_query(const Xapian::Database& db, const analysis::Analyzer& analyzer,
                               std::string_view text, unsigned n_terms) {
  const std::vector<analysis::Token> tokens = analyzer.analyze(text);
  std::unordered_map<std::string, Xapian::termcount> tf;  // stem terms ("Z")
  for (const analysis::Token& token : tokens) {
    if (token.text.size() >= 2 && is_word_term(token.text)) {
      const std::string term = positional_term(token.text);
      if (!term.empty()) ++tf[term];  // stop words have none
    }
  }
  const double documents = std::max<double>(1, db.get_doccount());
  struct Scored {
    double score;
    const std::string* term;
    Xapian::termcount tf;
  };
  std::vector<Scored> scored;
  for (const auto& [term, count] : tf) {
    const Xapian::doccount df = db.get_termfreq(term);
    if (df == 0) {
      continue;
    }
    const double idf = std::log(documents / df);
    if (idf > 0) {
      scored.push_back({count * idf, &term, count});
    }
  }
  const std::size_t keep = std::min<std::size_t>(n_terms, scored.size());
  std::partial_sort(scored.begin(), scored.begin() + keep, scored.end(),
                    [](const Scored& a, const Scored& b) {
                      return a.score != b.score ? a.score > b.score : *a.term < *b.term;
                    });
  std::vector<Xapian::Query> terms;
  for (std::size_t i = 0; i < keep; ++i) {
    terms.emplace_back(*scored[i].term, scored[i].tf);
  }
  Xapian::Query words(Xapian::Query::OP_OR, terms.begin(), terms.end());
  if (words.empty()) {
    return words;
  }
  const std::vector<std::string> days = mentioned_days(db, tokens);
  if (!days.empty()) {
    // A constant weight for the articles of those days that match some word (AND_MAYBE:
    // an article of that day on another subject is not brought in).
    Xapian::Query bonus((new Xapian::FixedWeightPostingSource(kMentionedDayWeight))->release());
    words =
        Xapian::Query(Xapian::Query::OP_AND_MAYBE, words,
                      Xapian::Query(Xapian::Query::OP_FILTER, bonus,
                                    Xapian::Query(Xapian::Query::OP_OR, days.begin(), days.end())));
  }
  std::vector<std::string> stems;
  const std::size_t stem_prefix = std::string_view(schema::kStem).size();
  for (const auto& [term, count] : tf) stems.push_back(term.substr(stem_prefix));
  std::sort(stems.begin(), stems.end());
  stems.erase(std::unique(stems.begin(), stems.end()), stems.end());
  return with_title_match(db, words, stems);
}

double title_match(const Xapian::Database& db, const Xapian::Document& doc,
                   const std::vector<std::string>& stems, std::string* id_term) {
  const std::string_view title_stem(schema::kTitleStem);
  const std::string_view id(schema::kId);
  const double documents = std::max<double>(1, db.get_doccount());
  double all = 0;
  double shared = 0;
  Xapian::TermIterator it = doc.termlist_begin();
  const Xapian::TermIterator end = doc.termlist_end();
  it.skip_to(schema::kId);
  if (id_term != nullptr && it != end && (*it).compare(0, id.size(), id) == 0) {
    *id_term = *it;
  }
  for (it.skip_to(schema::kTitleStem); it != end; ++it) {
    const std::string& term = *it;
    if (term.compare(0, title_stem.size(), title_stem) != 0) {
      break;
    }
    const std::string stem = term.substr(title_stem.size());
    const Xapian::doccount df = db.get_termfreq(schema::kStem + stem);
    const double idf = std::log(documents / std::max<Xapian::doccount>(1, df));
    all += idf;
    if (std::binary_search(stems.begin(), stems.end(), stem)) {
      shared += idf;
    }
  }
  return all > 0 ? shared / all : 0;
}

Xapian::BM25Weight related_weight() {
  return Xapian::BM25Weight(/*k1=*/1, /*k2=*/0, /*k3=*/1, /*b=*/1, /*min_normlen=*/0.5);
}

Xapian::Query with_title_match(const Xapian::Database& db, const Xapian::Query& query,
                               const std::vector<std::string>& stems) {
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  // The weighting of the second match (Searcher::related_hits), so both rank alike.
  enquire.set_weighting_scheme(related_weight());
  const Xapian::MSet mset = enquire.get_mset(0, kTitleMatchDepth);
  if (mset.empty() || stems.empty()) {
    return query;
  }
  const double best = mset.begin().get_weight();
  std::vector<Xapian::Query> bonuses;
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    std::string id_term;
    const double share = title_match(db, it.get_document(), stems, &id_term);
    if (share > 0 && !id_term.empty()) {
      Xapian::Query bonus(
          (new Xapian::FixedWeightPostingSource(kTitleMatchWeight * best * share))->release());
      bonuses.emplace_back(Xapian::Query::OP_FILTER, bonus, Xapian::Query(id_term));
    }
  }
  if (bonuses.empty()) {
    return query;
  }
  return Xapian::Query(Xapian::Query::OP_AND_MAYBE, query,
                       Xapian::Query(Xapian::Query::OP_OR, bonuses.begin(), bonuses.end()));
}

namespace {

/// True when the folded title @p shorter, of 4 words or more, begins @p longer at a
/// word boundary.
bool title_begins(const std::string& shorter, const std::string& longer) {
  return !shorter.empty() && std::count(shorter.begin(), shorter.end(), ' ') >= 3 &&
         longer.size() > shorter.size() && longer.compare(0, shorter.size(), shorter) == 0 &&
         longer[shorter.size()] == ' ';
}

/// |a ∩ b| / |a ∪ b| of two sorted sets; 0 when both are empty.
double jaccard(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::size_t common = 0;
  for (auto i = a.begin(), j = b.begin(); i != a.end() && j != b.end();) {
    if (*i < *j) {
      ++i;
    } else if (*j < *i) {
      ++j;
    } else {
      ++common;
      ++i;
      ++j;
    }
  }
  const std::size_t all = a.size() + b.size() - common;
  return all == 0 ? 0 : static_cast<double>(common) / static_cast<double>(all);
}

}  // namespace

bool NearDuplicates::repeats(const Xapian::Document& doc, const std::string& title) {
  Kept candidate{fold_title(words_, title), {}};
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
    if (is_stem_term(*it)) {
      candidate.words.push_back(*it);  // the term list comes sorted
    }
  }
  for (const Kept& kept : kept_) {
    const bool same_title =
        !candidate.title.empty() &&
        (candidate.title == kept.title || title_begins(kept.title, candidate.title) ||
         title_begins(candidate.title, kept.title));
    if (same_title || jaccard(candidate.words, kept.words) >= kSameWords) {
      return true;
    }
  }
  kept_.push_back(std::move(candidate));
  return false;
}

}  // namespace frsearch::search::detail
