// Searcher: ranking, filters, exact disjunctive facets, sorts, snippets,
// suggestions, related articles and export over one Xapian database handle.
#include "searchd/search.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

#include "indexer/indexer.h"
#include "indexer/schema.h"
#include "searchd/query.h"
#include "searchd/query_parts.h"
#include "searchd/search_common.h"
#include "searchd/search_facets.h"
#include "searchd/search_related.h"
#include "searchd/search_spelling.h"
#include "searchd/snippet.h"
#include "searchd/workers.h"

namespace frsearch::search {
namespace {

using detail::FacetSpies;

constexpr Xapian::doccount kExportPage = 1000;
constexpr Xapian::doccount kRelatedBatch = 50;
constexpr Xapian::doccount kRelatedScanLimit = 1000;  // hits looked at to fill a related list

/// Runs @p fn; if the database was modified under it (a writer committed twice
/// meanwhile), reopens it and runs @p fn once more.
template <class Fn>
auto with_reopen(Xapian::Database& db, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const Xapian::DatabaseModifiedError&) {
    db.reopen();
    return fn();
  }
}

bool blank(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

/// The query of @p q; every document for a blank one.
ParsedQuery parse(const Xapian::Database& db, const indexer::SynonymTable& synonyms,
                  const std::string& q) {
  if (blank(q)) {
    return ParsedQuery{match_all(), {}, false};
  }
  return QueryParser(db, synonyms).parse(q);
}

bool is_browsing(const Xapian::Query& query) {
  return query.get_type() == Xapian::Query::LEAF_MATCH_ALL;
}

/// Relevance (ties: newest first), newest or oldest; browsing sorts by date only.
/// Dates are the kSlotSort values, or their ranks in @p keys (same order, no value
/// read per candidate) when given.
void set_order(Xapian::Enquire& enquire, Sort sort, bool browsing,
               Xapian::KeyMaker* keys = nullptr) {
  const bool reverse = sort != Sort::kOldest;
  if (browsing) {
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    if (keys) {
      enquire.set_sort_by_key(keys, reverse);
    } else {
      enquire.set_sort_by_value(schema::kSlotSort, reverse);
    }
    return;
  }
  enquire.set_weighting_scheme(relevance_weight());  // BM25 as tuned (query_parts.h)
  if (sort == Sort::kRelevance) {
    if (keys) {
      enquire.set_sort_by_relevance_then_key(keys, /*reverse=*/true);
    } else {
      enquire.set_sort_by_relevance_then_value(schema::kSlotSort, /*reverse=*/true);
    }
  } else if (keys) {
    enquire.set_sort_by_key_then_relevance(keys, reverse);
  } else {
    enquire.set_sort_by_value_then_relevance(schema::kSlotSort, reverse);
  }
}

/// Runs @p query only for the spies @p attach adds, over all its matches (no hits, no scores).
template <class Attach>
void count_matches(const Xapian::Database& db, const Xapian::Query& query, Attach&& attach) {
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  attach(enquire);
  enquire.get_mset(0, 0, db.get_doccount());
}

Hit make_hit(const Xapian::Document& doc, double score, Highlighter& highlighter) {
  Hit hit = detail::hit_meta(doc);
  hit.score = score;
  hit.snippet = highlighter.snippet(detail::stored_text(doc));
  return hit;
}

/// The hits of @p page, in its order, read from @p db in docid order: neighbouring
/// documents share B-tree blocks, so ~10 fewer of a query's ~125 block reads (36k
/// articles, 10 hits).
std::vector<Hit> read_hits(const Xapian::Database& db,
                           const std::vector<std::pair<Xapian::docid, double>>& page,
                           Highlighter& highlighter) {
  std::vector<std::size_t> order(page.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return page[a].first < page[b].first; });
  std::vector<Hit> hits(page.size());
  for (std::size_t i : order) {
    hits[i] = make_hit(db.get_document(page[i].first), page[i].second, highlighter);
  }
  return hits;
}

/// Browsing (every document matches) from the table alone: counts every document
/// into @p counter and returns the docids of the page, in date order.
std::vector<Xapian::docid> browse_page(const detail::FacetTable& table,
                                       detail::FacetCounter& counter, Sort sort,
                                       Xapian::doccount offset, Xapian::doccount size) {
  const std::vector<Xapian::docid>& order = table.by_date();  // oldest first
  for (Xapian::docid docid : order) {
    counter.count(docid);
  }
  std::vector<Xapian::docid> page;
  Xapian::doccount skipped = 0;
  auto take = [&](Xapian::docid docid) {  // false once the page is full
    if (!counter.passes(docid)) {
      return true;
    }
    if (skipped < offset) {
      ++skipped;
      return true;
    }
    page.push_back(docid);
    return page.size() < size;
  };
  if (size == 0) {
    return page;
  }
  if (sort == Sort::kOldest) {
    for (auto it = order.begin(); it != order.end() && take(*it); ++it) {
    }
  } else {  // newest first, as set_order() sorts a browse
    for (auto it = order.rbegin(); it != order.rend() && take(*it); ++it) {
    }
  }
  return page;
}

double elapsed_ms(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

nlohmann::json facet_json(const std::vector<FacetValue>& values) {
  nlohmann::json out = nlohmann::json::array();
  for (const FacetValue& v : values) {
    out.push_back({{"value", v.value}, {"count", v.count}});
  }
  return out;
}

}  // namespace

nlohmann::json to_json(const Hit& hit) {
  return {{"id", hit.id},          {"title", hit.title},           {"url", hit.url},
          {"date", hit.date},      {"categories", hit.categories}, {"score", hit.score},
          {"snippet", hit.snippet}};
}

nlohmann::json to_json(const SearchResult& result) {
  nlohmann::json hits = nlohmann::json::array();
  for (const Hit& hit : result.hits) {
    hits.push_back(to_json(hit));
  }
  nlohmann::json out = {{"query", result.query},
                        {"total", result.total},
                        {"page", result.page},
                        {"per_page", result.per_page},
                        {"took_ms", result.took_ms},
                        {"hits", std::move(hits)},
                        {"facets",
                         {{"category", facet_json(result.category)},
                          {"year", facet_json(result.year)},
                          {"month", facet_json(result.month)}}}};
  out["suggestion"] = result.suggestion ? nlohmann::json(*result.suggestion) : nlohmann::json();
  return out;
}

namespace {

/// A JSON number as dump() writes it.
void put_number(std::string& out, double value) {
  out += nlohmann::json(value).dump();
}

void put_facets(std::string& out, const std::vector<FacetValue>& values) {
  out += '[';
  for (std::size_t i = 0; i < values.size(); ++i) {
    out += i ? ",{\"count\":" : "{\"count\":";
    out += std::to_string(values[i].count);
    out += ",\"value\":";
    detail::append_json_string(out, values[i].value);
    out += '}';
  }
  out += ']';
}

}  // namespace

std::string to_json_text(const SearchResult& result, const nlohmann::json& index) {
  // Members in the order of nlohmann's objects (std::map: sorted keys).
  std::string out;
  out.reserve(1024 + result.hits.size() * 768);
  out += "{\"facets\":{\"category\":";
  put_facets(out, result.category);
  out += ",\"month\":";
  put_facets(out, result.month);
  out += ",\"year\":";
  put_facets(out, result.year);
  out += "},\"hits\":[";
  for (std::size_t i = 0; i < result.hits.size(); ++i) {
    const Hit& hit = result.hits[i];
    out += i ? ",{\"categories\":[" : "{\"categories\":[";
    for (std::size_t k = 0; k < hit.categories.size(); ++k) {
      if (k) {
        out += ',';
      }
      detail::append_json_string(out, hit.categories[k]);
    }
    out += "],\"date\":";
    detail::append_json_string(out, hit.date);
    out += ",\"id\":";
    detail::append_json_string(out, hit.id);
    out += ",\"score\":";
    put_number(out, hit.score);
    out += ",\"snippet\":";
    detail::append_json_string(out, hit.snippet);
    out += ",\"title\":";
    detail::append_json_string(out, hit.title);
    out += ",\"url\":";
    detail::append_json_string(out, hit.url);
    out += '}';
  }
  out += "],\"index\":";
  out += index.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out += ",\"page\":" + std::to_string(result.page);
  out += ",\"per_page\":" + std::to_string(result.per_page);
  out += ",\"query\":";
  detail::append_json_string(out, result.query);
  out += ",\"suggestion\":";
  if (result.suggestion) {
    detail::append_json_string(out, *result.suggestion);
  } else {
    out += "null";
  }
  out += ",\"took_ms\":";
  put_number(out, result.took_ms);
  out += ",\"total\":" + std::to_string(result.total);
  out += '}';
  return out;
}

Searcher::Searcher(Xapian::Database db, std::shared_ptr<detail::FacetTables> tables)
    : db_(std::move(db)),
      words_(analysis::make_french_analyzer()),
      draft_words_(analysis::make_french_analyzer({/*stop_words=*/true, /*stem=*/false})),
      tables_(tables ? std::move(tables) : std::make_shared<detail::FacetTables>()) {}

namespace {
Xapian::Database combined(const std::vector<Xapian::Database>& parts) {
  Xapian::Database db;
  for (const Xapian::Database& part : parts) {
    db.add_database(part);  // shares the part's internals
  }
  return db;
}
}  // namespace

Searcher::Searcher(std::vector<Xapian::Database> parts, std::shared_ptr<detail::FacetTables> tables,
                   Parallel parallel)
    : Searcher(combined(parts), std::move(tables)) {
  parts_ = std::move(parts);
  local_ = true;
  parallel_ = std::move(parallel);
}

SearchResult Searcher::search(const SearchRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  auto run = [&] {
    SearchResult r;
    r.query = request.q;
    r.page = request.page;
    r.per_page = request.per_page;
    const ParsedQuery parsed = parse(db_, synonyms(), request.q);
    const bool browsing = is_browsing(parsed.query);
    const auto categories = detail::category_filter(request.filters);
    const auto dates = detail::date_filter(request.filters);
    const Xapian::doccount all = db_.get_doccount();

    Xapian::Enquire enquire(db_);
    enquire.set_query(detail::apply_filters(parsed.query, categories, dates));
    set_order(enquire, request.sort, browsing);
    const std::uint64_t first = std::uint64_t(std::max(request.page, 1u) - 1) * request.per_page;
    const auto offset = static_cast<Xapian::doccount>(std::min<std::uint64_t>(first, all));
    const Xapian::doccount size = std::min(request.per_page, all);
    Xapian::MSet mset;
    std::vector<Xapian::docid> browsed;  // the page of a browse served by the table
    const std::vector<const detail::FacetTable*> tables = facet_tables();
    std::optional<detail::SortRankKeys> keys;     // outlives the matches of enquire
    if (tables.size() == 1 && db_.size() == 1) {  // the table's docids are db_'s
      set_order(enquire, request.sort, browsing, &keys.emplace(*tables[0]));
    }
    if (tables.size() == 1 && browsing && !tables[0]->by_date().empty()) {
      detail::FacetCounter counter(*tables[0], db_, request.filters);
      browsed = browse_page(*tables[0], counter, request.sort, offset, size);
      r.total = counter.total();
      counter.read_categories(r.category);
      counter.read_dates(r.year, r.month);
    } else if (!tables.empty()) {
      // One unweighted pass over the query without its filters counts the total and
      // every disjunctive facet by docid, shard by shard (each its own docids and
      // table); the ranked match then only needs the page. (Without the parts that
      // only weigh, as BoolWeight ignores them anyway.) On a big match the passes run
      // at the same time on the helper handles (Parallel).
      std::vector<std::unique_ptr<detail::FacetCounter>> counters(tables.size());
      if (worth_splitting(parsed.query) && helpers_ready()) {
        std::vector<std::function<void()>> jobs;
        jobs.emplace_back([&] { mset = enquire.get_mset(offset, size); });
        for (std::size_t i = 0; i < tables.size(); ++i) {
          // Each thread gets a query tree of its own: copies of a Xapian::Query
          // share a reference count that is not atomic.
          Xapian::Query own = detail::match_query(parse(db_, synonyms(), request.q).query);
          jobs.emplace_back([&, i, own] {
            counters[i] =
                std::make_unique<detail::FacetCounter>(*tables[i], helpers_[i], request.filters);
            count_matches(helpers_[i], own,
                          [&](Xapian::Enquire& e) { e.add_matchspy(counters[i].get()); });
          });
        }
        parallel_.workers->run(jobs);
        ++splits_;
      } else {
        const Xapian::Query counted = detail::match_query(parsed.query);
        for (std::size_t i = 0; i < tables.size(); ++i) {
          const Xapian::Database& part = tables.size() == 1 ? db_ : parts_[i];
          counters[i] = std::make_unique<detail::FacetCounter>(*tables[i], part, request.filters);
          count_matches(part, counted,
                        [&](Xapian::Enquire& e) { e.add_matchspy(counters[i].get()); });
        }
        mset = enquire.get_mset(offset, size);
      }
      if (counters.size() == 1) {
        r.total = counters[0]->total();
        counters[0]->read_categories(r.category);
        counters[0]->read_dates(r.year, r.month);
      } else {
        detail::FacetSums sums;
        for (const auto& counter : counters) {
          sums.add(*counter);
        }
        r.total = sums.total();
        sums.read_categories(r.category);
        sums.read_dates(r.year, r.month);
      }
    } else {
      // Value-slot spies: the main match counts the facets whose own filter is not set.
      // Spies of remote shards (xapian-tcpsrv) come out too high from a match that
      // also returns documents (Xapian 1.4; measured +3 over 65 matches at 10 per
      // page) and exact from one that returns none. Shards cannot be told local or
      // remote through the API: with several, the facets get a count-only match.
      FacetSpies spies(!categories, !dates);
      const bool count_apart = db_.size() > 1;
      if (!count_apart) {
        spies.attach(enquire);
      }
      mset = enquire.get_mset(offset, size, all);
      r.total = mset.get_matches_estimated();  // exact: check_at_least covers every document
      if (count_apart && (!categories || !dates)) {
        count_matches(db_, enquire.get_query(), [&](Xapian::Enquire& e) { spies.attach(e); });
      }
      spies.read_categories(r.category);
      spies.read_dates(r.year, r.month);
      // Disjunctive facets: each ignores its own filter.
      if (categories) {
        FacetSpies category_spies(true, false);
        count_matches(db_, detail::apply_filters(parsed.query, std::nullopt, dates),
                      [&](Xapian::Enquire& e) { category_spies.attach(e); });
        category_spies.read_categories(r.category);
      }
      if (dates) {
        FacetSpies date_spies(false, true);
        count_matches(db_, detail::apply_filters(parsed.query, categories, std::nullopt),
                      [&](Xapian::Enquire& e) { date_spies.attach(e); });
        date_spies.read_dates(r.year, r.month);
      }
    }

    std::vector<std::pair<Xapian::docid, double>> page;  // in the answer's order
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      page.emplace_back(*it, browsing ? 0 : it.get_weight());
    }
    for (Xapian::docid docid : browsed) {
      page.emplace_back(docid, 0);
    }
    Highlighter highlighter(parsed.highlight, words_);
    r.hits = read_hits(db_, page, highlighter);
    if (!browsing) {
      r.suggestion = detail::did_you_mean(db_, words_, request.q);
    }
    return r;
  };
  SearchResult result;
  try {
    result = run();
  } catch (const Xapian::DatabaseModifiedError&) {
    reopen();  // the helper handles too: the error may come from one of them
    result = run();
  }
  result.took_ms = elapsed_ms(start);
  return result;
}

