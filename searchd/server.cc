#include "searchd/server.h"

#include <execinfo.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <iostream>
#include <stdexcept>
#include <thread>
#include <utility>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "indexer/index_dir.h"
#include "indexer/schema.h"
#include "searchd/search_facets.h"

namespace frsearch::search {

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kUsage =
    "usage: searchd --index DIR_OR_tcp://HOST:PORT [--index ...] [--host 127.0.0.1] "
    "[--port 8080] [--threads N] [--split-from N]\n";

constexpr const char* kRemoteScheme = "tcp://";

/// Remote shard timeouts (milliseconds): per request, and to connect.
constexpr unsigned kRemoteTimeoutMs = 10000;
constexpr unsigned kRemoteConnectTimeoutMs = 3000;

/// HTTP limits (cpp-httplib's defaults are kept for the request line, 8 KiB,
/// and the header fields, 8 KiB each).
constexpr time_t kReadTimeoutSeconds = 5;
constexpr time_t kWriteTimeoutSeconds = 5;
constexpr time_t kKeepAliveSeconds = 2;
constexpr std::size_t kKeepAliveRequests = 100;
/// Connection threads at most (see ConnectionThreads), and the listen backlog
/// (cpp-httplib 0.11 listens with 5: a burst of clients would see refusals).
constexpr std::size_t kMaxConnectionThreads = 256;
constexpr int kListenBacklog = 1024;

/// cpp-httplib's TaskQueue for accepted connections: one thread per open
/// connection, started on demand up to a cap and kept for later ones. httplib
/// keeps a connection on its thread while the client holds it (keep-alive, a
/// request arriving slowly), so a fixed pool as small as the cores lets a few
/// idle or slow clients starve everyone else. Past the cap, connections wait
/// for a thread. The CPU-bound part is bounded apart (Server::handle).
class ConnectionThreads : public httplib::TaskQueue {
 public:
  explicit ConnectionThreads(std::size_t max_threads) : max_threads_(max_threads) {}
  ~ConnectionThreads() override { shutdown(); }

  void enqueue(std::function<void()> job) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      jobs_.push_back(std::move(job));
      if (jobs_.size() > idle_ && threads_.size() < max_threads_) {
        threads_.emplace_back([this] { work(); });
      }
    }
    ready_.notify_one();
  }

  /// Runs what is queued, then joins every thread (httplib calls it once it
  /// stopped accepting).
  void shutdown() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& thread : threads_) {
      if (thread.joinable()) {
        thread.join();
      }
    }
  }

 private:
  void work() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ++idle_;
        ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        --idle_;
        if (jobs_.empty()) {
          return;
        }
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }

  const std::size_t max_threads_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;
  bool stopping_ = false;
};

/// On a crash (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT), the faulting thread's
/// stack on stderr before the default action: a crash seen once on a CI machine
/// then says where it happened. Only async-signal-safe calls; backtrace() is
/// called once beforehand so that it does not load libgcc inside the handler.
/// Not installed under ASan or TSan, whose own reports are better.
void print_stack_and_die(int signal_number) {
  char line[64] = "searchd: fatal signal ";
  std::size_t n = std::char_traits<char>::length(line);
  if (signal_number >= 10) {
    line[n++] = static_cast<char>('0' + signal_number / 10);
  }
  line[n++] = static_cast<char>('0' + signal_number % 10);
  for (const char* tail = ", stack:\n"; *tail != '\0'; ++tail) {
    line[n++] = *tail;
  }
  [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, line, n);
  void* frames[64];
  const int depth = ::backtrace(frames, 64);
  ::backtrace_symbols_fd(frames, depth, STDERR_FILENO);
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);
}

void report_crashes() {
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
  void* warm_up[1];
  ::backtrace(warm_up, 1);
  struct sigaction action {};
  action.sa_handler = print_stack_and_die;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;
  for (int signal_number : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) {
    ::sigaction(signal_number, &action, nullptr);
  }
#endif
}

