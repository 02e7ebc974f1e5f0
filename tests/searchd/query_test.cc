// Tests of the query language (searchd/query.h): what each input parses to,
// what it marks for snippets, which documents it matches over a small
// in-memory index built with the schema's terms, and that no input throws.

#include "searchd/query.h"

#include <algorithm>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <xapian.h>

#include "analyzers/analyzer.h"
#include "corpus/article.h"
#include "indexer/indexer.h"
#include "indexer/synonyms.h"
#include "searchd/query_lexer.h"
#include "searchd/query_parts.h"

namespace frsearch::search {
namespace {

// ---- Compact renderings -------------------------------------------------------

/// Query::get_description() without its "Query(...)" wrapper.
std::string describe(const Xapian::Query& query) {
  const std::string d = query.get_description();
  return d.size() > 7 ? d.substr(6, d.size() - 7) : d;
}

/// Expands the shorthands of an expected description, so the tables say what
/// the parser builds without hard-coding what the stemmer does:
///   {w}   a word (index format 3: no exact-word terms): "(kStemWeight * Z<stem>
///         AND_MAYBE kExactTitleWeight * Sw)", the title's exact form as a bonus;
///         "Sw" for a stop word (no stem indexed: the titles holding it)
///   {S:w} the same in the title: "(Sw OR kStemWeight * ZS<stem>)"
///   {~a b} the proximity bonus of two neighbouring words, on their stems (where
///         the index keeps positions): "kProximityWeight * (Z<a> NEAR kProximityWindow
///         Z<b>)"; {~~a b} of two words one apart, with kSkipProximityWeight
///   {f:w} a question filler among other words: "kFillerWeight * {w}"
///   {Pn:a b c} a phrase of words on their stems, stop words left out, in a window
///         of n positions (P1: the one stem left, no phrase), weighed kStemWeight:
///         "kStemWeight * (Z<a> PHRASE n Z<c>)"; "w*" stands for a prefix that
///         expands to nothing (the bare Zw)
///   {Nn:a b c} the same with NEAR n; {pn:...}, {nn:...}: without the weight (what
///         Xapian keeps of them on the excluded side of AND_NOT)
std::string expand(const std::string& pattern);

/// The query of a {Pn:...} or {Nn:...} shorthand (see expand()).
Xapian::Query stem_positional(const std::string& shorthand) {
  using Q = Xapian::Query;
  const bool phrase = shorthand[0] == 'P' || shorthand[0] == 'p';
  const bool weighed = shorthand[0] == 'P' || shorthand[0] == 'N';
  const auto colon = shorthand.find(':');
  const auto window = static_cast<Xapian::termcount>(std::stoul(shorthand.substr(1, colon - 1)));
  std::istringstream words(shorthand.substr(colon + 1));
  std::vector<Q> stems;
  for (std::string w; words >> w;) {
    if (w.back() == '*') {
      stems.emplace_back("Z" + w.substr(0, w.size() - 1));
    } else if (!analysis::is_stop_word(w)) {
      stems.emplace_back("Z" + analysis::stem(w));
    }
  }
  const Q positional =
      stems.size() == 1 ? stems.front()
                        : Q(phrase ? Q::OP_PHRASE : Q::OP_NEAR, stems.begin(), stems.end(), window);
  return weighed ? Q(Q::OP_SCALE_WEIGHT, positional, kStemWeight) : positional;
}

/// The query of a {w} shorthand (see expand()).
Xapian::Query word_query(const std::string& w) {
  using Q = Xapian::Query;
  if (analysis::is_stop_word(w)) return Q("S" + w);
  const Q stem(Q::OP_SCALE_WEIGHT, Q("Z" + analysis::stem(w)), kStemWeight);
  if (kExactTitleWeight == 0) return stem;
  return Q(Q::OP_AND_MAYBE, stem, Q(Q::OP_SCALE_WEIGHT, Q("S" + w), kExactTitleWeight));
}

std::string expand(const std::string& pattern) {
  std::ostringstream out;
  std::size_t i = 0;
  while (i < pattern.size()) {
    const auto open = pattern.find('{', i);
    if (open == std::string::npos) {
      out << pattern.substr(i);
      break;
    }
    const auto close = pattern.find('}', open);
    out << pattern.substr(i, open - i);
    std::string word = pattern.substr(open + 1, close - open - 1);
    if (word.rfind('~', 0) == 0) {
      const bool skip = word.rfind("~~", 0) == 0;
      const auto space = word.find(' ');
      const std::size_t from = skip ? 2 : 1;
      const Xapian::Query pair[] = {
          Xapian::Query("Z" + analysis::stem(word.substr(from, space - from))),
          Xapian::Query("Z" + analysis::stem(word.substr(space + 1)))};
      out << describe(
          Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                        Xapian::Query(Xapian::Query::OP_NEAR, pair, pair + 2, kProximityWindow),
                        skip ? kSkipProximityWeight : kProximityWeight));
      i = close + 1;
      continue;
    }
    if (std::string("PNpn").find(word[0]) != std::string::npos && word.size() > 1 &&
        word[1] >= '0' && word[1] <= '9') {
      out << describe(stem_positional(word));
      i = close + 1;
      continue;
    }
    if (word.rfind("f:", 0) == 0) {  // a question filler among other words
      const std::string scaled = describe(
          Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query("x"), kFillerWeight));
      out << scaled.substr(0, scaled.size() - 1) << expand("{" + word.substr(2) + "}");
      i = close + 1;
      continue;
    }
    if (word.rfind("S:", 0) != 0) {
      out << describe(word_query(word));
    } else if (analysis::is_stop_word(word.substr(2))) {
      out << "S" << word.substr(2);
    } else {
      out << "(S" << word.substr(2) << " OR " << kStemWeight << " * ZS"
          << analysis::stem(word.substr(2)) << ")";
    }
    i = close + 1;
  }
  return out.str();
}