std::optional<nlohmann::json> Searcher::article(const std::string& id) {
  return with_reopen(db_, [&]() -> std::optional<nlohmann::json> {
    const std::string term = indexer::id_term(id);
    Xapian::PostingIterator posting = db_.postlist_begin(term);
    if (posting == db_.postlist_end(term)) {
      return std::nullopt;
    }
    nlohmann::json record = nlohmann::json::parse(db_.get_document(*posting).get_data(), nullptr,
                                                  /*allow_exceptions=*/false);
    if (record.is_discarded()) {
      return std::nullopt;
    }
    return record;
  });
}

std::vector<Hit> Searcher::related_hits(const Xapian::Query& terms, unsigned n,
                                        const Filters& filters, const std::string& exclude_id) {
  std::vector<Hit> hits;
  if (n == 0 || terms.empty()) {
    return hits;
  }
  Xapian::Query query =
      detail::apply_filters(terms, detail::category_filter(filters), detail::date_filter(filters));
  if (!exclude_id.empty()) {
    query = Xapian::Query(Xapian::Query::OP_AND_NOT, query,
                          Xapian::Query(indexer::id_term(exclude_id)));
  }
  Xapian::Enquire enquire(db_);
  enquire.set_query(query);
  set_order(enquire, Sort::kRelevance, /*browsing=*/false);
  enquire.set_weighting_scheme(detail::related_weight());
  detail::NearDuplicates duplicates(words_);  // reposts shown once (search_related.h)
  Highlighter highlighter({}, words_);        // nothing marked: the beginning of each body
  for (Xapian::doccount offset = 0; hits.size() < n && offset < kRelatedScanLimit;
       offset += kRelatedBatch) {
    Xapian::MSet mset = enquire.get_mset(offset, kRelatedBatch);
    for (auto it = mset.begin(); it != mset.end() && hits.size() < n; ++it) {
      const Xapian::Document doc = it.get_document();
      Hit hit = detail::hit_meta(doc);
      if (duplicates.repeats(doc, hit.title)) {
        continue;
      }
      hit.score = it.get_weight();
      hit.snippet = highlighter.snippet(detail::stored_text(doc));
      hits.push_back(std::move(hit));
    }
    if (mset.size() < kRelatedBatch) {
      break;
    }
  }
  return hits;
}