bool is_remote(const std::string& spec) {
  return spec.rfind(kRemoteScheme, 0) == 0;
}

unsigned parse_count(const std::string& flag, const std::string& text, unsigned max) {
  if (text.empty() || text.size() > 6 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    throw std::invalid_argument(flag + " needs a number, not '" + text + "'");
  }
  const unsigned long value = std::stoul(text);
  if (value > max) {
    throw std::invalid_argument(flag + " is at most " + std::to_string(max));
  }
  return static_cast<unsigned>(value);
}

/// "tcp://HOST:PORT" or "tcp://[V6]:PORT" → host and port.
std::pair<std::string, unsigned> parse_remote(const std::string& spec) {
  const std::string rest = spec.substr(std::string(kRemoteScheme).size());
  const std::size_t colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    throw std::invalid_argument("--index " + spec + ": expected tcp://HOST:PORT");
  }
  std::string host = rest.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const unsigned port = parse_count("--index " + spec + " port", rest.substr(colon + 1), 65535);
  if (port == 0) {
    throw std::invalid_argument("--index " + spec + ": port 0");
  }
  return {host, port};
}

std::string stat_identity(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return "-";
  }
  return std::to_string(st.st_ino) + ':' + std::to_string(st.st_mtim.tv_sec) + '.' +
         std::to_string(st.st_mtim.tv_nsec) + ':' + std::to_string(st.st_size);
}

/// Why a local --index folder cannot be opened: a missing one said plainly.
std::string local_failure(const std::string& folder, const Xapian::Error& error) {
  struct stat st {};
  if (::stat(folder.c_str(), &st) != 0) {
    return "no such folder";
  }
  return error.get_description();
}

/// /health keeps its SPEC shape when the index cannot be read: the 503 error
/// answer of the routes gets "status": "unavailable" and "documents": 0 beside it.
void reshape_unavailable_health(Response& response) {
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (!body.is_object()) {
    return;
  }
  body["status"] = "unavailable";
  body["documents"] = 0;
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// Codes of the errors cpp-httplib answers by itself, before any route runs.
std::pair<const char*, const char*> transport_error(int status) {
  switch (status) {
    case 400:
      return {"bad_request", "the request cannot be parsed"};
    case 404:
      return {"not_found", "no such path"};
    case 413:
      return {"payload_too_large", "the body is larger than 1 MiB"};
    case 414:
      return {"uri_too_long", "the request line is too long"};
    case 416:
      return {"range_not_satisfiable", "the range cannot be served"};
    default:
      return {"http_error", "the request cannot be answered"};
  }
}

}  // namespace

// ---- Options ------------------------------------------------------------------

ServerOptions parse_options(const std::vector<std::string>& args) {
  ServerOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i], value;
    const std::size_t eq = flag.find('=');
    if (flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag.resize(eq);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      throw std::invalid_argument(flag.rfind("--", 0) == 0 ? flag + " needs a value"
                                                           : "unexpected argument " + flag);
    }
    if (flag == "--index") {
      if (value.empty()) {
        throw std::invalid_argument("--index needs a folder or tcp://HOST:PORT");
      }
      if (is_remote(value)) {
        parse_remote(value);  // validates
      }
      options.indexes.push_back(value);
    } else if (flag == "--host") {
      if (value.empty()) {
        throw std::invalid_argument("--host needs an address");
      }
      options.host = value;
    } else if (flag == "--port") {
      options.port = static_cast<int>(parse_count("--port", value, 65535));
    } else if (flag == "--split-from") {
      options.split_from = parse_count("--split-from", value, 999999);
    } else if (flag == "--threads") {
      options.threads = parse_count("--threads", value, 1024);
      if (options.threads == 0) {
        throw std::invalid_argument("--threads must be at least 1");
      }
    } else {
      throw std::invalid_argument("unknown option " + flag);
    }
  }
  if (options.indexes.empty()) {
    throw std::invalid_argument("--index is required");
  }
  return options;
}

