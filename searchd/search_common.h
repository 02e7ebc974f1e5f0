/** @file
 * @brief Small helpers shared by the parts of the Searcher (internal to searchd).
 *
 * How filters become Xapian queries, how a hit is read from a document's
 * value slots, and how a folded word gets its usual accented spelling back
 * from the index's "XU" surface terms. Kept in one place so search, related
 * articles, suggestions and export agree.
 */
#ifndef FRSEARCH_SEARCHD_SEARCH_COMMON_H
#define FRSEARCH_SEARCHD_SEARCH_COMMON_H

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <xapian.h>

#include "analyzers/analyzer.h"
#include "searchd/search.h"

namespace frsearch::search::detail {

/// Byte offset where the word of @p token starts in @p text, past an elided
/// article: for "L’hôpital" the offset of "hôpital". Used to mark or replace
/// the word itself.
std::size_t word_start(std::string_view text, const analysis::Token& token);

/// A title reduced to its folded words joined by one space, to tell reposts
/// ("L’Hôpital, encore !" and "l'hopital encore" are the same).
std::string fold_title(const analysis::Analyzer& analyzer, std::string_view title);

/// "YYYY-MM-DD" -> "YYYYMMDD" (the kSlotDay format); other text is returned unchanged.
std::string day_key(std::string_view day);

/// The filter part of a query: categories (any of them, by the indexer's
/// category terms) and the from/to date range. Each part is optional; returns
/// std::nullopt when nothing is asked.
std::optional<Xapian::Query> category_filter(const Filters& filters);
std::optional<Xapian::Query> date_filter(const Filters& filters);

/// @p query restricted by every given filter (OP_FILTER: scores unchanged).
Xapian::Query apply_filters(Xapian::Query query, const std::optional<Xapian::Query>& category,
                            const std::optional<Xapian::Query>& dates);

/// A query with the same matches as @p query but without the parts that only
/// weigh them: for a count of matches (facets, total) with Xapian::BoolWeight.
/// Drops the optional side of OP_AND_MAYBE, unwraps OP_SCALE_WEIGHT, and drops a
/// branch of an OR (or SYNONYM, MAX) when each of its matches must hold a term
/// that another branch matches on its own (a NEAR or phrase bonus of words that
/// the query also takes alone, a fixed bonus filtered by those words). What it
/// cannot see into (positions, value ranges, wildcards) is kept as it is.
Xapian::Query match_query(const Xapian::Query& query);

/// id/title/url/date/categories of a document from its kSlotMeta value (no score,
/// no snippet). Tolerates a missing or malformed value (fields left empty).
Hit hit_meta(const Xapian::Document& doc);

/// The body (else the summary) stored in the document data, "" when neither.
std::string stored_text(const Xapian::Document& doc);

/// The same two reads from the stored texts themselves (the kSlotMeta value, the
/// document data). Each hit of a search reads both, so they pick their few fields
/// out of the JSON text without building a tree of the whole record (which was
/// ~13% of a query); anything unexpected falls back to nlohmann's parser, so the
/// answer is the same as a full parse's.
Hit hit_meta_of(std::string_view meta);
std::string stored_text_of(std::string_view record);

/// Appends @p text as a JSON string, the bytes nlohmann's dump() writes (no ASCII
/// escaping of UTF-8; its own replacement of malformed UTF-8).
void append_json_string(std::string& out, std::string_view text);

/// The value of top-level string field @p key of the JSON object @p json: "" when
/// absent or not a string (as a full parse would give), nullopt when the text is
/// not read by the quick scan (malformed, or escapes it leaves to the full parser).
std::optional<std::string> json_top_string(std::string_view json, std::string_view key);

/// True for an unprefixed (word) term: starts with a lowercase ASCII letter, a
/// digit or a non-ASCII byte. Prefixed terms start with a capital.
bool is_word_term(std::string_view term);
/// True for a "Z" stem term (not a "ZS" title stem): what carries a document's text
/// from index format 3 on, which has no unprefixed terms (schema.h).
bool is_stem_term(std::string_view term);

/// The index's words that start with @p prefix, with the number of documents
/// holding each (folded words of 3 bytes or more, letters only: the spelling
/// dictionary's), in byte order, at most @p max_words of them. Index format 3 has no
/// unprefixed terms: this is where word frequencies, completions and word* come from.
/// Read from the "XW" metadata (schema.h: in every shard, and served by remote
/// shards, unlike Xapian's spelling table), else, for an index without it (format
/// 2), from the spelling table; none when neither is there.
std::vector<std::pair<Xapian::doccount, std::string>> dictionary_words(const Xapian::Database& db,
                                                                       const std::string& prefix,
                                                                       std::size_t max_words);
/// The document count of each of @p sorted_words (sorted, unique) from the same
/// source, 0 for a word it does not hold.
std::vector<Xapian::doccount> dictionary_frequencies(const Xapian::Database& db,
                                                     const std::vector<std::string>& sorted_words);

}  // namespace frsearch::search::detail

#endif  // FRSEARCH_SEARCHD_SEARCH_COMMON_H
