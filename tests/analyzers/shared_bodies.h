/** @file
 * @brief Reads article bodies from a gzip JSON Lines file of ../shared (tests and bench).
 *
 * Deliberately independent of corpus/: the analyzer's tests and benchmark only
 * need the "body" strings, and must not break when the readers change.
 */
#ifndef FRSEARCH_TESTS_ANALYZERS_SHARED_BODIES_H
#define FRSEARCH_TESTS_ANALYZERS_SHARED_BODIES_H

#include <zlib.h>

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace frsearch::analysis::testing {

/// Up to @p limit "body" fields of the .jsonl.gz at @p path; empty when it cannot be read.
inline std::vector<std::string> read_bodies(const std::string& path, std::size_t limit) {
  std::vector<std::string> bodies;
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return bodies;
  std::string line;
  char buffer[1 << 16];
  const auto take = [&] {
    const auto record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (record.is_object() && record.contains("body") && record["body"].is_string()) {
      bodies.push_back(record["body"].get<std::string>());
    }
    line.clear();
  };
  while (bodies.size() < limit && gzgets(file, buffer, sizeof buffer) != nullptr) {
    line += buffer;
    if (!line.empty() && line.back() == '\n') take();  // else gzgets stopped inside a long line
  }
  if (bodies.size() < limit && !line.empty()) take();  // last line without a newline
  gzclose(file);
  return bodies;
}

}  // namespace frsearch::analysis::testing

#endif  // FRSEARCH_TESTS_ANALYZERS_SHARED_BODIES_H