// ---- IndexSet -----------------------------------------------------------------

IndexSet::IndexSet(std::vector<std::string> specs) : specs_(std::move(specs)) {}

Xapian::Database IndexSet::open() const {
  Xapian::Database db;
  for (const auto& spec : specs_) {
    if (is_remote(spec)) {
      const auto [host, port] = parse_remote(spec);
      db.add_database(Xapian::Remote::open(host, port, kRemoteTimeoutMs, kRemoteConnectTimeoutMs));
    } else {
      db.add_database(Xapian::Database(spec));
    }
  }
  return db;
}

std::vector<std::string> IndexSet::shard_paths() const {
  std::vector<std::string> paths;
  for (const auto& spec : specs_) {
    if (is_remote(spec)) {
      return {};
    }
    indexer::LiveIndex live;
    try {
      live = indexer::IndexDir(spec).live();
    } catch (const std::exception&) {
      return {};  // a stub this indexer did not write: opened as a whole
    }
    if (live.generation == 0) {
      paths.push_back(spec);  // no stub: the folder is itself a database
    } else {
      paths.insert(paths.end(), live.shards.begin(), live.shards.end());
    }
  }
  return paths;
}

std::string IndexSet::stamp() const {
  std::string stamp;
  for (const auto& spec : specs_) {
    if (!is_remote(spec)) {
      stamp += stat_identity(spec + "/" + schema::kStubFile);
    }
    stamp += ';';
  }
  return stamp;
}

// ---- SearcherPool ---------------------------------------------------------------

/// One index handle and the Searcher over it; used by one request at a time.
struct SearcherPool::Slot {
  Slot(Xapian::Database database, Searcher over_it, std::string opened_stamp,
       std::uint64_t opened_epoch)
      : db(std::move(database)),
        searcher(std::move(over_it)),
        stamp(std::move(opened_stamp)),
        epoch(opened_epoch) {}

  Xapian::Database db;  ///< shares its internals with the Searcher's copy
  Searcher searcher;
  std::string stamp;    ///< IndexSet::stamp() when opened
  std::uint64_t epoch;  ///< the pool's epoch this handle is known to be as fresh as
};

SearcherPool::SearcherPool(IndexSet index, Metrics* metrics, Intervals intervals)
    : index_(std::move(index)),
      metrics_(metrics),
      intervals_(intervals),
      facet_tables_(std::make_shared<detail::FacetTables>()) {}

SearcherPool::SearcherPool(IndexSet index, Metrics* metrics)
    : SearcherPool(std::move(index), metrics, Intervals{}) {}

SearcherPool::~SearcherPool() = default;

void SearcherPool::set_parallel(Workers* workers, Xapian::doccount min_matches) {
  std::lock_guard<std::mutex> lock(mutex_);
  workers_ = workers;
  split_from_ = min_matches;
}

namespace {

/// A handle on each of @p paths, single local shards.
std::vector<Xapian::Database> open_each(const std::vector<std::string>& paths) {
  std::vector<Xapian::Database> parts;
  for (const auto& path : paths) {
    parts.emplace_back(path);
    if (parts.back().size() != 1) {
      return {};  // a stub of several: not one shard
    }
  }
  return parts;
}

}  // namespace

