/** @file
 * @brief The index folder: generations, the XAPIANDB stub and its atomic swap (internal).
 *
 * Layout (see schema.h): DIR/XAPIANDB names the live generation's shards, e.g.
 * "glass gen-000003/shard-000", one line per shard; DIR/gen-NNNNNN/shard-NNN are
 * glass databases. A new generation becomes live by renaming a freshly written
 * and fsynced stub over XAPIANDB, so a reader opening DIR sees the old index or
 * the new one, never a mix, and a crash at any moment leaves a readable index.
 */
#ifndef FRSEARCH_INDEXER_INDEX_DIR_H
#define FRSEARCH_INDEXER_INDEX_DIR_H

#include <cstdint>
#include <string>
#include <vector>

namespace frsearch::indexer {

/// The generation DIR/XAPIANDB names. generation == 0: DIR holds no index.
struct LiveIndex {
  unsigned generation = 0;
  std::vector<std::string> shards;  ///< paths of the shard databases, in shard order
};

class IndexDir {
 public:
  explicit IndexDir(std::string dir) : dir_(std::move(dir)) {}

  const std::string& path() const { return dir_; }

  /// Creates DIR (and parents) when missing.
  void create() const;

  /// Reads the stub. Throws std::runtime_error for a stub this indexer did not write.
  LiveIndex live() const;

  /// Numbers of the gen-* folders present, ascending (live, previous, or left
  /// half-written by an interrupted build).
  std::vector<unsigned> generations() const;

  std::string generation_path(unsigned generation) const;
  static std::string shard_path(const std::string& generation_path, unsigned shard);

  /// Makes @p generation (with @p shards shards) the live one: writes the stub to
  /// a temporary file, fsyncs it, renames it over XAPIANDB and fsyncs DIR.
  void publish(unsigned generation, unsigned shards) const;

  /// Removes one generation folder (no error when it is absent).
  void remove_generation(unsigned generation) const;

  /// Total size in bytes of the files below the live generation's shards.
  std::uint64_t size_bytes(const LiveIndex& live) const;

 private:
  std::string dir_;
};

/// An exclusive lock on DIR for one indexer command, so two writers never race
/// on a generation number or a shard. flock(): the kernel drops it if the
/// process dies, so a killed run never leaves a stale lock behind.
class DirLock {
 public:
  /// Throws std::runtime_error when another indexer holds DIR.
  explicit DirLock(const IndexDir& dir);
  ~DirLock();
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;

 private:
  int fd_ = -1;
};

/// fsync() of every file and folder below @p path (and of @p path itself): a
/// generation written with Xapian's DB_NO_SYNC is made durable once, before its swap.
void sync_tree(const std::string& path);

}  // namespace frsearch::indexer

#endif  // FRSEARCH_INDEXER_INDEX_DIR_H
