#include "searchd/metrics.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace frsearch::search {

namespace {

/// A label value as the exposition format wants it: \, " and newline escaped.
std::string escape_label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

/// A float as Prometheus reads it, without locale or needless digits.
std::string number(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", value);
  return buf;
}

bool is_decimal(const std::string& text) {
  return !text.empty() && text.size() <= 18 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

void Metrics::record(const std::string& endpoint, int status, double seconds) {
  auto bucket = std::lower_bound(kBuckets.begin(), kBuckets.end(), seconds) - kBuckets.begin();
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{endpoint, status}];
  Histogram& h = durations_[endpoint];
  if (bucket < static_cast<std::ptrdiff_t>(kBuckets.size())) {
    ++h.buckets[bucket];
  }
  ++h.count;
  h.sum += seconds;
}

std::string Metrics::render(const IndexGauges& index) const {
  std::ostringstream out;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    out << "# HELP frsearch_requests_total HTTP requests answered, by endpoint and status.\n"
        << "# TYPE frsearch_requests_total counter\n";
    for (const auto& [key, count] : requests_) {
      out << "frsearch_requests_total{endpoint=\"" << escape_label(key.first) << "\",status=\""
          << key.second << "\"} " << count << '\n';
    }
    out << "# HELP frsearch_request_duration_seconds Time to answer a request, by endpoint.\n"
        << "# TYPE frsearch_request_duration_seconds histogram\n";
    for (const auto& [endpoint, h] : durations_) {
      const std::string label = "endpoint=\"" + escape_label(endpoint) + "\"";
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += h.buckets[i];
        out << "frsearch_request_duration_seconds_bucket{" << label << ",le=\""
            << number(kBuckets[i]) << "\"} " << cumulative << '\n';
      }
      out << "frsearch_request_duration_seconds_bucket{" << label << ",le=\"+Inf\"} " << h.count
          << '\n'
          << "frsearch_request_duration_seconds_sum{" << label << "} " << number(h.sum) << '\n'
          << "frsearch_request_duration_seconds_count{" << label << "} " << h.count << '\n';
    }
  }
  out << "# HELP frsearch_documents Documents in the index being served.\n"
      << "# TYPE frsearch_documents gauge\n"
      << "frsearch_documents " << index.documents << '\n';
  out << "# HELP frsearch_index_generation Generation of the index being served (indexer build).\n"
      << "# TYPE frsearch_index_generation gauge\n"
      << "frsearch_index_generation " << (is_decimal(index.generation) ? index.generation : "0")
      << '\n';
  out << "# HELP frsearch_index_readable Whether the index could be read for this answer (0 "
         "while a remote shard is away: documents and generation are then 0).\n"
      << "# TYPE frsearch_index_readable gauge\n"
      << "frsearch_index_readable " << (index.readable ? 1 : 0) << '\n';
  out << "# HELP frsearch_index_reloads_total Index handles re-opened on a rebuilt or updated "
         "index.\n"
      << "# TYPE frsearch_index_reloads_total counter\n"
      << "frsearch_index_reloads_total " << reloads_.load(std::memory_order_relaxed) << '\n';
  return out.str();
}

}  // namespace frsearch::search
