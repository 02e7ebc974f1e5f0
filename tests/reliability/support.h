/** @file
 * @brief Helpers of the reliability tests: the binaries' paths, the child
 * processes and daemon of tests/searchd/daemon_support.h, and a raw HTTP/1.1
 * client over loopback sockets (so that a test sends exactly the bytes it means to:
 * unnormalised paths, half requests, idle connections).
 */
#ifndef FRSEARCH_TESTS_RELIABILITY_SUPPORT_H
#define FRSEARCH_TESTS_RELIABILITY_SUPPORT_H

#include <chrono>
#include <string>

#include "tests/searchd/daemon_support.h"

namespace frsearch::reliability {

/// FRS_BIN_DIR/indexer and FRS_BIN_DIR/searchd, and the sample corpus.
std::string indexer_path();
std::string searchd_path();
std::string sample_corpus();

/// Child processes, runs to the end, free ports and searchd on a free port:
/// the searchd tests' own (Process::wait() gives 128 + signal for a kill).
using search::testing::Daemon;
using search::testing::free_port;
using search::testing::Process;
using search::testing::run;

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
