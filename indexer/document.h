/** @file
 * @brief make_document() with state kept across documents (internal).
 *
 * Stemming is a large share of the analysis, and a corpus repeats its words:
 * each pipeline worker keeps a StemCache and a DocumentMaker for its whole run,
 * so a word already seen costs one hash lookup and no allocation.
 * make_document() (indexer.h) is the same thing with a fresh cache.
 */
#ifndef FRSEARCH_INDEXER_DOCUMENT_H
#define FRSEARCH_INDEXER_DOCUMENT_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <xapian.h>

#include "analyzers/analyzer.h"
#include "corpus/article.h"

namespace frsearch::indexer {

/// Folded word -> its stem and the stem's "Z" / "ZS" terms, kept across documents.
/// Words and stems are numbered, so a document counts its stems and marks its
/// words in flat arrays (DocumentMaker) rather than in maps of strings, and the
/// prefixed terms are built once per stem rather than once per document.
/// Bounded: clear() when full(), between documents (numbers are then reused).
/// One per thread (not thread-safe).
class StemCache {
 public:
  /// The stem number of a stop word or of a stem too long to index.
  static constexpr std::uint32_t kNoStem = 0xFFFFFFFFu;

  explicit StemCache(std::size_t max_words = std::size_t{1} << 18) : max_words_(max_words) {}

  /// The number of @p folded_word (stemmed the first time it is seen).
  std::uint32_t word(std::string_view folded_word);
  /// The word's text; valid until the next call of word().
  const std::string& word_text(std::uint32_t word) const { return words_[word].text; }
  /// Its stem's number, or kNoStem.
  std::uint32_t stem_of(std::uint32_t word) const { return words_[word].stem; }
  /// One more document holds @p word (DocumentMaker::count_words()).
  void count_document(std::uint32_t word) { ++words_[word].documents; }
  /// The documents counted for @p word since reset_documents().
  std::uint32_t documents(std::uint32_t word) const { return words_[word].documents; }
  void reset_documents(std::uint32_t word) { words_[word].documents = 0; }
  const std::string& stem_term(std::uint32_t stem) const { return stems_[stem].term; }
  const std::string& title_stem_term(std::uint32_t stem) const { return stems_[stem].title_term; }

  std::size_t word_count() const { return words_.size(); }
  std::size_t stem_count() const { return stems_.size(); }
  bool full() const { return words_.size() >= max_words_; }
  void clear();

  /// The stem of @p folded_word, "" for a stop word (what the terms are made of).
  static std::string stem(const std::string& folded_word);

 private:
  struct Word {
    std::string text;
    std::uint64_t hash;
    std::uint32_t stem;
    std::uint32_t documents;
  };
  struct Stem {
    std::string term;        // "Z" + stem
    std::string title_term;  // "ZS" + stem
  };
  static constexpr std::uint32_t kEmpty = 0xFFFFFFFFu;
  void grow();

  std::size_t max_words_;
  // Word numbers by hash, open addressing with linear probing: a word already
  // seen (almost every token) costs one FNV-1a pass and one or two probes.
  std::vector<std::uint32_t> slots_;
  std::unordered_map<std::string, std::uint32_t> stem_numbers_;  // new words only
  std::vector<Word> words_;
  std::vector<Stem> stems_;
};

/// How many documents of a build had each spelling word (the index has no
/// unprefixed terms to count them from, schema.h). Not thread-safe: one per
/// analysis worker, merged at the end.
class WordCounts {
 public:
  void add(const std::string& word, Xapian::doccount documents) { counts_[word] += documents; }
  /// One document fewer holds @p word (a replaced or deleted one: add_to_metadata()).
  void subtract(const std::string& word) { --counts_[word]; }
  void merge(const WordCounts& other);
  /// The spelling dictionary of an index of @p index_documents: every word with
  /// its count, sorted; from 1000 documents on, only the words of two documents
  /// or more (in a large index a word of one document is more often a typo, a
  /// glued word or a rare name than what a visitor meant, and leaving those out
  /// halves the dictionary).
  std::vector<std::pair<std::string, Xapian::doccount>> dictionary(
      Xapian::doccount index_documents) const;
  /// Adds the counts (negative after subtract()) to the "XW" word counts of @p db
  /// (schema.h); a word whose count falls to 0 loses its entry.
  void add_to_metadata(Xapian::WritableDatabase& db) const;
  void clear() { counts_.clear(); }

 private:
  std::unordered_map<std::string, long> counts_;
};

/// Sets the "XW" word count (schema.h) of each word of @p dictionary in @p db.
void write_word_counts(Xapian::WritableDatabase& db,
                       const std::vector<std::pair<std::string, Xapian::doccount>>& dictionary);

/// Builds the documents of one thread (see make_document()). Keeps its scratch
/// space (stem counts, word marks, surface set) across documents.
class DocumentMaker {
 public:
  DocumentMaker(const analysis::Analyzer& analyzer, StemCache& stems)
      : analyzer_(analyzer), stems_(stems) {}
  /// With @p surfaces, the document's "XU" pairs (surfaces.h) go there, each once,
  /// instead of into the document as terms.
  Xapian::Document make(const corpus::Article& article, std::vector<std::string>* spelling,
                        std::vector<std::string>* surfaces = nullptr);
  /// From now on, make() also counts the documents of each spelling word, by
  /// word number in the StemCache (far cheaper than a list of strings per
  /// document); take_word_counts() adds them to @p counts.
  void count_words(WordCounts* counts) { counts_ = counts; }
  /// Adds the words counted so far to the count_words() target and resets them.
  void take_word_counts();

  /// Per-document state, reset by each make() (sized by the StemCache's numbers).
  struct Scratch {
    std::vector<Xapian::termcount> title_stem_counts;  // by stem number
    std::vector<std::uint32_t> title_stems;            // stem numbers counted in this title
    std::vector<std::uint32_t> word_doc;               // by word number: last document that had it
    std::vector<std::uint32_t> words;                  // word numbers seen in this document
    std::unordered_set<std::string_view> surfaces_seen;  // views into the article
    std::string title_term;                              // "S" + word buffer
    std::uint32_t document = 0;                          // this document's stamp
  };

 private:
  void start_document();

  const analysis::Analyzer& analyzer_;
  StemCache& stems_;
  Scratch scratch_;
  WordCounts* counts_ = nullptr;
};
}  // namespace frsearch::indexer

#endif  // FRSEARCH_INDEXER_DOCUMENT_H