std::string join(const std::set<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

/// "w:donnees,sante s:don,sant p:hop" (empty parts left out).
std::string describe(const MatchTerms& terms) {
  std::string out;
  auto add = [&out](const char* tag, const std::set<std::string>& items) {
    if (items.empty()) return;
    out += (out.empty() ? "" : " ") + std::string(tag) + join(items);
  };
  add("w:", terms.words);
  add("s:", terms.stems);
  add("p:", terms.prefixes);
  return out;
}

/// Replaces <w> by stem(w) in an expected highlight.
std::string expand_stems(const std::string& pattern) {
  std::string out;
  std::size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == '<') {
      const auto close = pattern.find('>', i);
      out += analysis::stem(pattern.substr(i + 1, close - i - 1));
      i = close + 1;
    } else {
      out += pattern[i++];
    }
  }
  return out;
}

// ---- Parsing: input -> query ---------------------------------------------------

struct ParseCase {
  const char* input;
  const char* expected;  ///< description, with the shorthands of expand()
  bool fallback;
};

const ParseCase kParseCases[] = {
    // Nothing searchable: every document.
    {"", "<alldocuments>", false},
    {"  \t\n ", "<alldocuments>", false},
    {"?! …", "<alldocuments>", false},
    // Words: folded (case, accents, ligatures, elisions), OR-ed, on their stems, the
    // title's exact form as a bonus.
    {"hopital", "{hopital}", false},
    {"L'HÔPITAL", "{hopital}", false},
    {"l’hôpital", "{hopital}", false},
    {"cœur", "{coeur}", false},
    {"données santé", "({donnees} OR {sante} OR {~donnees sante})", false},
    {"les données de santé", "({donnees} OR {sante} OR {~donnees sante})",
     false},                           // stop words dropped
    {"le la", "(Sle OR Sla)", false},  // unless all are stop words: in the titles
    {"santé et vaccin", "({sante} OR {vaccin} OR {~sante vaccin})",
     false},  // lower case: a stop word
    {"santé and vaccin",
     "({sante} OR {and} OR {vaccin} OR ({~sante and} OR {~and vaccin} OR {~~sante vaccin}))",
     false},
    {"e-santé", "{P2:e sante}", false},  // one word, several tokens: a phrase on stems
    {"http://example.com", "{P3:http example com}", false},
    {"10:30", "{P2:10 30}", false},  // not a field
    // Boolean operators and their French forms.
    {"santé AND vaccin", "({sante} AND {vaccin})", false},
    {"santé ET vaccin", "({sante} AND {vaccin})", false},
    {"santé OR vaccin", "({sante} OR {vaccin})", false},
    {"santé OU vaccin", "({sante} OR {vaccin})", false},
    {"santé NOT vaccin", "({sante} AND_NOT {vaccin})", false},
    {"santé SAUF vaccin", "({sante} AND_NOT {vaccin})", false},
    {"santé NOT vaccin NOT grippe", "({sante} AND_NOT ({vaccin} OR {grippe}))", false},
    {"santé AND NOT vaccin", "({sante} AND_NOT {vaccin})", false},
    {"santé OR NOT vaccin", "({sante} OR (<alldocuments> AND_NOT {vaccin}))", false},
    {"NOT vaccin", "(<alldocuments> AND_NOT {vaccin})", false},
    {"SAUF vaccin grippe", "(<alldocuments> AND_NOT ({vaccin} OR {grippe} OR {~vaccin grippe}))",
     false},
    // Precedence: OR < AND < NOT < juxtaposition; parentheses.
    {"santé AND vaccin OR grippe", "(({sante} AND {vaccin}) OR {grippe})", false},
    {"santé OR vaccin ET grippe", "({sante} OR ({vaccin} AND {grippe}))", false},
    {"(santé OU vaccin) ET grippe", "(({sante} OR {vaccin}) AND {grippe})", false},
    {"santé vaccin SAUF grippe", "(({sante} OR {vaccin} OR {~sante vaccin}) AND_NOT {grippe})",
     false},
    {"(NOT grippe) vaccin", "({vaccin} AND_NOT {grippe})", false},
    // Required and excluded words.
    {"-vaccin", "(<alldocuments> AND_NOT {vaccin})", false},
    {"santé -vaccin", "({sante} AND_NOT {vaccin})", false},
    {"+santé vaccin -grippe", "(({sante} AND_MAYBE {vaccin}) AND_NOT {grippe})", false},
    {"+santé +vaccin", "({sante} AND {vaccin})", false},
    {"+le vaccin", "(Sle AND_MAYBE {vaccin})", false},  // a required stop word stays
    {"santé -(vaccin OR grippe)", "({sante} AND_NOT ({vaccin} OR {grippe}))", false},
    {"santé - vaccin", "({sante} OR {vaccin} OR {~sante vaccin})",
     false},  // a lone '-' is punctuation
    {"santé-vaccin", "{P2:sante vaccin}", false},
    // Phrases: on the stems, stop words out, the window covering their gaps.
    {"\"données de santé\"", "{P3:donnees de sante}", false},
    {"« données de santé »", "{P3:donnees de sante}", false},
    {"“données de santé”", "{P3:donnees de sante}", false},
    {"\"ministre de la santé\"", "{P4:ministre de la sante}", false},
    {"\"la santé des données\"", "{P3:la sante des donnees}", false},  // edges: no gap
    {"\"de la santé\"", "{P1:de la sante}", false},              // one stem left: no positions
    {"\"à la une\"", "(Sa PHRASE 3 Sla PHRASE 3 Sune)", false},  // stop words only: title
    {"données-de-sant*", "{P3:donnees de sant*}", false},  // expanded from the index (empty here)
    {"\"santé\"", "{sante}", false},                       // a phrase of one word is a word
    {"\"AND\"", "{and}", false},
    {"\"\" vaccin", "{vaccin}", false},
    {"-\"grippe aviaire\" vaccin", "({vaccin} AND_NOT {p2:grippe aviaire})", false},
    // Fields.
    {"titre:hôpital", "{S:hopital}", false},
    {"Title:hôpital", "{S:hopital}", false},
    {"titre:\"données de santé\"", "(Sdonnees PHRASE 3 Sde PHRASE 3 Ssante)", false},
    {"titre:(hôpital OR clinique)", "({S:hopital} OR {S:clinique})", false},
    {"titre:hôpital grippe", "({S:hopital} OR {grippe})", false},
    {"-titre:grippe vaccin", "({vaccin} AND_NOT {S:grippe})", false},
    {"categorie:santé", "0 * Ksante", false},
    {"catégorie:Santé", "0 * Ksante", false},
    {"category:\"À la  une\"", "0 * Ka la une", false},
    {"categorie:évén*", "0 * Keven", false},  // expanded from the index (empty here)
    {"vaccin categorie:santé", "({vaccin} FILTER Ksante)", false},
    {"vaccin -categorie:santé", "({vaccin} AND_NOT Ksante)", false},
    {"categorie:santé OR categorie:sport", "0 * (Ksante OR Ksport)", false},
    {"date:2020-01-01..2021-06-30", "VALUE_RANGE 0 20200101 20210630", false},
    {"date:2020", "VALUE_RANGE 0 20200101 20201231", false},
    {"date:2020-02", "VALUE_RANGE 0 20200201 20200229", false},
    {"date:2021-02", "VALUE_RANGE 0 20210201 20210228", false},
    {"date:2021-02-03", "VALUE_RANGE 0 20210203 20210203", false},
    {"date:2021..", "VALUE_GE 0 20210101", false},
    {"date:..2020-06", "VALUE_LE 0 20200630", false},
    {"date:..", "<alldocuments>", false},
    {"vaccin date:2021 categorie:santé",
     "({vaccin} FILTER (VALUE_RANGE 0 20210101 20211231 AND Ksante))", false},
    // Prefixes.
    {"hôp*", "Zhop", false},  // expanded from the dictionary and stems: none, the bare prefix
    {"HOP*", "Zhop", false},
    {"titre:hôp*", "Shop", false},
    {"*", "<alldocuments>", false},
    {"h*", "<alldocuments>", false},  // too short to expand: ignored
    {"vaccin *", "{vaccin}", false},
    {"e-sa*", "{P2:e sa*}", false},  // expanded from the index (empty here)
    // NEAR: stems within n positions (Xapian's window = n + words - 1, stop
    // words counted).
    {"vaccin NEAR grippe", "{N11:vaccin grippe}", false},
    {"vaccin NEAR/3 grippe", "{N4:vaccin grippe}", false},
    {"vaccin NEAR grippe NEAR/20 hôpital", "{N22:vaccin grippe hopital}", false},
    {"vaccin NEAR \"grippe aviaire\"", "{N12:vaccin grippe aviaire}", false},
    {"vaccin NEAR \"grippe de la saison\"", "{N14:vaccin grippe saison}", false},
    {"vaccin NEAR (grippe OR rhume)", "({vaccin} AND ({grippe} OR {rhume}))", false},
    {"-vaccin NEAR grippe santé", "({sante} AND_NOT {n11:vaccin grippe})", false},
    {"le NEAR santé", "(Sle AND {sante})", false},  // a stop word has no position
    {"santé NEAR le NEAR vaccin", "({N12:sante vaccin} AND Sle)", false},
    {"titre:grippe NEAR/3 titre:vaccin", "(Sgrippe NEAR 4 Svaccin)", false},  // exact
    {"vaccin near grippe",
     "({vaccin} OR {near} OR {grippe} OR ({~vaccin near} OR {~near grippe} OR {~~vaccin grippe}))",
     false},
    // Broken syntax: plain words, operators and punctuation ignored.
    {"santé AND", "{sante}", true},
    {"AND santé", "{sante}", true},
    {"OR OR", "<alldocuments>", true},
    {"santé NEAR", "{sante}", true},
    {"santé NOT", "{sante}", true},
    {":", "<alldocuments>", true},
    {":santé", "{sante}", true},
    {"titre:", "{titre}", true},
    {"titre: hôpital", "({titre} OR {hopital} OR {~titre hopital})", true},
    {"categorie:(santé)", "({categorie} OR {sante} OR {~categorie sante})", true},
    {"date:hier", "({f:date} OR {hier} OR {~date hier})", true},
    {"date:2021-02-30", "({f:date} OR {P3:2021 02 30})", true},
    {"(santé", "{sante}", true},
    {"santé)", "{sante}", true},
    {"()", "<alldocuments>", true},
    {"\"données de santé", "({donnees} OR {sante} OR {~donnees sante})", true},
    {"(santé OR) -vaccin", "({sante} OR {vaccin} OR {~sante vaccin})", true},
    {"hôp* AND", "{hop}", true},
};

