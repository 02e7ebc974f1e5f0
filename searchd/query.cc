// The query language's grammar, loosest first (a recursive descent parser):
//
//   query := or_expr END
//   or_expr := and_expr (("OR" | "OU") and_expr)*
//   and_expr := not_expr (("AND" | "ET") not_expr)*
//   not_expr := ["NOT" | "SAUF"] juxt (("NOT" | "SAUF") juxt)*
//   juxt := (["+" | "-"] near)+                   implicit operator, like Xapian's default
//   near := atom (("NEAR" | "NEAR/n") atom)*
//   atom := word | word* | "phrase" | "(" or_expr ")" | field ":" atom
//
// Tokens come from query_lexer.h, Xapian sub-queries from query_parts.h. Any
// syntax error throws SyntaxError, and parse() searches the text as plain words.

#include "searchd/query.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "analyzers/analyzer.h"
#include "indexer/synonyms.h"
#include "searchd/query_lexer.h"
#include "searchd/query_parts.h"

namespace frsearch::search {
namespace {

using Kind = LexToken::Kind;

/// Groups and fields nest at most this deep; deeper is broken syntax.
constexpr int kMaxDepth = 100;

struct SyntaxError {};

/// The analyzer shared by every parser: immutable and thread-safe once built,
/// and building it (ICU break iterators) costs more than parsing a query.
const analysis::Analyzer& folding_analyzer() {
  static const analysis::Analyzer analyzer = analysis::make_french_analyzer();
  return analyzer;
}

/// A word searched in the whole text: one unprefixed (not titre:), non-wildcard,
/// non-stop term. Neighbouring ones get a proximity bonus.
bool plain_word(const Part& part) {
  if (part.stop || part.negated || part.filter || part.leaves.size() != 1) return false;
  const Leaf& leaf = part.leaves.front();
  return !leaf.wildcard && !leaf.term.empty() && !(leaf.term[0] >= 'A' && leaf.term[0] <= 'Z');
}

/// A question filler ("nom", "année") among other words weighs kFillerWeight.
void weigh_filler(Part& part) {
  if (plain_word(part) && is_question_filler(part.leaves.front().term))
    part.query = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, part.query, kFillerWeight);
}

class Parser {
 public:
  Parser(const std::vector<LexToken>& tokens, PartBuilder& builder)
      : tokens_(tokens), builder_(builder) {}

  Part parse() {
    Part part = or_expr();
    if (pos_ != tokens_.size()) throw SyntaxError{};  // a stray ")"
    return part;
  }

 private:
  const LexToken* peek() const { return pos_ < tokens_.size() ? &tokens_[pos_] : nullptr; }
  bool at(Kind kind) const { return peek() != nullptr && peek()->kind == kind; }
  const LexToken& next() {
    if (pos_ >= tokens_.size()) throw SyntaxError{};
    return tokens_[pos_++];
  }

  Part or_expr() {
    std::vector<Part> parts;
    parts.push_back(and_expr());
    while (at(Kind::kOr)) {
      ++pos_;
      Part part = and_expr();
      if (!part.empty()) parts.push_back(std::move(part));
    }
    return any_of(std::move(parts));
  }

  Part and_expr() {
    Part first = not_expr();
    if (!at(Kind::kAnd)) return first;
    Conjunction all;
    all.add(first, Conjunction::Mode::kRequired);
    while (at(Kind::kAnd)) {
      ++pos_;
      all.add(not_expr(), Conjunction::Mode::kRequired);
    }
    return all.build();
  }

  Part not_expr() {
    Part left;
    if (at(Kind::kNot)) {
      ++pos_;
      left = negate(juxt());
    } else {
      left = juxt();
    }
    std::vector<Part> excluded;  // "a NOT b NOT c" = a AND_NOT (b OR c): flat, however long
    while (at(Kind::kNot)) {
      ++pos_;
      excluded.push_back(juxt());
    }
    return excluded.empty() ? left : except(std::move(left), any_of(std::move(excluded)));
  }

