/** @file
 * @brief The writable shards of one generation and their writer threads (internal).
 *
 * A document lives in shard shard_of(id): add, replace and delete by id always
 * reach the shard that holds it, so no id is ever in two shards.
 */
#ifndef FRSEARCH_INDEXER_SHARDS_H
#define FRSEARCH_INDEXER_SHARDS_H

#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <xapian.h>

#include "indexer/bounded_queue.h"
#include "indexer/pipeline.h"

namespace frsearch::indexer {

class ShardSet {
 public:
  /// Opens each path with Xapian's DB_* @p flags.
  ShardSet(const std::vector<std::string>& paths, int flags, unsigned generation);

  unsigned size() const { return static_cast<unsigned>(dbs_.size()); }
  Xapian::WritableDatabase& operator[](unsigned shard) { return dbs_.at(shard); }
  /// The shard of the document with id @p id.
  unsigned route(const std::string& id) const;

  /// Stamps last_update (now, UTC) and the generation, then commits one shard.
  void commit(unsigned shard);
  void commit_all();
  /// Closes every shard (releases Xapian's write locks).
  void close();

 private:
  std::vector<Xapian::WritableDatabase> dbs_;
  unsigned generation_;
};

/// Walks the unprefixed terms of @p db and adds the alphabetic ones of three
/// bytes or more to its spelling dictionary, with their term frequencies (when
/// the whole index has @p index_documents >= 1000, only the words of two
/// documents or more). One pass at the end of a build costs far less than
/// add_spelling() per word.
void add_spelling_from_terms(Xapian::WritableDatabase& db, Xapian::doccount index_documents);

/// Merges the databases @p parts into a new compact one at @p destination
/// (Xapian's compactor: documents renumbered part after part, spelling
/// frequencies summed), then removes the parts.
void merge_into_one(const std::vector<std::string>& parts, const std::string& destination);

/// "2024-01-10T09:30:00Z", now.
std::string utc_now_iso8601();

/// Writes documents to N shards, each in its own thread (inline when N is 1),
/// and calls a finishing step per shard in that thread (commit, spelling).
class ShardWriters {
 public:
  using Write = std::function<void(unsigned shard, Prepared&&)>;
  using Finish = std::function<void(unsigned shard)>;

  ShardWriters(unsigned shards, Write write, Finish finish);
  ~ShardWriters();
  ShardWriters(const ShardWriters&) = delete;
  ShardWriters& operator=(const ShardWriters&) = delete;

  /// Queues one document for @p shard; rethrows a writer thread's failure.
  void submit(unsigned shard, Prepared&& prepared);
  /// Runs every finishing step, waits for them, rethrows the first failure.
  void finish();
  /// Stops without finishing (what was queued is dropped).
  void abort();

 private:
  void run(unsigned shard);
  void rethrow_failure();

  Write write_;
  Finish finish_;
  std::vector<std::unique_ptr<BoundedQueue<Prepared>>> queues_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::exception_ptr failure_;
  bool aborted_ = false;
};

}  // namespace frsearch::indexer

#endif  // FRSEARCH_INDEXER_SHARDS_H
