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
#include <tuple>
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

/// Merges the databases @p parts into a new compact one at @p destination
/// (Xapian's compactor: documents renumbered part after part, spelling
/// frequencies summed), then removes the parts.
void merge_into_one(const std::vector<std::string>& parts, const std::string& destination);

/// The databases @p parts become the one at @p destination: renamed when there is
/// one, merged by merge_into_one() otherwise.
void join_parts(const std::vector<std::string>& parts, const std::string& destination);

/// Runs @p task(0) ... @p task(count - 1) on up to @p threads threads; rethrows
/// the first failure once all have stopped.
void run_parallel(unsigned count, unsigned threads, const std::function<void(unsigned)>& task);

/// Stamps last_update (now, UTC) and @p generation, then commits @p db.
void stamp_and_commit(Xapian::WritableDatabase& db, unsigned generation);

/// One writer's share of a build, written as a series of small databases
/// ("parts": @p prefix + "-000", "-001", ...) of at most @p part_documents
/// documents each, to be joined at the end by join_parts().
///
/// Why: a commit merges the new postings into the B-trees, reading and
/// rewriting the last chunk of every term it touches at some place of the
/// tables. In one database that grows to millions of documents that costs more
/// per document the larger it gets (1M articles: 708 s of system time, ~85 GB
/// written for an 11 GB index); in a part of bounded size it stays flat, and the
/// compactor writes each table once, in order.
///
/// A duplicate id (Prepared::duplicate) replaces its earlier record where that
/// is: in the part being written at once, in a closed part at close(), so the
/// record keeps its place (docid) as in a build written in one database.
class PartWriter {
 public:
  PartWriter(std::string prefix, std::size_t part_documents, std::size_t commit_every,
             unsigned generation);
  PartWriter(const PartWriter&) = delete;
  PartWriter& operator=(const PartWriter&) = delete;

  void write(Prepared&& prepared);
  /// The part being written (for the metadata written at the end).
  Xapian::WritableDatabase& current() { return db_; }
  /// Commits the current part, applies the replacements due in closed parts and
  /// closes everything; parts() are then complete.
  void close();
  const std::vector<std::string>& parts() const { return parts_; }

 private:
  void open_next();
  void commit();
  /// The closed part that holds @p term, or -1.
  int closed_part_with(const std::string& term) const;

  const std::string prefix_;
  const std::size_t part_documents_;
  const std::size_t commit_every_;
  const unsigned generation_;
  std::vector<std::string> parts_;
  Xapian::WritableDatabase db_;
  std::size_t in_part_ = 0;  ///< documents written to the current part
  /// Replacements of records in closed parts: (part, id term, document), in input order.
  std::vector<std::tuple<std::size_t, std::string, Xapian::Document>> late_replacements_;
};

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
