/** @file
 * @brief A few threads that help one request with the independent parts of its work.
 *
 * A big search splits into jobs that need no lock between them (each reads its
 * own Xapian handle): Workers::run() hands them to whichever helper threads are
 * idle and runs the rest on the calling thread, which takes part instead of only
 * waiting. A request therefore never waits for a busy worker: under load (every
 * core already serving a request) the caller simply runs all its jobs itself, as
 * it would without workers. The server owns one Workers beside its pool of
 * Searchers; its destructor stops and joins the threads.
 */
#ifndef FRSEARCH_SEARCHD_WORKERS_H
#define FRSEARCH_SEARCHD_WORKERS_H

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace frsearch::search {

class Workers {
 public:
  /// Starts @p threads helper threads (0: none, run() then runs every job itself).
  explicit Workers(unsigned threads);
  /// Lets the jobs in progress finish, then joins the threads.
  ~Workers();
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  /// Runs every job of @p jobs once, on this thread and on idle helpers; returns
  /// when all have finished. If some threw, rethrows the exception of the first
  /// (in order) that did, after all have finished: a job may reference the caller's
  /// stack. Jobs are destroyed on this thread.
  void run(std::vector<std::function<void()>>& jobs);

  unsigned threads() const { return static_cast<unsigned>(threads_.size()); }
  /// Jobs run by a helper thread so far (for tests).
  std::size_t helped() const;

 private:
  struct Batch;
  void work();
  /// The next job of @p batch not yet taken, or nullptr; under mutex_.
  std::function<void()>* take(Batch& batch, std::size_t& index);
  void finish(Batch& batch, std::size_t index, std::exception_ptr error);

  mutable std::mutex mutex_;
  std::condition_variable ready_;  ///< a batch arrived, or stopping_
  std::condition_variable done_;   ///< a job finished
  std::deque<Batch*> batches_;     ///< batches with jobs not taken yet
  bool stopping_ = false;
  std::size_t helped_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace frsearch::search

#endif  // FRSEARCH_SEARCHD_WORKERS_H