std::optional<std::vector<Hit>> Searcher::related_to_article(const std::string& id, unsigned n,
                                                             const Filters& filters) {
  return with_reopen(db_, [&]() -> std::optional<std::vector<Hit>> {
    const std::string term = indexer::id_term(id);
    Xapian::PostingIterator posting = db_.postlist_begin(term);
    if (posting == db_.postlist_end(term)) {
      return std::nullopt;
    }
    return related_hits(detail::article_terms_query(db_, *posting), n, filters, id);
  });
}

std::vector<Hit> Searcher::related_to_text(const std::string& text, unsigned n,
                                           const Filters& filters) {
  return with_reopen(db_, [&] {
    return related_hits(detail::text_terms_query(db_, draft_words_, text), n, filters, {});
  });
}

std::vector<std::string> Searcher::suggest(const std::string& prefix, unsigned n) {
  return with_reopen(db_, [&] { return detail::complete(db_, words_, prefix, n); });
}

void Searcher::export_matches(const SearchRequest& request,
                              const std::function<bool(const ExportRow&)>& row) {
  bool started = false;  // once rows went out, a retry would repeat them
  auto run = [&] {
    const ParsedQuery parsed = parse(db_, synonyms(), request.q);
    const bool browsing = is_browsing(parsed.query);
    Xapian::Enquire enquire(db_);
    enquire.set_query(detail::apply_filters(parsed.query, detail::category_filter(request.filters),
                                            detail::date_filter(request.filters)));
    set_order(enquire, request.sort, browsing);
    for (Xapian::doccount offset = 0;; offset += kExportPage) {
      const Xapian::MSet mset = enquire.get_mset(offset, kExportPage);
      for (auto it = mset.begin(); it != mset.end(); ++it) {
        Hit hit = detail::hit_meta(it.get_document());
        ExportRow r{std::move(hit.id),  std::move(hit.date),       std::move(hit.title),
                    std::move(hit.url), std::move(hit.categories), browsing ? 0 : it.get_weight()};
        started = true;
        if (!row(r)) {
          return;
        }
      }
      if (mset.size() < kExportPage) {
        return;
      }
    }
  };
  try {
    run();
  } catch (const Xapian::DatabaseModifiedError&) {
    if (started) {
      throw;
    }
    db_.reopen();
    run();
  }
}

