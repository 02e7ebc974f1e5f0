// related_eval: related articles for a draft (issue 6), evaluated on OrangeSum.
//
// OrangeSum articles come with a human summary. The index holds the articles
// *without* it; each summary of a fixed sample is sent as a draft through
// Searcher::related_to_text() (the code path of POST /api/related, in process)
// and we count how often the summarised article comes first and in the top 5.
// Summaries are abstractive, so this measures finding a subject, not a copy.
//
//   related_eval strip --out DIR INPUT...
//       writes DIR/NAME.jsonl for each INPUT (.jsonl or .jsonl.gz) with every
//       record's "summary" field removed (what `indexer build` then indexes)
//   related_eval run --index DIR [--sample 1000] [--seed 6] [--offset 0] [--out FILE.tsv] INPUT...
//       reads the summaries from INPUT, samples them, runs them; prints the
//       figures and writes one line per draft (id, rank or 0, ms, top ids) to FILE.
//       --offset K skips the first K drafts of the seed's order: `--offset 1000`
//       gives a tuning sample disjoint from the evaluation one (offset 0)
//
// Latency: each draft is timed alone (wall clock, and the thread's CPU time,
// steadier on a loaded machine), after 50 warm-up drafts; also p50 of
// 300-word drafts (the first 300 words of sampled bodies) and of one
// 10,000-word draft.
#include <time.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <xapian.h>
#include <nlohmann/json.hpp>

#include "corpus/article.h"
#include "searchd/search.h"

namespace {

namespace fs = frsearch::search;

constexpr const char* kUsage =
    "usage: related_eval strip --out DIR INPUT...\n"
    "       related_eval run --index DIR [--sample N] [--seed S] [--offset K] [--out FILE.tsv] "
    "INPUT...\n";

struct Options {
  std::map<std::string, std::string> named;
  std::vector<std::string> inputs;
};

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--", 0) == 0) {
      if (i + 1 >= argc) throw std::invalid_argument("missing value of " + arg);
      options.named[arg.substr(2)] = argv[++i];
    } else {
      options.inputs.push_back(arg);
    }
  }
  if (options.inputs.empty()) throw std::invalid_argument("no INPUT");
  return options;
}

/// Calls @p line for each line of a .jsonl or .jsonl.gz file.
template <class Fn>
void for_each_line(const std::string& path, Fn&& line) {
  gzFile in = gzopen(path.c_str(), "rb");  // reads plain files too
  if (in == nullptr) throw std::runtime_error("cannot read " + path);
  std::string text;
  char buffer[1 << 16];
  int got = 0;
  while ((got = gzread(in, buffer, sizeof buffer)) > 0) {
    text.append(buffer, static_cast<std::size_t>(got));
    std::size_t start = 0;
    for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
      line(std::string_view(text).substr(start, nl - start));
    }
    text.erase(0, start);
  }
  gzclose(in);
  if (got < 0) throw std::runtime_error("cannot decompress " + path);
  if (!text.empty()) line(std::string_view(text));
}

int strip(const Options& options) {
  const auto out = options.named.find("out");
  if (out == options.named.end()) throw std::invalid_argument("missing --out");
  std::filesystem::create_directories(out->second);
  std::size_t records = 0;
  for (const std::string& input : options.inputs) {
    std::string name = std::filesystem::path(input).filename().string();
    if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0)
      name.resize(name.size() - 3);
    const std::string path = out->second + "/" + name;
    std::ofstream file(path, std::ios::binary);
    for_each_line(input, [&](std::string_view line) {
      if (line.empty()) return;
      nlohmann::ordered_json record = nlohmann::ordered_json::parse(line);
      record.erase("summary");
      file << record.dump() << '\n';
      ++records;
    });
    if (!file) throw std::runtime_error("cannot write " + path);
  }
  std::printf("stripped the summary of %zu records into %s\n", records, out->second.c_str());
  return 0;
}

struct Case {
  std::string id, summary, body;
};

/// Every article with a summary, in input order (files sorted by the caller).
std::vector<Case> read_cases(const std::vector<std::string>& inputs) {
  std::vector<Case> cases;
  for (const std::string& input : inputs) {
    frsearch::corpus::read_file(
        input,
        [&](frsearch::corpus::Article&& a) {
          if (!a.summary.empty()) cases.push_back({a.id, a.summary, a.body});
          return true;
        },
        [](const frsearch::corpus::Rejection&) { return true; });
  }
  return cases;
}

/// @p k cases drawn with a fixed seed, after the first @p offset of that draw: a
/// Fisher-Yates shuffle driven by std::mt19937_64, whose output the standard fixes
/// (std::shuffle's is not).
std::vector<Case> sample(std::vector<Case> cases, std::size_t k, std::uint64_t seed,
                         std::size_t offset = 0) {
  std::mt19937_64 rng(seed);
  for (std::size_t i = cases.size(); i > 1; --i) {
    std::swap(cases[i - 1], cases[rng() % i]);
  }
  cases.resize(std::min(offset + k, cases.size()));
  cases.erase(cases.begin(),
              cases.begin() + static_cast<std::ptrdiff_t>(std::min(offset, cases.size())));
  return cases;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto at = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(at, values.size() - 1)];
}

/// The first @p words whitespace-separated words of @p text.
std::string first_words(const std::string& text, std::size_t words) {
  std::istringstream in(text);
  std::string out, word;
  for (std::size_t i = 0; i < words && in >> word; ++i) {
    if (!out.empty()) out += ' ';
    out += word;
  }
  return out;
}

