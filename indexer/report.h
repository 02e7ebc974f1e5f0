/** @file
 * @brief What the indexer tells the user on stderr: notes, rejections, progress (internal).
 *
 * Several pipeline threads report at once, so every write goes through one
 * Reporter, which serialises them and keeps a live progress line (terminals
 * only) from being garbled by a note.
 */
#ifndef FRSEARCH_INDEXER_REPORT_H
#define FRSEARCH_INDEXER_REPORT_H

#include <chrono>
#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

namespace frsearch::indexer {

class Reporter {
 public:
  explicit Reporter(std::ostream& out) : out_(out) {}

  /// One whole line (a progress line being shown is cleared first).
  void line(const std::string& text);
  /// Replaces the progress line (carriage return, no newline).
  void progress(const std::string& text);
  /// Ends a progress line being shown, so what follows starts on a new line.
  void end_progress();

 private:
  std::mutex mutex_;
  std::ostream& out_;
  bool progress_shown_ = false;
};

/// A wall-clock stopwatch.
class Stopwatch {
 public:
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

/// The live progress line: documents, docs/s, MB/s, ETA from the bytes done
/// against the total input size. Redrawn at most a few times a second.
class Progress {
 public:
  Progress(Reporter& reporter, bool enabled, std::uint64_t total_bytes)
      : reporter_(reporter), enabled_(enabled), total_bytes_(total_bytes) {}

  void update(std::size_t documents, std::uint64_t bytes);
  void finish();

 private:
  Reporter& reporter_;
  const bool enabled_;
  const std::uint64_t total_bytes_;
  Stopwatch clock_;
  double last_draw_ = 0;
};

/// The input size in bytes, uncompressed: a .gz file counts what its trailer
/// says it holds (ISIZE), so MB/s and the ETA are about text, not gzip blocks.
std::uint64_t input_bytes(const std::vector<std::string>& files);

/// "indexed N (R replaced), X rejected, S s, D docs/s, M MB/s".
std::string summary_line(std::size_t indexed, std::size_t replaced, std::size_t rejected,
                         double seconds, std::uint64_t bytes);

}  // namespace frsearch::indexer

#endif  // FRSEARCH_INDEXER_REPORT_H
