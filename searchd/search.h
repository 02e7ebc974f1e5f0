/** @file
 * @brief Ranked, faceted search over one (possibly sharded or remote) index.
 *
 * A Searcher wraps one Xapian::Database handle and is used by one thread at a
 * time; searchd keeps one per worker (it can be moved, not copied, since copies
 * would share the handle). Parameters arrive already validated by
 * the HTTP layer (searchd/http.h); a Searcher only answers.
 */
#ifndef FRSEARCH_SEARCHD_SEARCH_H
#define FRSEARCH_SEARCHD_SEARCH_H

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>
#include <nlohmann/json.hpp>

#include "analyzers/analyzer.h"
#include "indexer/synonyms.h"

namespace frsearch::search {

namespace detail {
class FacetTable;
class FacetTables;
}  // namespace detail

class Workers;  // searchd/workers.h

enum class Sort { kRelevance, kNewest, kOldest };

/// Filters shared by search, related articles and export.
struct Filters {
  std::vector<std::string> categories;  ///< labels as written; any of them matches
  std::string from, to;                 ///< "YYYY-MM-DD" inclusive, empty = open
};

struct SearchRequest {
  std::string q;
  Filters filters;
  Sort sort = Sort::kRelevance;
  unsigned page = 1;       ///< from 1
  unsigned per_page = 10;  ///< 1..100
};

struct Hit {
  std::string id, title, url, date;  ///< date "YYYY-MM-DD"
  std::vector<std::string> categories;
  double score = 0;
  std::string snippet;  ///< HTML-escaped, matched words in <mark>
};

struct FacetValue {
  std::string value;
  Xapian::doccount count = 0;
};

struct SearchResult {
  std::string query;
  Xapian::doccount total = 0;  ///< exact
  unsigned page = 1, per_page = 10;
  double took_ms = 0;
  std::vector<Hit> hits;
  std::vector<FacetValue> category, year, month;  ///< disjunctive, exact
  std::optional<std::string> suggestion;
};

/// The JSON shapes of SPEC.md.
nlohmann::json to_json(const Hit& hit);
nlohmann::json to_json(const SearchResult& result);
/// The text of to_json(@p result) with member "index" = @p index added, as
/// nlohmann's dump() writes it (same bytes: keys in order, strings escaped, bad
/// UTF-8 replaced), written directly: /api/search answers without building a tree.
std::string to_json_text(const SearchResult& result, const nlohmann::json& index);

/// One row of /api/export.
struct ExportRow {
  std::string id, date, title, url;
  std::vector<std::string> categories;
  double score = 0;
};

/// What an answer cites of the index it was computed on (http.h: "index").
struct IndexState {
  std::string generation, last_update;  ///< index metadata (schema.h), "" when absent
  Xapian::doccount documents = 0;
};

/// A warning when @p db was written by an indexer older than the current index
/// format (schema.h, kFormat 3; format 1 has no kMetaFormat and its positions on
/// the exact words, where phrases and NEAR no longer look; format 2 has exact words
/// that go unused and no title boost on its stems): "rebuild it with `indexer
/// build`"; it is served all the same. "" for a current index or one that cannot
/// say. Reads the metadata of the first sub-database only: for local shards, see below.
std::string index_format_warning(const Xapian::Database& db);
/// The same for each database of @p shard_paths (IndexSet::shard_paths()),
/// naming those holding documents of an older format; written by @p program.
std::string index_format_warning(const std::vector<std::string>& shard_paths,
                                 std::string_view program);

/// How a Searcher may split one big search over several threads. The exact count
/// (total and facets) is one unweighted pass over every match, the ranked page
/// another: on a big match they run at the same time, the count of each local
/// shard on its own thread and its own handle (a Xapian::Database is used by one
/// thread at a time), the ranked page on the Searcher's handle.
struct Parallel {
  /// Threads shared by a pool's Searchers; null: every search on its caller's thread.
  Workers* workers = nullptr;
  /// Opens new handles on the Searcher's shards, one single-shard handle each, in
  /// the same order; empty result or null: the search is never split.
  std::function<std::vector<Xapian::Database>()> open_parts;
  /// A search is split when one of its terms is in at least this many documents
  /// (a cheap estimate of the match); 0: never.
  Xapian::doccount min_matches = 20000;
};

class Searcher {
 public:
  /// @p tables: facet tables shared with the other Searchers of a pool, so that one
  /// table is built per revision rather than one per handle; null: its own.
  explicit Searcher(Xapian::Database db, std::shared_ptr<detail::FacetTables> tables = nullptr);
  /// Over local single-shard handles @p parts, searched together as one database
  /// (a folder of shards): each shard's facets are counted with a FacetTable of its
  /// own, and big searches may be split as @p parallel says.
  Searcher(std::vector<Xapian::Database> parts, std::shared_ptr<detail::FacetTables> tables,
           Parallel parallel = {});