TEST(QueryParse, Table) {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  const QueryParser parser(db);
  for (const ParseCase& c : kParseCases) {
    SCOPED_TRACE(c.input);
    const ParsedQuery parsed = parser.parse(c.input);
    EXPECT_EQ(describe(parsed.query), expand(c.expected));
    EXPECT_EQ(parsed.fallback, c.fallback);
  }
}

// ---- Highlighting: what snippets mark ----------------------------------------

struct HighlightCase {
  const char* input;
  const char* expected;  ///< describe(MatchTerms), <w> standing for stem(w)
};

const HighlightCase kHighlightCases[] = {
    {"", ""},
    {"Hôpital", "w:hopital s:<hopital>"},
    {"les données", "w:donnees s:<donnees>"},
    {"le la", "w:la,le"},  // stop words have no stem
    {"hopital -vaccin", "w:hopital s:<hopital>"},
    {"santé NOT vaccin", "w:sante s:<sante>"},
    {"NOT vaccin", ""},
    {"santé OR NOT vaccin", "w:sante s:<sante>"},
    {"\"données de santé\"", "w:donnees,sante s:<donnees>,<sante>"},  // inflections too
    {"\"à la une\"", "w:a,la,une"},
    {"hôp* AND titre:clinique", "w:clinique s:<clinique> p:hop"},
    {"e-san*", "w:e s:<e> p:san"},
    {"vaccin NEAR grippe", "w:grippe,vaccin s:<grippe>,<vaccin>"},
    {"categorie:santé date:2020", ""},
    {"santé AND", "w:sante s:<sante>"},  // fallback
};

