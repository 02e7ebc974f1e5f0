// list_input_files() and read_file(): from paths on the command line to records.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "corpus/article.h"
#include "corpus/line_reader.h"
#include "corpus/text.h"

namespace frsearch::corpus {
namespace {

namespace fs = std::filesystem;

std::string lower_ascii(std::string s) {
  for (char& c : s) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return s;
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_page_export(const std::string& path) {
  return ends_with(lower_ascii(fs::path(path).filename().string()), ".txt");
}

/// The names a folder walk picks up: *.jsonl, *.jsonl.gz and *.txt, not hidden.
bool is_input_name(const fs::path& path) {
  const std::string name = lower_ascii(path.filename().string());
  return name[0] != '.' &&
         (ends_with(name, ".jsonl") || ends_with(name, ".jsonl.gz") || ends_with(name, ".txt"));
}

/// Every input file below @p dir, hidden folders skipped, sorted.
std::vector<std::string> walk(const fs::path& dir) {
  std::vector<std::string> found;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it) {
    const fs::path& path = it->path();
    if (path.filename().string()[0] == '.') {
      if (it->is_directory()) {
        it.disable_recursion_pending();
      }
      continue;
    }
    if (it->is_regular_file() && is_input_name(path)) {
      found.push_back(path.string());
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

bool read_page_export(const std::string& path, const ArticleHandler& on_article,
                      const RejectionHandler& on_rejection) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return on_rejection({path, 0, std::string("cannot open: ") + std::strerror(errno)});
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    return on_rejection({path, 0, "read error"});
  }
  Article article;
  try {
    article = parse_page_export(content.str());
  } catch (const InvalidRecord& e) {
    return on_rejection({path, e.line(), e.what()});
  }
  article.line = 1;
  return on_article(std::move(article));
}

bool read_json_lines(const std::string& path, const ArticleHandler& on_article,
                     const RejectionHandler& on_rejection) {
  LineReader reader(path);
  if (!reader.open()) {
    return on_rejection({path, 0, "cannot open: " + reader.error()});
  }
  std::string line;
  LineReader::Status status;
  while ((status = reader.next(line)) == LineReader::Status::kLine) {
    std::string_view record = line;
    constexpr std::string_view kBom = "\xEF\xBB\xBF";
    if (reader.line_number() == 1 && record.substr(0, kBom.size()) == kBom) {
      record.remove_prefix(kBom.size());
    }
    if (!record.empty() && record.back() == '\r') {
      record.remove_suffix(1);
    }
    if (text::is_blank(record)) {
      continue;
    }
    Article article;
    try {
      article = parse_json_record(record);
    } catch (const InvalidRecord& e) {
      if (!on_rejection({path, reader.line_number(), e.what()})) {
        return false;
      }
      continue;
    }
    article.line = reader.line_number();
    if (!on_article(std::move(article))) {
      return false;
    }
  }
  if (status == LineReader::Status::kError) {
    return on_rejection({path, reader.line_number(), reader.error()});
  }
  return true;
}

}  // namespace

std::vector<std::string> list_input_files(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (!fs::exists(status)) {
      throw std::runtime_error(path + ": no such file or directory");
    }
    if (fs::is_directory(status)) {
      for (std::string& file : walk(path)) {
        files.push_back(std::move(file));
      }
    } else {
      files.push_back(path);
    }
  }
  // The same file named twice (or inside a folder also given) is read once.
  std::vector<std::string> unique;
  for (std::string& file : files) {
    if (std::find(unique.begin(), unique.end(), file) == unique.end()) {
      unique.push_back(std::move(file));
    }
  }
  return unique;
}

bool read_file(const std::string& path, const ArticleHandler& on_article,
               const RejectionHandler& on_rejection) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    return on_rejection({path, 0, "cannot open: is a directory"});
  }
  return is_page_export(path) ? read_page_export(path, on_article, on_rejection)
                              : read_json_lines(path, on_article, on_rejection);
}

}  // namespace frsearch::corpus
