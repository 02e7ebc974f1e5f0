// SurfaceCounts: the build's surface forms, counted in memory, stored as metadata.
#include "indexer/surfaces.h"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "indexer/schema.h"

namespace frsearch::indexer {

void SurfaceCounts::add(const std::vector<std::string>& surface_terms) {
  for (const std::string& term : surface_terms) ++counts_[term];
}

void SurfaceCounts::merge(const SurfaceCounts& other) {
  for (const auto& [term, documents] : other.counts_) counts_[term] += documents;
}

void SurfaceCounts::write(Xapian::WritableDatabase& db) const {
  std::vector<std::pair<std::string_view, Xapian::doccount>> sorted(counts_.begin(), counts_.end());
  std::sort(sorted.begin(), sorted.end());
  // Terms are "XU<folded>:<surface>" and folded words hold no ':', so the terms of
  // one word are adjacent once sorted and its key is everything before the ':'.
  std::string key, value;
  const auto flush = [&] {
    if (!key.empty()) db.set_metadata(key, value);
    value.clear();
  };
  for (const auto& [term, documents] : sorted) {
    const std::size_t colon = term.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view word_key = term.substr(0, colon);
    if (word_key != key) {
      flush();
      key.assign(word_key);
    }
    value.append(term.substr(colon + 1));
    value += '\t';
    value += std::to_string(documents);
    value += '\n';
  }
  flush();
}

std::vector<std::pair<std::string, Xapian::doccount>> parse_surface_counts(std::string_view value) {
  std::vector<std::pair<std::string, Xapian::doccount>> out;
  while (!value.empty()) {
    const std::size_t end = std::min(value.find('\n'), value.size());
    const std::string_view line = value.substr(0, end);
    value.remove_prefix(std::min(end + 1, value.size()));
    const std::size_t tab = line.find('\t');
    if (tab == std::string_view::npos || tab == 0) continue;
    Xapian::doccount documents = 0;
    const std::string_view digits = line.substr(tab + 1);
    const auto [ptr, error] =
        std::from_chars(digits.data(), digits.data() + digits.size(), documents);
    if (error != std::errc() || ptr != digits.data() + digits.size()) continue;
    out.emplace_back(std::string(line.substr(0, tab)), documents);
  }
  return out;
}

}  // namespace frsearch::indexer
