// eval_ours: our engine in the relevance harness.
//
// Every question goes through Searcher::search() with default parameters
// (relevance sort, page 1, per_page 10), the code path of /api/search; once as
// written and once with every accent removed (accents.h), the two variants in
// two threads with a Searcher each.
//
//   eval_ours --index DIR --questions Q --qrels R [--out DIR] [--system NAME]
//
// Prints MRR@10, S@1, S@10 and the question count of each variant, and writes
// OUT/NAME-{written,noaccents}.run (TREC runs) and .tsv (per query) to OUT
// (default: the current folder). NAME defaults to "ours"; give another to keep
// the results of an experiment beside the reference ones.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <future>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <xapian.h>

#include "bench/eval/accents.h"
#include "bench/eval/metrics.h"
#include "searchd/search.h"

namespace {

namespace ev = frsearch::eval;
namespace fs = frsearch::search;

constexpr const char* kUsage =
    "usage: eval_ours --index DIR --questions Q --qrels R [--out DIR] [--system NAME]\n"
    "                 [--variants both|written]\n";

std::map<std::string, std::string> parse_options(int argc, char** argv) {
  std::map<std::string, std::string> options{{"out", "."}, {"system", "ours"}};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0 || i + 1 >= argc)
      throw std::invalid_argument("bad argument " + arg);
    options[arg.substr(2)] = argv[++i];
  }
  for (const char* name : {"index", "questions", "qrels"})
    if (!options.count(name)) throw std::invalid_argument(std::string("missing --") + name);
  return options;
}

template <typename T, typename F>
T read_file(const std::string& path, F reader) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  return reader(in);
}

/// Runs every question through the searcher; returns the run and writes it to @p run_path.
ev::Run run_questions(fs::Searcher& searcher, const std::vector<ev::Question>& questions,
                      const std::string& run_path, const std::string& tag) {
  std::ofstream out(run_path);
  ev::Run run;
  for (const auto& q : questions) {
    fs::SearchRequest request;
    request.q = q.text;
    const fs::SearchResult result = searcher.search(request);
    std::vector<std::pair<std::string, double>> ranking;
    auto& docs = run[q.id];
    for (const auto& hit : result.hits) {
      ranking.emplace_back(hit.id, hit.score);
      docs.push_back(hit.id);
    }
    ev::write_run(out, q.id, ranking, tag);
  }
  if (!out) throw std::runtime_error("cannot write " + run_path);
  return run;
}

/// One variant of the questions, on a Searcher of its own (a Searcher serves one
/// thread). Writes PREFIX-VARIANT.run and .tsv; returns the line to print.
std::string evaluate(const std::string& index, const char* variant,
                     const std::vector<ev::Question>& questions, const ev::Qrels& qrels,
                     const std::string& prefix, const std::string& system) {
  fs::Searcher searcher{Xapian::Database(index)};
  const auto t0 = std::chrono::steady_clock::now();
  const ev::Run run = run_questions(searcher, questions, prefix + "-" + variant + ".run", system);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::vector<ev::QueryOutcome> outcomes;
  const ev::Metrics m = ev::score(questions, qrels, run, &outcomes);
  std::ofstream tsv(prefix + "-" + variant + ".tsv");
  ev::write_outcomes(tsv, outcomes);
  char line[256];
  std::snprintf(line, sizeof line, "%-10s %-10s %s  (%.1f s, %.0f questions/s)", system.c_str(),
                variant, ev::format_metrics(m).c_str(), secs,
                secs > 0 ? static_cast<double>(questions.size()) / secs : 0.0);
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const auto options = parse_options(argc, argv);
    const auto questions =
        read_file<std::vector<ev::Question>>(options.at("questions"), ev::read_questions);
    const auto qrels = read_file<ev::Qrels>(options.at("qrels"), ev::read_qrels);
    std::vector<ev::Question> unaccented = questions;
    for (auto& q : unaccented) q.text = ev::strip_accents(q.text);

    // The two variants run concurrently, one thread each.
    const std::string& index = options.at("index");
    const std::string& system = options.at("system");
    const std::string prefix = options.at("out") + "/" + system;
    // --variants written: the questions as written only (a quicker experiment).
    const std::string variants = options.count("variants") ? options.at("variants") : "both";
    if (variants != "both" && variants != "written")
      throw std::invalid_argument("--variants wants both or written");
    auto written = std::async(std::launch::async, evaluate, index, "written", std::cref(questions),
                              std::cref(qrels), prefix, system);
    std::future<std::string> noaccents;
    if (variants == "both")
      noaccents = std::async(std::launch::async, evaluate, index, "noaccents",
                             std::cref(unaccented), std::cref(qrels), prefix, system);
    std::printf("%s\n", written.get().c_str());
    if (noaccents.valid()) std::printf("%s\n", noaccents.get().c_str());
    return 0;
  } catch (const std::invalid_argument& e) {
    std::cerr << "eval_ours: " << e.what() << '\n' << kUsage;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "eval_ours: " << e.what() << '\n';
    return 1;
  } catch (const Xapian::Error& e) {
    std::cerr << "eval_ours: " << e.get_description() << '\n';
    return 1;
  }
}
