// Throughput of the French analysis chain next to Xapian's bare TermGenerator, on
// the OrangeSum bodies of ../shared (issue 2 targets: chain <= 1.5x TermGenerator's cost).
//
//   analyzer_bench [--benchmark_filter=...]     skips with a message without ../shared
#include <benchmark/benchmark.h>
#include <xapian.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "analyzers/analyzer.h"
#include "analyzers/tokenizer.h"
#include "tests/analyzers/shared_bodies.h"

namespace {

namespace fa = frsearch::analysis;

const char* const kCorpus = FRS_SOURCE_DIR "/../shared/corpora/orangesum/articles-0.jsonl.gz";
constexpr std::size_t kMaxArticles = 3000;

const std::vector<std::string>& bodies() {
  static const std::vector<std::string> loaded =
      frsearch::analysis::testing::read_bodies(kCorpus, kMaxArticles);
  return loaded;
}

std::int64_t total_bytes() {
  std::int64_t n = 0;
  for (const auto& b : bodies()) n += static_cast<std::int64_t>(b.size());
  return n;
}

/// What the indexer does per text: the index-time chain, plus the stem of every token.
void BM_FrenchChain(benchmark::State& state) {
  const fa::Analyzer analyzer = fa::make_french_analyzer();
  for (auto _ : state) {
    for (const auto& body : bodies()) {
      for (const fa::Token& token : analyzer.analyze(body)) {
        std::string s = fa::stem(token.text);
        benchmark::DoNotOptimize(s);
      }
    }
  }
  state.SetBytesProcessed(state.iterations() * total_bytes());
}
BENCHMARK(BM_FrenchChain)->Unit(benchmark::kMillisecond)->MinTime(2.0);

/// Xapian's bare TermGenerator (Snowball French, STEM_SOME) into a Xapian::Document.
void BM_XapianTermGenerator(benchmark::State& state) {
  Xapian::TermGenerator generator;
  generator.set_stemmer(Xapian::Stem("french"));
  generator.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  for (auto _ : state) {
    for (const auto& body : bodies()) {
      Xapian::Document doc;
      generator.set_document(doc);
      generator.index_text(body);
      benchmark::DoNotOptimize(doc);
    }
  }
  state.SetBytesProcessed(state.iterations() * total_bytes());
}
BENCHMARK(BM_XapianTermGenerator)->Unit(benchmark::kMillisecond)->MinTime(2.0);

/// Same work as the TermGenerator: our chain's words (with positions) and stems into a Document.
void BM_FrenchChainIntoDocument(benchmark::State& state) {
  const fa::Analyzer analyzer = fa::make_french_analyzer();
  for (auto _ : state) {
    for (const auto& body : bodies()) {
      Xapian::Document doc;
      for (const fa::Token& token : analyzer.analyze(body)) {
        doc.add_posting(token.text, token.position + 1);
        doc.add_term("Z" + fa::stem(token.text));
      }
      benchmark::DoNotOptimize(doc);
    }
  }
  state.SetBytesProcessed(state.iterations() * total_bytes());
}
BENCHMARK(BM_FrenchChainIntoDocument)->Unit(benchmark::kMillisecond)->MinTime(2.0);

/// The tokenizer alone (ICU segmentation and NFC), to see where the time goes.
void BM_TokenizerOnly(benchmark::State& state) {
  const fa::FrenchTokenizer tokenizer;
  for (auto _ : state) {
    for (const auto& body : bodies()) benchmark::DoNotOptimize(tokenizer.tokenize(body));
  }
  state.SetBytesProcessed(state.iterations() * total_bytes());
}
BENCHMARK(BM_TokenizerOnly)->Unit(benchmark::kMillisecond)->MinTime(2.0);

/// The index-time chain without the stems.
void BM_FrenchChainNoStem(benchmark::State& state) {
  const fa::Analyzer analyzer = fa::make_french_analyzer();
  for (auto _ : state) {
    for (const auto& body : bodies()) benchmark::DoNotOptimize(analyzer.analyze(body));
  }
  state.SetBytesProcessed(state.iterations() * total_bytes());
}
BENCHMARK(BM_FrenchChainNoStem)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

int main(int argc, char** argv) {
  if (!std::ifstream(kCorpus) || bodies().empty()) {
    std::printf("analyzer_bench: skipped, no corpus at %s\n", kCorpus);
    return 0;
  }
  std::printf("analyzer_bench: %zu bodies, %.1f MB\n", bodies().size(), total_bytes() / 1e6);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
