#include "newsq/newsq.h"

#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>

#include <xapian.h>
#include <nlohmann/json.hpp>

#include "searchd/search.h"
#include "searchd/server.h"

namespace frsearch::newsq {

namespace {

using nlohmann::json;

constexpr const char* kUsage =
    "usage: newsq --index DIR [--index DIR|tcp://HOST:PORT ...] [-q|--query TEXT]\n"
    "             [--category LABEL ...] [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n"
    "             [--sort relevance|newest|oldest] [--page N] [--per-page N]\n"
    "             [--format json|csv|ndjson|table] [--all]\n"
    "  Runs one query on the index, as GET /api/search (one page, JSON by default)\n"
    "  or, with --all, as GET /api/export (every match, NDJSON by default).\n"
    "  Exit status: 0, 1 when the index cannot be read, 2 for bad usage.\n";

/// Title width of the table, in characters.
constexpr std::size_t kTitleWidth = 60;

/// The request Context of searchd's handlers over one in-process Searcher.
class LocalContext : public search::Context {
 public:
  explicit LocalContext(search::IndexSet index)
      : index_(std::move(index)), searcher_(std::in_place, index_.open()) {}

  search::Searcher& searcher() override { return *searcher_; }
  void refresh() override { searcher_.emplace(index_.open()); }
  const search::Metrics* metrics() const override { return nullptr; }

 private:
  search::IndexSet index_;
  std::optional<search::Searcher> searcher_;
};

Format parse_format(const std::string& text) {
  if (text == "json") {
    return Format::kJson;
  }
  if (text == "csv") {
    return Format::kCsv;
  }
  if (text == "ndjson") {
    return Format::kNdjson;
  }
  if (text == "table") {
    return Format::kTable;
  }
  throw std::invalid_argument("--format must be json, csv, ndjson or table");
}

/// @p text cut to @p width characters (UTF-8 code points), "…" ending a cut,
/// line breaks and tabs as spaces, padded with spaces to @p width.
std::string fit(std::string_view text, std::size_t width) {
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t len = 1;
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0xF0) {
      len = 4;
    } else if (c >= 0xE0) {
      len = 3;
    } else if (c >= 0xC0) {
      len = 2;
    }
    len = std::min(len, text.size() - i);
    if (chars + 1 == width && i + len < text.size()) {
      out += "…";
      ++chars;
      break;
    }
    if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else {
      out.append(text.substr(i, len));
    }
    ++chars;
    i += len;
  }
  out.append(width - std::min(width, chars), ' ');
  return out;
}

/// One table line of a hit or an export row: rank, date, title, categories.
std::string table_row(std::size_t rank, const json& row) {
  std::string rank_text = std::to_string(rank);
  std::string line(rank_text.size() < 5 ? 5 - rank_text.size() : 0, ' ');
  line += rank_text + "  " + fit(row.value("date", ""), 10) + "  " +
          fit(row.value("title", ""), kTitleWidth) + "  ";
  std::string categories;
  for (const auto& label : row.value("categories", json::array())) {
    categories += (categories.empty() ? "" : ", ") + label.get<std::string>();
  }
  line += categories;
  while (!line.empty() && line.back() == ' ') {
    line.pop_back();
  }
  return line + '\n';
}

std::string table_heading() {
  return " rank  date        " + fit("title", kTitleWidth) + "  categories\n";
}

std::string index_note(const std::string& generation, const std::string& last_update) {
  return "index generation " + (generation.empty() ? "?" : generation) + ", updated " +
         (last_update.empty() ? "?" : last_update);
}

std::string header(const search::Response& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) {
      return value;
    }
  }
  return {};
}

/// A hit of /api/search's JSON as the export row it would be.
search::ExportRow export_row(const json& hit) {
  search::ExportRow row;
  row.id = hit.value("id", "");
  row.date = hit.value("date", "");
  row.title = hit.value("title", "");
  row.url = hit.value("url", "");
  row.categories = hit.value("categories", std::vector<std::string>());
  row.score = hit.value("score", 0.0);
  return row;
}

/// Prints one page of /api/search in @p format.
void print_page(const json& answer, Format format, std::ostream& out) {
  if (format == Format::kJson) {
    out << answer.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
    return;
  }
  if (format == Format::kTable) {
    out << format_table(answer);
    return;
  }
  std::string text = format == Format::kCsv ? std::string(search::kCsvHeader) : std::string();
  for (const auto& hit : answer.at("hits")) {
    format == Format::kCsv ? search::append_csv_row(text, export_row(hit))
                           : search::append_ndjson_row(text, export_row(hit));
  }
  out << text;
}

