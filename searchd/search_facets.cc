// Exact facets: count per docid from a table or per value from spies, split category
// combinations, sum months into years.
#include "searchd/search_facets.h"

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "indexer/indexer.h"
#include "indexer/schema.h"
#include "searchd/search_common.h"

namespace frsearch::search::detail {
namespace {

/// Index of every document's value in @p slot, distinct values numbered from 1 in
/// first-seen order (@p values[0] = "": no value).
std::vector<std::uint32_t> read_slot(const Xapian::Database& db, Xapian::valueno slot,
                                     std::vector<std::string>& values) {
  std::vector<std::uint32_t> by_docid(db.get_lastdocid() + 1, 0);
  std::unordered_map<std::string, std::uint32_t> index;
  values.assign(1, std::string());
  for (auto it = db.valuestream_begin(slot); it != db.valuestream_end(slot); ++it) {
    const Xapian::docid docid = it.get_docid();
    if (docid >= by_docid.size()) {
      continue;
    }
    auto [pos, fresh] = index.try_emplace(*it, static_cast<std::uint32_t>(values.size()));
    if (fresh) {
      values.push_back(pos->first);
    }
    by_docid[docid] = pos->second;
  }
  return by_docid;
}

/// (value, count) pairs of a spy or a table, into per-label counts.
template <class Pairs>
void split_categories(const Pairs& pairs, std::vector<FacetValue>& out) {
  std::map<std::string, Xapian::doccount> counts;
  for (const auto& [combination, freq] : pairs) {
    std::string_view rest = combination;
    while (!rest.empty()) {
      const std::size_t cut = rest.find(schema::kCategorySeparator);
      const std::string_view label = rest.substr(0, cut);
      if (!label.empty()) {
        counts[std::string(label)] += freq;
      }
      if (cut == std::string_view::npos) {
        break;
      }
      rest.remove_prefix(cut + 1);
    }
  }
  out.clear();
  for (auto& [label, count] : counts) {
    out.push_back({label, count});
  }
  std::stable_sort(out.begin(), out.end(), [](const FacetValue& a, const FacetValue& b) {
    return a.count > b.count;  // labels are already in ascending order
  });
}

/// (month, count) pairs into sorted months and their years.
template <class Pairs>
void split_dates(const Pairs& pairs, std::vector<FacetValue>& years,
                 std::vector<FacetValue>& months) {
  std::map<std::string, Xapian::doccount> by_year;
  months.clear();
  for (const auto& [month, freq] : pairs) {
    if (month.empty()) {
      continue;
    }
    months.push_back({month, freq});
    by_year[month.substr(0, 4)] += freq;
  }
  std::sort(months.begin(), months.end(),
            [](const FacetValue& a, const FacetValue& b) { return a.value < b.value; });
  years.clear();
  for (auto& [year, count] : by_year) {
    years.push_back({year, count});
  }
}

std::vector<std::pair<std::string, Xapian::doccount>> spy_pairs(
    const Xapian::ValueCountMatchSpy& spy) {
  std::vector<std::pair<std::string, Xapian::doccount>> pairs;
  for (auto it = spy.values_begin(); it != spy.values_end(); ++it) {
    pairs.emplace_back(*it, it.get_termfreq());
  }
  return pairs;
}

/// Non-zero counts by table index, as (value, count) pairs.
std::vector<std::pair<std::string, Xapian::doccount>> table_pairs(
    const std::vector<Xapian::doccount>& counts, const std::vector<std::string>& values) {
  std::vector<std::pair<std::string, Xapian::doccount>> pairs;
  for (std::size_t i = 1; i < counts.size(); ++i) {
    if (counts[i] != 0) {
      pairs.emplace_back(values[i], counts[i]);
    }
  }
  return pairs;
}

/// read_slot() with the values renumbered in ascending order.
std::vector<std::uint32_t> read_sorted_slot(const Xapian::Database& db, Xapian::valueno slot,
                                            std::vector<std::string>& values) {
  std::vector<std::string> seen;
  std::vector<std::uint32_t> by_docid = read_slot(db, slot, seen);
  std::vector<std::uint32_t> order(seen.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::sort(order.begin() + 1, order.end(),
            [&](std::uint32_t a, std::uint32_t b) { return seen[a] < seen[b]; });
  std::vector<std::uint32_t> rank(order.size());
  values.assign(order.size(), std::string());
  for (std::uint32_t i = 0; i < order.size(); ++i) {
    rank[order[i]] = i;
    values[i] = std::move(seen[order[i]]);
  }
  for (std::uint32_t& index : by_docid) {
    index = rank[index];
  }
  return by_docid;
}

}  // namespace

// ---- FacetTable -------------------------------------------------------------

FacetTable::FacetTable(const Xapian::Database& db) : revision_(db.get_revision()) {
  days_ = read_sorted_slot(db, schema::kSlotDay, day_values_);
  months_ = read_slot(db, schema::kSlotMonth, month_values_);
  combinations_ = read_slot(db, schema::kSlotCategories, combination_values_);
  std::vector<std::string> sort_values;
  sort_ranks_ = read_sorted_slot(db, schema::kSlotSort, sort_values);
  const std::vector<std::uint32_t>& sort_rank = sort_ranks_;
  by_date_.assign(sort_values.size(), 0);
  Xapian::doccount documents = 0;
  bool distinct = true;
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
    ++documents;
    const std::uint32_t rank = *it < sort_rank.size() ? sort_rank[*it] : 0;
    if (rank == 0 || by_date_[rank] != 0) {
      distinct = false;  // no value, or one shared with another document
      break;
    }
    by_date_[rank] = *it;
  }
  if (!distinct || documents + 1 != by_date_.size()) {
    by_date_.clear();
  } else {
    by_date_.erase(by_date_.begin());  // index 0: "no value"
  }
}

std::string SortRankKeys::operator()(const Xapian::Document& doc) const {
  const std::uint32_t rank = table_.sort_rank(doc.get_docid());
  const char key[4] = {static_cast<char>(rank >> 24), static_cast<char>(rank >> 16),
                       static_cast<char>(rank >> 8), static_cast<char>(rank)};
  return std::string(key, sizeof key);
}

bool FacetTable::usable(const Xapian::Database& db) {
  if (db.size() != 1) {
    return false;
  }
  try {
    db.get_revision();  // throws for a remote or in-memory database
    return true;
  } catch (const Xapian::Error&) {
    return false;
  }
}

// ---- FacetTables ----------------------------------------------------------------

std::shared_ptr<const FacetTable> FacetTables::find(const std::string& uuid, Xapian::rev revision) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const Entry& entry : entries_) {
    if (entry.revision == revision && entry.uuid == uuid) {
      if (auto table = entry.table.lock()) {
        return table;
      }
    }
  }
  return nullptr;
}

