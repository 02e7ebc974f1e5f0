/** @file
 * @brief Relevance metrics of the evaluation harness: questions, judgments,
 * runs, MRR@10 and Success@k, the per-query TSV and the results table.
 *
 * Every system of the harness (ours and the baselines) writes a TREC run file
 * and this one implementation scores them all, so the numbers compare.
 *
 * File formats:
 *   questions  "qid TAB text" per line
 *   qrels      TREC: "qid 0 doc relevance" (relevance > 0 means relevant)
 *   run        TREC: "qid Q0 doc rank score tag"; ordered by rank per query
 */
#ifndef FRSEARCH_BENCH_EVAL_METRICS_H
#define FRSEARCH_BENCH_EVAL_METRICS_H

#include <cstddef>
#include <iosfwd>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace frsearch::eval {

struct Question {
  std::string id, text;
};

/// Judgments: question id -> ids of its relevant documents.
using Qrels = std::map<std::string, std::set<std::string>>;
/// A run: question id -> document ids, best first.
using Run = std::map<std::string, std::vector<std::string>>;

/// Read the formats above. Blank lines are skipped; a malformed line throws
/// std::runtime_error naming its line number.
std::vector<Question> read_questions(std::istream& in);
Qrels read_qrels(std::istream& in);
Run read_run(std::istream& in);

/// Writes one question's ranking as TREC run lines (rank from 1).
void write_run(std::ostream& out, const std::string& qid,
               const std::vector<std::pair<std::string, double>>& ranking, const std::string& tag);

/// 1-based rank of the first relevant document among the first @p cutoff of
/// @p ranking, or 0 when none is there.
std::size_t first_relevant_rank(const std::vector<std::string>& ranking,
                                const std::set<std::string>& relevant, std::size_t cutoff);

/// One question's outcome, a line of the per-query TSV.
struct QueryOutcome {
  std::string id;
  std::size_t rank = 0;          ///< of the first relevant document within the top 10, 0 if none
  std::vector<std::string> top;  ///< the first three documents returned
};

struct Metrics {
  double mrr10 = 0;           ///< mean of 1/rank (0 when not in the top 10)
  double s1 = 0;              ///< share of questions answered at rank 1
  double s10 = 0;             ///< share of questions answered within the top 10
  std::size_t questions = 0;  ///< questions that have a judgment
};

/// Scores @p run over the judged questions of @p questions (a question the run
/// does not mention counts as a miss). Outcomes are appended to @p outcomes
/// when not null, in question order.
Metrics score(const std::vector<Question>& questions, const Qrels& qrels, const Run& run,
              std::vector<QueryOutcome>* outcomes = nullptr);

/// The per-query TSV: a header, then "qid TAB rank TAB top1,top2,top3".
void write_outcomes(std::ostream& out, const std::vector<QueryOutcome>& outcomes);

/// "MRR@10 0.6123  S@1 0.5012  S@10 0.8231  questions 3667"
std::string format_metrics(const Metrics& m);

/// One row of the results table: a system with and without accents.
struct TableRow {
  std::string system;
  Metrics written;     ///< questions as written
  Metrics unaccented;  ///< every accent removed
};

/// A Markdown table: system x {as written, no accents} x {MRR@10, S@1, S@10},
/// the ratio of MRR@10 without accents to as written, and the question count.
std::string format_table(const std::vector<TableRow>& rows);

}  // namespace frsearch::eval

#endif  // FRSEARCH_BENCH_EVAL_METRICS_H
