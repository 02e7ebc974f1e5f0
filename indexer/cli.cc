// run_cli(): the `indexer` command line (SPEC.md "indexer"), exit statuses and summaries.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "indexer/indexer.h"
#include "indexer/report.h"

namespace frsearch::indexer {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFatal = 1;
constexpr int kExitUsage = 2;
constexpr int kExitRejected = 3;
constexpr unsigned kMaxCount = 256;

constexpr const char* kUsage =
    "usage: indexer build  --index DIR [--threads N] [--shards N] [--strict] INPUT...\n"
    "       indexer add    --index DIR [--threads N] [--strict] INPUT...\n"
    "       indexer delete --index DIR ID...\n"
    "       indexer stats  --index DIR\n"
    "INPUT: .jsonl, .jsonl.gz or page-export .txt files, or folders holding them.\n"
    "--threads N  analysis threads (default: the number of cores)\n"
    "--shards N   write N shards (build only; default 1)\n"
    "--strict     stop at the first bad record, exit 1, index unchanged\n"
    "--synonyms FILE  equivalent expressions, a group per line, tab-separated (build, add)\n"
    "Exit status: 0 ok, 1 fatal error or --strict stop, 2 usage error, 3 records rejected.\n";

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CommandLine {
  std::string command;
  Options options;
  bool threads_given = false, shards_given = false;
  std::vector<std::string> arguments;  ///< inputs or ids
};

/// @p text as a number from 1 to @p max; throws UsageError naming @p what otherwise.
unsigned long parse_number(const std::string& what, const std::string& text, unsigned long max) {
  std::size_t used = 0;
  unsigned long n = 0;
  try {
    n = std::stoul(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || text[0] == '-' || n < 1 || n > max)
    throw UsageError(what + " wants a number from 1 to " + std::to_string(max) + ", not '" + text +
                     "'");
  return n;
}

unsigned parse_count(const std::string& flag, const std::string& text) {
  return static_cast<unsigned>(parse_number(flag, text, kMaxCount));
}

CommandLine parse(int argc, char** argv) {
  if (argc < 2) throw UsageError("no command given");
  CommandLine cl;
  cl.command = argv[1];
  if (cl.command != "build" && cl.command != "add" && cl.command != "delete" &&
      cl.command != "stats")
    throw UsageError("unknown command '" + cl.command + "'");
  bool options_done = false;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (options_done || arg.size() < 2 || arg.compare(0, 2, "--") != 0) {
      cl.arguments.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    std::optional<std::string> value;
    if (const std::size_t eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg.resize(eq);
    }
    const auto take_value = [&]() -> std::string {
      if (value) return *value;
      if (i + 1 >= argc) throw UsageError(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--index") {
      cl.options.index_dir = take_value();
    } else if (arg == "--threads") {
      cl.options.threads = parse_count(arg, take_value());
      cl.threads_given = true;
    } else if (arg == "--shards") {
      cl.options.shards = parse_count(arg, take_value());
      cl.shards_given = true;
    } else if (arg == "--synonyms") {
      cl.options.synonyms = take_value();
    } else if (arg == "--strict" && !value) {
      cl.options.strict = true;
    } else {
      throw UsageError("unknown option '" + std::string(argv[i]) + "'");
    }
  }
  const bool writes_documents = cl.command == "build" || cl.command == "add";
  if (cl.options.index_dir.empty()) throw UsageError(cl.command + " needs --index DIR");
  if (cl.shards_given && cl.command != "build") throw UsageError("--shards is for build only");
  if ((cl.threads_given || cl.options.strict || !cl.options.synonyms.empty()) && !writes_documents)
    throw UsageError("--threads, --strict and --synonyms are for build and add");
  if (writes_documents && cl.arguments.empty()) throw UsageError(cl.command + " needs INPUT...");
  if (cl.command == "delete" && cl.arguments.empty()) throw UsageError("delete needs ID...");
  if (cl.command == "stats" && !cl.arguments.empty())
    throw UsageError("stats takes no argument besides --index DIR");
  if (!cl.threads_given) cl.options.threads = std::max(1u, std::thread::hardware_concurrency());
  cl.options.progress = ::isatty(STDERR_FILENO) == 1;
  // Documents per part database of build (Options::part_documents): a knob for
  // benchmarks and tests, not an option of SPEC.md.
  if (const char* part_docs = std::getenv("FRS_BUILD_PART_DOCS"); part_docs && *part_docs)
    cl.options.part_documents = parse_number("FRS_BUILD_PART_DOCS", part_docs, 100000000);
  return cl;
}

int report(const Summary& summary, const std::string& command) {
  if (command == "delete") {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f s", summary.seconds);
    std::cerr << "deleted " << summary.deleted << ", " << summary.missing << " not found, "
              << seconds << std::endl;
    return kExitOk;
  }
  std::cerr << summary_line(summary.indexed, summary.replaced, summary.rejected, summary.seconds,
                            summary.bytes)
            << std::endl;
  if (summary.stopped) {
    std::cerr << "indexer: stopped at the first bad record (--strict); the index is unchanged"
              << std::endl;
    return kExitFatal;
  }
  return summary.rejected > 0 ? kExitRejected : kExitOk;
}

int run(const CommandLine& cl) {
  if (cl.command == "stats") {
    std::cout << stats(cl.options.index_dir).dump(2) << std::endl;
    return kExitOk;
  }
  if (cl.command == "build") return report(build(cl.options, cl.arguments, std::cerr), cl.command);
  if (cl.command == "add") return report(add(cl.options, cl.arguments, std::cerr), cl.command);
  return report(remove(cl.options, cl.arguments, std::cerr), cl.command);
}

}  // namespace

int run_cli(int argc, char** argv) {
  if (argc == 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
    std::cout << kUsage;
    return kExitOk;
  }
  CommandLine cl;
  try {
    cl = parse(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "indexer: " << e.what() << "\n" << kUsage;
    return kExitUsage;
  }
  try {
    return run(cl);
  } catch (const Xapian::Error& e) {
    std::cerr << "indexer: " << e.get_description() << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "indexer: " << e.what() << std::endl;
  }
  return kExitFatal;
}

}  // namespace frsearch::indexer