/// Prints every match of a streamed /api/export (NDJSON for a table). False
/// when the export stopped early.
bool print_export(const search::Response& response, Format format, std::ostream& out) {
  if (format != Format::kTable) {
    return response.stream([&out](std::string_view piece) {
      out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
      return static_cast<bool>(out);
    });
  }
  out << "# every match, "
      << index_note(header(response, "X-Index-Generation"), header(response, "X-Index-Last-Update"))
      << '\n'
      << table_heading();
  std::string pending;
  std::size_t rank = 0;
  const bool complete = response.stream([&](std::string_view piece) {
    pending.append(piece);
    std::size_t start = 0;
    for (std::size_t end; (end = pending.find('\n', start)) != std::string::npos; start = end + 1) {
      out << table_row(++rank, json::parse(pending.substr(start, end - start)));
    }
    pending.erase(0, start);
    return static_cast<bool>(out);
  });
  out << "# " << rank << " matches\n";
  return complete;
}

/// The "message" of an error answer of the API, or its body.
std::string error_message(const search::Response& response) {
  const json body = json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("error") && body["error"].contains("message")) {
    return body["error"]["message"].get<std::string>();
  }
  return response.body;
}

}  // namespace

Options parse_options(const std::vector<std::string>& args) {
  Options options;
  std::optional<Format> format;
  bool paged = false, query_given = false;
  auto& params = options.request.params;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::optional<std::string> inline_value;
    if (const auto eq = name.find('='); name.rfind("--", 0) == 0 && eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name.erase(eq);
    }
    auto value = [&]() -> std::string {
      if (inline_value) {
        return *inline_value;
      }
      if (i + 1 >= args.size()) {
        throw std::invalid_argument(name + " needs a value");
      }
      return args[++i];
    };
    if (name == "--all") {
      if (inline_value) {
        throw std::invalid_argument("--all takes no value");
      }
      options.all = true;
    } else if (name == "--index") {
      options.indexes.push_back(value());
    } else if (name == "-q" || name == "--query") {
      if (query_given) {
        throw std::invalid_argument("one query only");
      }
      query_given = true;
      params.emplace("q", value());
    } else if (name == "--category" || name == "--from" || name == "--to" || name == "--sort") {
      params.emplace(name.substr(2), value());
    } else if (name == "--page" || name == "--per-page") {
      params.emplace(name == "--page" ? "page" : "per_page", value());
      paged = true;
    } else if (name == "--format") {
      format = parse_format(value());
    } else {
      throw std::invalid_argument("unknown argument: " + name);
    }
  }
  if (options.indexes.empty()) {
    throw std::invalid_argument("--index is required");
  }
  for (const char* once : {"from", "to", "sort"}) {
    if (params.count(once) > 1) {
      throw std::invalid_argument(std::string("--") + once + " is given twice");
    }
  }
  if (options.all && paged) {
    throw std::invalid_argument("--page and --per-page do not apply to --all");
  }
  if (options.all && format == Format::kJson) {
    throw std::invalid_argument("--all prints rows: --format csv, ndjson or table");
  }
  options.format = format.value_or(options.all ? Format::kNdjson : Format::kJson);
  options.request.method = "GET";
  options.request.path = options.all ? "/api/export" : "/api/search";
  if (options.all) {
    params.emplace("format", options.format == Format::kCsv ? "csv" : "ndjson");
  }
  return options;
}

std::string format_table(const json& answer) {
  const json& index = answer.value("index", json::object());
  std::string text = "# " + std::to_string(answer.value("total", 0u)) + " matches, page " +
                     std::to_string(answer.value("page", 1u)) + ", " +
                     index_note(index.value("generation", ""), index.value("last_update", "")) +
                     "\n" + table_heading();
  const std::size_t first =
      (answer.value("page", 1u) - std::size_t{1}) * answer.value("per_page", 10u);
  std::size_t rank = first;
  for (const auto& hit : answer.value("hits", json::array())) {
    text += table_row(++rank, hit);
  }
  return text;
}

int run(const Options& options, std::ostream& out, std::ostream& err) {
  std::unique_ptr<LocalContext> context;
  try {
    context = std::make_unique<LocalContext>(search::IndexSet(options.indexes));
  } catch (const Xapian::Error& e) {
    err << "newsq: cannot open the index: " << e.get_description() << '\n';
    return 1;
  }
  const std::string warning =
      search::index_format_warning(search::IndexSet(options.indexes).shard_paths(), "newsq");
  if (!warning.empty()) err << warning << '\n';
  const search::Response response =
      search::dispatch(search::api_routes(), options.request, *context);
  if (response.status != 200) {
    err << "newsq: " << error_message(response) << '\n';
    return response.status == 400 ? 2 : 1;
  }
  if (response.stream) {
    if (!print_export(response, options.format, out)) {
      err << "newsq: the export stopped before its end\n";
      return 1;
    }
  } else {
    print_page(json::parse(response.body), options.format, out);
  }
  out.flush();
  return out ? 0 : 1;
}

int run_cli(int argc, char** argv) {
  Options options;
  if (const auto status = search::read_command_line(
          argc, argv, "newsq", kUsage,
          [&options](const std::vector<std::string>& args) { options = parse_options(args); })) {
    return *status;
  }
  return run(options, std::cout, std::cerr);
}

}  // namespace frsearch::newsq