std::unique_ptr<SearcherPool::Slot> SearcherPool::new_slot(std::string stamp) {
  const std::vector<std::string> paths = index_.shard_paths();
  std::vector<Xapian::Database> parts;
  try {
    parts = open_each(paths);
  } catch (const Xapian::Error&) {
    parts.clear();  // e.g. a generation removed meanwhile: the stub says what is live
  }
  if (parts.empty()) {
    Xapian::Database db = index_.open();
    Searcher searcher(db, facet_tables_);
    return std::make_unique<Slot>(std::move(db), std::move(searcher), std::move(stamp), 0);
  }
  Parallel parallel;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    parallel.workers = workers_;
    parallel.min_matches = split_from_;
  }
  // The helpers open the same shards (not the stub, which may name newer ones).
  parallel.open_parts = [paths] { return open_each(paths); };
  Xapian::Database db;
  for (const Xapian::Database& part : parts) {
    db.add_database(part);
  }
  Searcher searcher(std::move(parts), facet_tables_, std::move(parallel));
  return std::make_unique<Slot>(std::move(db), std::move(searcher), std::move(stamp), 0);
}

std::unique_ptr<SearcherPool::Lease> SearcherPool::lease() {
  return std::make_unique<Lease>(*this);
}

void SearcherPool::set_notice(Notice notice) {
  std::lock_guard<std::mutex> lock(mutex_);
  notice_ = std::move(notice);
}

void SearcherPool::mark_unreadable() {
  std::lock_guard<std::mutex> lock(mutex_);
  readable_ = false;
}

std::unique_ptr<SearcherPool::Slot> SearcherPool::open_slot() {
  std::string stamp = index_.stamp();  // before opening: a swap in between is seen next time
  note_stamp(stamp);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (Clock::now() < paused_until_) {
      throw Xapian::NetworkError(pause_reason_);  // 503 at once (Intervals::failure_pause)
    }
  }
  const auto started = Clock::now();
  std::unique_ptr<Slot> slot;
  try {
    slot = new_slot(std::move(stamp));
  } catch (const Xapian::NetworkError& e) {
    const auto now = Clock::now();
    if (now - started >= intervals_.slow_failure) {
      std::lock_guard<std::mutex> lock(mutex_);
      paused_until_ = now + intervals_.failure_pause;
      pause_reason_ = e.get_msg();
    }
    note_readable(false, [&e] { return e.get_description(); });
    throw;  // the request answers 503 (http.cc); a later one tries again
  } catch (const Xapian::Error& e) {
    note_readable(false, [&e] { return e.get_description(); });
    throw;
  }
  note_readable(true, [&slot] { return std::to_string(slot->db.get_doccount()) + " documents"; });
  // A new handle may see commits the pooled ones have not caught up with yet: they
  // all reopen on their next checkout (cheap when nothing changed).
  std::lock_guard<std::mutex> lock(mutex_);
  slot->epoch = ++epoch_;
  return slot;
}

std::unique_ptr<SearcherPool::Slot> SearcherPool::take() {
  std::unique_ptr<Slot> slot;
  bool look_at_stub = false;
  bool look_for_commits = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!free_.empty()) {
      slot = std::move(free_.back());
      free_.pop_back();
    }
    const auto now = Clock::now();
    if (now - checked_ >= intervals_.stub_check) {
      checked_ = now;
      look_at_stub = true;
    }
    if (now - reopened_ >= intervals_.reopen) {
      reopened_ = now;
      look_for_commits = true;
    }
  }
  if (look_at_stub) {
    note_stamp(index_.stamp());
  }
  if (!slot) {
    return open_slot();
  }
  freshen(slot, look_for_commits);
  return slot;
}

void SearcherPool::freshen(std::unique_ptr<Slot>& slot, bool look_for_commits) {
  std::string stamp;
  std::uint64_t epoch = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stamp = stamp_;
    epoch = epoch_;
  }
  if (slot->stamp != stamp) {
    slot = open_slot();  // a new generation: a new handle, the old one is dropped
    return;
  }
  if (slot->epoch == epoch && !look_for_commits) {
    return;
  }
  slot->epoch = epoch;
  try {
    // Whichever handle sees a commit first tells the others, even one that was only
    // catching up on an older bump: otherwise the handles already at `epoch` would
    // keep answering from the revision before it (an answer stepping back).
    if (slot->searcher.reopen()) {
      note_commit(*slot, /*found=*/look_for_commits);
    }
  } catch (const Xapian::Error&) {
    slot = open_slot();
  }
}