const std::vector<Xapian::Database>& Searcher::parts() {
  if (!local_) {
    if (parts_.empty() && detail::FacetTable::usable(db_)) {
      parts_.push_back(db_);  // the same handle
    }
    local_ = true;
  }
  return parts_;
}

std::optional<Xapian::rev> Searcher::local_revision() {
  const std::vector<Xapian::Database>& own = parts();
  if (own.empty()) {
    return std::nullopt;
  }
  Xapian::rev sum = 0;  // each part's revision only grows: the sum moves with any of them
  for (const Xapian::Database& part : own) {
    sum += part.get_revision();
  }
  return sum;
}

std::vector<const detail::FacetTable*> Searcher::facet_tables() {
  std::vector<const detail::FacetTable*> out;
  if (!facet_table_) {
    return out;
  }
  const std::vector<Xapian::Database>& own = parts();
  held_.resize(own.size());
  for (std::size_t i = 0; i < own.size(); ++i) {
    if (!held_[i] || held_[i]->revision() != own[i].get_revision()) {
      held_[i] = tables_->get(own[i]);
    }
    out.push_back(held_[i].get());
  }
  return out;
}

bool Searcher::worth_splitting(const Xapian::Query& query) const {
  if (!parallel_.workers || !parallel_.open_parts || parallel_.min_matches == 0) {
    return false;
  }
  for (auto it = query.get_unique_terms_begin(); it != query.get_unique_terms_end(); ++it) {
    if (db_.get_termfreq(*it) >= parallel_.min_matches) {
      return true;
    }
  }
  return false;
}

