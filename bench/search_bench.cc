// Latency of /api/search (default parameters: 10 hits, snippets, exact facets) over a
// fixed query list, in process through the HTTP route's handler (no sockets) or over
// HTTP against a running searchd with N client threads (each a keep-alive connection
// of LightClient, below). Prints p50, p99, mean, requests/s and the CPU time per query
// in process, or this client's own CPU per request over HTTP (figures that depend less
// on the machine's load). bench/search.sh builds the OrangeSum index and runs both modes.
//
//   search_bench --index DIR [--index ...] [--queries FILE] [--rounds N] [--facets table|spies]
//   search_bench --url http://127.0.0.1:PORT [--queries FILE] [--concurrency N] [--seconds S]
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
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

/// CPU time of this process so far (user + system, every thread).
double process_cpu_ms() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto ms = [](const timeval& t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; };
  return ms(usage.ru_utime) + ms(usage.ru_stime);
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

// Slow answers are measured, not dropped (httplib gives up after 5 s by default).
constexpr time_t kTimeoutSeconds = 120;

/// The timed loop's HTTP/1.1 client: one keep-alive connection, each request
/// written with one send() and its answer read into one buffer (status line,
/// headers to the blank line, then Content-Length bytes of body). It does what
/// httplib::Client does for these requests with fewer system calls (no poll
/// before each read) and no header maps, so that more of the 2 shared cores
/// goes to searchd at concurrency 16 (bench/search.sh prints the client's CPU).
/// A "Connection: close" answer (searchd's keep-alive maximum) ends the
/// connection; the next request opens a new one.
class LightClient {
 public:
  LightClient(std::string host, std::string port)
      : host_(std::move(host)), port_(std::move(port)) {}
  LightClient(const LightClient&) = delete;
  LightClient& operator=(const LightClient&) = delete;
  ~LightClient() { disconnect(); }

  /// GET @p target: the status (0 when the transport failed, @p error says why).
  int get(const std::string& target, std::string& error) {
    const std::string request =
        "GET " + target + " HTTP/1.1\r\nHost: " + host_ + ":" + port_ + "\r\n\r\n";
    for (int attempt = 0; attempt < 2; ++attempt) {  // a kept connection may have closed
      const bool fresh = fd_ < 0;
      if (fresh && !connect_socket(error)) {
        return 0;
      }
      if (send_all(request) && read_answer()) {
        return status_;
      }
      disconnect();
      error = "connection lost";
      if (fresh) {
        return 0;
      }
    }
    return 0;
  }

 private:
  bool connect_socket(std::string& error) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(host_.c_str(), port_.c_str(), &hints, &found) != 0 || !found) {
      error = "cannot resolve " + host_;
      return false;
    }
    for (addrinfo* a = found; a && fd_ < 0; a = a->ai_next) {
      fd_ = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
      if (fd_ >= 0 && ::connect(fd_, a->ai_addr, a->ai_addrlen) != 0) {
        disconnect();
      }
    }
    freeaddrinfo(found);
    if (fd_ < 0) {
      error = "cannot connect to " + host_ + ":" + port_;
      return false;
    }
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const timeval timeout{kTimeoutSeconds, 0};  // slow answers are measured, not dropped
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    return true;
  }

  void disconnect() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }

  bool send_all(const std::string& data) {
    for (std::size_t sent = 0; sent < data.size();) {
      const ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) {
        return false;
      }
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  /// Reads more bytes into buffer_; false at the end of the connection.
  bool receive() {
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
      return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  /// One whole answer (sets status_); false when the connection ended first or the
  /// answer has no Content-Length (searchd sends one for /api/search).
  bool read_answer() {
    buffer_.clear();
    std::size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!receive()) {
        return false;
      }
    }
    const std::string_view head(buffer_.data(), head_end + 2);
    if (head.size() < 12 || head.compare(0, 5, "HTTP/") != 0) {
      return false;
    }
    status_ = std::atoi(buffer_.c_str() + head.find(' ') + 1);
    std::size_t length = std::string::npos;
    bool close = false;
    for (std::size_t line = head.find("\r\n") + 2; line < head.size();) {
      const std::size_t end = head.find("\r\n", line);
      const std::string_view field = head.substr(line, end - line);
      auto is = [&](std::string_view name) {
        return field.size() > name.size() &&
               strncasecmp(field.data(), name.data(), name.size()) == 0;
      };
      if (is("content-length:")) {
        length = std::strtoull(std::string(field.substr(15)).c_str(), nullptr, 10);
      } else if (is("connection:") && field.find("close") != std::string_view::npos) {
        close = true;
      }
      line = end + 2;
    }
    if (length == std::string::npos) {
      return false;
    }
    while (buffer_.size() < head_end + 4 + length) {
      if (!receive()) {
        return false;
      }
    }
    if (close) {
      disconnect();
    }
    return true;
  }

  std::string host_, port_;
  int fd_ = -1;
  int status_ = 0;
  std::string buffer_;
};

int run_http(const Options& options, const std::vector<QueryLine>& queries) {
  std::vector<std::string> targets;
  for (const QueryLine& query : queries) {
    targets.push_back(target_of(query));
  }
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
  // "http://HOST:PORT" (what httplib::Client accepted above)
  std::string host = options.url.substr(options.url.find("://") + 3);
  host = host.substr(0, host.find('/'));
  const std::size_t colon = host.rfind(':');
  const std::string port = colon == std::string::npos ? "80" : host.substr(colon + 1);
  host = host.substr(0, colon);
  std::vector<std::vector<double>> latencies(options.concurrency);
  std::atomic<unsigned> errors{0};
  std::mutex first_error_mutex;
  std::string first_error;
  const double cpu_start = process_cpu_ms();
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(options.seconds));
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < options.concurrency; ++t) {
    threads.emplace_back([&, t] {
      LightClient client(host, port);  // keep-alive connection per thread
      std::string error;
      for (std::size_t i = t * 7; Clock::now() < deadline; ++i) {
        const auto t0 = Clock::now();
        const int status = client.get(targets[i % targets.size()], error);
        if (status != 200) {
          if (errors++ == 0) {
            std::lock_guard<std::mutex> lock(first_error_mutex);
            first_error = status ? "status " + std::to_string(status) : error;
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
  const double client_cpu_ms = process_cpu_ms() - cpu_start;
  std::vector<double> all;
  for (const auto& l : latencies) {
    all.insert(all.end(), l.begin(), l.end());
  }
  std::printf(
      "HTTP %s, concurrency %u, %.1f s: %zu requests, %u errors\n"
      "  p50 %.2f ms, p99 %.2f ms, mean %.2f ms, %.0f requests/s\n"
      "  client CPU %.3f ms per request (this program, user + system)\n",
      options.url.c_str(), options.concurrency, seconds, all.size(), errors.load(),
      percentile(all, 0.5), percentile(all, 0.99), mean(all), all.size() / seconds,
      all.empty() ? 0.0 : client_cpu_ms / all.size());
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
