#include "indexer/synonyms.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "analyzers/analyzer.h"

namespace frsearch::indexer {
namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> pieces;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    pieces.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return pieces;
    start = end + 1;
  }
}

/// @p expression's folded words joined by single spaces ("" when it has none).
std::string analysed(const analysis::Analyzer& analyzer, std::string_view expression) {
  std::string words;
  for (const analysis::Token& token : analyzer.analyze(expression)) {
    if (token.text.empty()) continue;
    if (!words.empty()) words += ' ';
    words += token.text;
  }
  return words;
}

}  // namespace

SynonymTable SynonymTable::read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot read the synonyms file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

SynonymTable SynonymTable::parse(std::string_view text, const std::string& name) {
  const analysis::Analyzer analyzer = analysis::make_french_analyzer();
  SynonymTable table;
  std::size_t number = 0;
  for (std::string_view line : split(text, '\n')) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    std::vector<std::string> group;
    for (std::string_view expression : split(line, '\t')) {
      std::string words = analysed(analyzer, expression);
      if (!words.empty() && std::find(group.begin(), group.end(), words) == group.end())
        group.push_back(std::move(words));
    }
    if (group.size() < 2)
      throw std::runtime_error(name + ":" + std::to_string(number) +
                               ": wants two or more different expressions separated by tabs");
    table.add_group(std::move(group));
  }
  return table;
}

SynonymTable SynonymTable::decode(std::string_view encoded) {
  SynonymTable table;
  for (std::string_view line : split(encoded, '\n')) {
    std::vector<std::string> group;
    for (std::string_view words : split(line, '\t'))
      if (!words.empty()) group.emplace_back(words);
    if (group.size() >= 2) table.add_group(std::move(group));
  }
  return table;
}

std::string SynonymTable::encode() const {
  std::string out;
  for (const auto& group : groups_) {
    for (std::size_t i = 0; i < group.size(); ++i) out += (i == 0 ? "" : "\t") + group[i];
    out += '\n';
  }
  return out;
}

const std::vector<std::string>* SynonymTable::equivalents(const std::string& words) const {
  const auto it = equivalents_.find(words);
  return it == equivalents_.end() ? nullptr : &it->second;
}

void SynonymTable::add_group(std::vector<std::string> group) {
  // An expression in several groups is equivalent to the members of all of them.
  for (const std::string& words : group) {
    std::vector<std::string>& others = equivalents_[words];
    for (const std::string& other : group)
      if (other != words && std::find(others.begin(), others.end(), other) == others.end())
        others.push_back(other);
    longest_ = std::max(longest_,
                        static_cast<std::size_t>(std::count(words.begin(), words.end(), ' ') + 1));
  }
  groups_.push_back(std::move(group));
}

void write_synonyms(Xapian::WritableDatabase& db, const SynonymTable& table) {
  db.set_metadata(kMetaSynonyms, table.encode());  // "" deletes the entry
}

SynonymTable read_synonyms(const Xapian::Database& db) {
  return SynonymTable::decode(db.get_metadata(kMetaSynonyms));
}

}  // namespace frsearch::indexer
