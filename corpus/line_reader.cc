// LineReader: lines of plain or gzip files, read in chunks with zlib.
#include "corpus/line_reader.h"

#include <cerrno>
#include <cstring>
#include <string_view>

#include <zlib.h>

namespace frsearch::corpus {
namespace {
constexpr std::size_t kChunk = 1 << 18;
}

std::string LineReader::without_path(const char* message) const {
  // zlib writes "<path>: <what>"; the caller reports the path already.
  const std::string_view text = message;
  const std::string prefix = path_ + ": ";
  return std::string(text.substr(0, prefix.size()) == prefix ? text.substr(prefix.size()) : text);
}

void LineReader::Close::operator()(gzFile_s* file) const {
  gzclose(file);
}

LineReader::LineReader(const std::string& path) : path_(path), buffer_(kChunk) {
  errno = 0;
  file_.reset(gzopen(path.c_str(), "rb"));
  if (!file_) {
    error_ = errno != 0 ? std::strerror(errno) : "cannot open";
    return;
  }
  gzbuffer(file_.get(), kChunk);
}

bool LineReader::refill() {
  const int n = gzread(file_.get(), buffer_.data(), static_cast<unsigned>(buffer_.size()));
  int code = Z_OK;
  const char* message = gzerror(file_.get(), &code);
  // Data read before a stream error is still good: take it now, and meet the
  // error again (zlib keeps it) on the next call, which returns no data.
  if (n < 0 || (n == 0 && code != Z_OK)) {
    // Z_BUF_ERROR: the stream stopped before its end (a truncated file).
    error_ = code == Z_BUF_ERROR ? "truncated gzip data (unexpected end of file)"
             : code == Z_ERRNO   ? std::string("read error: ") + std::strerror(errno)
                                 : "corrupt gzip data: " + without_path(message);
    return false;
  }
  pos_ = 0;
  end_ = static_cast<std::size_t>(n);
  eof_ = n == 0;
  return true;
}

LineReader::Status LineReader::next(std::string& line) {
  line.clear();
  if (!file_ || (eof_ && pos_ == end_)) {
    return Status::kEnd;
  }
  ++line_number_;
  bool any = false;
  for (;;) {
    if (pos_ == end_) {
      if (!refill()) {
        return Status::kError;
      }
      if (eof_) {
        if (any) {
          return Status::kLine;  // a last line without '\n'
        }
        --line_number_;
        return Status::kEnd;
      }
    }
    const char* start = buffer_.data() + pos_;
    const auto* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - pos_));
    const std::size_t len = nl ? static_cast<std::size_t>(nl - start) : end_ - pos_;
    line.append(start, len);
    any = true;
    pos_ += len;
    if (nl) {
      ++pos_;
      return Status::kLine;
    }
  }
}

}  // namespace frsearch::corpus
