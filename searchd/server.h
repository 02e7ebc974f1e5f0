/** @file
 * @brief The searchd daemon: cpp-httplib in front of the routes of http.h.
 *
 * --index specs (local folders or tcp://HOST:PORT of xapian-tcpsrv) are opened
 * as one Xapian::Database with global statistics. Each request leases a
 * Searcher from a small pool (one Xapian handle per worker at most); a lease
 * notices a rebuilt index (the stub DIR/XAPIANDB replaced by rename) or an
 * updated one (new commits) and re-opens before answering, so the daemon
 * follows the indexer without restart while requests in flight keep the
 * handle they started with.
 *
 * A local folder that cannot be opened at start is fatal (a typo fails fast). A
 * remote shard that cannot be reached, at start or later, is not: requests
 * answer 503 "unavailable" (/health with "status": "unavailable") and every new
 * request tries to open the index again, so searchd recovers as soon as the
 * shard server is back, without restart.
 */
#ifndef FRSEARCH_SEARCHD_SERVER_H
#define FRSEARCH_SEARCHD_SERVER_H

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "searchd/http.h"
#include "searchd/metrics.h"
#include "searchd/workers.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace frsearch::search {

struct ServerOptions {
  std::vector<std::string> indexes;  ///< local folders or tcp://HOST:PORT, in order
  std::string host = "127.0.0.1";
  int port = 8080;       ///< 0 picks a free port (see Server::port())
  unsigned threads = 0;  ///< requests handled at once; 0: the hardware threads, at least 2
  /// --split-from: a search one of whose terms is in at least this many documents
  /// uses the idle cores too (search.h, Parallel); 0: never.
  unsigned split_from = 20000;
};

/// Parses searchd's command line. Throws std::invalid_argument with the reason.
ServerOptions parse_options(const std::vector<std::string>& args);

/// The --index specs, opened together as one database.
class IndexSet {
 public:
  explicit IndexSet(std::vector<std::string> specs);
  /// A new handle on every spec. Throws Xapian::Error when one cannot be opened.
  Xapian::Database open() const;
  /// The database of every local shard of the live generations, in the order
  /// open() adds them; empty when a spec is remote (or not a folder of this
  /// indexer). Such paths stay the same until the stub is swapped (stamp()).
  std::vector<std::string> shard_paths() const;
  /// Identity of the live generation of every local folder: inode, mtime and
  /// size of each DIR/XAPIANDB. It changes when `indexer build` swaps the stub.
  std::string stamp() const;
  const std::vector<std::string>& specs() const { return specs_; }

 private:
  std::vector<std::string> specs_;
};

/// Searchers leased one request at a time, kept fresh on checkout.
class SearcherPool {
 public:
  /// How often a lease looks for a new generation, and for new commits. An
  /// open that failed on the network after `slow_failure` or more (a shard
  /// host that does not answer: the connect timeout) is not tried again for
  /// `failure_pause`: requests answer 503 at once rather than each waiting.
  struct Intervals {
    std::chrono::milliseconds stub_check{200};
    std::chrono::milliseconds reopen{500};
    std::chrono::milliseconds slow_failure{500};
    std::chrono::milliseconds failure_pause{1000};
  };

  SearcherPool(IndexSet index, Metrics* metrics, Intervals intervals);
  SearcherPool(IndexSet index, Metrics* metrics);
  ~SearcherPool();

  class Lease;
  /// A lease for one request; it takes a Searcher only when a handler asks.
  std::unique_ptr<Lease> lease();

  /// Receives one line each time the index stops or starts being readable
  /// (a remote shard went away or came back); called from a request's thread.
  using Notice = std::function<void(const std::string&)>;
  void set_notice(Notice notice);
  /// Marks the index unreadable (Server::start could not reach a shard), so
  /// that its return is told.
  void mark_unreadable();
  /// Handles opened from now on may split big searches over @p workers (which must
  /// outlive the pool's Searchers) from @p min_matches (search.h, Parallel).
  void set_parallel(Workers* workers, Xapian::doccount min_matches);

 private:
  struct Slot;
  std::unique_ptr<Slot> take();
  std::unique_ptr<Slot> open_slot();
  /// A Searcher on a new handle: shard by shard when every spec is local.
  std::unique_ptr<Slot> new_slot(std::string stamp);
  void freshen(std::unique_ptr<Slot>& slot, bool look_for_commits);
  void give_back(std::unique_ptr<Slot> slot);
  void note_stamp(const std::string& stamp);
  /// Every other handle reopens on its next checkout. @p found: this was the
  /// periodic look for commits (counted as a reload); a handle catching up on
  /// an older bump may also see a commit first, but is not counted.
  void note_commit(Slot& slot, bool found);
  /// Tells a change of readability to the notice; @p why is asked only then.
  void note_readable(bool readable, const std::function<std::string()>& why);