TEST(QueryParse, Highlight) {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  const QueryParser parser(db);
  for (const HighlightCase& c : kHighlightCases) {
    SCOPED_TRACE(c.input);
    EXPECT_EQ(describe(parser.parse(c.input).highlight), expand_stems(c.expected));
  }
}

// ---- The lexer ------------------------------------------------------------------

std::string describe(const LexResult& lexed) {
  static const char* const kNames[] = {"W", "P",   "(",  ")",   "F",   "+",
                                       "-", "AND", "OR", "NOT", "NEAR"};
  std::string out;
  for (const LexToken& t : lexed.tokens) {
    if (!out.empty()) out += ' ';
    if (t.attached) out += '^';
    out += kNames[static_cast<int>(t.kind)];
    if (t.kind == LexToken::Kind::kWord || t.kind == LexToken::Kind::kPhrase ||
        t.kind == LexToken::Kind::kField) {
      out += "[" + t.text + "]";
    }
    if (t.kind == LexToken::Kind::kNear) out += "/" + std::to_string(t.window);
  }
  return lexed.broken ? out + " BROKEN" : out;
}

TEST(QueryLexer, Tokens) {
  const std::pair<const char*, const char*> cases[] = {
      {"a b", "W[a] W[b]"},
      {"(a OR b)", "( W[a] OR W[b] )"},
      {"a ET b OU c SAUF d", "W[a] AND W[b] OR W[c] NOT W[d]"},
      {"a NEAR b NEAR/5 c NEAR/x", "W[a] NEAR/10 W[b] NEAR/5 W[c] W[NEAR/x]"},
      {"a NEAR/99999999999 b", "W[a] NEAR/1000 W[b]"},
      {"-a +\"b c\" -(d)", "- ^W[a] + ^P[b c] - ^( W[d] )"},
      {"a-b - c", "W[a-b] W[-] W[c]"},
      {"titre:x Catégorie:\"À la une\" date:2020..",
       "F[titre] ^W[x] F[Catégorie] ^P[À la une] F[date] ^W[2020..]"},
      {"-titre:x titre:-x", "- ^F[titre] ^W[x] F[titre] ^W[-x]"},
      {"titre: x", "F[titre] W[x]"},
      {"http://x 10:30", "W[http://x] W[10:30]"},
      {"-AND +OR", "- ^W[AND] + ^W[OR]"},
      {"« a b » “c d” “e f\"", "P[ a b ] P[c d] P[e f]"},
      {"a » b", "W[a] W[b]"},
      {"a\xC2\xA0"
       "b",
       "W[a] W[b]"},  // no-break space
      {"\"a b", " BROKEN"},
      {":x", " BROKEN"},
  };
  for (const auto& [input, expected] : cases) {
    SCOPED_TRACE(input);
    EXPECT_EQ(describe(lex_query(input)), expected);
  }
}

TEST(QueryLexer, PlainChunks) {
  std::string out;
  for (const std::string_view chunk : plain_chunks("(santé AND \"titre:x\" NEAR/3 «a» OU-b"))
    out += "[" + std::string(chunk) + "]";
  EXPECT_EQ(out, "[santé][titre][x][a][OU-b]");
}

// ---- Matching over a small index ---------------------------------------------------

struct TestArticle {
  const char* id;
  const char* title;
  const char* body;
  std::vector<std::string> categories;
  const char* day;  ///< YYYY-MM-DD
};

/// Indexes @p article exactly as the indexer does (indexer::make_document).
void add_article(Xapian::WritableDatabase& db, const TestArticle& article) {
  static const analysis::Analyzer analyzer = analysis::make_french_analyzer();
  corpus::Article a;
  a.id = article.id;
  a.title = article.title;
  a.body = article.body;
  a.categories = article.categories;
  a.date = a.day = article.day;
  a.sort_key = a.day.substr(0, 4) + a.day.substr(5, 2) + a.day.substr(8, 2) + "000000";
  a.record = {{"id", a.id}};
  db.add_document(indexer::make_document(a, analyzer));
}

/// The id of a document added by add_article().
std::string id_of(const Xapian::Document& doc) {
  return nlohmann::json::parse(doc.get_data()).at("id").get<std::string>();
}

/// The ids of @p db's documents matching @p text, best first, ranked as a
/// relevance search ranks them (relevance_weight()).
std::vector<std::string> ranked_in(const Xapian::Database& db, const QueryParser& parser,
                                   const std::string& text) {
  Xapian::Enquire enquire(db);
  enquire.set_query(parser.parse(text).query);
  enquire.set_weighting_scheme(relevance_weight());
  const Xapian::MSet mset = enquire.get_mset(0, db.get_doccount());
  std::vector<std::string> out;
  for (auto it = mset.begin(); it != mset.end(); ++it) out.push_back(id_of(it.get_document()));
  return out;
}

