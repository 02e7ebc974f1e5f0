/** @file
 * @brief The index writer: articles in, a Xapian index folder out.
 *
 * make_document() is the single place that decides how an article becomes
 * terms, values and stored data (see schema.h); build/add/remove implement the
 * `indexer` subcommands of SPEC.md on the folder layout described in schema.h.
 */
#ifndef FRSEARCH_INDEXER_INDEXER_H
#define FRSEARCH_INDEXER_INDEXER_H

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>
#include <nlohmann/json.hpp>

#include "analyzers/analyzer.h"
#include "corpus/article.h"

namespace frsearch::indexer {

/// The Xapian document of one article: id term, title/body/summary words with
/// positions, stems, category/date boolean terms, surface forms, value slots and
/// the stored record. Also returns, through @p spelling, the folded words worth
/// adding to the spelling dictionary (may be null).
Xapian::Document make_document(const corpus::Article& article, const analysis::Analyzer& analyzer,
                               std::vector<std::string>* spelling = nullptr);

/// The unique id term of an article: "Q" + id. An id so long that the term would
/// pass Xapian's limit (245 bytes) keeps its first bytes and gets a "#" + 16 hex
/// digit hash tail, so the term stays unique and under 240 bytes.
std::string id_term(std::string_view id);

/// A category label folded word by word like the text ("À la une" -> "a la une").
std::string fold_label(std::string_view label);
/// The boolean term of a category label: "K" + fold_label(label).
std::string category_term(std::string_view label);

struct Options {
  std::string index_dir;
  unsigned threads = 1;
  unsigned shards = 1;
  bool strict = false;
  bool progress = false;  ///< live progress line on stderr (when it is a terminal)
  /// build/add --synonyms FILE: equivalent expressions stored in every shard
  /// (indexer/synonyms.h); add without it keeps the index's table.
  std::string synonyms;
  /// build: documents per part database of a writer, joined at the end (0: the
  /// default, 20000; the `indexer` command reads $FRS_BUILD_PART_DOCS).
  std::size_t part_documents = 0;
};

struct Summary {
  std::size_t indexed = 0;   ///< documents written
  std::size_t replaced = 0;  ///< of which replaced an existing id
  std::size_t rejected = 0;  ///< records rejected
  std::size_t deleted = 0;   ///< ids deleted
  std::size_t missing = 0;   ///< ids asked to delete that were not there
  std::uint64_t bytes = 0;   ///< size of the records indexed (stored JSON, about the input size)
  double seconds = 0;
  bool stopped = false;  ///< --strict stopped at a bad record; the index is unchanged
};

/// `indexer build`: a new generation from @p inputs, swapped in atomically.
Summary build(const Options& options, const std::vector<std::string>& inputs, std::ostream& err);
/// `indexer add`: insert or replace by id in the live generation.
Summary add(const Options& options, const std::vector<std::string>& inputs, std::ostream& err);
/// `indexer delete`.
Summary remove(const Options& options, const std::vector<std::string>& ids, std::ostream& err);
/// `indexer stats`: {"documents", "last_update", "shards", ...}.
nlohmann::json stats(const std::string& index_dir);

/// The whole command line; main.cc only calls this. Returns the exit status.
int run_cli(int argc, char** argv);

}  // namespace frsearch::indexer

#endif  // FRSEARCH_INDEXER_INDEXER_H
