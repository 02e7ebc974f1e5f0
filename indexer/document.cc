// make_document(): the one place where an article becomes terms, values and data
// (see schema.h for what each prefix and slot means).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "indexer/document.h"
#include "indexer/hash.h"
#include "indexer/indexer.h"
#include "indexer/schema.h"

namespace frsearch::indexer {
namespace {

/// Positions left empty between title, summary and body, so that a phrase or a
/// NEAR query never matches across two fields.
constexpr Xapian::termpos kFieldGap = 100;
/// Longer "words" (glued URLs, base64, ...) are not indexed: nobody searches for
/// them, and Xapian refuses terms over 245 bytes.
constexpr std::size_t kMaxWordBytes = 100;
/// Surface-form terms longer than this are skipped (same reason).
constexpr std::size_t kMaxSurfaceTermBytes = 200;
/// Ids whose "Q" term would be longer than this get a hashed tail.
constexpr std::size_t kMaxIdTermBytes = 240;
/// Words shorter than this are not worth a spelling correction.
constexpr std::size_t kMinSpellingBytes = 3;

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

/// Letters only: ASCII a-z or any multi-byte UTF-8 sequence (folded words are
/// lower case), so numbers and codes stay out of the spelling dictionary.
bool is_alphabetic(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u >= 'a' && u <= 'z') || u >= 0x80;
  });
}

/// Worth a spelling entry: three bytes or more, letters only.
bool is_spelling_word(std::string_view word) {
  return word.size() >= kMinSpellingBytes && is_alphabetic(word);
}

/// From this size on, the spelling dictionary keeps words of two documents or more.
constexpr Xapian::doccount kLargeIndexDocs = 1000;

}  // namespace

void WordCounts::merge(const WordCounts& other) {
  for (const auto& [word, documents] : other.counts_) counts_[word] += documents;
}

std::vector<std::pair<std::string, Xapian::doccount>> WordCounts::dictionary(
    Xapian::doccount index_documents) const {
  const Xapian::doccount min_docs = index_documents >= kLargeIndexDocs ? 2 : 1;
  std::vector<std::pair<std::string, Xapian::doccount>> words;
  for (const auto& [word, documents] : counts_)
    if (documents >= static_cast<long>(min_docs))
      words.emplace_back(word, static_cast<Xapian::doccount>(documents));
  std::sort(words.begin(), words.end());
  return words;
}

void WordCounts::add_to_metadata(Xapian::WritableDatabase& db) const {
  for (const auto& [word, change] : counts_) {
    // The word's key, if any: the only one from its prefix (the separator sorts
    // before any letter, so "sante" + separator starts no other word's key).
    const std::string prefix = schema::kWord + word + schema::kWordCountSeparator;
    long documents = change;
    for (auto key = db.metadata_keys_begin(prefix); key != db.metadata_keys_end(prefix); ++key) {
      documents += static_cast<long>(schema::parse_word_count_key(*key).second);
      db.set_metadata(*key, std::string());  // removes it
    }
    if (documents > 0)
      db.set_metadata(schema::word_count_key(word, static_cast<unsigned long>(documents)),
                      std::to_string(documents));
  }
}

void write_word_counts(Xapian::WritableDatabase& db,
                       const std::vector<std::pair<std::string, Xapian::doccount>>& dictionary) {
  for (const auto& [word, documents] : dictionary)
    db.set_metadata(schema::word_count_key(word, documents), std::to_string(documents));
}

std::string StemCache::stem(const std::string& word) {
  std::string stem;
  if (!analysis::is_stop_word(word)) stem = analysis::stem(word);
  if (stem.size() > kMaxWordBytes) stem.clear();
  return stem;
}

std::uint32_t StemCache::word(std::string_view folded_word) {
  if (words_.size() * 2 >= slots_.size()) grow();
  const std::uint64_t hash = fnv1a64(folded_word);
  const std::size_t mask = slots_.size() - 1;
  std::size_t slot = static_cast<std::size_t>(hash ^ (hash >> 32)) & mask;
  for (;; slot = (slot + 1) & mask) {
    const std::uint32_t number = slots_[slot];
    if (number == kEmpty) break;
    const Word& w = words_[number];
    if (w.hash == hash && w.text == folded_word) return number;
  }
  std::string text(folded_word);
  const std::string stem = StemCache::stem(text);
  std::uint32_t stem_number = kNoStem;
  if (!stem.empty()) {
    const auto [s, added] =
        stem_numbers_.try_emplace(stem, static_cast<std::uint32_t>(stems_.size()));
    if (added) stems_.push_back({schema::kStem + stem, schema::kTitleStem + stem});
    stem_number = s->second;
  }
  const auto number = static_cast<std::uint32_t>(words_.size());
  words_.push_back({std::move(text), hash, stem_number, 0});
  slots_[slot] = number;
  return number;
}