const TestArticle kArticles[] = {
    {"hopital",
     "L’hôpital de Paris recrute",
     "Les données de santé des patients sont protégées.",
     {"À la une"},
     "2021-12-23"},
    {"vaccin",
     "Vaccin contre la grippe",
     "Le vaccin contre la grippe saisonnière est recommandé ; les données de vaccination sont "
     "publiées.",
     {"Santé"},
     "2020-10-05"},
    {"donnees",
     "Santé des données",
     "La santé des données numériques inquiète les hôpitaux.",
     {"Numérique"},
     "2019-03-01"},
    {"coeur",
     "Un cœur artificiel",
     "Les chirurgiens ont greffé un cœur artificiel.",
     {"Innovation", "À la une"},
     "2021-01-01"},
    {"evenement",
     "Événement à Lyon",
     "Un grand événement sur la e-santé se tient près de l’hôpital.",
     {"Agenda"},
     "2021-06-30"},
    {"evenements",
     "Les événements du mois",
     "Les événements du mois à Lyon.",
     {"Agenda"},
     "2022-01-15"},
};

class QueryMatch : public ::testing::Test {
 protected:
  QueryMatch() : db_(std::string(), Xapian::DB_BACKEND_INMEMORY), parser_(db_) {
    for (const TestArticle& article : kArticles) add_article(db_, article);
  }

  /// The ids matching @p text, sorted, comma-separated.
  std::string ids(const std::string& text) {
    std::set<std::string> found;
    for (const std::string& id : ranked(text)) found.insert(id);
    return join(found);
  }

  /// The ids matching @p text, best first.
  std::vector<std::string> ranked(const std::string& text) { return ranked_in(db_, parser_, text); }

  Xapian::WritableDatabase db_;
  QueryParser parser_;
};

TEST_F(QueryMatch, EachOperatorChangesTheMatches) {
  const std::pair<const char*, const char*> cases[] = {
      // Accents, case, ligatures, elisions, inflections.
      {"hopital", "donnees,evenement,hopital"},  // hôpitaux by its stem
      {"l'HÔPITAL", "donnees,evenement,hopital"},
      {"coeur", "coeur"},
      {"CŒUR", "coeur"},
      {"evenements", "evenement,evenements"},
      {"vaccins", "vaccin"},
      {"les cœur", "coeur"},  // "les" dropped beside another word
      {"les", "evenements"},  // but searched alone, in the titles (no stem in the text)
      {"le", ""},             // "Le vaccin" in a body only
      // Plain words: any of them.
      {"vaccin cœur", "coeur,vaccin"},
      {"vaccin OR cœur", "coeur,vaccin"},
      {"vaccin OU coeur", "coeur,vaccin"},
      {"données AND vaccin", "vaccin"},
      {"données ET santé", "donnees,hopital"},
      {"données SAUF vaccin", "donnees,hopital"},
      {"données NOT vaccin", "donnees,hopital"},
      {"données AND NOT vaccin", "donnees,hopital"},
      {"NOT données", "coeur,evenement,evenements"},
      {"-données", "coeur,evenement,evenements"},
      {"+données santé", "donnees,hopital,vaccin"},
      {"santé -données", "evenement"},
      {"(vaccin OR cœur) ET categorie:\"à la une\"", "coeur"},
      // Phrases.
      {"\"données de santé\"", "hopital"},
      {"\"santé des données\"", "donnees"},
      {"\"grippe saisonnière\"", "vaccin"},
      {"\"saisonnière grippe\"", ""},
      {"e-santé", "evenement"},
      // Fields.
      {"titre:hôpital", "hopital"},
      {"titre:santé", "donnees"},
      {"titre:\"santé des données\"", "donnees"},
      {"titre:(vaccin OR cœur)", "coeur,vaccin"},
      {"categorie:\"à la une\"", "coeur,hopital"},
      {"categorie:\"A LA UNE\"", "coeur,hopital"},
      {"category:sante", "vaccin"},
      {"catégorie:Numérique données", "donnees"},
      {"categorie:agen*", "evenement,evenements"},
      {"données -categorie:santé", "donnees,hopital"},
      // Dates, inclusive.
      {"date:2021", "coeur,evenement,hopital"},
      {"date:2021-01-01..2021-06-30", "coeur,evenement"},
      {"date:..2020-10-05", "donnees,vaccin"},
      {"date:2021-12-23..", "evenements,hopital"},
      {"date:2021-06", "evenement"},
      {"lyon date:2022", "evenements"},
      // Prefixes over accented and unaccented forms.
      {"hôp*", "donnees,evenement,hopital"},
      {"hop*", "donnees,evenement,hopital"},
      {"titre:hôp*", "hopital"},
      {"e-san*", "evenement"},
      {"hôp* -lyon", "donnees,hopital"},
      // NEAR: vaccin and grippe are 3 positions apart.
      {"vaccin NEAR grippe", "vaccin"},
      {"vaccin NEAR/3 grippe", "vaccin"},
      {"vaccin NEAR/2 grippe", ""},
      {"hôp* NEAR/5 santé", "evenement"},
      {"hôp* NEAR/4 santé", ""},
      // Everything, and broken syntax as plain words.
      {"", "coeur,donnees,evenement,evenements,hopital,vaccin"},
      {"données AND", "donnees,hopital,vaccin"},
      {"(cœur", "coeur"},
  };
  for (const auto& [query, expected] : cases) {
    SCOPED_TRACE(query);
    EXPECT_EQ(ids(query), expected);
  }
}

