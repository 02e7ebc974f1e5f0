// Latency of /api/search (default parameters: 10 hits, snippets, exact facets) over a
// fixed query list, in process through the HTTP route's handler (no sockets) or over
// HTTP against a running searchd with N client threads. Prints p50, p99, mean,
// requests/s and, in process, the CPU time per query (a figure that depends less on
// the machine's load). bench/search.sh builds the OrangeSum index and runs both modes.
//
//   search_bench --index DIR [--index ...] [--queries FILE] [--rounds N] [--facets table|spies]
//   search_bench --url http://127.0.0.1:PORT [--queries FILE] [--concurrency N] [--seconds S]
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <httplib.h>

#include "searchd/http.h"
#include "searchd/search.h"
#include "searchd/server.h"
#include "tests/searchd/url_encode.h"

namespace {

using frsearch::search::Context;
using frsearch::search::Searcher;
using frsearch::search::testing::url_encode;  // tests/searchd/url_encode.h
using Params = std::multimap<std::string, std::string>;
using Clock = std::chrono::steady_clock;

struct Options {
  std::vector<std::string> indexes;
  std::string url;
  std::string queries = FRS_SOURCE_DIR "/bench/queries/mixed.txt";
  unsigned rounds = 5;
  unsigned concurrency = 1;
  double seconds = 10;
  std::string facets = "table";
  bool per_query = false;
};

/// One line of the query file: "q=...&category=...", raw UTF-8.
struct QueryLine {
  std::string text;
  Params params;
};

std::vector<QueryLine> read_queries(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw std::runtime_error("cannot read " + path);
  }
  std::vector<QueryLine> queries;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    QueryLine query{line, {}};
    std::size_t start = 0;
    while (start <= line.size()) {
      const std::size_t amp = std::min(line.find('&', start), line.size());
      const std::string pair = line.substr(start, amp - start);
      const std::size_t eq = pair.find('=');
      if (eq != std::string::npos) {
        query.params.emplace(pair.substr(0, eq), pair.substr(eq + 1));
      }
      start = amp + 1;
    }
    queries.push_back(std::move(query));
  }
  if (queries.empty()) {
    throw std::runtime_error(path + " holds no query");
  }
  return queries;
}

std::string target_of(const QueryLine& query) {
  std::string target = "/api/search?";
  bool first = true;
  for (const auto& [key, value] : query.params) {
    target += (first ? "" : "&") + key + "=" + url_encode(value);
    first = false;
  }
  return target;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) {
    return 0;
  }
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p * values.size()));
  return values[std::min(values.size() - 1, rank == 0 ? 0 : rank - 1)];
}

double mean(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) {
    sum += v;
  }
  return values.empty() ? 0 : sum / values.size();
}

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/// The request Context of http.h over one Searcher, as a searchd worker has.
class BenchContext : public Context {
 public:
  explicit BenchContext(Searcher& searcher) : searcher_(searcher) {}
  Searcher& searcher() override { return searcher_; }
  void refresh() override { searcher_.reopen(); }
  const frsearch::search::Metrics* metrics() const override { return nullptr; }

 private:
  Searcher& searcher_;
};

