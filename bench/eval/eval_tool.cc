// eval_tool: the harness's shared steps, for the shell driver and the Python
// baselines, so that every system is scored by the same code (metrics.h).
//
//   eval_tool strip-accents < questions.tsv > questions-noaccents.tsv
//   eval_tool score --questions Q --qrels R --run RUN [--per-query OUT.tsv]
//   eval_tool table --questions Q --qrels R --dir DIR SYSTEM...
//       reads DIR/SYSTEM-written.run and DIR/SYSTEM-noaccents.run, writes
//       DIR/SYSTEM-{written,noaccents}.tsv (per query), prints a Markdown table.
#include <fstream>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/eval/accents.h"
#include "bench/eval/metrics.h"

namespace {

using namespace frsearch::eval;

constexpr const char* kUsage =
    "usage: eval_tool strip-accents < IN > OUT\n"
    "       eval_tool score --questions Q --qrels R --run RUN [--per-query OUT]\n"
    "       eval_tool table --questions Q --qrels R --dir DIR SYSTEM...\n";

/// "--name value" options and the remaining positional arguments.
struct Args {
  std::map<std::string, std::string> options;
  std::vector<std::string> positional;

  const std::string& need(const std::string& name) const {
    const auto it = options.find(name);
    if (it == options.end()) throw std::invalid_argument("missing --" + name);
    return it->second;
  }
};

Args parse_args(int argc, char** argv, int first) {
  Args a;
  for (int i = first; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--", 0) == 0) {
      if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
      a.options[arg.substr(2)] = argv[++i];
    } else {
      a.positional.push_back(arg);
    }
  }
  return a;
}

std::ifstream open_in(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  return in;
}

template <typename T, typename F>
T read_file(const std::string& path, F reader) {
  auto in = open_in(path);
  return reader(in);
}

Metrics score_file(const std::vector<Question>& questions, const Qrels& qrels,
                   const std::string& run_path, const std::string& per_query_path) {
  const Run run = read_file<Run>(run_path, read_run);
  std::vector<QueryOutcome> outcomes;
  const Metrics m = score(questions, qrels, run, &outcomes);
  if (!per_query_path.empty()) {
    std::ofstream out(per_query_path);
    write_outcomes(out, outcomes);
    if (!out) throw std::runtime_error("cannot write " + per_query_path);
  }
  return m;
}

int strip_command() {
  std::string line;
  while (std::getline(std::cin, line)) std::cout << strip_accents(line) << '\n';
  return 0;
}

int score_command(const Args& a) {
  const auto questions = read_file<std::vector<Question>>(a.need("questions"), read_questions);
  const auto qrels = read_file<Qrels>(a.need("qrels"), read_qrels);
  const auto it = a.options.find("per-query");
  const Metrics m =
      score_file(questions, qrels, a.need("run"), it == a.options.end() ? "" : it->second);
  std::cout << format_metrics(m) << '\n';
  return 0;
}

int table_command(const Args& a) {
  const auto questions = read_file<std::vector<Question>>(a.need("questions"), read_questions);
  const auto qrels = read_file<Qrels>(a.need("qrels"), read_qrels);
  const std::string dir = a.need("dir") + "/";
  std::vector<TableRow> rows;
  for (const auto& system : a.positional) {
    TableRow row{system, {}, {}};
    row.written =
        score_file(questions, qrels, dir + system + "-written.run", dir + system + "-written.tsv");
    row.unaccented = score_file(questions, qrels, dir + system + "-noaccents.run",
                                dir + system + "-noaccents.tsv");
    rows.push_back(row);
  }
  std::cout << format_table(rows);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string command = argc > 1 ? argv[1] : "";
    if (command == "strip-accents") return strip_command();
    if (command == "score") return score_command(parse_args(argc, argv, 2));
    if (command == "table") return table_command(parse_args(argc, argv, 2));
    std::cerr << kUsage;
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "eval_tool: " << e.what() << '\n' << kUsage;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "eval_tool: " << e.what() << '\n';
    return 1;
  }
}
