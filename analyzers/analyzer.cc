// Analyzer and the French chain: see analyzer.h.
#include "analyzers/analyzer.h"

#include <utility>

#include "analyzers/case_fold.h"
#include "analyzers/elision.h"
#include "analyzers/stemmer.h"
#include "analyzers/stop_words.h"
#include "analyzers/tokenizer.h"

namespace frsearch::analysis {

Analyzer::Analyzer(std::unique_ptr<Tokenizer> tokenizer,
                   std::vector<std::unique_ptr<TokenFilter>> filters)
    : tokenizer_(std::move(tokenizer)), filters_(std::move(filters)) {}
Analyzer::Analyzer(Analyzer&&) noexcept = default;
Analyzer& Analyzer::operator=(Analyzer&&) noexcept = default;
Analyzer::~Analyzer() = default;

std::vector<Token> Analyzer::analyze(std::string_view text) const {
  std::vector<Token> tokens = tokenizer_->tokenize(text);
  std::size_t kept = 0;
  for (Token& token : tokens) {
    bool keep = true;
    for (const auto& filter : filters_) {
      if (!filter->apply(token)) {
        keep = false;
        break;
      }
    }
    if (keep) {
      if (&tokens[kept] != &token) tokens[kept] = std::move(token);
      ++kept;
    }
  }
  tokens.resize(kept);
  return tokens;
}

Analyzer make_french_analyzer(FrenchOptions options) {
  std::vector<std::unique_ptr<TokenFilter>> filters;
  filters.push_back(std::make_unique<ElisionFilter>());
  filters.push_back(std::make_unique<LowercaseFilter>());
  filters.push_back(std::make_unique<FoldFilter>());
  if (options.stop_words) filters.push_back(std::make_unique<StopFilter>());
  if (options.stem) filters.push_back(std::make_unique<StemFilter>());
  return Analyzer(std::make_unique<FrenchTokenizer>(), std::move(filters));
}

}  // namespace frsearch::analysis
