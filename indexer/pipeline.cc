// run_pipeline(): reader thread, analysis workers, ordered hand-over to the writer.
#include "indexer/pipeline.h"

#include <atomic>
#include <exception>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

#include "indexer/bounded_queue.h"
#include "indexer/document.h"
#include "indexer/indexer.h"

namespace frsearch::indexer {
namespace {

/// Records in flight per worker: enough to keep every worker busy while the
/// writer is flushing, small enough to keep memory flat.
constexpr std::size_t kQueuePerWorker = 32;

struct Job {
  corpus::Article article;
  bool duplicate = false;
  std::promise<Prepared> promise;
  std::future<Prepared> result = promise.get_future();
};
using JobPtr = std::shared_ptr<Job>;

/// Where each id was first seen in this run (file index, line).
class IdTracker {
 public:
  /// The earlier location of @p id, or nullptr when it is new; records this one.
  const std::pair<std::size_t, std::size_t>* see(const std::string& id, std::size_t file,
                                                 std::size_t line) {
    auto [it, inserted] = seen_.try_emplace(id, file, line);
    if (inserted) return nullptr;
    previous_ = it->second;
    it->second = {file, line};
    return &previous_;
  }

 private:
  std::unordered_map<std::string, std::pair<std::size_t, std::size_t>> seen_;
  std::pair<std::size_t, std::size_t> previous_;
};

/// Owns the threads; closing the queues and joining happen in the destructor, so
/// an exception on the writer side never leaves a thread running.
class Pipeline {
 public:
  Pipeline(const std::vector<std::string>& files, const analysis::Analyzer& analyzer,
           const PipelineOptions& options, const PipelineHandlers& handlers)
      : files_(files),
        analyzer_(analyzer),
        options_(options),
        handlers_(handlers),
        work_(kQueuePerWorker * std::max(1u, options.threads)),
        order_(kQueuePerWorker * std::max(1u, options.threads) + 1) {}

  ~Pipeline() { stop(); }

  bool run() {
    reader_ = std::thread([this] { read_all(); });
    for (unsigned i = 0; i < std::max(1u, options_.threads); ++i)
      workers_.emplace_back([this] { analyse(); });
    while (std::optional<JobPtr> job = order_.pop()) handlers_.on_document((*job)->result.get());
    stop();
    if (reader_error_) std::rethrow_exception(reader_error_);
    return !stopped_;
  }

 private:
  void stop() {
    work_.close();
    order_.close();
    if (reader_.joinable()) reader_.join();
    for (std::thread& worker : workers_)
      if (worker.joinable()) worker.join();
  }

  void read_all() {
    try {
      for (std::size_t i = 0; i < files_.size() && !stopped_; ++i) {
        const auto on_article = [&](corpus::Article&& article) {
          return enqueue(i, std::move(article));
        };
        const auto on_rejection = [&](const corpus::Rejection& rejection) {
          if (handlers_.on_rejection(rejection)) return true;
          stopped_ = true;
          return false;
        };
        corpus::read_file(files_[i], on_article, on_rejection);
      }
    } catch (...) {
      reader_error_ = std::current_exception();
    }
    work_.close();
    order_.close();
  }

  bool enqueue(std::size_t file, corpus::Article&& article) {
    auto job = std::make_shared<Job>();
    if (const auto* first = ids_.see(article.id, file, article.line)) {
      job->duplicate = true;
      if (handlers_.on_duplicate)
        handlers_.on_duplicate(article, {files_[file], article.line},
                               {files_[first->first], first->second});
    }
    job->article = std::move(article);
    return order_.push(job) && work_.push(std::move(job));
  }

  void analyse() {
    StemCache stems;
    DocumentMaker maker(analyzer_, stems);
    WordCounts counts;
    if (options_.word_counts != nullptr) maker.count_words(&counts);
    while (std::optional<JobPtr> job = work_.pop()) {
      Job& j = **job;
      try {
        Prepared prepared;
        prepared.doc = maker.make(j.article, options_.spelling ? &prepared.spelling : nullptr,
                                  options_.surfaces ? &prepared.surfaces : nullptr);
        prepared.id = std::move(j.article.id);
        prepared.bytes = prepared.doc.get_data().size();
        prepared.duplicate = j.duplicate;
        j.article = corpus::Article();  // free the text before the writer gets to it
        j.promise.set_value(std::move(prepared));
      } catch (...) {
        j.promise.set_exception(std::current_exception());
      }
    }
    if (options_.word_counts == nullptr) return;
    maker.take_word_counts();
    std::lock_guard<std::mutex> lock(counts_mutex_);
    options_.word_counts->merge(counts);
  }

  const std::vector<std::string>& files_;
  const analysis::Analyzer& analyzer_;
  const PipelineOptions& options_;
  const PipelineHandlers& handlers_;
  BoundedQueue<JobPtr> work_;
  BoundedQueue<JobPtr> order_;
  IdTracker ids_;  // reader thread only
  std::thread reader_;
  std::vector<std::thread> workers_;
  std::mutex counts_mutex_;  // guards options_.word_counts
  std::atomic<bool> stopped_{false};
  std::exception_ptr reader_error_;
};

}  // namespace

bool run_pipeline(const std::vector<std::string>& files, const analysis::Analyzer& analyzer,
                  const PipelineOptions& options, const PipelineHandlers& handlers) {
  return Pipeline(files, analyzer, options, handlers).run();
}

}  // namespace frsearch::indexer