bool Searcher::helpers_ready() {
  if (helpers_.empty()) {
    try {
      helpers_ = parallel_.open_parts();
    } catch (const Xapian::Error&) {
      helpers_.clear();
    }
    if (helpers_.size() != parts_.size()) {
      helpers_.clear();
      return false;
    }
  }
  // The counts must come from the revision the page comes from.
  for (std::size_t i = 0; i < helpers_.size(); ++i) {
    if (helpers_[i].get_revision() != parts_[i].get_revision()) {
      helpers_[i].reopen();
      if (helpers_[i].get_revision() != parts_[i].get_revision()) {
        return false;  // they went past it: the pool reopens this Searcher soon
      }
    }
  }
  return true;
}

namespace {

/// The format number of schema::kFormat, what this searchd reads best.
int current_format() {
  return std::stoi(schema::kFormat);
}

/// The index format of @p db when it is older than current_format() (1: documents
/// and no "format" metadata); 0 when it is current, empty, or cannot say.
int older_format(const Xapian::Database& db) {
  try {
    if (db.get_doccount() == 0) return 0;
    const std::string format = db.get_metadata(schema::kMetaFormat);
    if (format.empty()) return 1;
    const int number = std::stoi(format);
    return number > 0 && number < current_format() ? number : 0;
  } catch (const Xapian::Error&) {
    return 0;
  } catch (const std::exception&) {  // a "format" that is no number: a newer indexer's?
    return 0;
  }
}

/// The warning about @p what (one index, or shards named) of index format @p format
/// (the oldest one), written by @p program. Such an index is still served.
std::string format_warning_text(std::string_view program, const std::string& what, int format) {
  std::string text = std::string(program) + ": warning: " + what +
                     " written by an older indexer (index format " + std::to_string(format) +
                     ", this searchd reads format " + schema::kFormat + "): ";
  if (format == 1) {
    text +=
        "no positions on the stems, so phrases and NEAR of two words or more find nothing (a"
        " phrase left with one word once its stop words are set aside still matches), and the"
        " proximity bonus and the spelling co-occurrence are lost";
  } else {
    text +=
        "searched through its stems, its exact-word terms unused and its title words weighing no"
        " more than its body's";
  }
  return text + "; rebuild it with `indexer build`";
}

}  // namespace