std::shared_ptr<const FacetTable> FacetTables::get(const Xapian::Database& db) {
  const std::string uuid = db.get_uuid();
  const Xapian::rev revision = db.get_revision();
  if (auto table = find(uuid, revision)) {
    return table;
  }
  std::lock_guard<std::mutex> build(build_mutex_);
  if (auto table = find(uuid, revision)) {  // built while this one waited
    return table;
  }
  auto table = std::make_shared<const FacetTable>(db);
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [](const Entry& entry) { return entry.table.expired(); }),
                 entries_.end());
  entries_.push_back({uuid, table->revision(), table});
  ++builds_;
  return table;
}

std::size_t FacetTables::builds() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return builds_;
}

// ---- FacetCounter ---------------------------------------------------------------

FacetCounter::FacetCounter(const FacetTable& table, const Xapian::Database& db,
                           const Filters& filters)
    : table_(table),
      combinations_(table.combination_values().size(), 0),
      months_(table.month_values().size(), 0) {
  if (!filters.categories.empty()) {
    by_category_ = true;
    in_categories_.assign(db.get_lastdocid() + 1, false);
    for (const std::string& label : filters.categories) {
      const std::string term = indexer::category_term(label);
      for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
        if (*it < in_categories_.size()) {
          in_categories_[*it] = true;
        }
      }
    }
  }
  if (!filters.from.empty() || !filters.to.empty()) {
    by_date_ = true;
    const std::vector<std::string>& days = table.day_values();  // [0] = "" (no value)
    first_day_ = 1;
    last_day_ = static_cast<std::uint32_t>(days.size()) - 1;
    if (!filters.from.empty()) {
      first_day_ = static_cast<std::uint32_t>(
          std::lower_bound(days.begin() + 1, days.end(), day_key(filters.from)) - days.begin());
    }
    if (!filters.to.empty()) {
      last_day_ = static_cast<std::uint32_t>(
          std::upper_bound(days.begin() + 1, days.end(), day_key(filters.to)) - days.begin() - 1);
    }
  }
}

void FacetCounter::count(Xapian::docid docid) {
  const bool category = category_ok(docid), date = date_ok(docid);
  if (category && date) {
    ++total_;
  }
  if (date) {
    ++combinations_[table_.combination(docid)];
  }
  if (category) {
    ++months_[table_.month(docid)];
  }
}

void FacetCounter::read_categories(std::vector<FacetValue>& out) const {
  split_categories(table_pairs(combinations_, table_.combination_values()), out);
}

void FacetCounter::read_dates(std::vector<FacetValue>& years,
                              std::vector<FacetValue>& months) const {
  split_dates(table_pairs(months_, table_.month_values()), years, months);
}

std::vector<std::pair<std::string, Xapian::doccount>> FacetCounter::combination_counts() const {
  return table_pairs(combinations_, table_.combination_values());
}

std::vector<std::pair<std::string, Xapian::doccount>> FacetCounter::month_counts() const {
  return table_pairs(months_, table_.month_values());
}

// ---- FacetSums ------------------------------------------------------------------

void FacetSums::add(const FacetCounter& counter) {
  total_ += counter.total();
  for (const auto& [combination, count] : counter.combination_counts()) {
    combinations_[combination] += count;
  }
  for (const auto& [month, count] : counter.month_counts()) {
    months_[month] += count;
  }
}

void FacetSums::read_categories(std::vector<FacetValue>& out) const {
  split_categories(combinations_, out);
}

void FacetSums::read_dates(std::vector<FacetValue>& years, std::vector<FacetValue>& months) const {
  split_dates(months_, years, months);
}

// ---- FacetSpies ---------------------------------------------------------------

FacetSpies::FacetSpies(bool categories, bool dates) {
  if (categories) {
    categories_ = std::make_unique<Xapian::ValueCountMatchSpy>(schema::kSlotCategories);
  }
  if (dates) {
    months_ = std::make_unique<Xapian::ValueCountMatchSpy>(schema::kSlotMonth);
  }
}

FacetSpies::~FacetSpies() = default;

void FacetSpies::attach(Xapian::Enquire& enquire) {
  if (categories_) {
    enquire.add_matchspy(categories_.get());
  }
  if (months_) {
    enquire.add_matchspy(months_.get());
  }
}

void FacetSpies::read_categories(std::vector<FacetValue>& out) const {
  if (categories_) {
    split_categories(spy_pairs(*categories_), out);
  }
}

void FacetSpies::read_dates(std::vector<FacetValue>& years, std::vector<FacetValue>& months) const {
  if (months_) {
    split_dates(spy_pairs(*months_), years, months);
  }
}

}  // namespace frsearch::search::detail
