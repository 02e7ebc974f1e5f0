/** @file
 * @brief newsq: one query on an index folder, from a script, without a daemon.
 *
 * The command line is turned into the Request searchd would receive (the same
 * parameters as GET /api/search, or /api/export with --all) and run through
 * the same routes table (searchd/http.h) over a Searcher opened in-process, so
 * validation, results and rows are searchd's own. Output: the JSON of
 * /api/search, the CSV or NDJSON rows of /api/export, or a table for people.
 */
#ifndef FRSEARCH_NEWSQ_NEWSQ_H
#define FRSEARCH_NEWSQ_NEWSQ_H

#include <iosfwd>
#include <string>
#include <vector>

#include "searchd/http.h"

namespace frsearch::newsq {

enum class Format { kJson, kCsv, kNdjson, kTable };

struct Options {
  std::vector<std::string> indexes;  ///< local folders or tcp://HOST:PORT, as searchd's --index
  search::Request request;           ///< GET /api/search or /api/export with its parameters
  Format format = Format::kJson;
  bool all = false;  ///< every match (/api/export) rather than one page
};

/// Parses newsq's arguments (without argv[0]). Throws std::invalid_argument with
/// the reason for bad usage. Parameter values are checked later, by the handlers.
Options parse_options(const std::vector<std::string>& args);

/// Runs @p options: the answer on @p out, errors on @p err. Returns the exit
/// status: 0, 1 when the index cannot be opened or read, 2 for a parameter the
/// API refuses (400).
int run(const Options& options, std::ostream& out, std::ostream& err);

/// The table of one page of /api/search's JSON answer: rank, date, title
/// (one line, cut to a width), categories; a first line with the total and the
/// index state.
std::string format_table(const nlohmann::json& search_answer);

/// newsq's whole command line; main.cc only calls this.
int run_cli(int argc, char** argv);

}  // namespace frsearch::newsq

#endif  // FRSEARCH_NEWSQ_NEWSQ_H
