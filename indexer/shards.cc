// ShardSet, a build's parts and their join, and the per-shard writer threads.
#include "indexer/shards.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <utility>

#include "indexer/hash.h"
#include "indexer/indexer.h"
#include "indexer/schema.h"

namespace frsearch::indexer {
namespace {

/// Documents queued per shard writer.
constexpr std::size_t kShardQueue = 64;

}  // namespace

ShardSet::ShardSet(const std::vector<std::string>& paths, int flags, unsigned generation)
    : generation_(generation) {
  for (const std::string& path : paths) dbs_.emplace_back(path, flags);
}

unsigned ShardSet::route(const std::string& id) const {
  return shard_of(id, size());
}

void ShardSet::commit(unsigned shard) {
  stamp_and_commit(dbs_.at(shard), generation_);
}

void stamp_and_commit(Xapian::WritableDatabase& db, unsigned generation) {
  db.set_metadata(schema::kMetaLastUpdate, utc_now_iso8601());
  db.set_metadata(schema::kMetaGeneration, std::to_string(generation));
  db.commit();
}

void ShardSet::commit_all() {
  for (unsigned i = 0; i < size(); ++i) commit(i);
}

void ShardSet::close() {
  for (Xapian::WritableDatabase& db : dbs_) db.close();
}

void merge_into_one(const std::vector<std::string>& parts, const std::string& destination) {
  Xapian::Database all;
  for (const std::string& part : parts) all.add_database(Xapian::Database(part));
  all.compact(destination);
  all.close();
  for (const std::string& part : parts) std::filesystem::remove_all(part);
}

void join_parts(const std::vector<std::string>& parts, const std::string& destination) {
  if (parts.size() == 1)
    std::filesystem::rename(parts[0], destination);
  else
    merge_into_one(parts, destination);
}

void run_parallel(unsigned count, unsigned threads, const std::function<void(unsigned)>& task) {
  std::atomic<unsigned> next{0};
  std::mutex mutex;
  std::exception_ptr failure;
  const auto work = [&] {
    for (unsigned i; (i = next++) < count;) {
      try {
        task(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!failure) failure = std::current_exception();
        next = count;  // start nothing more
      }
    }
  };
  std::vector<std::thread> helpers;
  for (unsigned t = 1; t < std::min(std::max(1u, threads), count); ++t) helpers.emplace_back(work);
  work();
  for (std::thread& helper : helpers) helper.join();
  if (failure) std::rethrow_exception(failure);
}

PartWriter::PartWriter(std::string prefix, std::size_t part_documents, std::size_t commit_every,
                       unsigned generation)
    : prefix_(std::move(prefix)),
      part_documents_(std::max<std::size_t>(1, part_documents)),
      commit_every_(std::max<std::size_t>(1, commit_every)),
      generation_(generation) {
  open_next();
}

void PartWriter::open_next() {
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "-%03zu", parts_.size());
  parts_.push_back(prefix_ + suffix);
  // Nobody reads a part, and a crash discards the whole generation: no fsync per
  // commit (DB_NO_SYNC), and blocks updated in place rather than copied on write
  // (DB_DANGEROUS: about 10% less CPU on 4k articles).
  db_ = Xapian::WritableDatabase(
      parts_.back(), Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC | Xapian::DB_DANGEROUS);
  in_part_ = 0;
}

void PartWriter::commit() {
  stamp_and_commit(db_, generation_);
}

int PartWriter::closed_part_with(const std::string& term) const {
  for (std::size_t part = parts_.size() - 1; part-- > 0;)
    if (Xapian::Database(parts_[part]).term_exists(term)) return static_cast<int>(part);
  return -1;
}

void PartWriter::write(Prepared&& prepared) {
  if (prepared.duplicate) {
    // Rare: look for the earlier record in the closed parts first, then here.
    std::string term = id_term(prepared.id);
    const int part = closed_part_with(term);
    if (part >= 0)
      late_replacements_.emplace_back(part, std::move(term), std::move(prepared.doc));
    else
      db_.replace_document(term, prepared.doc);
    return;  // a replacement adds no document to the part
  }
  if (in_part_ == part_documents_) {
    commit();
    db_.close();
    open_next();
  }
  db_.add_document(prepared.doc);
  if (++in_part_ % commit_every_ == 0) commit();
}

void PartWriter::close() {
  commit();
  db_.close();
  std::size_t open_part = parts_.size();
  Xapian::WritableDatabase db;
  for (auto& [part, term, doc] : late_replacements_) {
    if (part != open_part) {
      if (open_part != parts_.size()) stamp_and_commit(db, generation_);
      db = Xapian::WritableDatabase(parts_[part], Xapian::DB_OPEN | Xapian::DB_NO_SYNC);
      open_part = part;
    }
    db.replace_document(term, doc);
  }
  if (open_part != parts_.size()) {
    stamp_and_commit(db, generation_);
    db.close();
  }
  late_replacements_.clear();
}

std::string utc_now_iso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

ShardWriters::ShardWriters(unsigned shards, Write write, Finish finish)
    : write_(std::move(write)), finish_(std::move(finish)) {
  if (shards <= 1) return;  // written inline by the caller's thread
  for (unsigned i = 0; i < shards; ++i)
    queues_.push_back(std::make_unique<BoundedQueue<Prepared>>(kShardQueue));
  for (unsigned i = 0; i < shards; ++i) threads_.emplace_back([this, i] { run(i); });
}

ShardWriters::~ShardWriters() {
  abort();
}

void ShardWriters::submit(unsigned shard, Prepared&& prepared) {
  if (queues_.empty()) {
    write_(shard, std::move(prepared));
    return;
  }
  if (!queues_.at(shard)->push(std::move(prepared))) rethrow_failure();
}

void ShardWriters::finish() {
  if (queues_.empty()) {
    finish_(0);
    return;
  }
  for (auto& queue : queues_) queue->close();
  for (std::thread& thread : threads_)
    if (thread.joinable()) thread.join();
  rethrow_failure();
}

void ShardWriters::abort() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    aborted_ = true;
  }
  for (auto& queue : queues_) queue->close();
  for (std::thread& thread : threads_)
    if (thread.joinable()) thread.join();
}

void ShardWriters::run(unsigned shard) {
  const auto stopping = [this] {
    std::lock_guard<std::mutex> lock(mutex_);
    return aborted_ || failure_ != nullptr;
  };
  try {
    while (std::optional<Prepared> prepared = queues_[shard]->pop())
      if (!stopping()) write_(shard, std::move(*prepared));
    if (!stopping()) finish_(shard);
  } catch (...) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!failure_) failure_ = std::current_exception();
    }
    for (auto& queue : queues_) queue->close();
  }
}

void ShardWriters::rethrow_failure() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (failure_) std::rethrow_exception(failure_);
}

}  // namespace frsearch::indexer