  // Freshness is pool-wide, so that answers never step back to an older state: the
  // stub is looked at, and one handle reopened to look for commits, at most once per
  // interval for the whole pool; whatever change one lease sees bumps `epoch_`, and
  // every other handle catches up on its next checkout.
  IndexSet index_;
  Metrics* metrics_;
  Intervals intervals_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Slot>> free_;
  std::uint64_t epoch_ = 0;  ///< bumped on every new generation or commit seen
  std::string stamp_;        ///< IndexSet::stamp() last seen
  std::chrono::steady_clock::time_point checked_{}, reopened_{};
  bool readable_ = true;  ///< whether the last attempt to open the index succeeded
  std::chrono::steady_clock::time_point paused_until_{};  ///< see Intervals::failure_pause
  std::string pause_reason_;
  Notice notice_;
  /// One facet table per index revision for all the pool's handles (search_facets.h).
  std::shared_ptr<detail::FacetTables> facet_tables_;
  Workers* workers_ = nullptr;  ///< see set_parallel()
  Xapian::doccount split_from_ = 0;
};

/// The request Context of http.h over a pooled Searcher.
class SearcherPool::Lease : public Context {
 public:
  explicit Lease(SearcherPool& pool);
  ~Lease() override;
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  Searcher& searcher() override;
  void refresh() override;
  const Metrics* metrics() const override { return pool_.metrics_; }
  /// Drops the handle instead of returning it to the pool (it failed).
  void discard() override;

 private:
  SearcherPool& pool_;
  std::unique_ptr<Slot> slot_;
};

/// The daemon: binds, serves until stop(), then waits for the workers.
class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Opens the index and binds the port. Throws std::runtime_error with the
  /// reason when a local folder cannot be opened or the port cannot be bound.
  /// A remote shard that cannot be reached is not fatal: see unreachable().
  void start();
  /// The bound port (useful with port 0).
  int port() const { return port_; }
  Xapian::doccount documents_at_start() const { return documents_at_start_; }
  /// index_format_warning() of the index start() opened ("" when current).
  const std::string& format_warning() const { return format_warning_; }
  /// The --index specs that start() could not reach, each with the reason
  /// ("tcp://HOST:PORT: NetworkError: ..."); empty when the index opened.
  const std::vector<std::string>& unreachable() const { return unreachable_; }
  /// Receives the pool's readable / unreadable notices (SearcherPool::set_notice).
  void set_notice(SearcherPool::Notice notice) { pool_.set_notice(std::move(notice)); }
  /// Serves until stop(); returns once every worker has finished. False when
  /// serving failed rather than being stopped.
  bool run();
  /// Thread-safe, may be called before run(): the server then stops as soon as
  /// it runs, if stop() is called again. In-flight exports stop at their next piece.
  void stop();
  /// True once the listening socket has been told to stop.
  bool stopped() const;

 private:
  void handle(const httplib::Request& in, httplib::Response& out);

  ServerOptions options_;
  Metrics metrics_;
  /// Helper threads of big searches (the cores a request leaves idle); declared
  /// before the pool, whose Searchers use them, so that it outlives them.
  std::unique_ptr<Workers> workers_;
  SearcherPool pool_;
  std::vector<Route> routes_;
  std::unique_ptr<httplib::Server> http_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> stop_sent_{false};
  /// Requests being handled, at most max_busy_ (--threads); connections have
  /// threads of their own (server.cc, ConnectionThreads).
  std::mutex busy_mutex_;
  std::condition_variable busy_free_;
  unsigned busy_ = 0, max_busy_ = 1;
  int port_ = 0;
  Xapian::doccount documents_at_start_ = 0;
  std::string format_warning_;
  std::vector<std::string> unreachable_;
};

/// The front of a command line (searchd's and newsq's run_cli): with "--help"
/// or "-h" among the arguments, prints @p usage on stdout and returns 0;
/// otherwise calls @p parse on the arguments (without argv[0]) and, when it
/// throws std::invalid_argument, prints "PROGRAM: reason" and @p usage on
/// stderr and returns 2. Returns nothing when the command goes on.
std::optional<int> read_command_line(
    int argc, char** argv, std::string_view program, std::string_view usage,
    const std::function<void(const std::vector<std::string>& args)>& parse);

/// searchd's whole command line; main.cc only calls this. Returns the exit
/// status: 0 after SIGTERM/SIGINT, 1 when a local index folder or the port
/// cannot be opened, 2 for bad usage. A remote shard down at start is a
/// warning on stderr, and searchd serves 503 until it is back.
int run_cli(int argc, char** argv);

}  // namespace frsearch::search

#endif  // FRSEARCH_SEARCHD_SERVER_H
