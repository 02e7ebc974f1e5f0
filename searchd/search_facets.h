/** @file
 * @brief Exact category, year and month facets, counted during a match.
 *
 * Two ways to count, same results:
 *  - a FacetTable: each document's month and category combination read once per
 *    revision of a local single-shard database, so a match counts a document by
 *    its docid (an array lookup) instead of reading two value slots;
 *  - Xapian's built-in ValueCountMatchSpy, for what the table cannot serve: remote
 *    shards (xapian-tcpsrv knows only the built-in spies), and several shards opened
 *    as one handle (a match spy sees each shard's own docids, not the combined
 *    ones); local shards opened one by one get a table each (FacetSums adds them).
 * The category slot holds one value per label combination ("A\x1fB"), which is
 * split here into per-label counts; years are the sums of their months.
 */
#ifndef FRSEARCH_SEARCHD_SEARCH_FACETS_H
#define FRSEARCH_SEARCHD_SEARCH_FACETS_H

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <xapian.h>

#include "searchd/search.h"

namespace frsearch::search::detail {

/// The month and category combination of every document of one database revision.
class FacetTable {
 public:
  /// Reads the month and category slots of every document of @p db (one local shard).
  explicit FacetTable(const Xapian::Database& db);

  /// Whether @p db can be served by a table: one shard, local (glass or chert).
  static bool usable(const Xapian::Database& db);
  /// The revision read (Database::get_revision()).
  Xapian::rev revision() const { return revision_; }

  /// Index of the day / month / category combination of @p docid (0: none or unknown).
  /// Days are numbered in ascending order of their "YYYYMMDD" value.
  std::uint32_t day(Xapian::docid docid) const { return docid < days_.size() ? days_[docid] : 0; }
  std::uint32_t month(Xapian::docid docid) const {
    return docid < months_.size() ? months_[docid] : 0;
  }
  std::uint32_t combination(Xapian::docid docid) const {
    return docid < combinations_.size() ? combinations_[docid] : 0;
  }
  /// The distinct values, by index (index 0 is "", no value).
  const std::vector<std::string>& day_values() const { return day_values_; }
  const std::vector<std::string>& month_values() const { return month_values_; }
  const std::vector<std::string>& combination_values() const { return combination_values_; }

  /// Every document, by ascending kSlotSort value (the browsing order, oldest first);
  /// empty when some document has no such value or shares it, since Xapian's order
  /// of those is not reproduced here.
  const std::vector<Xapian::docid>& by_date() const { return by_date_; }
  /// Rank of the kSlotSort value of @p docid among the distinct values, ascending
  /// (0: no value): ranks compare as the values do.
  std::uint32_t sort_rank(Xapian::docid docid) const {
    return docid < sort_ranks_.size() ? sort_ranks_[docid] : 0;
  }

 private:
  Xapian::rev revision_ = 0;
  std::vector<std::uint32_t> days_, months_, combinations_;  ///< by docid
  std::vector<std::string> day_values_, month_values_, combination_values_;
  std::vector<Xapian::docid> by_date_;
  std::vector<std::uint32_t> sort_ranks_;  ///< by docid
};

/// A FacetTable's kSlotSort ranks as Xapian sort keys (4 bytes, big-endian, so they
/// compare as the values do): sorting by them (Enquire::set_sort_by_relevance_then_key()
/// and the like) orders matches as sorting by the kSlotSort value, without reading
/// that value for every candidate (on the 36k articles, ~33 of a ranked query's
/// ~125 block reads). For the database and revision of the table only.
class SortRankKeys : public Xapian::KeyMaker {
 public:
  explicit SortRankKeys(const FacetTable& table) : table_(table) {}
  std::string operator()(const Xapian::Document& doc) const override;

 private:
  const FacetTable& table_;
};

/// The FacetTables of the databases a pool of Searchers reads, one per database
/// and revision, shared: the first search of a revision builds its table (~150 M
/// instructions on 36k articles) and the other handles of the pool take the same
/// one instead of each reading the slots again. Thread-safe. A table stays alive
/// as long as a Searcher holds it, so handles still on an older revision keep
/// theirs; the cache itself only keeps weak references.
class FacetTables {
 public:
  /// The table of @p db's current revision (@p db: a handle FacetTable::usable()
  /// accepts), built now if no live one exists.
  std::shared_ptr<const FacetTable> get(const Xapian::Database& db);
  /// Tables built so far (for tests).
  std::size_t builds() const;

