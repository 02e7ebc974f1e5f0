/** @file
 * @brief Surface-form counts of a build, written once as metadata (internal).
 *
 * Suggestions and completions give folded words their usual accents back
 * ("hopital" -> "hôpital"). `add` records that as one boolean "XU" term per
 * document and spelling (schema.h); for a whole build those terms were about a
 * tenth of the postings and a fifth of the writing time, so `build` counts the
 * same pairs in memory instead and stores, per folded word, one metadata entry
 * "XU<folded>" -> "<surface>\t<documents>\n"... Readers add both sources up.
 */
#ifndef FRSEARCH_INDEXER_SURFACES_H
#define FRSEARCH_INDEXER_SURFACES_H

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <xapian.h>

namespace frsearch::indexer {

/// How many documents of a build had each "XU<folded>:<surface>" pair. One per
/// writer thread, merged at the end (not thread-safe).
class SurfaceCounts {
 public:
  /// One document's pairs, each once (as DocumentMaker gathers them).
  void add(const std::vector<std::string>& surface_terms);
  void merge(const SurfaceCounts& other);
  bool empty() const { return counts_.empty(); }
  /// Sets the metadata entry of every folded word seen (replacing what was there).
  void write(Xapian::WritableDatabase& db) const;

 private:
  std::unordered_map<std::string, Xapian::doccount> counts_;  // XU term -> documents
};

/// The (surface, documents) pairs of a metadata value written by SurfaceCounts.
std::vector<std::pair<std::string, Xapian::doccount>> parse_surface_counts(std::string_view value);

}  // namespace frsearch::indexer

#endif  // FRSEARCH_INDEXER_SURFACES_H
