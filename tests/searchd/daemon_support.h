/** @file
 * @brief Helpers of the end-to-end searchd tests: child processes, free ports,
 * a searchd daemon on a free port, JSON over HTTP.
 *
 * Header-only, for the test executables that run the indexer, searchd and
 * xapian-tcpsrv binaries as children.
 */
#ifndef FRSEARCH_TESTS_SEARCHD_DAEMON_SUPPORT_H
#define FRSEARCH_TESTS_SEARCHD_DAEMON_SUPPORT_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "tests/corpus/test_util.h"

extern char** environ;

namespace frsearch::search::testing {

inline const std::string kIndexer = FRS_BIN_DIR "/indexer";
inline const std::string kSearchd = FRS_BIN_DIR "/searchd";

/// A child process in a process group of its own (so forked helpers, such as
/// xapian-tcpsrv's per-connection children, go with it), stdin from /dev/null,
/// stdout and stderr to LOG.out and LOG; the group is killed (SIGKILL) by the
/// destructor if the child still runs.
class Process {
 public:
  Process(const std::vector<std::string>& args, const std::string& log) : log_(log) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, (log + ".out").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
    const int rc = posix_spawn(&pid_, argv[0], &actions, &attributes, argv.data(), environ);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + args[0]);
  }
  ~Process() { kill_group(); }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  /// The exit status, 128 + the signal that ended it, or -1 if it still runs
  /// after @p timeout.
  int wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (reap()) return status_;
      if (pid_ <= 0 || std::chrono::steady_clock::now() > deadline) return -1;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  /// SIGKILL to the whole group, then reaps the child (nothing once it ended).
  void kill_group() {
    if (pid_ > 0 && !reap()) {
      kill(-pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
      record(status);
    }
  }
  /// False once the child has ended (it is reaped then: wait() still tells how).
  bool running() { return pid_ > 0 && !reap(); }
  void signal(int sig) {
    if (running()) kill(pid_, sig);
  }
  pid_t pid() const { return pid_; }
  std::string stderr_text() const { return corpus::testing::slurp(log_); }
  std::string stdout_text() const { return corpus::testing::slurp(log_ + ".out"); }

 private:
  /// True when the child has ended (reaped now or before).
  bool reap() {
    if (reaped_) return true;
    int status = 0;
    if (pid_ <= 0 || waitpid(pid_, &status, WNOHANG) != pid_) return false;
    record(status);
    return true;
  }
  void record(int status) {
    reaped_ = true;
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = -1;
  std::string log_;
};

/// Runs a command to its end; returns its exit status and fills @p out / @p err.
inline int run(const std::vector<std::string>& args, const std::string& log,
               std::string* out = nullptr, std::string* err = nullptr) {
  Process process(args, log);
  const int status = process.wait(std::chrono::seconds(120));
  if (out) *out = process.stdout_text();
  if (err) *err = process.stderr_text();
  return status;
}

/// How long the end-to-end tests wait for something that should happen soon (a
/// daemon ready, a rebuild seen): generous, since CI runs them on 2 loaded cores
/// and under ASan; a test that passes only waits as long as it needs.
inline constexpr std::chrono::seconds kPatience{60};

/// Polls @p done every @p every until it is true or @p timeout has passed;
/// returns its last value. A condition waited on, not a fixed number of tries.
template <class Condition>
bool wait_until(Condition&& done, std::chrono::milliseconds timeout = kPatience,
                std::chrono::milliseconds every = std::chrono::milliseconds(50)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(every);
  }
}

/// A loopback port that was free a moment ago.
inline int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

/// A loopback socket listening on a port of its own that never accepts: a port
/// somebody else holds; with @p backlog 0 and fill(), a "host" whose connects
/// time out (the kernel drops their SYNs while the accept queue is full).
class Listener {
 public:
  explicit Listener(int backlog) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ok_ = fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
          listen(fd_, backlog) == 0 &&
          getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
    port_ = ntohs(addr.sin_port);
  }
  ~Listener() {
    if (queued_ >= 0) close(queued_);
    if (fd_ >= 0) close(fd_);
  }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  /// Queues one connection that is never accepted; false when it cannot.
  bool fill() {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    queued_ = socket(AF_INET, SOCK_STREAM, 0);
    return queued_ >= 0 && connect(queued_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  bool ok() const { return ok_; }
  int port() const { return port_; }

 private:
  int fd_ = socket(AF_INET, SOCK_STREAM, 0);
  int queued_ = -1;
  int port_ = 0;
  bool ok_ = false;
};

/// searchd on a free port over @p index_args, ready to answer (or failed).
class Daemon {
 public:
  /// Ready once /health answers @p ready_status (503 while a shard is down).
  Daemon(const std::vector<std::string>& index_args, const std::string& log, unsigned threads = 2,
         int ready_status = 200) {
    for (int attempt = 0; attempt < 3 && !process_; ++attempt) {
      port_ = free_port();
      std::vector<std::string> args = {kSearchd};
      for (const auto& spec : index_args) {
        args.push_back("--index");
        args.push_back(spec);
      }
      args.insert(args.end(), {"--host", "127.0.0.1", "--threads", std::to_string(threads),
                               "--port", std::to_string(port_)});
      process_ = std::make_unique<Process>(args, log);
      if (!wait_ready(ready_status)) process_.reset();  // the port may have been taken meanwhile
    }
  }
  bool ok() const { return process_ != nullptr; }
  int port() const { return port_; }
  Process& process() { return *process_; }
  httplib::Client client() const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(10, 0);
    return client;
  }

 private:
  bool wait_ready(int ready_status) {
    httplib::Client client("127.0.0.1", port_);
    bool ready = false;
    wait_until([&] {
      if (!process_->running()) return true;  // it failed: no use waiting
      auto res = client.Get("/health");
      ready = res && res->status == ready_status;
      return ready;
    });
    return ready;
  }

  int port_ = 0;
  std::unique_ptr<Process> process_;
};

/// GET @p path; expects @p want_status and a JSON content type; the parsed body
/// (discarded, i.e. is_discarded(), when it is not JSON).
inline nlohmann::json get_json(httplib::Client& client, const std::string& path,
                               int want_status = 200) {
  auto res = client.Get(path.c_str());
  if (!res) {
    ADD_FAILURE() << path << ": " << httplib::to_string(res.error());
    return {};
  }
  EXPECT_EQ(res->status, want_status) << path << ": " << res->body;
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json; charset=utf-8") << path;
  return nlohmann::json::parse(res->body, nullptr, false);
}

}  // namespace frsearch::search::testing

#endif  // FRSEARCH_TESTS_SEARCHD_DAEMON_SUPPORT_H