// Phrases and NEAR look at the stems' positions (index format 2 on, schema.h):
// inflected phrases match, order still counts, stop words leave gaps that the
// window covers, title phrases stay exact, a phrase of stop words only is
// looked for in the titles.
TEST(QueryPositions, PhrasesAndNearMatchOnStems) {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  const TestArticle articles[] = {
      {"ministre", "Conférence", "Le ministre de la santé a parlé aux médecins.", {}, "2021-01-01"},
      {"inverse", "Portrait", "La santé du ministre inquiète ses proches.", {}, "2021-01-01"},
      {"donnees",
       "Registre",
       "Les données de santé des patients sont protégées.",
       {},
       "2021-01-01"},
      {"une", "À la une du jour", "Il fait la une de tous les journaux.", {}, "2021-01-01"},
      {"titre", "Ministres de la santé", "Une réunion à Bruxelles.", {}, "2021-01-01"},
  };
  for (const TestArticle& article : articles) add_article(db, article);
  const QueryParser parser(db);
  const auto ids = [&](const std::string& text) {
    std::set<std::string> found;
    for (const std::string& id : ranked_in(db, parser, text)) found.insert(id);
    return join(found);
  };
  const std::pair<const char*, const char*> cases[] = {
      {"\"ministre de la santé\"", "ministre,titre"},
      {"\"ministres de la santé\"", "ministre,titre"},  // inflected
      {"\"donnée de santé\"", "donnees"},               // inflected
      {"\"données de santé\"", "donnees"},
      {"\"santé ministre\"", ""},  // order kept
      {"\"santé du ministre\"", "inverse"},
      {"\"ministre santé\"", ""},               // the gap of "de la" is not in the query
      {"\"santé de la ministre\"", "inverse"},  // another stop word, same gap width
      // Stop words only: an exact phrase on the title words, which keep every position.
      {"\"la une\"", "une"},
      {"\"à la une\"", "une"},
      {"\"une la\"", ""},      // order kept
      {"\"la une de\"", ""},   // in the body only: not found
      {"\"de la\"", "titre"},  // in the body of "ministre" too: titles only
      {"titre:\"la une\"", "une"},
      {"donnée-de-sant*", "donnees"},  // a prefix: its words' stems
      {"donnée-de-patien*", ""},
      {"sant* NEAR/2 patient", "donnees"},
      {"sant* NEAR/1 patient", ""},
      {"ministres NEAR/4 santés", "inverse,ministre,titre"},
      {"santé NEAR/4 médecin", "ministre"},  // santé ... médecins: 4 apart
      {"santé NEAR/3 médecin", ""},
      {"donnée NEAR/4 patients", "donnees"},
      {"donnée NEAR/3 patients", ""},
      {"titre:\"ministres de la santé\"", "titre"},  // title phrases stay exact
      {"titre:\"ministre de la santé\"", ""},
      {"e-santé", ""},
  };
  for (const auto& [query, expected] : cases) {
    SCOPED_TRACE(query);
    EXPECT_EQ(ids(query), expected);
  }
  // The exact phrase ranks above an inflected one.
  const std::vector<std::string> ranked = ranked_in(db, parser, "\"ministres de la santé\"");
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked.front(), "titre");
}

// Index format 3 keeps exact forms in the titles only ("S" terms): a title with
// the very form asked for ranks above a title with an inflection of it.
TEST_F(QueryMatch, ExactTitleWordsRankAboveInflections) {
  EXPECT_EQ(ranked("evenement").front(), "evenement");
  EXPECT_EQ(ranked("evenements").front(), "evenements");
  EXPECT_EQ(ranked("hopital").front(), "hopital");  // the others: in a body only
}

/// The ids of @p articles matching @p text, best first (ties: the first added).
std::vector<std::string> ranked_among(const std::vector<TestArticle>& articles,
                                      const std::string& text) {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  for (const TestArticle& article : articles) add_article(db, article);
  return ranked_in(db, QueryParser(db), text);
}

TEST(QueryRanking, NeighbouringWordsRankAboveScatteredOnes) {
  // The same words, as often, in texts of the same length: only their distance
  // differs. The scattered one is added first, so it wins a tie.
  const std::vector<TestArticle> articles = {
      {"scattered",
       "Budget",
       "Réforme : code du travail voté hier soir par les députés ; retraites.",
       {},
       "2021-01-01"},
      {"neighbours",
       "Budget",
       "Code du travail voté hier soir par les députés ; réforme, retraites.",
       {},
       "2021-01-01"},
  };
  EXPECT_EQ(ranked_among(articles, "réforme retraites").front(), "neighbours");
  EXPECT_EQ(ranked_among(articles, "la réforme des retraites").front(), "neighbours");
  EXPECT_EQ(ranked_among(articles, "retraites réforme").front(), "neighbours");  // either order
  // Operators keep their meaning: no bonus beside a required word.
  EXPECT_EQ(ranked_among(articles, "+réforme +retraites").front(), "scattered");
}

TEST(QueryRanking, TwoWordQueryPutsDocumentsWithBothFirst) {
  // A visitor's two words: the article holding both comes first, above ones
  // repeating only one of them, with or without accents.
  const std::vector<TestArticle> articles = {
      {"vaccin",
       "Vaccin",
       "Le vaccin, encore le vaccin : un vaccin attendu, un vaccin testé.",
       {},
       "2021-01-01"},
      {"grippe",
       "Grippe",
       "La grippe revient ; la grippe saisonnière, la grippe aviaire.",
       {},
       "2021-01-01"},
      {"both",
       "Hiver",
       "Cet hiver, la campagne contre la grippe propose un vaccin en pharmacie.",
       {},
       "2021-01-01"},
      {"other", "Santé", "Les hôpitaux recrutent des infirmiers pour l’hiver.", {}, "2021-01-01"},
  };
  EXPECT_EQ(ranked_among(articles, "vaccin grippe").front(), "both");
  EXPECT_EQ(ranked_among(articles, "VACCIN Grippe").front(), "both");
}

