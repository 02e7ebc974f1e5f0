// Related articles: relevance-feedback terms of an article, tf * idf terms of a draft.
#include "searchd/search_related.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "searchd/search_common.h"

namespace frsearch::search::detail {
namespace {

/// Keeps the terms worth expanding on: words (no prefix) of 3+ bytes, not stop words.
class WordTermDecider : public Xapian::ExpandDecider {
 public:
  bool operator()(const std::string& term) const override {
    return term.size() >= 3 && is_word_term(term) && !analysis::is_stop_word(term);
  }
};

}  // namespace

Xapian::Query article_terms_query(const Xapian::Database& db, Xapian::docid did, unsigned n_terms) {
  Xapian::Enquire enquire(db);
  Xapian::RSet rset;
  rset.add_document(did);
  const WordTermDecider decider;
  // Exact term frequencies over every shard: without the flag, Xapian 1.4
  // estimates them from the shard holding the document, so the terms and their
  // weights would depend on how the articles are sharded.
  const Xapian::ESet eset =
      enquire.get_eset(n_terms, rset, Xapian::Enquire::USE_EXACT_TERMFREQ, &decider);
  std::vector<Xapian::Query> terms;
  for (auto it = eset.begin(); it != eset.end(); ++it) {
    terms.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(*it), it.get_weight());
  }
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

Xapian::Query text_terms_query(const Xapian::Database& db, const analysis::Analyzer& analyzer,
                               std::string_view text, unsigned n_terms) {
  std::unordered_map<std::string, Xapian::termcount> tf;
  for (analysis::Token& token : analyzer.analyze(text)) {
    if (token.text.size() >= 2 && is_word_term(token.text)) {
      ++tf[std::move(token.text)];
    }
  }
  const double documents = std::max<double>(1, db.get_doccount());
  struct Scored {
    double score;
    const std::string* term;
    Xapian::termcount tf;
  };
  std::vector<Scored> scored;
  for (const auto& [term, count] : tf) {
    const Xapian::doccount df = db.get_termfreq(term);
    if (df == 0) {
      continue;
    }
    const double idf = std::log(documents / df);
    if (idf > 0) {
      scored.push_back({count * idf, &term, count});
    }
  }
  const std::size_t keep = std::min<std::size_t>(n_terms, scored.size());
  std::partial_sort(scored.begin(), scored.begin() + keep, scored.end(),
                    [](const Scored& a, const Scored& b) {
                      return a.score != b.score ? a.score > b.score : *a.term < *b.term;
                    });
  std::vector<Xapian::Query> terms;
  for (std::size_t i = 0; i < keep; ++i) {
    terms.emplace_back(*scored[i].term, scored[i].tf);
  }
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

namespace {

/// True when the folded title @p shorter, of 4 words or more, begins @p longer at a
/// word boundary.
bool title_begins(const std::string& shorter, const std::string& longer) {
  return !shorter.empty() && std::count(shorter.begin(), shorter.end(), ' ') >= 3 &&
         longer.size() > shorter.size() && longer.compare(0, shorter.size(), shorter) == 0 &&
         longer[shorter.size()] == ' ';
}

/// |a ∩ b| / |a ∪ b| of two sorted sets; 0 when both are empty.
double jaccard(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::size_t common = 0;
  for (auto i = a.begin(), j = b.begin(); i != a.end() && j != b.end();) {
    if (*i < *j) {
      ++i;
    } else if (*j < *i) {
      ++j;
    } else {
      ++common;
      ++i;
      ++j;
    }
  }
  const std::size_t all = a.size() + b.size() - common;
  return all == 0 ? 0 : static_cast<double>(common) / static_cast<double>(all);
}

}  // namespace

bool NearDuplicates::repeats(const Xapian::Document& doc, const std::string& title) {
  Kept candidate{fold_title(words_, title), {}};
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
    if (is_word_term(*it)) {
      candidate.words.push_back(*it);  // the term list comes sorted
    }
  }
  for (const Kept& kept : kept_) {
    const bool same_title =
        !candidate.title.empty() &&
        (candidate.title == kept.title || title_begins(kept.title, candidate.title) ||
         title_begins(candidate.title, kept.title));
    if (same_title || jaccard(candidate.words, kept.words) >= kSameWords) {
      return true;
    }
  }
  kept_.push_back(std::move(candidate));
  return false;
}

}  // namespace frsearch::search::detail