void SearcherPool::give_back(std::unique_ptr<Slot> slot) {
  std::lock_guard<std::mutex> lock(mutex_);
  free_.push_back(std::move(slot));
}

void SearcherPool::note_stamp(const std::string& stamp) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stamp != stamp_) {
    if (!stamp_.empty()) {
      ++epoch_;
      if (metrics_) {
        metrics_->record_reload();
      }
    }
    stamp_ = stamp;
  }
}

void SearcherPool::note_commit(Slot& slot, bool found) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++epoch_;
  slot.epoch = epoch_;
  if (found && metrics_) {
    metrics_->record_reload();
  }
}

void SearcherPool::note_readable(bool readable, const std::function<std::string()>& why) {
  Notice notice;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (readable_ == readable) {
      return;
    }
    readable_ = readable;
    notice = notice_;
  }
  if (notice) {
    notice(readable ? "searchd: the index can be read again (" + why() + ")"
                    : "searchd: warning: the index cannot be read (" + why() +
                          "); requests answer 503 until it can");
  }
}

SearcherPool::Lease::Lease(SearcherPool& pool) : pool_(pool) {}

SearcherPool::Lease::~Lease() {
  if (slot_) {
    pool_.give_back(std::move(slot_));
  }
}

Searcher& SearcherPool::Lease::searcher() {
  if (!slot_) {
    slot_ = pool_.take();
  }
  return slot_->searcher;
}

void SearcherPool::Lease::refresh() {
  slot_ = pool_.open_slot();
}

void SearcherPool::Lease::discard() {
  slot_.reset();
}

// ---- Server -------------------------------------------------------------------

Server::Server(ServerOptions options)
    : options_(std::move(options)),
      workers_(std::make_unique<Workers>(
          options_.split_from == 0 ? 0 : std::max(1u, std::thread::hardware_concurrency()) - 1)),
      pool_(IndexSet(options_.indexes), &metrics_),
      routes_(api_routes()),
      http_(std::make_unique<httplib::Server>()) {
  if (workers_->threads() > 0) {
    pool_.set_parallel(workers_.get(), options_.split_from);
  }
}

Server::~Server() = default;