  static bool starts_item(const LexToken* token) {
    if (token == nullptr) return false;
    switch (token->kind) {
      case Kind::kWord:
      case Kind::kPhrase:
      case Kind::kOpen:
      case Kind::kField:
      case Kind::kPlus:
      case Kind::kMinus:
        return true;
      default:
        return false;
    }
  }

  Part juxt() {
    std::vector<std::pair<Conjunction::Mode, Part>> items;
    bool seen = false;
    while (starts_item(peek())) {
      auto mode = Conjunction::Mode::kOptional;
      if (at(Kind::kPlus) || at(Kind::kMinus)) {
        mode = next().kind == Kind::kPlus ? Conjunction::Mode::kRequired
                                          : Conjunction::Mode::kExcluded;
      }
      Part part = near();
      seen = true;
      if (!part.empty()) items.emplace_back(mode, std::move(part));
    }
    if (!seen) throw SyntaxError{};  // an operator with nothing after it
    if (items.empty()) return {};
    return combine(std::move(items));
  }

  /// The items of one juxtaposition as one part. Kept out of juxt(), which the
  /// parser recurses through, so that its locals do not weigh on every level of
  /// a nested query's stack (the fuzzers run the parser on a small stack).
  [[gnu::noinline]] Part combine(std::vector<std::pair<Conjunction::Mode, Part>> items) {
    // Equivalent expressions (synonyms, acronyms) of runs of optional words.
    std::vector<Part> equivalents;
    std::vector<Part*> run;
    for (std::size_t i = 0; i <= items.size(); ++i) {
      if (i < items.size() && items[i].first == Conjunction::Mode::kOptional) {
        run.push_back(&items[i].second);
        continue;
      }
      for (Part& part : builder_.equivalents(run)) equivalents.push_back(std::move(part));
      run.clear();
    }
    if (items.size() == 1 && items[0].first == Conjunction::Mode::kOptional &&
        equivalents.empty()) {
      return std::move(items[0].second);
    }
    // Stop words are dropped beside other words; alone ("le la") they are kept.
    const auto is_stop = [](const std::pair<Conjunction::Mode, Part>& item) {
      return item.first == Conjunction::Mode::kOptional && item.second.stop;
    };
    bool other_words = false;
    for (const auto& item : items) other_words |= !is_stop(item);
    Conjunction all;
    std::vector<std::string> words;
    for (auto& item : items) {
      if (other_words && is_stop(item)) continue;
      if (item.first == Conjunction::Mode::kOptional) weigh_filler(item.second);
      all.add(item.second, item.first);
      if (item.first == Conjunction::Mode::kOptional && plain_word(item.second)) {
        words.push_back(item.second.leaves.front().term);
      }
    }
    all.add(builder_.proximity(words), Conjunction::Mode::kOptional);
    for (const Part& part : equivalents) all.add(part, Conjunction::Mode::kOptional);
    return all.build();
  }

  Part near() {
    Part first = atom();
    if (!at(Kind::kNear)) return first;
    std::vector<Part> parts;
    parts.push_back(std::move(first));
    unsigned window = 0;
    while (at(Kind::kNear)) {
      window = std::max(window, next().window);
      parts.push_back(atom());
    }
    return builder_.near(std::move(parts), window);
  }

  Part atom() {
    if (++depth_ > kMaxDepth) throw SyntaxError{};
    Part part = atom_at_depth();
    --depth_;
    return part;
  }

  Part atom_at_depth() {
    const LexToken& token = next();
    switch (token.kind) {
      case Kind::kWord:
        return builder_.word(token.text, field_);
      case Kind::kPhrase:
        return builder_.phrase(token.text, field_);
      case Kind::kOpen: {
        Part part = or_expr();
        if (next().kind != Kind::kClose) throw SyntaxError{};
        part.stop = false;  // "(le)" was asked for
        return part;
      }
      case Kind::kField:
        return field_value(token.field);
      default:
        throw SyntaxError{};
    }
  }

