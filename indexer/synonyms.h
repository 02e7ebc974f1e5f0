/** @file
 * @brief Equivalent expressions (acronyms, synonyms) shipped with a corpus and
 * stored in the index, so every searchd of it expands queries the same way.
 *
 * The file: UTF-8, one group of equivalent expressions per line separated by
 * tabs ("SNDS<TAB>Système national des données de santé"); blank lines and
 * lines starting with '#' are ignored. Each expression goes through the
 * documents' French analysis (case, accents, elisions; stop words kept, since
 * documents keep them for phrases), so the table holds folded words and a
 * query finds it whatever accents or case it is typed with.
 *
 * The indexer writes the table as one metadata entry (kMetaSynonyms) in every
 * shard, rather than in Xapian's synonym table: the remote backend of Xapian
 * 1.4 (xapian-tcpsrv) serves metadata but not synonyms, and one entry costs a
 * query one lookup (one round trip to a remote shard).
 */
#ifndef FRSEARCH_INDEXER_SYNONYMS_H
#define FRSEARCH_INDEXER_SYNONYMS_H

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

namespace frsearch::indexer {

/// The metadata key of the encoded table in each shard.
inline constexpr const char* kMetaSynonyms = "synonyms";

/// Groups of equivalent expressions, each a sequence of folded words.
class SynonymTable {
 public:
  /// Reads and analyses a synonyms file. Throws std::runtime_error ("FILE:LINE: why")
  /// when it cannot be read or a line holds fewer than two distinct expressions.
  static SynonymTable read_file(const std::string& path);
  /// Analyses @p text, the content of a synonyms file (@p name for errors).
  static SynonymTable parse(std::string_view text, const std::string& name = "synonyms");
  /// The table encode() wrote; empty for "" (an index without synonyms).
  static SynonymTable decode(std::string_view encoded);

  /// One line per group, expressions separated by tabs, words by spaces.
  std::string encode() const;

  /// The expressions equivalent to @p words (folded words joined by single
  /// spaces), itself excluded; nullptr when it is in no group.
  const std::vector<std::string>* equivalents(const std::string& words) const;
  /// The number of words of the longest expression.
  std::size_t longest() const { return longest_; }
  bool empty() const { return groups_.empty(); }

 private:
  void add_group(std::vector<std::string> group);

  std::vector<std::vector<std::string>> groups_;
  std::map<std::string, std::vector<std::string>> equivalents_;
  std::size_t longest_ = 0;
};

/// Stores @p table in @p db's metadata (an empty table removes the entry).
void write_synonyms(Xapian::WritableDatabase& db, const SynonymTable& table);

/// The table stored in @p db (its first shard), empty when there is none.
SynonymTable read_synonyms(const Xapian::Database& db);

}  // namespace frsearch::indexer

#endif  // FRSEARCH_INDEXER_SYNONYMS_H