void StemCache::grow() {
  std::vector<std::uint32_t> slots(std::max<std::size_t>(1024, slots_.size() * 2), kEmpty);
  const std::size_t mask = slots.size() - 1;
  for (std::uint32_t number = 0; number < words_.size(); ++number) {
    const std::uint64_t hash = words_[number].hash;
    std::size_t slot = static_cast<std::size_t>(hash ^ (hash >> 32)) & mask;
    while (slots[slot] != kEmpty) slot = (slot + 1) & mask;
    slots[slot] = number;
  }
  slots_ = std::move(slots);
}

void StemCache::clear() {
  slots_.clear();
  stem_numbers_.clear();
  words_.clear();
  stems_.clear();
}

namespace {

using Scratch = DocumentMaker::Scratch;

/// Adds the terms of one field to the document. Each distinct word is stemmed
/// once per thread (StemCache); stems and title words get a posting per
/// occurrence (positions), while title stems and the words of the spelling list
/// are counted and marked by number in the maker's scratch space, which
/// finish() leaves ready for the next document.
class FieldIndexer {
 public:
  FieldIndexer(Xapian::Document& doc, StemCache& stems, Scratch& scratch,
               std::vector<std::string>* spelling, std::vector<std::string>* surfaces,
               bool count_words)
      : doc_(doc),
        stems_(stems),
        s_(scratch),
        spelling_(spelling),
        surfaces_(surfaces),
        count_words_(count_words) {}

  /// Indexes @p text starting at the current position; @p title adds the S/ZS
  /// terms and the title wdf boost.
  void index(std::string_view text, const analysis::Analyzer& analyzer, bool title) {
    const std::vector<analysis::Token> tokens = analyzer.analyze(text);
    Xapian::termpos last = 0;
    for (const analysis::Token& token : tokens) {
      const Xapian::termpos pos = next_pos_ + token.position;
      last = std::max(last, pos);
      const std::string& word = token.text;
      if (word.empty() || word.size() > kMaxWordBytes) continue;
      const std::uint32_t number = stems_.word(word);
      // The word itself is no term (schema.h): it goes to the spelling list, its
      // stem carries the positions.
      if (spelling_ != nullptr || count_words_) mark_word(number);
      if (title) {
        s_.title_term.assign(schema::kTitle);
        s_.title_term += word;
        doc_.add_posting(s_.title_term, pos);
      }
      const std::uint32_t stem = stems_.stem_of(number);
      if (stem != StemCache::kNoStem) {
        doc_.add_posting(stems_.stem_term(stem), pos, title ? schema::kTitleWdfBoost : 1);
        if (title) {
          if (stem >= s_.title_stem_counts.size()) s_.title_stem_counts.resize(stems_.stem_count());
          if (s_.title_stem_counts[stem]++ == 0) s_.title_stems.push_back(stem);
        }
      }
      add_surface_form(word, text, token);
    }
    if (!tokens.empty()) next_pos_ = last + 1 + kFieldGap;
  }

  /// Adds the title stem terms (one Xapian call per term, not per occurrence),
  /// and lists the distinct words worth a spelling entry.
  void finish() {
    if (surfaces_ != nullptr) {
      std::sort(surfaces_->begin(), surfaces_->end());
      surfaces_->erase(std::unique(surfaces_->begin(), surfaces_->end()), surfaces_->end());
    }
    for (const std::uint32_t stem : s_.title_stems) {
      doc_.add_term(stems_.title_stem_term(stem), s_.title_stem_counts[stem]);
      s_.title_stem_counts[stem] = 0;
    }
    s_.title_stems.clear();
    for (const std::uint32_t number : s_.words) {
      if (count_words_) stems_.count_document(number);
      const std::string& word = stems_.word_text(number);
      if (spelling_ != nullptr && is_spelling_word(word)) spelling_->push_back(word);
    }
    s_.words.clear();
    if (spelling_ != nullptr) std::sort(spelling_->begin(), spelling_->end());
  }

 private:
  /// Lists word @p number once per document.
  void mark_word(std::uint32_t number) {
    if (number >= s_.word_doc.size()) s_.word_doc.resize(stems_.word_count());
    if (s_.word_doc[number] == s_.document) return;
    s_.word_doc[number] = s_.document;
    s_.words.push_back(number);
  }

  /// "XU<folded>:<lower>" when the word as written had accents or ligatures.
  /// ASCII originals fold to themselves (after lowercasing), so only non-ASCII
  /// ones are looked at. An offset range that still covers an elided article
  /// ("l’été") is cut after its apostrophe.
  void add_surface_form(const std::string& word, std::string_view text,
                        const analysis::Token& token) {
    if (token.end <= token.start || token.end > text.size()) return;
    const std::string_view original = text.substr(token.start, token.end - token.start);
    if (is_ascii(original)) return;
    if (!s_.surfaces_seen.emplace(original).second) return;
    std::string surface = analysis::lower(original);
    if (surface == word) return;
    if (analysis::fold(surface) != word) {
      const std::size_t ascii = surface.rfind('\'');
      const std::size_t curly = surface.rfind("\xE2\x80\x99");  // ’
      if (ascii == std::string::npos && curly == std::string::npos) return;
      if (curly == std::string::npos || (ascii != std::string::npos && ascii > curly))
        surface.erase(0, ascii + 1);
      else
        surface.erase(0, curly + 3);
      if (surface == word || analysis::fold(surface) != word) return;
    }
    std::string term = schema::kSurface + word + ':' + surface;
    if (term.size() > kMaxSurfaceTermBytes) return;
    if (surfaces_ != nullptr)
      surfaces_->push_back(std::move(term));
    else
      doc_.add_boolean_term(term);
  }

