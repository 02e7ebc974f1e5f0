// Reporter, Progress, input sizes and the summary line.
#include "indexer/report.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace frsearch::indexer {
namespace {

std::string format(const char* fmt, double a, double b, double c) {
  char text[160];
  std::snprintf(text, sizeof text, fmt, a, b, c);
  return text;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// ISIZE, the last 4 bytes of a gzip file (uncompressed size mod 2^32, of the
/// last member): an estimate, exact for the usual single-member files under 4 GiB.
std::uint64_t gzip_isize(const std::string& path, std::uint64_t fallback) {
  std::ifstream in(path, std::ios::binary);
  unsigned char tail[4];
  if (!in.seekg(-4, std::ios::end) || !in.read(reinterpret_cast<char*>(tail), 4)) return fallback;
  return std::uint64_t{tail[0]} | std::uint64_t{tail[1]} << 8 | std::uint64_t{tail[2]} << 16 |
         std::uint64_t{tail[3]} << 24;
}

}  // namespace

void Reporter::line(const std::string& text) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (progress_shown_) out_ << "\r\033[K";
  out_ << text << '\n';
  progress_shown_ = false;
  out_.flush();
}

void Reporter::progress(const std::string& text) {
  std::lock_guard<std::mutex> lock(mutex_);
  out_ << "\r\033[K" << text;
  progress_shown_ = true;
  out_.flush();
}

void Reporter::end_progress() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (progress_shown_) out_ << "\r\033[K";
  progress_shown_ = false;
  out_.flush();
}

void Progress::update(std::size_t documents, std::uint64_t bytes) {
  if (!enabled_) return;
  const double now = clock_.seconds();
  if (now - last_draw_ < 0.25) return;
  last_draw_ = now;
  const double mb_per_s = bytes / 1e6 / now;
  std::string text =
      format("%.0f documents, %.0f docs/s, %.1f MB/s", documents, documents / now, mb_per_s);
  if (total_bytes_ > bytes && bytes > 0)
    text += format(", ETA %.0f s", (total_bytes_ - bytes) * now / bytes, 0, 0);
  reporter_.progress(text);
}

void Progress::finish() {
  if (enabled_) reporter_.end_progress();
}

std::uint64_t input_bytes(const std::vector<std::string>& files) {
  std::uint64_t total = 0;
  for (const std::string& file : files) {
    std::error_code ec;
    const std::uint64_t size = std::filesystem::file_size(file, ec);
    if (ec) continue;
    total += ends_with(file, ".gz") ? gzip_isize(file, size) : size;
  }
  return total;
}

std::string summary_line(std::size_t indexed, std::size_t replaced, std::size_t rejected,
                         double seconds, std::uint64_t bytes) {
  const double s = seconds > 0 ? seconds : 1e-9;
  return "indexed " + std::to_string(indexed) + " (" + std::to_string(replaced) + " replaced), " +
         std::to_string(rejected) + " rejected, " +
         format("%.2f s, %.0f docs/s, %.1f MB/s", seconds, indexed / s, bytes / 1e6 / s);
}

}  // namespace frsearch::indexer