void Server::start() {
  try {
    const IndexSet indexes(options_.indexes);
    const Xapian::Database db = indexes.open();
    documents_at_start_ = db.get_doccount();
    const std::vector<std::string> shards = indexes.shard_paths();
    format_warning_ =
        shards.empty() ? index_format_warning(db) : index_format_warning(shards, "searchd");
  } catch (const Xapian::Error& e) {
    // Spec by spec: a local folder that does not open is fatal (a typo must
    // not look like an empty search engine); a remote shard may be down for a
    // while: the pool serves 503 and keeps trying (SearcherPool::open_slot).
    for (const auto& spec : options_.indexes) {
      try {
        IndexSet({spec}).open();
      } catch (const Xapian::Error& spec_error) {
        if (!is_remote(spec)) {
          throw std::runtime_error("cannot open the index " + spec + ": " +
                                   local_failure(spec, spec_error));
        }
        unreachable_.push_back(spec + ": " + spec_error.get_description());
      }
    }
    if (unreachable_.empty()) {  // each opens alone, not all together
      if (std::none_of(options_.indexes.begin(), options_.indexes.end(), is_remote)) {
        throw std::runtime_error("cannot open the index: " + e.get_description());
      }
      unreachable_.push_back(e.get_description());
    }
    pool_.mark_unreadable();
  }

  unsigned threads = options_.threads;
  if (threads == 0) {
    threads = std::max(2u, std::thread::hardware_concurrency());
  }
  max_busy_ = threads;
  http_->new_task_queue = [] { return new ConnectionThreads(kMaxConnectionThreads); };
  http_->set_read_timeout(kReadTimeoutSeconds, 0);
  http_->set_write_timeout(kWriteTimeoutSeconds, 0);
  http_->set_keep_alive_timeout(kKeepAliveSeconds);
  http_->set_keep_alive_max_count(kKeepAliveRequests);
  http_->set_payload_max_length(kMaxBodyBytes);
  // Headers and body are separate writes: without TCP_NODELAY, Nagle's
  // algorithm and the client's delayed ACK add ~40 ms to each response.
  http_->set_tcp_nodelay(true);

  // Every method and path goes to the one routes table of http.h.
  const std::string any = R"([\s\S]*)";
  auto handler = [this](const httplib::Request& in, httplib::Response& out) { handle(in, out); };
  http_->Get(any, handler);
  http_->Post(any, handler);
  http_->Put(any, handler);
  http_->Patch(any, handler);
  http_->Delete(any, handler);
  http_->Options(any, handler);
  http_->set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& out) {
        if (!out.body.empty()) {
          return httplib::Server::HandlerResponse::Unhandled;  // ours
        }
        const auto [code, message] = transport_error(out.status);
        const Response error = error_response(out.status, code, message);
        out.set_content(error.body, error.content_type);
        return httplib::Server::HandlerResponse::Handled;
      }));
  http_->set_exception_handler(
      [](const httplib::Request&, httplib::Response& out, const std::exception_ptr&) {
        const Response error = error_response(500, "internal", "unexpected error");
        out.status = error.status;
        out.set_content(error.body, error.content_type);
      });

  // SO_REUSEADDR only: httplib's default SO_REUSEPORT would let a second
  // process bind the same port and take part of the connections.
  int listen_fd = -1;
  http_->set_socket_options([&listen_fd](socket_t fd) {
    const int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_fd = fd;
  });
  if (options_.port == 0) {
    port_ = http_->bind_to_any_port(options_.host);
  } else {
    port_ = http_->bind_to_port(options_.host, options_.port) ? options_.port : -1;
  }
  if (port_ <= 0) {
    throw std::runtime_error("cannot listen on " + options_.host + ":" +
                             std::to_string(options_.port));
  }
  if (listen_fd >= 0) {
    ::listen(listen_fd, kListenBacklog);  // on a listening socket: a new backlog
  }
}

bool Server::run() {
  return stopping_ || http_->listen_after_bind() || stopping_;
}

void Server::stop() {
  stopping_ = true;
  // httplib's stop() must run once, and only once the server is listening.
  if (http_->is_running() && !stop_sent_.exchange(true)) {
    http_->stop();
  }
}

bool Server::stopped() const {
  return stop_sent_;
}

void Server::handle(const httplib::Request& in, httplib::Response& out) {
  const auto started = Clock::now();
  Request request;
  request.method = in.method;
  request.path = in.target.substr(0, in.target.find('?'));
  request.params = in.params;
  request.body = in.body;
  request.headers.insert(in.headers.begin(), in.headers.end());

  // The lease lives as long as the response: a streamed export keeps its handle.
  std::shared_ptr<SearcherPool::Lease> lease = pool_.lease();
  Response response;
  {
    // At most --threads requests run at once (CPU and index handles); the
    // other connections' threads wait here.
    std::unique_lock<std::mutex> lock(busy_mutex_);
    busy_free_.wait(lock, [this] { return busy_ < max_busy_; });
    ++busy_;
    lock.unlock();
    struct Leave {
      Server& server;
      ~Leave() {
        {
          std::lock_guard<std::mutex> lock(server.busy_mutex_);
          --server.busy_;
        }
        server.busy_free_.notify_one();
      }
    } leave{*this};
    response = dispatch(routes_, request, *lease);
    if (response.status == 503) {
      lease->discard();
    }
    // The handle goes back to the pool before another request can start here:
    // the pool then keeps about --threads handles, not one per connection (16
    // handles under 16 clients, each with its own facet table to build).
    if (!response.stream) {
      lease.reset();
    }
  }
  if (response.status == 503 && response.endpoint == "health") {
    reshape_unavailable_health(response);
  }

  out.status = response.status;
  for (const auto& [name, value] : response.headers) {
    out.set_header(name, value);
  }
  out.set_header("X-Content-Type-Options", "nosniff");
  auto elapsed = [started] {
    return std::chrono::duration<double>(Clock::now() - started).count();
  };
  if (!response.stream) {
    out.set_content(response.body, response.content_type);
    metrics_.record(response.endpoint, response.status, elapsed());
    return;
  }
  out.set_chunked_content_provider(
      response.content_type,
      [this, lease, stream = std::move(response.stream)](std::size_t, httplib::DataSink& sink) {
        const bool complete = stream([this, &sink](std::string_view piece) {
          return !stopping_ && sink.write(piece.data(), piece.size());
        });
        if (complete) {
          sink.done();
        }
        return complete;
      },
      [this, endpoint = response.endpoint, status = response.status, elapsed](bool) {
        metrics_.record(endpoint, status, elapsed());
      });
}

