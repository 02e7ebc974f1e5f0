/** @file
 * @brief Streaming line reader over plain or gzip-compressed files (internal).
 *
 * zlib's gzread() reads both (a file without the gzip magic is passed through),
 * in fixed chunks, so a corpus of any size is read with bounded memory apart
 * from the current line. A corrupt or truncated gzip stream ends the reading
 * with an error, after every complete line before the damage was returned.
 */
#ifndef FRSEARCH_CORPUS_LINE_READER_H
#define FRSEARCH_CORPUS_LINE_READER_H

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

struct gzFile_s;

namespace frsearch::corpus {

class LineReader {
 public:
  /// Opens @p path; check open() / error() before reading.
  explicit LineReader(const std::string& path);

  bool open() const { return file_ != nullptr; }

  enum class Status { kLine, kEnd, kError };

  /// The next line, without its '\n' (a '\r' before it is kept). kError when the
  /// data could not be read or decompressed: see error() and line_number().
  Status next(std::string& line);

  /// 1-based number of the line last returned, or of the line being read when
  /// an error occurred.
  std::size_t line_number() const { return line_number_; }

  /// What went wrong, for open() false or after kError.
  const std::string& error() const { return error_; }

 private:
  bool refill();
  std::string without_path(const char* message) const;

  struct Close {
    void operator()(gzFile_s* file) const;
  };
  std::string path_;
  std::unique_ptr<gzFile_s, Close> file_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0, end_ = 0;
  std::size_t line_number_ = 0;
  bool eof_ = false;
  std::string error_;
};

}  // namespace frsearch::corpus

#endif  // FRSEARCH_CORPUS_LINE_READER_H
