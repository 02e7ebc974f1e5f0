#include "support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace frsearch::reliability {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

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

// ---- Process --------------------------------------------------------------------

Process::Process(const std::vector<std::string>& args, const std::string& log) : log_(log) {
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

Process::~Process() {
  if (pid_ > 0) {
    kill(-pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

int Process::wait(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    if (pid_ <= 0) return -1;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (Clock::now() > deadline) return -1;
    std::this_thread::sleep_for(5ms);
  }
}

bool Process::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  return waitpid(pid_, &status, WNOHANG) == 0;
}

void Process::signal(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

std::string Process::err() const {
  return slurp(log_);
}
std::string Process::out() const {
  return slurp(log_ + ".out");
}

int run(const std::vector<std::string>& args, const std::string& log) {
  Process process(args, log);
  return process.wait(120s);
}

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = loopback(0);
  socklen_t len = sizeof addr;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

// ---- Daemon ---------------------------------------------------------------------

Daemon::Daemon(const std::string& index, const std::string& log, unsigned threads) {
  for (int attempt = 0; attempt < 3 && !process_; ++attempt) {
    port_ = free_port();
    process_ = std::make_unique<Process>(
        std::vector<std::string>{searchd_path(), "--index", index, "--host", "127.0.0.1",
                                 "--threads", std::to_string(threads), "--port",
                                 std::to_string(port_)},
        log);
    bool healthy = false;
    for (int i = 0; i < 200 && !healthy && process_->running(); ++i) {
      healthy = request(port_, "GET", "/health", "", "", 2s).status == 200;
      if (!healthy) std::this_thread::sleep_for(50ms);
    }
    if (!healthy) process_.reset();  // the port may have been taken meanwhile
  }
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
