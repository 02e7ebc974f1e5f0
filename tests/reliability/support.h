/** @file
 * @brief Helpers of the reliability tests: child processes in their own
 * process group, searchd on a free port, and a raw HTTP/1.1 client over
 * loopback sockets (so that a test sends exactly the bytes it means to:
 * unnormalised paths, half requests, idle connections).
 */
#ifndef FRSEARCH_TESTS_RELIABILITY_SUPPORT_H
#define FRSEARCH_TESTS_RELIABILITY_SUPPORT_H

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace frsearch::reliability {

/// FRS_BIN_DIR/indexer and FRS_BIN_DIR/searchd, and the sample corpus.
std::string indexer_path();
std::string searchd_path();
std::string sample_corpus();

/// A child process in a process group of its own, stdout and stderr to
/// LOG.out and LOG; the group is killed (SIGKILL) by the destructor.
class Process {
 public:
  Process(const std::vector<std::string>& args, const std::string& log);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  /// The exit status, 128 + signal, or -1 if it still runs after @p timeout.
  int wait(std::chrono::milliseconds timeout);
  bool running();
  void signal(int sig);
  pid_t pid() const { return pid_; }
  std::string err() const;
  std::string out() const;

 private:
  pid_t pid_ = -1;
  std::string log_;
};

/// Runs a command to its end (at most two minutes); its exit status.
int run(const std::vector<std::string>& args, const std::string& log);

/// A loopback port nobody listens on right now.
int free_port();

/// searchd on a free loopback port over @p index, ready to answer (or not ok()).
class Daemon {
 public:
  Daemon(const std::string& index, const std::string& log, unsigned threads = 2);
  bool ok() const { return process_ != nullptr; }
  int port() const { return port_; }
  Process& process() { return *process_; }

 private:
  int port_ = 0;
  std::unique_ptr<Process> process_;
};

/// One answer read off the socket; status 0 when none came (closed, timed out).
struct Answer {
  int status = 0;
  std::string headers;  ///< the raw header block, lower-cased names
  std::string body;     ///< de-chunked
  double seconds = 0;   ///< from the first byte sent to the last one read
  std::string header(const std::string& name) const;
};

/// A TCP connection to 127.0.0.1:@p port; closed by the destructor.
class Connection {
 public:
  explicit Connection(int port);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool connected() const { return fd_ >= 0; }
  /// Sends every byte (false when the peer closed).
  bool send(const std::string& bytes);
  /// Reads one HTTP/1.1 response (Content-Length or chunked) within @p timeout.
  Answer receive(std::chrono::milliseconds timeout);
  /// True when the server closed the connection within @p timeout (EOF or
  /// reset), false when it stays open that long.
  bool closed_within(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
  std::string pending_;  ///< bytes read past the last answer
};

/// A whole exchange on a new connection: "METHOD TARGET HTTP/1.1", Host,
/// Connection: close, optional body.
Answer request(int port, const std::string& method, const std::string& target,
               const std::string& body = "", const std::string& content_type = "",
               std::chrono::milliseconds timeout = std::chrono::seconds(20));

}  // namespace frsearch::reliability

#endif  // FRSEARCH_TESTS_RELIABILITY_SUPPORT_H
