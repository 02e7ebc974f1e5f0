// The stemmer for folded French: see stemmer.h.
#include "analyzers/stemmer.h"

#include <xapian.h>

namespace frsearch::analysis {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

/// The calling thread's Snowball French stemmer (Xapian::Stem is not thread-safe).
Xapian::Stem& snowball_french() {
  thread_local Xapian::Stem stemmer("french");
  return stemmer;
}

/// stem(fold(word)) as a Xapian stemmer, for TermGenerator, QueryParser and ESet.
class FoldedFrenchStemmer : public Xapian::StemImplementation {
 public:
  std::string operator()(const std::string& word) override { return stem(fold(word)); }
  std::string get_description() const override { return "frsearch_folded_french"; }
};

}  // namespace

std::string normalise_feminine(std::string_view folded_word) {
  std::string word(folded_word);
  if (ends_with(word, "ees")) {
    word.erase(word.size() - 2, 1);  // "ees" -> "es"
  } else if (ends_with(word, "ee")) {
    word.pop_back();  // "ee" -> "e"
  }
  return word;
}

std::string stem(std::string_view folded_word) {
  return snowball_french()(normalise_feminine(folded_word));
}

Xapian::Stem make_xapian_stemmer() {
  return Xapian::Stem(new FoldedFrenchStemmer());
}

bool StemFilter::apply(Token& token) const {
  token.text = stem(token.text);
  return !token.text.empty();
}

}  // namespace frsearch::analysis
