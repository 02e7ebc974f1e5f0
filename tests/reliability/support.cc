#include "support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace frsearch::reliability {

namespace {

using Clock = std::chrono::steady_clock;

sockaddr_in loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  return addr;
}

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<long long>(0, left.count()));
}

}  // namespace

std::string indexer_path() {
  return FRS_BIN_DIR "/indexer";
}
std::string searchd_path() {
  return FRS_BIN_DIR "/searchd";
}
std::string sample_corpus() {
  return FRS_SOURCE_DIR "/corpus/sample";
}

// ---- Raw HTTP -------------------------------------------------------------------

std::string Answer::header(const std::string& name) const {
  const std::string key = "\n" + name + ":";
  const std::size_t at = headers.find(key);
  if (at == std::string::npos) return "";
  std::size_t begin = at + key.size();
  const std::size_t end = headers.find('\r', begin);
  while (begin < end && headers[begin] == ' ') ++begin;
  return headers.substr(begin, end - begin);
}

Connection::Connection(int port) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const sockaddr_in addr = loopback(port);
  if (fd_ >= 0 && connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd_);
    fd_ = -1;
  }
  if (fd_ >= 0) {
    const int yes = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  }
}

Connection::~Connection() {
  if (fd_ >= 0) close(fd_);
}

bool Connection::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (fd_ >= 0 && sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return fd_ >= 0;
}

Answer Connection::receive(std::chrono::milliseconds timeout) {
  const auto started = Clock::now();
  const auto deadline = started + timeout;
  Answer answer;
  std::string& data = pending_;
  // Reads more bytes; false on EOF, error or deadline.
  auto fill = [&] {
    pollfd p{fd_, POLLIN, 0};
    if (fd_ < 0 || poll(&p, 1, remaining_ms(deadline)) <= 0) return false;
    char buffer[65536];
    const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    data.append(buffer, static_cast<std::size_t>(n));
    return true;
  };
  std::size_t head_end;
  while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return answer;
  }
  answer.headers = data.substr(0, head_end + 2);
  data.erase(0, head_end + 4);
  // Names lower-cased so header() needs no case folding.
  for (std::size_t line = answer.headers.find('\n'); line != std::string::npos;
       line = answer.headers.find('\n', line + 1)) {
    for (std::size_t i = line + 1; i < answer.headers.size() && answer.headers[i] != ':'; ++i)
      answer.headers[i] =
          static_cast<char>(std::tolower(static_cast<unsigned char>(answer.headers[i])));
  }
  if (answer.headers.rfind("HTTP/1.1 ", 0) != 0) return answer;
  const int status = std::atoi(answer.headers.c_str() + 9);

  if (answer.header("transfer-encoding") == "chunked") {
    for (;;) {
      std::size_t line_end;
      while ((line_end = data.find("\r\n")) == std::string::npos) {
        if (!fill()) return answer;
      }
      const std::size_t size = std::stoul(data.substr(0, line_end), nullptr, 16);
      while (data.size() < line_end + 2 + size + 2) {
        if (!fill()) return answer;
      }
      answer.body += data.substr(line_end + 2, size);
      data.erase(0, line_end + 2 + size + 2);
      if (size == 0) break;
    }
  } else {
    const std::string length = answer.header("content-length");
    const std::size_t size = length.empty() ? 0 : std::stoul(length);
    while (data.size() < size) {
      if (!fill()) return answer;
    }
    answer.body = data.substr(0, size);
    data.erase(0, size);
  }
  answer.status = status;
  answer.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return answer;
}

bool Connection::closed_within(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (fd_ >= 0) {
    pollfd p{fd_, POLLIN, 0};
    const int ready = poll(&p, 1, remaining_ms(deadline));
    if (ready == 0) return false;
    if (ready < 0) return true;
    char buffer[4096];
    const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) return true;  // EOF or reset
  }
  return true;
}

Answer request(int port, const std::string& method, const std::string& target,
               const std::string& body, const std::string& content_type,
               std::chrono::milliseconds timeout) {
  const auto started = Clock::now();
  Connection connection(port);
  std::string head =
      method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!content_type.empty()) head += "Content-Type: " + content_type + "\r\n";
  if (!body.empty() || method == "POST")
    head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  connection.send(head + "\r\n" + body);  // the server may answer before reading it all
  Answer answer = connection.receive(timeout);
  answer.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return answer;
}

}  // namespace frsearch::reliability
