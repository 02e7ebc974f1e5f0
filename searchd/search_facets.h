/** @file
 * @brief Exact category, year and month facets from Xapian's built-in match spies.
 *
 * Only Xapian::ValueCountMatchSpy is used, since remote shards served by
 * xapian-tcpsrv know only the built-in spies. The category slot holds one value
 * per label combination ("A\x1fB"), which is split here into per-label counts;
 * years are the sums of their months.
 */
#ifndef FRSEARCH_SEARCHD_SEARCH_FACETS_H
#define FRSEARCH_SEARCHD_SEARCH_FACETS_H

#include <memory>
#include <vector>

#include <xapian.h>

#include "searchd/search.h"

namespace frsearch::search::detail {

/// The spies of one match: attach them to an Enquire, run get_mset() with
/// check_at_least covering every document, then read the counts.
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