 private:
  struct Entry {
    std::string uuid;  ///< the database's UUID: a rebuilt index restarts its revisions
    Xapian::rev revision = 0;
    std::weak_ptr<const FacetTable> table;
  };
  std::shared_ptr<const FacetTable> find(const std::string& uuid, Xapian::rev revision);

  mutable std::mutex mutex_;  ///< guards entries_ and builds_
  std::mutex build_mutex_;    ///< one build at a time: the others wait for its table
  std::vector<Entry> entries_;
  std::size_t builds_ = 0;
};

/// Exact total and disjunctive facets of a query in one counting pass over a
/// FacetTable: attach to an Enquire on the query *without* its filters and run
/// get_mset(0, 0, all). Each matching document is counted in the total when it
/// passes both filters, in the category facet when it passes the date range, in
/// the dates when it passes the category filter. The category filter is read from
/// the postings of its "K" terms (as OP_OR of them matches), the date range compares
/// the kSlotDay values (as OP_VALUE_RANGE does), so counts equal the filtered matches.
class FacetCounter : public Xapian::MatchSpy {
 public:
  /// @p table must outlive this; @p db is the database it was read from.
  FacetCounter(const FacetTable& table, const Xapian::Database& db, const Filters& filters);
  void operator()(const Xapian::Document& doc, double /*wt*/) override { count(doc.get_docid()); }
  /// Counts one matching document.
  void count(Xapian::docid docid);
  /// Whether @p docid passes both filters.
  bool passes(Xapian::docid docid) const { return category_ok(docid) && date_ok(docid); }

  Xapian::doccount total() const { return total_; }
  /// Per-label counts, by count descending then label.
  void read_categories(std::vector<FacetValue>& out) const;
  /// Year and month counts, by value ascending.
  void read_dates(std::vector<FacetValue>& years, std::vector<FacetValue>& months) const;
  /// Non-zero counts as (category combination, count) and (month, count) pairs.
  std::vector<std::pair<std::string, Xapian::doccount>> combination_counts() const;
  std::vector<std::pair<std::string, Xapian::doccount>> month_counts() const;

 private:
  bool category_ok(Xapian::docid docid) const {
    return !by_category_ || (docid < in_categories_.size() && in_categories_[docid]);
  }
  bool date_ok(Xapian::docid docid) const {
    if (!by_date_) {
      return true;
    }
    const std::uint32_t day = table_.day(docid);
    return day != 0 && day >= first_day_ && day <= last_day_;
  }

  const FacetTable& table_;
  bool by_category_ = false, by_date_ = false;
  std::vector<bool> in_categories_;             ///< by docid, when by_category_
  std::uint32_t first_day_ = 1, last_day_ = 0;  ///< table day indexes in range, when by_date_
  Xapian::doccount total_ = 0;
  std::vector<Xapian::doccount> combinations_, months_;  ///< by table index
};

/// The sums of the FacetCounters of several shards searched together (each counts
/// its own docids with its own table), read like one counter.
class FacetSums {
 public:
  void add(const FacetCounter& counter);
  Xapian::doccount total() const { return total_; }
  void read_categories(std::vector<FacetValue>& out) const;
  void read_dates(std::vector<FacetValue>& years, std::vector<FacetValue>& months) const;

 private:
  Xapian::doccount total_ = 0;
  std::map<std::string, Xapian::doccount> combinations_, months_;
};

/// The value-slot spies of one match (when no FacetTable serves): attach them to
/// an Enquire, run get_mset() with check_at_least covering every document, then
/// read the counts.
class FacetSpies {
 public:
  /// @p categories / @p dates: which facets this match should count.
  FacetSpies(bool categories, bool dates);
  FacetSpies(const FacetSpies&) = delete;
  FacetSpies& operator=(const FacetSpies&) = delete;
  ~FacetSpies();

  /// Adds the spies to @p enquire; they must outlive its get_mset() calls.
  void attach(Xapian::Enquire& enquire);

  /// Per-label counts, by count descending then label (no-op when not counted).
  void read_categories(std::vector<FacetValue>& out) const;
  /// Year and month counts, by value ascending (no-op when not counted).
  void read_dates(std::vector<FacetValue>& years, std::vector<FacetValue>& months) const;

 private:
  std::unique_ptr<Xapian::ValueCountMatchSpy> categories_;
  std::unique_ptr<Xapian::ValueCountMatchSpy> months_;
};

}  // namespace frsearch::search::detail

#endif  // FRSEARCH_SEARCHD_SEARCH_FACETS_H
