// Relevance metrics and the harness's file formats (see metrics.h).
#include "bench/eval/metrics.h"

#include <algorithm>
#include <cstdio>
#include <istream>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <tuple>

namespace frsearch::eval {
namespace {

/// Calls @p on_line(line, number) for each non-blank line (without "\r\n").
template <typename F>
void for_each_line(std::istream& in, F on_line) {
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    on_line(line, number);
  }
}

std::vector<std::string> split_ws(const std::string& line) {
  std::istringstream fields(line);
  std::vector<std::string> out;
  for (std::string f; fields >> f;) out.push_back(f);
  return out;
}

[[noreturn]] void bad_line(const char* what, std::size_t number, const std::string& line) {
  throw std::runtime_error(std::string(what) + " line " + std::to_string(number) + ": '" + line +
                           "'");
}

std::string fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

std::vector<Question> read_questions(std::istream& in) {
  std::vector<Question> out;
  for_each_line(in, [&](const std::string& line, std::size_t number) {
    const auto tab = line.find('\t');
    if (tab == 0 || tab == std::string::npos) bad_line("questions", number, line);
    out.push_back({line.substr(0, tab), line.substr(tab + 1)});
  });
  return out;
}

Qrels read_qrels(std::istream& in) {
  Qrels out;
  for_each_line(in, [&](const std::string& line, std::size_t number) {
    const auto f = split_ws(line);
    if (f.size() != 4) bad_line("qrels", number, line);
    try {
      if (std::stod(f[3]) > 0) out[f[0]].insert(f[2]);
    } catch (const std::logic_error&) {
      bad_line("qrels", number, line);
    }
  });
  return out;
}

Run read_run(std::istream& in) {
  // Collect (rank, order seen, doc) per question, then sort by rank.
  std::map<std::string, std::vector<std::tuple<long, std::size_t, std::string>>> ranked;
  for_each_line(in, [&](const std::string& line, std::size_t number) {
    const auto f = split_ws(line);
    if (f.size() < 4) bad_line("run", number, line);
    long rank = 0;
    try {
      rank = std::stol(f[3]);
    } catch (const std::logic_error&) {
      bad_line("run", number, line);
    }
    auto& list = ranked[f[0]];
    list.emplace_back(rank, list.size(), f[2]);
  });
  Run out;
  for (auto& [qid, list] : ranked) {
    std::sort(list.begin(), list.end());
    auto& docs = out[qid];
    for (auto& entry : list) docs.push_back(std::move(std::get<2>(entry)));
  }
  return out;
}

void write_run(std::ostream& out, const std::string& qid,
               const std::vector<std::pair<std::string, double>>& ranking, const std::string& tag) {
  std::size_t rank = 0;
  for (const auto& [doc, score] : ranking)
    out << qid << " Q0 " << doc << ' ' << ++rank << ' ' << fixed(score, 6) << ' ' << tag << '\n';
}

std::size_t first_relevant_rank(const std::vector<std::string>& ranking,
                                const std::set<std::string>& relevant, std::size_t cutoff) {
  const std::size_t n = std::min(cutoff, ranking.size());
  for (std::size_t i = 0; i < n; ++i)
    if (relevant.count(ranking[i])) return i + 1;
  return 0;
}

Metrics score(const std::vector<Question>& questions, const Qrels& qrels, const Run& run,
              std::vector<QueryOutcome>* outcomes) {
  static const std::vector<std::string> kNothing;
  Metrics m;
  double rr = 0;
  std::size_t at1 = 0, at10 = 0;
  for (const auto& q : questions) {
    const auto judged = qrels.find(q.id);
    if (judged == qrels.end() || judged->second.empty()) continue;
    const auto found = run.find(q.id);
    const auto& ranking = found == run.end() ? kNothing : found->second;
    const std::size_t rank = first_relevant_rank(ranking, judged->second, 10);
    ++m.questions;
    if (rank) {
      rr += 1.0 / static_cast<double>(rank);
      ++at10;
      if (rank == 1) ++at1;
    }
    if (outcomes) {
      QueryOutcome o{q.id, rank, {}};
      o.top.assign(ranking.begin(), ranking.begin() + std::min<std::size_t>(3, ranking.size()));
      outcomes->push_back(std::move(o));
    }
  }
  if (m.questions) {
    const double n = static_cast<double>(m.questions);
    m.mrr10 = rr / n;
    m.s1 = static_cast<double>(at1) / n;
    m.s10 = static_cast<double>(at10) / n;
  }
  return m;
}

void write_outcomes(std::ostream& out, const std::vector<QueryOutcome>& outcomes) {
  out << "query\trank\ttop3\n";
  for (const auto& o : outcomes) {
    out << o.id << '\t' << o.rank << '\t';
    for (std::size_t i = 0; i < o.top.size(); ++i) out << (i ? "," : "") << o.top[i];
    out << '\n';
  }
}

std::string format_metrics(const Metrics& m) {
  return "MRR@10 " + fixed(m.mrr10, 4) + "  S@1 " + fixed(m.s1, 4) + "  S@10 " + fixed(m.s10, 4) +
         "  questions " + std::to_string(m.questions);
}

std::string format_table(const std::vector<TableRow>& rows) {
  std::string out =
      "| system | MRR@10 | S@1 | S@10 | MRR@10 no accents | S@1 no accents | S@10 no accents "
      "| ratio MRR@10 | questions |\n"
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n";
  for (const auto& r : rows) {
    const auto& a = r.written;
    const auto& b = r.unaccented;
    const std::string ratio = a.mrr10 > 0 ? fixed(b.mrr10 / a.mrr10, 3) : "-";
    std::string questions = std::to_string(a.questions);
    if (b.questions != a.questions) questions += " / " + std::to_string(b.questions);
    out += "| " + r.system + " | " + fixed(a.mrr10, 3) + " | " + fixed(a.s1, 3) + " | " +
           fixed(a.s10, 3) + " | " + fixed(b.mrr10, 3) + " | " + fixed(b.s1, 3) + " | " +
           fixed(b.s10, 3) + " | " + ratio + " | " + questions + " |\n";
  }
  return out;
}

}  // namespace frsearch::eval