std::size_t count_words(const std::string& text) {
  std::istringstream in(text);
  std::size_t n = 0;
  for (std::string word; in >> word;) ++n;
  return n;
}

/// CPU time of this thread, in ms: less sensitive than wall time to a loaded machine.
double thread_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

/// Wall-clock ms of one related_to_text(); its thread CPU ms go to @p cpu (if given).
double time_ms(fs::Searcher& searcher, const std::string& text, std::vector<fs::Hit>* hits,
               std::vector<double>* cpu = nullptr) {
  const double cpu_start = thread_cpu_ms();
  const auto start = std::chrono::steady_clock::now();
  std::vector<fs::Hit> got = searcher.related_to_text(text, 5, {});
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (cpu != nullptr) cpu->push_back(thread_cpu_ms() - cpu_start);
  if (hits != nullptr) *hits = std::move(got);
  return ms;
}

int run(const Options& options) {
  const auto get = [&](const char* name, const char* fallback) {
    auto it = options.named.find(name);
    return it == options.named.end() ? std::string(fallback) : it->second;
  };
  const std::string index = get("index", "");
  if (index.empty()) throw std::invalid_argument("missing --index");
  const std::size_t k = std::stoul(get("sample", "1000"));
  const std::uint64_t seed = std::stoull(get("seed", "6"));
  const std::size_t offset = std::stoul(get("offset", "0"));
  const std::string out_path = get("out", "");

  std::vector<std::string> inputs = options.inputs;
  std::sort(inputs.begin(), inputs.end());
  const std::vector<Case> all = read_cases(inputs);
  const std::vector<Case> drafts = sample(all, k, seed, offset);
  fs::Searcher searcher{Xapian::Database(index)};
  std::printf(
      "index %s: %u documents; %zu articles with a summary, %zu sampled (seed %llu, offset %zu)\n",
      index.c_str(), static_cast<unsigned>(searcher.documents()), all.size(), drafts.size(),
      static_cast<unsigned long long>(seed), offset);

  // Warm-up: the same kind of work, not counted (the index pages into the cache).
  const std::vector<Case> warm = sample(all, 50, seed + 1);
  for (const Case& c : warm) time_ms(searcher, c.summary, nullptr);

  std::ofstream tsv;
  if (!out_path.empty()) tsv.open(out_path);
  std::size_t first = 0, top5 = 0;
  double reciprocal = 0;
  std::vector<double> ms, cpu;
  for (const Case& c : drafts) {
    std::vector<fs::Hit> hits;
    ms.push_back(time_ms(searcher, c.summary, &hits, &cpu));
    std::size_t rank = 0;
    for (std::size_t i = 0; i < hits.size(); ++i) {
      if (hits[i].id == c.id) {
        rank = i + 1;
        break;
      }
    }
    first += rank == 1;
    top5 += rank >= 1 && rank <= 5;
    reciprocal += rank > 0 ? 1.0 / static_cast<double>(rank) : 0;
    if (tsv) {
      tsv << c.id << '\t' << rank << '\t' << ms.back();
      for (const fs::Hit& hit : hits) tsv << '\t' << hit.id;
      tsv << '\n';
    }
  }
  const double n = std::max<double>(1, static_cast<double>(drafts.size()));
  std::printf("summaries as drafts: first %.1f%%, top 5 %.1f%%, MRR@5 %.3f (%zu drafts)\n",
              100.0 * static_cast<double>(first) / n, 100.0 * static_cast<double>(top5) / n,
              reciprocal / n, drafts.size());
  std::printf("  latency per summary draft: p50 %.2f ms, p99 %.2f ms (CPU p50 %.2f ms)\n",
              percentile(ms, 0.5), percentile(ms, 0.99), percentile(cpu, 0.5));

  // 300-word drafts: the beginning of bodies long enough.
  std::vector<double> ms300, cpu300;
  for (const Case& c : drafts) {
    if (ms300.size() >= 200) break;
    if (count_words(c.body) < 300) continue;
    ms300.push_back(time_ms(searcher, first_words(c.body, 300), nullptr, &cpu300));
  }
  std::printf(
      "  latency per 300-word draft: p50 %.2f ms, p99 %.2f ms (CPU p50 %.2f ms; %zu drafts)\n",
      percentile(ms300, 0.5), percentile(ms300, 0.99), percentile(cpu300, 0.5), ms300.size());

  // One 10,000-word draft: sampled bodies end to end.
  std::string long_draft;
  for (std::size_t i = 0; i < drafts.size() && count_words(long_draft) < 10000; ++i) {
    long_draft += drafts[i].body + "\n\n";
  }
  long_draft = first_words(long_draft, 10000);
  std::vector<double> ms_long;
  for (int i = 0; i < 5; ++i) ms_long.push_back(time_ms(searcher, long_draft, nullptr));
  std::printf("  latency of a 10,000-word draft: p50 %.2f ms (5 runs)\n", percentile(ms_long, 0.5));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string command = argc > 1 ? argv[1] : "";
    if (command == "strip") return strip(parse_options(argc, argv));
    if (command == "run") return run(parse_options(argc, argv));
    throw std::invalid_argument("unknown command '" + command + "'");
  } catch (const std::invalid_argument& e) {
    std::cerr << "related_eval: " << e.what() << '\n' << kUsage;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "related_eval: " << e.what() << '\n';
    return 1;
  } catch (const Xapian::Error& e) {
    std::cerr << "related_eval: " << e.get_description() << '\n';
    return 1;
  }
}