  SearchResult search(const SearchRequest& request);
  /// The stored record, or nullopt for an unknown id.
  std::optional<nlohmann::json> article(const std::string& id);
  /// Related articles of a stored one (never itself); nullopt for an unknown id.
  std::optional<std::vector<Hit>> related_to_article(const std::string& id, unsigned n,
                                                     const Filters& filters);
  /// Related articles of a draft text (non-empty).
  std::vector<Hit> related_to_text(const std::string& text, unsigned n, const Filters& filters);
  /// Completions of a prefix being typed, with their accents, most frequent first.
  std::vector<std::string> suggest(const std::string& prefix, unsigned n);
  /// Streams every match in the requested sort (stable order); stops when @p row returns false.
  void export_matches(const SearchRequest& request,
                      const std::function<bool(const ExportRow&)>& row);
  Xapian::doccount documents() const;
  /// The index metadata value of @p key, "" when absent (of the first shard when
  /// several databases are open together): "generation", "last_update" (schema.h).
  std::string metadata(const std::string& key) const { return db_.get_metadata(key); }
  /// Generation, last update and document count of the handle's revision: read once
  /// per revision of a local index, on every call otherwise (a remote shard, whose
  /// revision cannot be asked).
  const IndexState& index_state();
  /// Picks up a newer revision of the same index, if any. False when there was none
  /// for sure (Xapian::Database::reopen()). The helper handles follow.
  bool reopen();
  /// Searches split over threads so far (for tests and benchmarks).
  std::size_t splits() const { return splits_; }
  /// Facets from the in-memory per-document table (true, the default) or from
  /// Xapian's value-slot match spies (false, always so for remote shards); both are
  /// exact. For tests and benchmarks that compare the two.
  void set_facet_table(bool use) { facet_table_ = use; }

 private:
  /// Up to @p n hits of an OR query of related terms, filtered, without the article
  /// @p exclude_id (may be empty), near-duplicates (same folded title) once.
  std::vector<Hit> related_hits(const Xapian::Query& terms, unsigned n, const Filters& filters,
                                const std::string& exclude_id);

  /// The facet table of each part at its current revision, or none when value-slot
  /// spies count (a remote shard, or set_facet_table(false); see search_facets.h).
  std::vector<const detail::FacetTable*> facet_tables();
  /// The local single-shard handles db_ is made of (sharing its internals); empty
  /// when it has a remote shard.
  const std::vector<Xapian::Database>& parts();
  /// A number that changes with the revision of any of the local parts (their sum:
  /// each only grows); nullopt with a remote shard, whose revision cannot be asked.
  std::optional<Xapian::rev> local_revision();
  /// Whether @p query is big enough to split (Parallel::min_matches).
  bool worth_splitting(const Xapian::Query& query) const;
  /// Opens or catches up helpers_ to the revisions of parts_; false when they cannot
  /// be used for this search (not opened, or a revision they cannot reach).
  bool helpers_ready();
  /// The index's synonyms (indexer/synonyms.h), per revision like index_state().
  const indexer::SynonymTable& synonyms();

  Xapian::Database db_;
  analysis::Analyzer words_;        ///< plain French chain: labels, snippets, suggestions
  analysis::Analyzer draft_words_;  ///< French chain without stop words: drafts
  bool facet_table_ = true;
  std::optional<bool> local_;  ///< whether parts_ is known (set after the first use)
  std::vector<Xapian::Database> parts_;
  Parallel parallel_;
  std::vector<Xapian::Database> helpers_;  ///< other handles on parts_, for other threads
  std::size_t splits_ = 0;
  std::shared_ptr<detail::FacetTables> tables_;
  std::vector<std::shared_ptr<const detail::FacetTable>> held_;    ///< one per part
  std::optional<Xapian::rev> state_revision_, synonyms_revision_;  ///< what the caches hold
  IndexState state_;
  indexer::SynonymTable synonyms_;
};

}  // namespace frsearch::search

#endif  // FRSEARCH_SEARCHD_SEARCH_H