int run_in_process(const Options& options, const std::vector<QueryLine>& queries) {
  Searcher searcher(frsearch::search::IndexSet(options.indexes).open());
  searcher.set_facet_table(options.facets == "table");
  BenchContext context(searcher);
  const auto routes = frsearch::search::api_routes();
  std::vector<frsearch::search::Request> requests;
  for (const QueryLine& query : queries) {
    frsearch::search::Request request;
    request.method = "GET";
    request.path = "/api/search";
    request.params = query.params;
    requests.push_back(std::move(request));
  }
  auto run = [&](const frsearch::search::Request& request) {
    const auto response = frsearch::search::dispatch(routes, request, context);
    if (response.status != 200) {
      throw std::runtime_error("status " + std::to_string(response.status) + ": " + response.body);
    }
    return response.body.size();
  };
  for (const auto& request : requests) {  // warm-up: caches, facet table
    run(request);
  }
  std::vector<double> wall, cpu;
  std::vector<std::vector<double>> by_query(requests.size());
  const auto start = Clock::now();
  for (unsigned round = 0; round < options.rounds; ++round) {
    for (std::size_t i = 0; i < requests.size(); ++i) {
      const double cpu_before = thread_cpu_ms();
      const auto t0 = Clock::now();
      run(requests[i]);
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      wall.push_back(ms);
      cpu.push_back(thread_cpu_ms() - cpu_before);
      by_query[i].push_back(cpu.back());
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf(
      "in process (facets: %s), %zu queries x %u rounds = %zu requests\n"
      "  wall: p50 %.2f ms, p99 %.2f ms, mean %.2f ms, %.0f requests/s (one thread)\n"
      "  CPU:  p50 %.2f ms, p99 %.2f ms, mean %.2f ms per query\n",
      options.facets.c_str(), requests.size(), options.rounds, wall.size(), percentile(wall, 0.5),
      percentile(wall, 0.99), mean(wall), wall.size() / seconds, percentile(cpu, 0.5),
      percentile(cpu, 0.99), mean(cpu));
  if (options.per_query) {
    for (std::size_t i = 0; i < requests.size(); ++i) {
      std::printf("  %7.2f ms CPU (median)  %s\n", percentile(by_query[i], 0.5),
                  queries[i].text.c_str());
    }
  }
  return 0;
}

int run_http(const Options& options, const std::vector<QueryLine>& queries) {
  std::vector<std::string> targets;
  for (const QueryLine& query : queries) {
    targets.push_back(target_of(query));
  }
  // Slow answers are measured, not dropped (httplib gives up after 5 s by default).
  constexpr time_t kTimeoutSeconds = 120;
  {  // warm-up, and a check that the server answers
    httplib::Client client(options.url);
    client.set_read_timeout(kTimeoutSeconds, 0);
    for (const std::string& target : targets) {
      auto result = client.Get(target);
      if (!result || result->status != 200) {
        std::cerr << "search_bench: " << options.url << target << " failed\n";
        return 1;
      }
    }
  }
  std::vector<std::vector<double>> latencies(options.concurrency);
  std::atomic<unsigned> errors{0};
  std::mutex first_error_mutex;
  std::string first_error;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(options.seconds));
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < options.concurrency; ++t) {
    threads.emplace_back([&, t] {
      httplib::Client client(options.url);  // keep-alive connection per thread
      client.set_keep_alive(true);
      client.set_read_timeout(kTimeoutSeconds, 0);
      for (std::size_t i = t * 7; Clock::now() < deadline; ++i) {
        const auto t0 = Clock::now();
        auto result = client.Get(targets[i % targets.size()]);
        if (!result || result->status != 200) {
          if (errors++ == 0) {
            std::lock_guard<std::mutex> lock(first_error_mutex);
            first_error = result ? "status " + std::to_string(result->status)
                                 : httplib::to_string(result.error());
          }
          continue;
        }
        latencies[t].push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (const auto& l : latencies) {
    all.insert(all.end(), l.begin(), l.end());
  }
  std::printf(
      "HTTP %s, concurrency %u, %.1f s: %zu requests, %u errors\n"
      "  p50 %.2f ms, p99 %.2f ms, mean %.2f ms, %.0f requests/s\n",
      options.url.c_str(), options.concurrency, seconds, all.size(), errors.load(),
      percentile(all, 0.5), percentile(all, 0.99), mean(all), all.size() / seconds);
  if (errors > 0) {
    std::printf("  first error: %s\n", first_error.c_str());
  }
  return errors == 0 ? 0 : 1;
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--per-query") {
      options.per_query = true;
      continue;
    }
    if (i + 1 >= argc) {
      throw std::invalid_argument(flag + " needs a value");
    }
    const std::string value = argv[++i];
    if (flag == "--index") {
      options.indexes.push_back(value);
    } else if (flag == "--url") {
      options.url = value;
    } else if (flag == "--queries") {
      options.queries = value;
    } else if (flag == "--rounds") {
      options.rounds = static_cast<unsigned>(std::stoul(value));
    } else if (flag == "--concurrency") {
      options.concurrency = std::max(1u, static_cast<unsigned>(std::stoul(value)));
    } else if (flag == "--seconds") {
      options.seconds = std::stod(value);
    } else if (flag == "--facets" && (value == "table" || value == "spies")) {
      options.facets = value;
    } else {
      throw std::invalid_argument("unknown option " + flag + " " + value);
    }
  }
  if (options.indexes.empty() == options.url.empty()) {
    throw std::invalid_argument("give --index DIR (in process) or --url URL (HTTP)");
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse(argc, argv);
    const auto queries = read_queries(options.queries);
    return options.url.empty() ? run_in_process(options, queries) : run_http(options, queries);
  } catch (const std::exception& e) {
    std::cerr << "search_bench: " << e.what() << '\n';
    return 2;
  } catch (const Xapian::Error& e) {
    std::cerr << "search_bench: " << e.get_description() << '\n';
    return 2;
  }
}