std::string index_format_warning(const Xapian::Database& db) {
  const int format = older_format(db);
  return format != 0 ? format_warning_text("searchd", "the index was", format) : "";
}

std::string index_format_warning(const std::vector<std::string>& shard_paths,
                                 std::string_view program) {
  std::string old;
  std::size_t count = 0;
  int oldest = 0;
  for (const std::string& path : shard_paths) {
    int format = 0;
    try {
      format = older_format(Xapian::Database(path));
    } catch (const Xapian::Error&) {
      continue;  // one that does not open cannot say
    }
    if (format == 0) continue;
    oldest = oldest == 0 ? format : std::min(oldest, format);
    old += (old.empty() ? "" : ", ") + path;
    ++count;
  }
  if (old.empty()) return "";
  return format_warning_text(
      program, (count == 1 ? "index " : "indexes ") + old + (count == 1 ? " was" : " were"),
      oldest);
}

const IndexState& Searcher::index_state() {
  const auto revision = local_revision();
  if (!revision || revision != state_revision_) {
    state_.generation = db_.get_metadata(schema::kMetaGeneration);
    state_.last_update = db_.get_metadata(schema::kMetaLastUpdate);
    state_.documents = db_.get_doccount();
    state_revision_ = revision;
  }
  return state_;
}

const indexer::SynonymTable& Searcher::synonyms() {
  const auto revision = local_revision();
  if (!revision || revision != synonyms_revision_) {
    try {
      synonyms_ = indexer::read_synonyms(db_);
    } catch (const Xapian::Error&) {
      synonyms_ = {};  // none when the index cannot say (a remote shard failing)
    }
    synonyms_revision_ = revision;
  }
  return synonyms_;
}

Xapian::doccount Searcher::documents() const {
  return db_.get_doccount();
}

bool Searcher::reopen() {
  const bool changed = db_.reopen();
  for (Xapian::Database& helper : helpers_) {
    helper.reopen();
  }
  return changed;
}

}  // namespace frsearch::search
