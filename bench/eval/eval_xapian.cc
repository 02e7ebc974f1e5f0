// eval_xapian: the "Xapian default" baseline of the relevance harness.
//
// What a developer gets from Xapian out of the box for French, without any of
// our analysis: TermGenerator with Stem("french") (stemming strategy STEM_SOME,
// no elision handling, no accent folding), the title indexed with wdf
// increment 2, then the summary and body; QueryParser with Stem("french"),
// STEM_SOME, default flags and default operator OR; BM25 with default
// parameters; top 10.
//
//   eval_xapian --db NEW_DIR --docs FILE... --questions Q... --runs OUT...
//
// The database folder is created (it must not exist) and removed at the end.
// One TREC run file is written per questions file.
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <xapian.h>
#include <zlib.h>
#include <nlohmann/json.hpp>

#include "bench/eval/metrics.h"

namespace {

using frsearch::eval::Question;

constexpr unsigned kTop = 10;
constexpr const char* kUsage =
    "usage: eval_xapian --db NEW_DIR --docs FILE... --questions Q... --runs OUT...\n";

/// Reads lines from a plain or gzip-compressed file (zlib reads both).
class LineReader {
 public:
  explicit LineReader(const std::string& path) : file_(gzopen(path.c_str(), "rb")) {
    if (!file_) throw std::runtime_error("cannot read " + path);
    gzbuffer(file_, 1 << 17);
  }
  ~LineReader() { gzclose(file_); }
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  bool next(std::string& line) {
    line.clear();
    char buf[1 << 16];
    while (gzgets(file_, buf, sizeof buf)) {
      line += buf;
      if (!line.empty() && line.back() == '\n') {
        line.pop_back();
        return true;
      }
    }
    return !line.empty();
  }

 private:
  gzFile file_;
};

/// Removes a folder tree when it goes out of scope.
class RemoveOnExit {
 public:
  explicit RemoveOnExit(std::string path) : path_(std::move(path)) {}
  ~RemoveOnExit() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  RemoveOnExit(const RemoveOnExit&) = delete;
  RemoveOnExit& operator=(const RemoveOnExit&) = delete;

 private:
  std::string path_;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::size_t index_documents(Xapian::WritableDatabase& db, const std::vector<std::string>& paths) {
  Xapian::TermGenerator tg;
  tg.set_stemmer(Xapian::Stem("french"));
  std::size_t n = 0;
  std::string line;
  for (const auto& path : paths) {
    LineReader reader(path);
    while (reader.next(line)) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      const auto record = nlohmann::json::parse(line);
      const std::string id = record.at("id").get<std::string>();
      Xapian::Document doc;
      tg.set_document(doc);
      tg.index_text(record.at("title").get<std::string>(), 2);
      for (const char* field : {"summary", "body"}) {
        const auto it = record.find(field);
        if (it == record.end() || !it->is_string()) continue;
        tg.increase_termpos();
        tg.index_text(it->get<std::string>());
      }
      doc.set_data(id);
      doc.add_boolean_term("Q" + id);
      db.replace_document("Q" + id, doc);
      ++n;
    }
  }
  db.commit();
  return n;
}

Xapian::Query parse(Xapian::QueryParser& qp, const std::string& text) {
  try {
    return qp.parse_query(text);
  } catch (const Xapian::QueryParserError&) {
    return qp.parse_query(text, 0);  // what a careful caller does on broken syntax
  }
}

void run_questions(const Xapian::Database& db, const std::string& questions_path,
                   const std::string& run_path) {
  std::ifstream in(questions_path);
  if (!in) throw std::runtime_error("cannot read " + questions_path);
  const auto questions = frsearch::eval::read_questions(in);
  std::ofstream out(run_path);
  Xapian::QueryParser qp;
  qp.set_stemmer(Xapian::Stem("french"));
  qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  qp.set_database(db);
  qp.set_default_op(Xapian::Query::OP_OR);
  Xapian::Enquire enquire(db);
  for (const Question& q : questions) {
    enquire.set_query(parse(qp, q.text));
    const Xapian::MSet mset = enquire.get_mset(0, kTop);
    std::vector<std::pair<std::string, double>> ranking;
    for (auto it = mset.begin(); it != mset.end(); ++it)
      ranking.emplace_back(it.get_document().get_data(), it.get_weight());
    frsearch::eval::write_run(out, q.id, ranking, "xapian-default");
  }
  if (!out) throw std::runtime_error("cannot write " + run_path);
}

/// "--name v1 v2 ..." lists.
std::map<std::string, std::vector<std::string>> parse_lists(int argc, char** argv) {
  std::map<std::string, std::vector<std::string>> lists;
  std::vector<std::string>* current = nullptr;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--", 0) == 0)
      current = &lists[arg.substr(2)];
    else if (current)
      current->push_back(arg);
    else
      throw std::invalid_argument("unexpected argument " + arg);
  }
  return lists;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    auto lists = parse_lists(argc, argv);
    const auto& docs = lists["docs"];
    const auto& questions = lists["questions"];
    const auto& runs = lists["runs"];
    if (lists["db"].size() != 1 || docs.empty() || questions.empty() ||
        questions.size() != runs.size()) {
      std::cerr << kUsage;
      return 2;
    }
    const std::string db_path = lists["db"][0];
    if (mkdir(db_path.c_str(), 0700) != 0)
      throw std::runtime_error("cannot create " + db_path + " (it must not exist)");
    RemoveOnExit cleanup(db_path);

    auto t0 = std::chrono::steady_clock::now();
    Xapian::WritableDatabase wdb(db_path, Xapian::DB_CREATE_OR_OVERWRITE);
    const std::size_t n = index_documents(wdb, docs);
    wdb.close();
    std::fprintf(stderr, "  xapian: indexed %zu documents in %.1fs\n", n, seconds_since(t0));

    const Xapian::Database db(db_path);
    for (std::size_t i = 0; i < questions.size(); ++i) {
      t0 = std::chrono::steady_clock::now();
      run_questions(db, questions[i], runs[i]);
      std::fprintf(stderr, "  xapian: questions of %s in %.1fs\n", questions[i].c_str(),
                   seconds_since(t0));
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "eval_xapian: " << e.what() << '\n';
    return 1;
  } catch (const Xapian::Error& e) {
    std::cerr << "eval_xapian: " << e.get_description() << '\n';
    return 1;
  }
}
