/** @file
 * @brief The index schema shared by the indexer (writer) and searchd (reader).
 *
 * Term prefixes follow Xapian Omega's conventions (single capital letters,
 * "X" + capitals for our own). Folded words never start with a capital, since
 * analysis lowercases everything.
 *
 * Index format 3 (kFormat): a word of title, summary or body is indexed by its
 * stem only, "Z" + stem, with the positions of its tokens, so phrases and NEAR
 * match on stems ("donnée de santé" finds « données de santé », as Elasticsearch's
 * french analyzer and PostgreSQL's tsvector do), and a stop word, which has no
 * stem, leaves a gap that the query side's window covers. Title words also get
 * "S" + the folded word, with positions: a title phrase stays exact, and a title
 * holding the very form asked for can rank first. There are no unprefixed terms:
 * the exact words were more than half of a document's terms and a third of a
 * build's time (docs/PERFORMANCE.md); the words themselves, with their document
 * counts, are in Xapian's spelling dictionary, for suggestions, completions and
 * `word*`. Format 2 also had each exact word as an unprefixed term without
 * positions; format 1 (no kMetaFormat) had the positions on the exact words.
 * searchd warns that an older index needs a rebuild; `indexer add` refuses it.
 *
 * Index folder layout:
 *   DIR/XAPIANDB        Xapian stub file naming the live generation's shard(s),
 *                       e.g. "glass gen-000003/shard-000"; replaced by rename(),
 *                       so readers see the old or the new index, never a mix.
 *   DIR/gen-NNNNNN/     one generation written by `indexer build`, holding
 *                       shard-000 ... shard-(N-1) (glass databases).
 */
#ifndef FRSEARCH_INDEXER_SCHEMA_H
#define FRSEARCH_INDEXER_SCHEMA_H

#include <cstdlib>
#include <string>
#include <utility>

#include <xapian.h>

namespace frsearch::schema {

// ---- Term prefixes ----------------------------------------------------------
inline constexpr const char* kId = "Q";     ///< "Q" + id: unique id term (boolean)
inline constexpr const char* kTitle = "S";  ///< "S" + folded word: title words, with positions
/// "Z" + stem (title, summary, body), with the positions of its tokens; wdf = its
/// count, kTitleWdfBoost per title occurrence. Stop words have no stem.
inline constexpr const char* kStem = "Z";
inline constexpr const char* kTitleStem = "ZS";  ///< "ZS" + stem of a title word, no positions
inline constexpr const char* kCategory = "K";    ///< "K" + folded label ("Ka la une"), boolean
inline constexpr const char* kYear = "Y";        ///< "Y2021", boolean
inline constexpr const char* kMonth = "M";       ///< "M202112", boolean
inline constexpr const char* kDay = "D";         ///< "D20211223", boolean
/// "XU" + folded word + ":" + lowercase accented surface form, boolean, added
/// only when the two differ. Its term frequency tells which accented spelling is
/// the usual one, to give suggestions and completions their accents back.
/// `add` writes these terms; `build` counts the same pairs in memory and writes
/// one metadata entry "XU" + folded word per word instead (indexer/surfaces.h).
inline constexpr const char* kSurface = "XU";
/// Metadata "XW" + folded word + kWordCountSeparator + the number of documents
/// holding it (decimal; the value repeats the number), for the words of the
/// spelling dictionary, in every shard: what completions, `word*` and the
/// spelling checks read to know a word and its frequency, since the index has no
/// unprefixed terms (format 3). Metadata, unlike Xapian's spelling table, is
/// served by remote shards (xapian-tcpsrv); the count is in the key so that one
/// listing of the keys of a prefix (one round trip) gives the words and their
/// counts. `build` writes the counts of the whole index; `add` and `delete`
/// update them.
inline constexpr const char* kWord = "XW";
inline constexpr char kWordCountSeparator = '\x01';  ///< sorts before any letter

/// The "XW" metadata key of @p word holding @p documents.
inline std::string word_count_key(const std::string& word, unsigned long documents) {
  return kWord + word + kWordCountSeparator + std::to_string(documents);
}

/// The word and the count of an "XW" metadata key; count 0 when it is not one.
inline std::pair<std::string, unsigned long> parse_word_count_key(const std::string& key) {
  const std::size_t separator = key.rfind(kWordCountSeparator);
  if (key.compare(0, 2, kWord) != 0 || separator == std::string::npos) return {{}, 0};
  return {key.substr(2, separator - 2), std::strtoul(key.c_str() + separator + 1, nullptr, 10)};
}

// ---- Value slots ------------------------------------------------------------
inline constexpr Xapian::valueno kSlotDay = 0;    ///< "YYYYMMDD" (date filters)
inline constexpr Xapian::valueno kSlotSort = 1;   ///< "YYYYMMDDHHMMSS" + id (stable date sort)
inline constexpr Xapian::valueno kSlotMonth = 2;  ///< "YYYY-MM" (year and month facets)
/// The article's category labels as written, sorted, joined by '\x1f'. One value per
/// combination, so Xapian's built-in ValueCountMatchSpy (which remote shards know) counts
/// combinations exactly; searchd splits them into per-label counts.
inline constexpr Xapian::valueno kSlotCategories = 3;
/// Compact JSON {"id","title","url","date","categories"}: what a hit or an export row
/// shows, without parsing the stored record.
inline constexpr Xapian::valueno kSlotMeta = 4;

inline constexpr char kCategorySeparator = '\x1f';

// ---- Document data and metadata ---------------------------------------------
// Document data: the whole input record as JSON (unknown fields kept).
inline constexpr const char* kMetaLastUpdate = "last_update";  ///< ISO 8601 UTC of the last commit
inline constexpr const char* kMetaGeneration = "generation";   ///< decimal generation number
/// The index format (decimal), written by `indexer build` and by `add` into a new
/// folder; absent: format 1 (positions on the exact words, not on the stems).
inline constexpr const char* kMetaFormat = "format";
inline constexpr const char* kFormat = "3";  ///< what this indexer writes

// ---- Weights ----------------------------------------------------------------
/// A title token adds this to its stem's wdf (one per body token), so a plain
/// query weighs title words above body words (format 2 gave the same boost to
/// the exact words). It costs PIAF MRR@10 0.005 (docs/RELEVANCE.md), where every
/// paragraph of a Wikipedia page has the page's title; a news article's title is
/// its own, and without the boost a title that says what a draft says no longer
/// lifts it among related articles (tests/searchd/related_test.cc).
inline constexpr Xapian::termcount kTitleWdfBoost = 3;

inline constexpr const char* kStubFile = "XAPIANDB";

}  // namespace frsearch::schema

#endif  // FRSEARCH_INDEXER_SCHEMA_H
