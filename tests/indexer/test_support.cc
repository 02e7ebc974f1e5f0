// Helpers of the indexer tests (see test_support.h).
#include "test_support.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "indexer/indexer.h"

namespace frsearch::indexer::testing {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/// Forks and execs the indexer with stdout/stderr sent to files in @p dir.
pid_t spawn(const std::vector<std::string>& args, const TempDir& dir) {
  const std::string program = std::string(FRS_BIN_DIR) + "/indexer";
  std::vector<std::string> all = {program};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : all) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const std::string out = dir / "stdout", err = dir / "stderr";
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int in = open("/dev/null", O_RDONLY);
    if (o < 0 || e < 0 || in < 0) _exit(126);
    dup2(in, 0);
    dup2(o, 1);
    dup2(e, 2);
    execv(program.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

RunResult collect(int wait_status, const TempDir& dir) {
  RunResult result;
  result.status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
  result.out = slurp(dir / "stdout");
  result.err = slurp(dir / "stderr");
  return result;
}

}  // namespace

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string templ =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/frs-indexer-test-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& content) const {
  const std::string path = *this / name;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path);
  return path;
}

std::string record(const std::string& id, const std::string& title, const std::string& body,
                   const std::string& date, const std::vector<std::string>& categories) {
  nlohmann::json r = {{"id", id}, {"title", title}, {"date", date}, {"body", body}};
  if (!categories.empty()) r["categories"] = categories;
  return r.dump();
}

std::string generated_jsonl(const std::string& prefix, int count, int words) {
  static const char* const kWords[] = {
      "santé",        "données",      "hôpital",      "patients", "recherche", "médecins",
      "projet",       "plateforme",   "accès",        "sécurité", "études",    "cœur",
      "intelligence", "artificielle", "consultation", "citoyens", "région",    "épidémie",
      "réseau",       "partage",      "essai",        "clinique", "qualité",   "soins",
      "les",          "des",          "une",          "pour",     "avec",      "dans"};
  constexpr unsigned kCount = sizeof kWords / sizeof kWords[0];
  std::string out;
  for (int n = 0; n < count; ++n) {
    unsigned state = 2166136261u ^ static_cast<unsigned>(n);
    const auto next = [&state] {
      state = state * 1103515245u + 12345u;
      return (state >> 8) % kCount;
    };
    std::string title =
        std::string(kWords[next()]) + " " + kWords[next()] + " " + std::to_string(n);
    std::string body;
    for (int w = 0; w < words; ++w) body += std::string(w ? " " : "") + kWords[next()];
    const std::string day = "2020-0" + std::to_string(1 + n % 9) + "-1" + std::to_string(n % 10);
    out += record(prefix + std::to_string(n), title, body, day, {n % 2 ? "Projets" : "À la une"});
    out += '\n';
  }
  return out;
}

std::vector<std::string> ids_of(const Xapian::Database& db) {
  std::vector<std::string> ids;
  for (Xapian::TermIterator t = db.allterms_begin("Q"); t != db.allterms_end("Q"); ++t)
    for (Xapian::doccount i = 0; i < t.get_termfreq(); ++i) ids.push_back((*t).substr(1));
  return ids;
}

std::vector<std::string> ids_in(const std::string& index_dir) {
  return ids_of(Xapian::Database(index_dir));
}

std::string stored_title(const Xapian::Database& db, const std::string& id) {
  Xapian::PostingIterator p = db.postlist_begin(id_term(id));
  if (p == db.postlist_end(id_term(id))) return "";
  return nlohmann::json::parse(db.get_document(*p).get_data()).value("title", "");
}

RunResult run_indexer(const std::vector<std::string>& args) {
  TempDir dir;
  const pid_t pid = spawn(args, dir);
  int status = 0;
  waitpid(pid, &status, 0);
  return collect(status, dir);
}

RunResult kill_indexer_after(const std::vector<std::string>& args, int delay_ms) {
  TempDir dir;
  const pid_t pid = spawn(args, dir);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(delay_ms);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid) return collect(status, dir);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return collect(status, dir);
}

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? separator : "") + items[i];
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace frsearch::indexer::testing
