/** @file
 * @brief Reader -> analysis workers -> writer, in input order (internal).
 *
 * One reader thread parses the input files (corpus::read_file), N worker
 * threads run make_document(), and the calling thread receives the documents
 * in input order, so "the last record with an id wins" holds whatever the
 * number of workers, and a build is deterministic. Queues are bounded: memory
 * stays flat whatever the corpus size.
 */
#ifndef FRSEARCH_INDEXER_PIPELINE_H
#define FRSEARCH_INDEXER_PIPELINE_H

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <xapian.h>

#include "analyzers/analyzer.h"
#include "corpus/article.h"

namespace frsearch::indexer {

/// One analysed record, ready to be written.
struct Prepared {
  std::string id;
  Xapian::Document doc;
  std::vector<std::string> spelling;  ///< filled when the pipeline was asked for it
  std::vector<std::string> surfaces;  ///< "XU" pairs kept apart when asked (surfaces.h)
  std::size_t bytes = 0;              ///< size of the stored record (about its input size)
  bool duplicate = false;             ///< an earlier record of this run had the same id
};

/// Where a record came from.
struct Location {
  std::string file;
  std::size_t line = 0;
};

struct PipelineHandlers {
  /// Reader thread: a rejected record. Return false to stop reading.
  std::function<bool(const corpus::Rejection&)> on_rejection;
  /// Reader thread: @p article has the id of the earlier record at @p first.
  std::function<void(const corpus::Article& article, const Location& here, const Location& first)>
      on_duplicate;
  /// Calling thread, in input order. May throw: the pipeline then stops and rethrows.
  std::function<void(Prepared&&)> on_document;
};

class WordCounts;

struct PipelineOptions {
  unsigned threads = 1;   ///< analysis workers
  bool spelling = false;  ///< fill Prepared::spelling
  bool surfaces = false;  ///< "XU" pairs into Prepared::surfaces, not into the document
  /// When set, the workers count the documents of each spelling word and add
  /// their counts here once they are done (DocumentMaker::count_words()).
  WordCounts* word_counts = nullptr;
};

/// Runs the whole pipeline over @p files. Returns false when on_rejection asked to stop.
bool run_pipeline(const std::vector<std::string>& files, const analysis::Analyzer& analyzer,
                  const PipelineOptions& options, const PipelineHandlers& handlers);

}  // namespace frsearch::indexer

#endif  // FRSEARCH_INDEXER_PIPELINE_H
