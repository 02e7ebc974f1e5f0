/** @file
 * @brief Prometheus counters and latency histograms of searchd.
 *
 * One Metrics object per daemon, shared by every worker thread: record() is
 * called once per finished request, render() produces the text exposition
 * format (version 0.0.4) served at /metrics. Label values are the route names
 * of searchd/http.h, so the number of series stays small and fixed.
 */
#ifndef FRSEARCH_SEARCHD_METRICS_H
#define FRSEARCH_SEARCHD_METRICS_H

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace frsearch::search {

/// What the index looks like when /metrics is rendered.
struct IndexGauges {
  std::uint64_t documents = 0;
  std::string generation;  ///< the index metadata "generation"; empty when absent
  bool readable = true;    ///< false while the index cannot be read (a remote shard away)
};

class Metrics {
 public:
  /// Upper bounds (seconds) of the latency histogram buckets, +Inf implied.
  static constexpr std::array<double, 14> kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  /// Counts one request of @p endpoint answered with @p status in @p seconds.
  void record(const std::string& endpoint, int status, double seconds);
  /// Counts one re-opened index handle (a rebuilt or updated index seen).
  void record_reload() { reloads_.fetch_add(1, std::memory_order_relaxed); }

  /// The Prometheus text exposition of every series.
  std::string render(const IndexGauges& index) const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};  ///< non-cumulative counts
    std::uint64_t count = 0;
    double sum = 0;
  };

  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;  ///< (endpoint, status)
  std::map<std::string, Histogram> durations_;                     ///< by endpoint
  std::atomic<std::uint64_t> reloads_{0};
};

}  // namespace frsearch::search

#endif  // FRSEARCH_SEARCHD_METRICS_H