TEST(QueryRanking, QuestionFillersWeighLessThanTheSubject) {
  // "le nom du vaccin": the article on the vaccine comes before the one repeating
  // "nom" (with every word weighed alike, the repetition wins).
  const std::vector<TestArticle> articles = {
      {"nom", "Registre", "Le nom, encore le nom : un nom attendu.", {}, "2021-01-01"},
      {"vaccin", "Registre", "Un vaccin attendu arrive en pharmacie.", {}, "2021-01-01"},
  };
  EXPECT_EQ(ranked_among(articles, "le nom du vaccin").front(), "vaccin");
  EXPECT_EQ(ranked_among(articles, "nom").front(), "nom");  // alone, it is the subject
}

TEST(QueryRanking, ShortTextsWeighByTheirOwnLength) {
  // BM25's length normalisation down to a fifth of the average length
  // (kBm25MinNormLen): a brief naming the word once outranks a text twice as
  // long naming it once, though both are shorter than half the average (with
  // Xapian's default clamp at half, they tie and the longer one, added first, wins).
  std::string filler;
  for (int i = 0; i < 15; ++i) filler += "Les marchés financiers restent calmes aujourd’hui. ";
  const std::vector<TestArticle> articles = {
      {"longer",
       "Brève",
       "Une campagne nationale contre la grippe commence lundi dans les pharmacies et "
       "cabinets médicaux du pays, annoncent les autorités sanitaires régionales.",
       {},
       "2021-01-01"},
      {"brief", "Brève", "La grippe arrive.", {}, "2021-01-01"},
      {"filler1", "Bourse", filler.c_str(), {}, "2021-01-01"},
      {"filler2", "Bourse", filler.c_str(), {}, "2021-01-01"},
      {"filler3", "Bourse", filler.c_str(), {}, "2021-01-01"},
  };
  EXPECT_EQ(ranked_among(articles, "grippe"), (std::vector<std::string>{"brief", "longer"}));
}

// ---- Synonyms and acronyms (indexer/synonyms.h) -----------------------------------

TEST(SynonymTable, ReadsGroupsWithTheDocumentsAnalysis) {
  const indexer::SynonymTable table = indexer::SynonymTable::parse(
      "# a comment\n"
      "\n"
      "SNDS\tSystème national des données de santé\r\n"
      "CNIL\tCommission nationale de l’informatique et des libertés\n"
      "IA\tIntelligence Artificielle\tI.A.\n"
      "ia\tAI\n");
  ASSERT_NE(table.equivalents("snds"), nullptr);
  EXPECT_EQ(*table.equivalents("snds"),
            std::vector<std::string>{"systeme national des donnees de sante"});
  EXPECT_EQ(*table.equivalents("systeme national des donnees de sante"),
            std::vector<std::string>{"snds"});
  // Elisions as in the documents ("l’informatique" -> "informatique").
  EXPECT_EQ(*table.equivalents("cnil"),
            std::vector<std::string>{"commission nationale de informatique et des libertes"});
  // An expression in two groups is equivalent to both groups' members.
  const std::vector<std::string>* ia = table.equivalents("ia");
  ASSERT_NE(ia, nullptr);
  EXPECT_NE(std::find(ia->begin(), ia->end(), "intelligence artificielle"), ia->end());
  EXPECT_NE(std::find(ia->begin(), ia->end(), "ai"), ia->end());
  EXPECT_EQ(table.equivalents("SNDS"), nullptr);  // keys are folded
  EXPECT_EQ(table.longest(), 7u);
  // What the index stores reads back the same.
  const indexer::SynonymTable decoded = indexer::SynonymTable::decode(table.encode());
  EXPECT_EQ(decoded.encode(), table.encode());
  EXPECT_EQ(*decoded.equivalents("snds"), *table.equivalents("snds"));
  EXPECT_TRUE(indexer::SynonymTable::decode("").empty());
}

TEST(SynonymTable, RejectsALineWithOneExpression) {
  EXPECT_THROW(indexer::SynonymTable::parse("SNDS\tSNDS\nHDH\tHealth Data Hub\n"),
               std::runtime_error);
  EXPECT_THROW(indexer::SynonymTable::parse("SNDS Système national des données de santé\n"),
               std::runtime_error);  // spaces, not a tab
}

class QuerySynonyms : public ::testing::Test {
 protected:
  QuerySynonyms() : db_(std::string(), Xapian::DB_BACKEND_INMEMORY), parser_(db_) {
    const TestArticle articles[] = {
        {"acronym", "Accès", "Le SNDS ouvre ses tables aux équipes.", {}, "2021-01-01"},
        {"expansion",
         "Accès",
         "Le système national des données de santé ouvre ses tables.",
         {},
         "2021-01-01"},
        {"scattered",
         "Accès",
         "Un système de santé national et des données ouvertes.",
         {},
         "2021-01-01"},
        {"ia", "Cardiologie", "L’IA lit les électrocardiogrammes.", {}, "2021-01-01"},
        {"intelligence",
         "Cardiologie",
         "L’intelligence artificielle lit les électrocardiogrammes.",
         {},
         "2021-01-01"},
    };
    for (const TestArticle& article : articles) add_article(db_, article);
  }

  void use_table() {
    indexer::write_synonyms(
        db_, indexer::SynonymTable::parse("SNDS\tSystème national des données de santé\n"
                                          "IA\tintelligence artificielle\n"));
  }

