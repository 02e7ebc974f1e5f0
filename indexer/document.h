/** @file
 * @brief make_document() with state kept across documents (internal).
 *
 * Stemming is a large share of the analysis, and a corpus repeats its words:
 * each pipeline worker keeps a StemCache and a DocumentMaker for its whole run.
 * make_document() (indexer.h) is the same thing with a fresh cache.
 */
#ifndef FRSEARCH_INDEXER_DOCUMENT_H
#define FRSEARCH_INDEXER_DOCUMENT_H

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include <xapian.h>

#include "analyzers/analyzer.h"
#include "corpus/article.h"

namespace frsearch::indexer {

/// Folded word -> its stem ("" for a stop word). Bounded: cleared when full.
/// One per thread (not thread-safe).
class StemCache {
 public:
  const std::string& stem(const std::string& folded_word);

 private:
  static constexpr std::size_t kMaxEntries = 1 << 18;
  std::unordered_map<std::string, std::string> stems_;
};

/// Builds the documents of one thread (see make_document()).
class DocumentMaker {
 public:
  DocumentMaker(const analysis::Analyzer& analyzer, StemCache& stems)
      : analyzer_(analyzer), stems_(stems) {}
  /// With @p surfaces, the document's "XU" pairs (surfaces.h) go there, each once,
  /// instead of into the document as terms.
  Xapian::Document make(const corpus::Article& article, std::vector<std::string>* spelling,
                        std::vector<std::string>* surfaces = nullptr) const;

 private:
  const analysis::Analyzer& analyzer_;
  StemCache& stems_;
};

}  // namespace frsearch::indexer

#endif  // FRSEARCH_INDEXER_DOCUMENT_H