  /// What follows "field:", glued to it ("titre: x" is broken syntax).
  Part field_value(Field field) {
    const LexToken* value = peek();
    if (value == nullptr || !value->attached) throw SyntaxError{};
    switch (field) {
      case Field::kTitle: {
        const Field outer = std::exchange(field_, Field::kTitle);
        Part part = atom();
        field_ = outer;
        return part;
      }
      case Field::kCategory:
        if (value->kind != Kind::kWord && value->kind != Kind::kPhrase) throw SyntaxError{};
        ++pos_;
        return builder_.category(value->text, value->kind == Kind::kWord);
      case Field::kDate: {
        if (value->kind != Kind::kWord && value->kind != Kind::kPhrase) throw SyntaxError{};
        ++pos_;
        std::optional<Part> part = builder_.date(value->text);
        if (!part) throw SyntaxError{};
        return std::move(*part);
      }
      case Field::kNone:
        break;
    }
    throw SyntaxError{};
  }

  const std::vector<LexToken>& tokens_;
  PartBuilder& builder_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  Field field_ = Field::kNone;  ///< the field of the enclosing titre:(…)
};

/// The query of @p part, or every document when nothing in it is searchable.
ParsedQuery finish(Part part, bool fallback) {
  ParsedQuery parsed;
  parsed.fallback = fallback;
  if (part.empty()) {
    parsed.query = match_all();
    return parsed;
  }
  parsed.query = materialize(part);
  parsed.highlight = std::move(part.highlight);
  return parsed;
}

/// Broken syntax: every word of the text, operators and punctuation ignored.
ParsedQuery parse_plain(std::string_view text, const Xapian::Database& db,
                        const indexer::SynonymTable& synonyms) {
  PartBuilder builder(folding_analyzer(), db, &synonyms);
  std::vector<Part> words;
  bool other_words = false;
  for (std::string_view chunk : plain_chunks(text)) {
    if (builder.full()) break;
    while (!chunk.empty() && chunk.back() == '*') chunk.remove_suffix(1);
    Part part = builder.word(chunk, Field::kNone);
    if (part.empty()) continue;
    other_words |= !part.stop;
    words.push_back(std::move(part));
  }
  std::vector<Part*> run;
  for (Part& part : words) run.push_back(&part);
  std::vector<Part> equivalents = builder.equivalents(run);
  other_words |= !equivalents.empty();
  Conjunction any;
  std::vector<std::string> plain;
  for (Part& part : words) {
    if (other_words && part.stop) continue;
    if (words.size() > 1) weigh_filler(part);
    any.add(part, Conjunction::Mode::kOptional);
    if (plain_word(part)) plain.push_back(part.leaves.front().term);
  }
  any.add(builder.proximity(plain), Conjunction::Mode::kOptional);
  for (const Part& part : equivalents) any.add(part, Conjunction::Mode::kOptional);
  return finish(any.build(), true);
}

/// The index's synonyms; none when it has none or cannot say (a remote shard failing).
indexer::SynonymTable synonyms_of(const Xapian::Database& db) {
  try {
    return indexer::read_synonyms(db);
  } catch (const Xapian::Error&) {
    return {};
  }
}

}  // namespace

QueryParser::QueryParser(const Xapian::Database& db) : db_(db) {}

QueryParser::QueryParser(const Xapian::Database& db, const indexer::SynonymTable& synonyms)
    : db_(db), synonyms_(&synonyms) {}

ParsedQuery QueryParser::parse(std::string_view text) const {
  try {
    const LexResult lexed = lex_query(text);
    if (lexed.tokens.empty() && !lexed.broken) return finish(Part{}, false);  // blank
    indexer::SynonymTable read;
    if (synonyms_ == nullptr) read = synonyms_of(db_);
    const indexer::SynonymTable& synonyms = synonyms_ != nullptr ? *synonyms_ : read;
    if (!lexed.broken) {
      try {
        PartBuilder builder(folding_analyzer(), db_, &synonyms);
        return finish(Parser(lexed.tokens, builder).parse(), false);
      } catch (const SyntaxError&) {
      } catch (const Xapian::Error&) {  // e.g. a remote shard failing while expanding word*
      }
    }
    return parse_plain(text, db_, synonyms);
  } catch (...) {
    // Never an error for the user (plain words touch no database; this is only
    // reached when memory runs out).
    ParsedQuery parsed;
    parsed.query = match_all();
    parsed.fallback = true;
    return parsed;
  }
}

}  // namespace frsearch::search