  Xapian::Document& doc_;
  StemCache& stems_;
  Scratch& s_;
  std::vector<std::string>* spelling_;
  std::vector<std::string>* surfaces_;
  const bool count_words_;
  Xapian::termpos next_pos_ = 1;
};

std::string digits_only(std::string_view day) {
  std::string out;
  for (char c : day)
    if (c >= '0' && c <= '9') out += c;
  return out;
}

}  // namespace

std::string id_term(std::string_view id) {
  std::string term = std::string(schema::kId) + std::string(id);
  if (term.size() <= kMaxIdTermBytes) return term;
  char tail[18];  // "#" + 16 hex digits + NUL
  std::snprintf(tail, sizeof tail, "#%016llx", static_cast<unsigned long long>(fnv1a64(id)));
  term.resize(kMaxIdTermBytes - (sizeof tail - 1));
  return term + tail;
}

std::string fold_label(std::string_view label) {
  std::string out;
  std::size_t i = 0;
  while (i < label.size()) {
    while (i < label.size() && (label[i] == ' ' || label[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < label.size() && label[i] != ' ' && label[i] != '\t') ++i;
    if (i == start) break;
    if (!out.empty()) out += ' ';
    out += analysis::fold(label.substr(start, i - start));
  }
  return out;
}

std::string category_term(std::string_view label) {
  return std::string(schema::kCategory) + fold_label(label);
}

void DocumentMaker::start_document() {
  // Left over by a document that threw half way.
  for (const std::uint32_t stem : scratch_.title_stems) scratch_.title_stem_counts[stem] = 0;
  scratch_.title_stems.clear();
  scratch_.words.clear();
  scratch_.surfaces_seen.clear();
  if (stems_.full()) {  // numbers are reused after this: forget the old marks
    take_word_counts();
    stems_.clear();
    scratch_.word_doc.clear();
    scratch_.title_stem_counts.clear();
  }
  if (++scratch_.document == 0) {  // the stamp wrapped around
    std::fill(scratch_.word_doc.begin(), scratch_.word_doc.end(), 0);
    scratch_.document = 1;
  }
}

void DocumentMaker::take_word_counts() {
  if (counts_ == nullptr) return;
  for (std::uint32_t word = 0; word < stems_.word_count(); ++word) {
    const std::uint32_t documents = stems_.documents(word);
    if (documents == 0) continue;
    stems_.reset_documents(word);
    if (is_spelling_word(stems_.word_text(word))) counts_->add(stems_.word_text(word), documents);
  }
}

Xapian::Document make_document(const corpus::Article& article, const analysis::Analyzer& analyzer,
                               std::vector<std::string>* spelling) {
  StemCache stems;
  return DocumentMaker(analyzer, stems).make(article, spelling);
}

Xapian::Document DocumentMaker::make(const corpus::Article& article,
                                     std::vector<std::string>* spelling,
                                     std::vector<std::string>* surfaces) {
  const analysis::Analyzer& analyzer = analyzer_;
  start_document();
  Xapian::Document doc;
  doc.add_boolean_term(id_term(article.id));

  FieldIndexer fields(doc, stems_, scratch_, spelling, surfaces, counts_ != nullptr);
  fields.index(article.title, analyzer, true);
  fields.index(article.summary, analyzer, false);
  fields.index(article.body, analyzer, false);
  fields.finish();

  std::vector<std::string> labels;
  for (const std::string& label : article.categories) {
    const std::string term = category_term(label);
    if (term.size() > 1 && term.size() <= kMaxIdTermBytes) doc.add_boolean_term(term);
    labels.push_back(label);
  }

  const std::string day = digits_only(article.day);  // YYYYMMDD
  if (day.size() == 8) {
    doc.add_boolean_term(schema::kYear + day.substr(0, 4));
    doc.add_boolean_term(schema::kMonth + day.substr(0, 6));
    doc.add_boolean_term(schema::kDay + day);
    doc.add_value(schema::kSlotDay, day);
    doc.add_value(schema::kSlotMonth, article.day.substr(0, 7));
  }
  doc.add_value(schema::kSlotSort, article.sort_key + article.id);

  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  std::string joined;
  for (const std::string& label : labels) {
    if (!joined.empty()) joined += schema::kCategorySeparator;
    joined += label;
  }
  if (!joined.empty()) doc.add_value(schema::kSlotCategories, joined);

  const nlohmann::json meta = {{"id", article.id},
                               {"title", article.title},
                               {"url", article.url},
                               {"date", article.day},
                               {"categories", article.categories}};
  using nlohmann::json;
  doc.add_value(schema::kSlotMeta, meta.dump(-1, ' ', false, json::error_handler_t::replace));
  doc.set_data(article.record.dump(-1, ' ', false, json::error_handler_t::replace));
  return doc;
}

}  // namespace frsearch::indexer
