// Workers: helper threads taking jobs of a batch the calling thread also works on.
#include "searchd/workers.h"

#include <algorithm>
#include <exception>

namespace frsearch::search {

struct Workers::Batch {
  std::vector<std::function<void()>>* jobs = nullptr;
  std::size_t next = 0;      ///< first job not taken
  std::size_t finished = 0;  ///< jobs done
  std::vector<std::exception_ptr> errors;
};

Workers::Workers(unsigned threads) {
  threads_.reserve(threads);
  for (unsigned i = 0; i < threads; ++i) {
    threads_.emplace_back([this] { work(); });
  }
}

Workers::~Workers() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& thread : threads_) {
    thread.join();
  }
}

std::size_t Workers::helped() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return helped_;
}

std::function<void()>* Workers::take(Batch& batch, std::size_t& index) {
  if (batch.next >= batch.jobs->size()) {
    return nullptr;
  }
  index = batch.next++;
  if (batch.next == batch.jobs->size()) {
    batches_.erase(std::find(batches_.begin(), batches_.end(), &batch));
  }
  return &(*batch.jobs)[index];
}

void Workers::finish(Batch& batch, std::size_t index, std::exception_ptr error) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    batch.errors[index] = std::move(error);
    ++batch.finished;
  }
  done_.notify_all();
}

void Workers::work() {
  for (;;) {
    Batch* batch = nullptr;
    std::size_t index = 0;
    std::function<void()>* job = nullptr;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !batches_.empty(); });
      if (batches_.empty()) {
        return;  // stopping, nothing left to take
      }
      batch = batches_.front();
      job = take(*batch, index);
      ++helped_;
    }
    std::exception_ptr error;
    try {
      (*job)();
    } catch (...) {
      error = std::current_exception();
    }
    finish(*batch, index, std::move(error));
  }
}

void Workers::run(std::vector<std::function<void()>>& jobs) {
  if (jobs.empty()) {
    return;
  }
  Batch batch;
  batch.jobs = &jobs;
  batch.errors.resize(jobs.size());
  const bool share = !threads_.empty() && jobs.size() > 1;
  if (share) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      batches_.push_back(&batch);
    }
    ready_.notify_all();
  }
  for (;;) {
    std::size_t index = 0;
    std::function<void()>* job = nullptr;
    if (share) {
      std::lock_guard<std::mutex> lock(mutex_);
      job = take(batch, index);
    } else if (batch.next < jobs.size()) {
      index = batch.next++;
      job = &jobs[index];
    }
    if (!job) {
      break;
    }
    std::exception_ptr error;
    try {
      (*job)();
    } catch (...) {
      error = std::current_exception();
    }
    if (share) {
      finish(batch, index, std::move(error));
    } else {
      batch.errors[index] = std::move(error);
      ++batch.finished;
    }
  }
  if (share) {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return batch.finished == jobs.size(); });
  }
  for (std::exception_ptr& error : batch.errors) {
    if (error) {
      std::rethrow_exception(error);
    }
  }
}

}  // namespace frsearch::search