  std::vector<std::string> ranked(const std::string& text) { return ranked_in(db_, parser_, text); }
  std::string ids(const std::string& text) {
    const std::vector<std::string> found = ranked(text);
    return join(std::set<std::string>(found.begin(), found.end()));
  }

  Xapian::WritableDatabase db_;
  QueryParser parser_;
};

TEST_F(QuerySynonyms, AcronymFindsItsExpansionAndBack) {
  // Without the table each form finds only itself.
  EXPECT_EQ(ids("SNDS"), "acronym");
  EXPECT_EQ(ids("\"système national des données de santé\""), "expansion");
  EXPECT_EQ(ids("IA"), "ia");
  use_table();
  EXPECT_EQ(ids("SNDS"), "acronym,expansion");
  EXPECT_EQ(ids("snds"), "acronym,expansion");
  EXPECT_EQ(ranked("SNDS").front(), "acronym");  // the word as typed first
  EXPECT_EQ(ids("\"système national des données de santé\""), "acronym,expansion");
  EXPECT_EQ(ids("\"systeme national des donnees de sante\""), "acronym,expansion");
  // As plain words: the expression's words, plus its acronym; the phrase first.
  const std::vector<std::string> plain = ranked("système national des données de santé");
  EXPECT_EQ(std::set<std::string>(plain.begin(), plain.end()),
            (std::set<std::string>{"acronym", "expansion", "scattered"}));
  EXPECT_EQ(plain.front(), "expansion");
  EXPECT_EQ(ids("IA"), "ia,intelligence");
  EXPECT_EQ(ids("l'intelligence artificielle"), "ia,intelligence");
  // Operators keep their meaning: only optional words are expanded.
  EXPECT_EQ(ids("+SNDS"), "acronym");
  EXPECT_EQ(ids("titre:SNDS"), "");
  EXPECT_EQ(ids("SNDS -santé"), "acronym");
  // Snippets mark the equivalents too.
  const MatchTerms marks = parser_.parse("SNDS").highlight;
  EXPECT_EQ(marks.words.count("snds"), 1u);
  EXPECT_EQ(marks.words.count("systeme"), 1u);
  EXPECT_EQ(marks.words.count("sante"), 1u);
  EXPECT_EQ(marks.words.count("de"), 0u);  // stop words are not marked
}

// ---- Robustness ------------------------------------------------------------------

TEST_F(QueryMatch, RandomSyntaxNeverThrows) {
  const std::vector<std::string> pieces = {
      "(",       ")",      "\"",         "«",     "»",       "“",     "”",
      "-",       "+",      "*",          ":",     "..",      " ",     " ",
      " ",       "titre:", "categorie:", "date:", "AND",     "OR",    "NOT",
      "ET",      "OU",     "SAUF",       "NEAR",  "NEAR/2",  "santé", "l’hôpital",
      "e-santé", "hôp",    "le",         "2021",  "2021-06", "\xff",  std::string(1, '\0'),
      "\xC3",    "vaccin", "à la une",   "/",     "'",       "NEAR/"};
  std::mt19937 random(20240611);
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    const int n = static_cast<int>(random() % 12);
    for (int j = 0; j < n; ++j) text += pieces[random() % pieces.size()];
    SCOPED_TRACE(testing::PrintToString(text));
    ParsedQuery parsed;
    ASSERT_NO_THROW(parsed = parser_.parse(text));
    ASSERT_FALSE(parsed.query.empty());
    Xapian::Enquire enquire(db_);
    enquire.set_query(parsed.query);
    ASSERT_NO_THROW(enquire.get_mset(0, 10));  // Xapian accepts it at search time too
  }
}

TEST_F(QueryMatch, HugeAndHostileInputs) {
  const std::string nested = std::string(10000, '(') + "cœur" + std::string(10000, ')');
  const ParsedQuery deep = parser_.parse(nested);
  EXPECT_TRUE(deep.fallback);
  EXPECT_EQ(describe(deep.query), expand("{coeur}"));

  const std::string fields = [] {
    std::string s;
    for (int i = 0; i < 5000; ++i) s += "titre:";
    return s + "cœur";
  }();
  EXPECT_TRUE(parser_.parse(fields).fallback);

  std::string many;  // 100 KB of distinct words: the terms are capped
  for (int i = 0; many.size() < 100000; ++i) many += "mot" + std::to_string(i) + " ";
  const Xapian::Query capped = parser_.parse(many).query;
  const auto terms = std::distance(capped.get_unique_terms_begin(), capped.get_unique_terms_end());
  EXPECT_GT(terms, 100);
  EXPECT_LE(terms, static_cast<long>(kMaxQueryTerms));

  std::string ops;  // a long chain of operators is parsed into a flat query
  for (int i = 0; i < 1200; ++i) ops += "cœur NOT vaccin OR ";
  ops += "cœur";
  EXPECT_FALSE(parser_.parse(ops).fallback);
  for (int i = 0; i < 20000; ++i) ops += "cœur NOT vaccin OR ";
  EXPECT_TRUE(parser_.parse(ops).fallback);  // too many tokens: plain words

  for (const std::string& text :
       {std::string("c\0ur", 4), std::string("\xff\xfe titre:\xc3 \"\xe2\x80"),
        std::string(100000, '"'), std::string(100000, '*'), std::string(50000, '-'),
        std::string("date:") + std::string(1000, '9')}) {
    ParsedQuery parsed;
    ASSERT_NO_THROW(parsed = parser_.parse(text));
    Xapian::Enquire enquire(db_);
    enquire.set_query(parsed.query);
    ASSERT_NO_THROW(enquire.get_mset(0, 10));
  }
}

}  // namespace
}  // namespace frsearch::search
