// The index folder: stub parsing, generations, atomic swap, folder lock.
#include "indexer/index_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "indexer/schema.h"

namespace frsearch::indexer {
namespace {

namespace fs = std::filesystem;

constexpr const char* kGenerationPrefix = "gen-";
constexpr const char* kLockFile = "indexer.lock";

std::runtime_error system_error(const std::string& what, const std::string& path) {
  return std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

/// "gen-000012" -> 12; 0 for any other name.
unsigned parse_generation(const std::string& name) {
  const std::string prefix = kGenerationPrefix;
  if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) return 0;
  unsigned n = 0;
  for (std::size_t i = prefix.size(); i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9' || n > 100000000) return 0;
    n = n * 10 + static_cast<unsigned>(name[i] - '0');
  }
  return n;
}

std::string generation_name(unsigned generation) {
  char name[32];
  std::snprintf(name, sizeof name, "%s%06u", kGenerationPrefix, generation);
  return name;
}

std::string shard_name(unsigned shard) {
  char name[32];
  std::snprintf(name, sizeof name, "shard-%03u", shard);
  return name;
}

void fsync_path(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) throw system_error("cannot open", path);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw system_error("cannot fsync", path);
}

}  // namespace

void IndexDir::create() const {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw std::runtime_error("cannot create " + dir_ + ": " + ec.message());
}

LiveIndex IndexDir::live() const {
  LiveIndex live;
  const std::string stub = dir_ + "/" + schema::kStubFile;
  std::ifstream in(stub);
  if (!in) return live;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string backend, relative;
    words >> backend >> relative;
    const fs::path rel(relative);
    const unsigned generation =
        rel.has_parent_path() ? parse_generation(rel.parent_path().filename().string()) : 0;
    if (backend != "glass" || generation == 0 || rel.is_absolute())
      throw std::runtime_error(stub + ": not an index written by this indexer (line '" + line +
                               "')");
    if (live.generation != 0 && live.generation != generation)
      throw std::runtime_error(stub + ": names shards of two generations");
    live.generation = generation;
    live.shards.push_back(dir_ + "/" + relative);
  }
  if (live.shards.empty()) live.generation = 0;
  return live;
}

std::vector<unsigned> IndexDir::generations() const {
  std::vector<unsigned> found;
  std::error_code ec;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    const unsigned generation = parse_generation(it->path().filename().string());
    if (generation != 0 && it->is_directory()) found.push_back(generation);
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::string IndexDir::generation_path(unsigned generation) const {
  return dir_ + "/" + generation_name(generation);
}

std::string IndexDir::shard_path(const std::string& generation_path, unsigned shard) {
  return generation_path + "/" + shard_name(shard);
}

void IndexDir::publish(unsigned generation, unsigned shards) const {
  std::string text;
  for (unsigned i = 0; i < shards; ++i)
    text += "glass " + generation_name(generation) + "/" + shard_name(i) + "\n";
  const std::string stub = dir_ + "/" + schema::kStubFile;
  const std::string temp = stub + ".tmp." + std::to_string(::getpid());
  {
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw system_error("cannot create", temp);
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                    ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
      ::unlink(temp.c_str());
      throw system_error("cannot write", temp);
    }
  }
  if (::rename(temp.c_str(), stub.c_str()) != 0) {
    ::unlink(temp.c_str());
    throw system_error("cannot rename over", stub);
  }
  fsync_path(dir_, true);
}

void IndexDir::remove_generation(unsigned generation) const {
  std::error_code ec;
  fs::remove_all(generation_path(generation), ec);
  if (ec)
    throw std::runtime_error("cannot remove " + generation_path(generation) + ": " + ec.message());
}

std::uint64_t IndexDir::size_bytes(const LiveIndex& live) const {
  std::uint64_t total = 0;
  for (const std::string& shard : live.shards) {
    std::error_code ec;
    for (fs::recursive_directory_iterator it(shard, ec), end; !ec && it != end; it.increment(ec))
      if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  return total;
}

DirLock::DirLock(const IndexDir& dir) {
  const std::string path = dir.path() + "/" + kLockFile;
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw system_error("cannot open", path);
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    throw std::runtime_error(dir.path() + ": another indexer is writing this index");
  }
}

DirLock::~DirLock() {
  if (fd_ >= 0) ::close(fd_);  // closing drops the flock
}

void sync_tree(const std::string& path) {
  std::error_code ec;
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec))
      fsync_path(it->path().string(), true);
    else if (it->is_regular_file(ec))
      fsync_path(it->path().string(), false);
  }
  if (ec) throw std::runtime_error("cannot walk " + path + ": " + ec.message());
  fsync_path(path, true);
  fsync_path(fs::path(path).parent_path().string(), true);  // the entry naming @p path
}

}  // namespace frsearch::indexer
