// Exact facets: split category combinations, sum months into years.
#include "searchd/search_facets.h"

#include <algorithm>
#include <map>
#include <string>
#include <string_view>

#include "indexer/schema.h"

namespace frsearch::search::detail {

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
  if (!categories_) {
    return;
  }
  std::map<std::string, Xapian::doccount> counts;
  for (auto it = categories_->values_begin(); it != categories_->values_end(); ++it) {
    const std::string combination = *it;
    const Xapian::doccount freq = it.get_termfreq();
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

void FacetSpies::read_dates(std::vector<FacetValue>& years, std::vector<FacetValue>& months) const {
  if (!months_) {
    return;
  }
  std::map<std::string, Xapian::doccount> by_year;
  months.clear();
  for (auto it = months_->values_begin(); it != months_->values_end(); ++it) {
    const std::string month = *it;
    if (month.empty()) {
      continue;
    }
    months.push_back({month, it.get_termfreq()});
    by_year[month.substr(0, 4)] += it.get_termfreq();
  }
  std::sort(months.begin(), months.end(),
            [](const FacetValue& a, const FacetValue& b) { return a.value < b.value; });
  years.clear();
  for (auto& [year, count] : by_year) {
    years.push_back({year, count});
  }
}

}  // namespace frsearch::search::detail