// ---- Command line -----------------------------------------------------------------

std::optional<int> read_command_line(
    int argc, char** argv, std::string_view program, std::string_view usage,
    const std::function<void(const std::vector<std::string>& args)>& parse) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (std::find(args.begin(), args.end(), "--help") != args.end() ||
      std::find(args.begin(), args.end(), "-h") != args.end()) {
    std::cout << usage;
    return 0;
  }
  try {
    parse(args);
  } catch (const std::invalid_argument& e) {
    std::cerr << program << ": " << e.what() << '\n' << usage;
    return 2;
  }
  return std::nullopt;
}

int run_cli(int argc, char** argv) {
  ServerOptions options;
  if (const auto status = read_command_line(
          argc, argv, "searchd", kUsage,
          [&options](const std::vector<std::string>& args) { options = parse_options(args); })) {
    return *status;
  }

  // SIGTERM and SIGINT are blocked in every thread (workers inherit the mask)
  // and taken by one waiter thread, which stops the server.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  report_crashes();

  Server server(options);
  server.set_notice([](const std::string& line) { std::cerr << line + '\n' << std::flush; });
  try {
    server.start();
  } catch (const std::exception& e) {
    std::cerr << "searchd: " << e.what() << '\n';
    return 1;
  }
  const std::string listening =
      "listening on http://" + options.host + ':' + std::to_string(server.port());
  if (server.unreachable().empty()) {
    std::string from;
    for (const auto& spec : options.indexes) {
      from += (from.empty() ? "" : ", ") + spec;
    }
    std::cerr << "searchd: " << server.documents_at_start() << " documents from " << from << ", "
              << listening << '\n';
    if (!server.format_warning().empty()) std::cerr << server.format_warning() << '\n';
  } else {
    for (const auto& reason : server.unreachable()) {
      std::cerr << "searchd: warning: cannot reach " << reason << '\n';
    }
    std::cerr << "searchd: " << listening
              << "; the index is unavailable until every shard can be reached: /api/* and "
                 "/health answer 503 \"unavailable\" meanwhile\n";
  }

  std::atomic<bool> finished{false};
  std::thread waiter([&] {
    const timespec tick{0, 100L * 1000 * 1000};
    bool signalled = false;
    while (!finished) {
      if (!signalled) {
        signalled = sigtimedwait(&stop_signals, nullptr, &tick) > 0;
      }
      if (signalled) {
        server.stop();  // retried until the server has really been told
        if (!server.stopped()) {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        } else {
          break;
        }
      }
    }
  });
  const bool served = server.run();
  finished = true;
  waiter.join();
  if (!served) {
    std::cerr << "searchd: serving failed\n";
  }
  return served ? 0 : 1;
}

}  // namespace frsearch::search
