// Related articles (issue 6) over a temp index of the sample corpus
// (corpus/sample/articles.jsonl, with its reposts and topic clusters): never the
// article itself, reposts once, the category/from/to filters on both routes,
// drafts analysed like documents (all caps, no accents, 10,000 words, empty),
// through the Searcher and through the HTTP handlers (dispatch(), no sockets).
#include <unicode/locid.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "corpus/article.h"
#include "indexer/indexer.h"
#include "indexer/schema.h"
#include "searchd/http.h"
#include "searchd/search.h"
#include "searchd/search_common.h"
#include "searchd/search_related.h"
#include "tests/corpus/test_util.h"
#include "tests/searchd/handler_util.h"

namespace frsearch::search {
namespace {

using nlohmann::json;
using Params = std::multimap<std::string, std::string>;

const std::string kSample = FRS_SOURCE_DIR "/corpus/sample/articles.jsonl";

/// The reposts of corpus/sample/README.md: (original, repost).
const std::pair<std::string, std::string> kReposts[] = {
    {"2022-09-webinaire-ia-depistage-cancers", "2022-09-webinaire-ia-depistage-cancers-rappel"},
    {"2023-02-appel-projets-maladies-rares", "2023-03-appel-projets-maladies-rares-prolongation"},
    {"2024-01-hopital-acteur-central-recherche",
     "2024-02-hopital-acteur-central-recherche-republication"},
};

std::string icu_transform(const std::string& text, bool upper) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(text);
  if (upper) {
    u.toUpper(icu::Locale::getFrench());
  } else {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> strip(icu::Transliterator::createInstance(
        "NFD; [:Nonspacing Mark:] Remove; NFC", UTRANS_FORWARD, status));
    EXPECT_TRUE(U_SUCCESS(status));
    strip->transliterate(u);
  }
  std::string out;
  return u.toUTF8String(out);
}

std::vector<std::string> ids_of(const std::vector<Hit>& hits) {
  std::vector<std::string> ids;
  for (const Hit& hit : hits) ids.push_back(hit.id);
  return ids;
}

std::string joined(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += id + " ";
  return out;
}

class RelatedTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new corpus::testing::TempDir;
    articles_ = new std::map<std::string, corpus::Article>;
    corpus::read_file(
        kSample,
        [](corpus::Article&& a) {
          articles_->emplace(a.id, std::move(a));
          return true;
        },
        [](const corpus::Rejection&) { return true; });
    indexer::Options options;
    options.index_dir = index_dir();
    std::ostringstream err;
    const indexer::Summary summary = indexer::build(options, {kSample}, err);
    ASSERT_EQ(summary.rejected, 0u) << err.str();
    ASSERT_EQ(summary.indexed, articles_->size());
  }
  static void TearDownTestSuite() {
    delete articles_;
    delete dir_;
  }
  static std::string index_dir() { return dir_->path().string() + "/index"; }

  void SetUp() override { context_.emplace(index_dir()); }
  Searcher& searcher() { return context_->searcher(); }

  Response call(const std::string& method, const std::string& path, Params params = {},
                std::string body = {}) {
    return testing::call(routes_, *context_, method, path, std::move(params), std::move(body));
  }

  static inline corpus::testing::TempDir* dir_ = nullptr;
  static inline std::map<std::string, corpus::Article>* articles_ = nullptr;
  std::vector<Route> routes_ = api_routes();
  std::optional<testing::DirContext> context_;
};

/// Checks every hit of @p hits against @p filters, by the stored article.
void expect_within(const std::vector<std::string>& ids, const Filters& filters,
                   const std::map<std::string, corpus::Article>& articles) {
  for (const std::string& id : ids) {
    const corpus::Article& a = articles.at(id);
    if (!filters.categories.empty()) {
      EXPECT_TRUE(std::any_of(filters.categories.begin(), filters.categories.end(),
                              [&](const std::string& c) {
                                return std::count(a.categories.begin(), a.categories.end(), c);
                              }))
          << id;
    }
    if (!filters.from.empty()) {
      EXPECT_GE(a.day, filters.from) << id;
    }
    if (!filters.to.empty()) {
      EXPECT_LE(a.day, filters.to) << id;
    }
  }
}

// ---- Near-duplicates ------------------------------------------------------------------

Xapian::Document doc_with_words(const std::vector<std::string>& words) {
  Xapian::Document doc;
  for (const auto& w : words) doc.add_term("Z" + w);  // the text's stems (index format 3)
  doc.add_term("Kprefixed");  // other prefixed terms do not count, title stems neither
  doc.add_term("ZSprefixed");
  return doc;
}

TEST(NearDuplicatesTest, SameTitleLongerTitleOrSameWords) {
  const analysis::Analyzer words = analysis::make_french_analyzer();
  const Xapian::Document a = doc_with_words({"alpha", "beta", "gamma", "delta"});
  const Xapian::Document b = doc_with_words({"epsilon", "zeta", "eta", "theta"});
  {
    detail::NearDuplicates seen(words);
    EXPECT_FALSE(seen.repeats(a, "L’Hôpital, encore !"));
    EXPECT_TRUE(seen.repeats(b, "l'hopital encore"));  // same folded title
    EXPECT_FALSE(seen.repeats(b, "L’hôpital, autrement"));
  }
  {
    detail::NearDuplicates seen(words);
    EXPECT_FALSE(seen.repeats(a, "Appel à projets : maladies rares (date limite prolongée)"));
    EXPECT_TRUE(seen.repeats(b, "Appel à projets : maladies rares"));  // 4+ words begin it
    EXPECT_FALSE(seen.repeats(b, "Appel à projets : cancers"));
  }
  {
    detail::NearDuplicates seen(words);
    EXPECT_FALSE(seen.repeats(a, "Le point"));
    EXPECT_FALSE(seen.repeats(b, "Le point sur la grippe"));  // 2 words: not a repost
  }
  {
    detail::NearDuplicates seen(words);
    EXPECT_FALSE(seen.repeats(doc_with_words({"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}),
                              "Un titre"));
    // 8 of 10 words shared (Jaccard 0.8): a repost with a note.
    EXPECT_TRUE(seen.repeats(doc_with_words({"a", "b", "c", "d", "e", "f", "g", "h", "note"}),
                             "Autre titre"));
    // 5 of 11 shared: another article.
    EXPECT_FALSE(
        seen.repeats(doc_with_words({"a", "b", "c", "d", "e", "x", "y", "z"}), "Troisième titre"));
  }
}

TEST_F(RelatedTest, RepostsShowOnce) {
  for (const auto& [original, repost] : kReposts) {
    // From the original's own text: the pair matches best, and comes once.
    const std::vector<std::string> ids =
        ids_of(searcher().related_to_text(articles_->at(original).body, 10, {}));
    ASSERT_FALSE(ids.empty()) << original;
    EXPECT_TRUE(ids.front() == original || ids.front() == repost) << joined(ids);
    EXPECT_EQ(
        std::count(ids.begin(), ids.end(), original) + std::count(ids.begin(), ids.end(), repost),
        1)
        << joined(ids);
    // From the original: its repost comes first, once.
    const auto related = searcher().related_to_article(original, 10, {});
    ASSERT_TRUE(related);
    ASSERT_FALSE(related->empty());
    EXPECT_EQ(related->front().id, repost);
  }
  // From any article, never both of a pair.
  for (const auto& [id, article] : *articles_) {
    const std::vector<std::string> ids = ids_of(*searcher().related_to_article(id, 50, {}));
    for (const auto& [original, repost] : kReposts) {
      EXPECT_LE(
          std::count(ids.begin(), ids.end(), original) + std::count(ids.begin(), ids.end(), repost),
          1)
          << id << ": " << joined(ids);
    }
  }
}

// ---- From an article --------------------------------------------------------------

TEST_F(RelatedTest, NeverTheArticleItself) {
  for (const auto& [id, article] : *articles_) {
    for (unsigned n : {1u, 5u, 50u}) {
      const auto related = searcher().related_to_article(id, n, {});
      ASSERT_TRUE(related) << id;
      EXPECT_LE(related->size(), n);
      const std::vector<std::string> ids = ids_of(*related);
      EXPECT_EQ(std::count(ids.begin(), ids.end(), id), 0) << id;
    }
  }
  // The topic cluster of CARDIA-IA holds together.
  const std::vector<std::string> ids =
      ids_of(*searcher().related_to_article("2021-06-cardia-ia-premiers-resultats", 3, {}));
  ASSERT_EQ(ids.size(), 3u);
  for (const auto& id : ids) EXPECT_NE(id.find("cardia-ia"), std::string::npos) << joined(ids);
}

TEST_F(RelatedTest, FiltersApplyOnArticlesAndDrafts) {
  // Filters do not change scores: a filtered list is the unfiltered one without
  // the articles filtered out (no repost pair in these lists, so none hides another:
  // index format 3 matches the draft on stems, whose list for CARDIA-IA now reaches
  // two repost pairs, so this one).
  const std::string id = "2021-11-consultation-citoyenne-lancement";
  const std::string draft = articles_->at(id).body;
  const std::vector<std::string> from_article = ids_of(*searcher().related_to_article(id, 50, {}));
  const std::vector<std::string> from_draft = ids_of(searcher().related_to_text(draft, 50, {}));
  ASSERT_GE(from_article.size(), 5u);
  ASSERT_GE(from_draft.size(), 15u);
  for (const auto& [original, repost] : kReposts) {
    ASSERT_EQ(std::count(from_draft.begin(), from_draft.end(), original) +
                  std::count(from_draft.begin(), from_draft.end(), repost),
              0);
  }
  std::vector<Filters> cases(6);
  cases[0].categories = {"Projets"};
  cases[1].categories = {"Citoyen", "International"};
  cases[2].from = "2023-01-01";
  cases[3].to = "2021-12-31";
  cases[4].categories = {"À la une"};
  cases[4].from = "2020-01-01";
  cases[4].to = "2022-12-31";
  cases[5].from = cases[5].to = articles_->at(from_draft[12]).day;  // one day, inclusive
  for (const Filters& f : cases) {
    const auto keep = [&](const std::vector<std::string>& ids) {
      std::vector<std::string> kept;
      for (const std::string& i : ids) {
        const corpus::Article& a = articles_->at(i);
        const bool category =
            f.categories.empty() ||
            std::any_of(a.categories.begin(), a.categories.end(), [&](const std::string& c) {
              return std::count(f.categories.begin(), f.categories.end(), c) > 0;
            });
        if (category && (f.from.empty() || a.day >= f.from) && (f.to.empty() || a.day <= f.to)) {
          kept.push_back(i);
        }
      }
      return kept;
    };
    const std::vector<std::string> want_draft = keep(from_draft);
    EXPECT_FALSE(want_draft.empty());
    EXPECT_EQ(ids_of(*searcher().related_to_article(id, 50, f)), keep(from_article));
    EXPECT_EQ(ids_of(searcher().related_to_text(draft, 50, f)), want_draft);
    expect_within(want_draft, f, *articles_);
  }
  Filters nothing;
  nothing.from = "2030-01-01";
  EXPECT_TRUE(searcher().related_to_article(id, 5, nothing)->empty());
  EXPECT_TRUE(searcher().related_to_text(draft, 5, nothing).empty());
}

// ---- From a draft ----------------------------------------------------------------

TEST_F(RelatedTest, DraftsInCapitalsOrWithoutAccentsAnswerTheSame) {
  int summaries = 0, found = 0;
  for (const auto& [id, article] : *articles_) {
    if (article.summary.empty()) continue;
    ++summaries;
    const std::vector<std::string> as_written =
        ids_of(searcher().related_to_text(article.summary, 5, {}));
    EXPECT_EQ(ids_of(searcher().related_to_text(icu_transform(article.summary, true), 5, {})),
              as_written)
        << article.summary;
    EXPECT_EQ(ids_of(searcher().related_to_text(icu_transform(article.summary, false), 5, {})),
              as_written)
        << article.summary;
    found += std::count(as_written.begin(), as_written.end(), id) > 0;
  }
  ASSERT_GT(summaries, 30);
  // A summary finds its article (among 67, in the top 5) most of the time.
  EXPECT_GE(found * 10, summaries * 8) << found << " of " << summaries;
}

TEST_F(RelatedTest, LongDraftIsAnswered) {
  // 10,000 words: bodies of the sample end to end, the CARDIA-IA ones first.
  std::string draft;
  std::size_t words = 0;
  for (int round = 0; words < 10000; ++round) {
    for (const auto& [id, article] : *articles_) {
      if ((round == 0) != (id.find("cardia-ia") != std::string::npos)) continue;
      std::istringstream in(article.body);
      for (std::string word; words < 10000 && in >> word; ++words) draft += word + " ";
    }
  }
  const auto start = std::chrono::steady_clock::now();
  const std::vector<Hit> hits = searcher().related_to_text(draft, 5, {});
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(hits.size(), 5u);
  EXPECT_LT(ms, 5000) << "generous bound: sanitizers and a loaded machine slow this down";
}

// ---- Dates a draft mentions ----------------------------------------------------------

/// The day terms of @p text's dates in @p db, as the draft chain folds them.
std::vector<std::string> days_of(const Xapian::Database& db, const std::string& text) {
  const analysis::Analyzer draft = analysis::make_french_analyzer({true, false});
  return detail::mentioned_days(db, draft.analyze(text));
}

TEST(MentionedDaysTest, AroundEachDateOfTheRightYears) {
  corpus::testing::TempDir dir;
  Xapian::WritableDatabase writable(dir.path().string() + "/db", Xapian::DB_CREATE_OR_OPEN);
  for (const char* year : {"Y2018", "Y2019", "Y2020"}) {
    Xapian::Document doc;
    doc.add_boolean_term(year);
    writable.add_document(doc);
  }
  writable.commit();
  const Xapian::Database db = writable;
  using V = std::vector<std::string>;
  // 31 July was a Wednesday in 2019 only: one day before, three after.
  EXPECT_EQ(days_of(db, "Il a parlé mercredi 31 juillet à Paris."),
            (V{"D20190730", "D20190731", "D20190801", "D20190802", "D20190803"}));
  EXPECT_EQ(days_of(db, "MARDI 31 JUILLET"),  // 2018; capitals fold
            (V{"D20180730", "D20180731", "D20180801", "D20180802", "D20180803"}));
  // A year given is used as such, even one the index does not hold; "1er" is 1.
  EXPECT_EQ(days_of(db, "le 1er mai 2021"),
            (V{"D20210430", "D20210501", "D20210502", "D20210503", "D20210504"}));
  // No weekday: every year of the index; days across a year end.
  EXPECT_EQ(days_of(db, "le 31 decembre").size(), 15u);
  EXPECT_EQ(days_of(db, "le 31 décembre").front(), "D20181230");
  EXPECT_EQ(days_of(db, "le 31 décembre").back(), "D20210103");
  // 29 February only in 2020; not dates: impossible days, words between, no day.
  EXPECT_EQ(days_of(db, "29 février").front(), "D20200228");
  EXPECT_EQ(days_of(db, "29 février").size(), 5u);
  EXPECT_TRUE(days_of(db, "le 31 avril, le 32 mai, le 0 juin").empty());
  EXPECT_TRUE(days_of(db, "le 14, en juillet, puis juillet 2019").empty());
  EXPECT_TRUE(days_of(db, "").empty());
}

/// A few articles written to a JSONL file in @p dir, then indexed there.
class SmallIndex {
 public:
  explicit SmallIndex(const corpus::testing::TempDir& dir)
      : input_(dir.path().string() + "/articles.jsonl"),
        index_(dir.path().string() + "/index"),
        out_(input_) {}
  void add(const std::string& id, const std::string& date, const std::string& title,
           const std::string& body) {
    out_ << json{{"id", id},
                 {"title", title},
                 {"date", date},
                 {"categories", {"Actualités"}},
                 {"url", "https://exemple.org/" + id},
                 {"body", body}}
                .dump()
         << '\n';
    ++count_;
  }
  /// Four articles on other subjects ("meteo" of 2019-07-31, "vendanges", "budget",
  /// "football"), so that the words of the others have a positive idf.
  void add_unrelated() {
    add("meteo", "2019-07-31", "Canicule sur la France", "Des températures record attendues.");
    add("vendanges", "2019-09-10", "Vendanges précoces", "Les vignerons récoltent tôt.");
    add("budget", "2020-10-01", "Le budget voté", "Les députés adoptent le budget.");
    add("football", "2018-07-15", "La finale du Mondial", "Les Bleus champions du monde.");
  }
  /// The index folder, or "" when not every article was indexed.
  std::string build() {
    out_.close();
    indexer::Options options;
    options.index_dir = index_;
    std::ostringstream err;
    const bool all = indexer::build(options, {input_}, err).indexed == count_;
    EXPECT_TRUE(all) << err.str();
    return all ? index_ : std::string();
  }

 private:
  std::string input_, index_;
  std::ofstream out_;
  std::size_t count_ = 0;
};

TEST(RelatedDatesTest, DraftDateFavoursArticlesOfThatDay) {
  corpus::testing::TempDir dir;
  SmallIndex small(dir);
  {
    small.add("orly-2019", "2019-08-01", "Trafic perturbé à Orly",
              "Des vols annulés à Orly après un mouvement social des contrôleurs aériens.");
    small.add("orly-2018", "2018-07-20", "Les contrôleurs aériens en grève à Orly",
              "Grève des contrôleurs aériens à Orly : les contrôleurs aériens réclament des "
              "effectifs, la grève perturbe Orly.");
    small.add_unrelated();
  }
  const std::string index = small.build();
  ASSERT_FALSE(index.empty());
  Searcher searcher{Xapian::Database(index)};
  const auto first = [&](const std::string& draft) {
    const std::vector<Hit> hits = searcher.related_to_text(draft, 3, {});
    return hits.empty() ? std::string() : hits.front().id;
  };
  // By its words alone, the 2018 strike article matches best.
  EXPECT_EQ(first("Grève des contrôleurs aériens à Orly."), "orly-2018");
  // Wednesday 31 July: 2019, the day before the other article on the subject.
  const std::string dated = "Grève des contrôleurs aériens à Orly mercredi 31 juillet.";
  EXPECT_EQ(first(dated), "orly-2019");
  // The weather article of that very day shares no word: not brought in by its date.
  EXPECT_EQ(joined(ids_of(searcher.related_to_text(dated, 5, {}))), "orly-2019 orly-2018 ");
  // Tuesday 31 July is of 2018, 11 days after the strike article: no bonus either way.
  EXPECT_EQ(first("Grève des contrôleurs aériens à Orly mardi 31 juillet."), "orly-2018");
  // A draft with only a date finds nothing.
  EXPECT_TRUE(searcher.related_to_text("mercredi 31 juillet", 3, {}).empty());
}

TEST(RelatedTitleTest, TitleSayingTheDraftComesFirst) {
  corpus::testing::TempDir dir;
  SmallIndex small(dir);
  {
    small.add("tunnel", "2019-08-01", "Fermeture du tunnel de Fourvière à Lyon",
              "Les automobilistes devront prendre un autre itinéraire pendant plusieurs semaines, "
              "annonce la métropole.");
    small.add("chronique", "2019-08-02", "Chronique des régions",
              "Tunnel de Fourvière : la fermeture du tunnel de Fourvière à Lyon pour travaux, "
              "Lyon attend la fin des travaux du tunnel.");
    small.add_unrelated();
  }
  const std::string index = small.build();
  ASSERT_FALSE(index.empty());
  const Xapian::Database db(index);
  const std::string draft = "Fermeture du tunnel de Fourvière à Lyon pour travaux.";
  const analysis::Analyzer words = analysis::make_french_analyzer({true, false});
  std::vector<std::string> stems;
  for (const analysis::Token& token : words.analyze(draft)) {
    stems.push_back(analysis::stem(token.text));
  }
  std::sort(stems.begin(), stems.end());
  stems.erase(std::unique(stems.begin(), stems.end()), stems.end());
  const auto doc_of = [&](const std::string& id) {
    return db.get_document(*db.postlist_begin(indexer::id_term(id)));
  };
  // Every word of the tunnel article's title is in the draft; none of the chronicle's.
  std::string id_term;
  EXPECT_DOUBLE_EQ(detail::title_match(db, doc_of("tunnel"), stems, &id_term), 1.0);
  EXPECT_EQ(id_term, indexer::id_term("tunnel"));
  EXPECT_DOUBLE_EQ(detail::title_match(db, doc_of("chronique"), stems), 0.0);
  // Half of the title's weight: "tunnel" and "lyon" (both in one document) only.
  const std::vector<std::string> some = {analysis::stem("lyon"), analysis::stem("tunnel")};
  const double share = detail::title_match(db, doc_of("tunnel"), some);
  EXPECT_GT(share, 0.3);
  EXPECT_LT(share, 0.7);

  // By the draft's words alone (the search's BM25), the chronicle repeating them
  // comes first...
  std::vector<std::string> terms;  // their stems: index format 3 has no word terms
  for (const char* w : {"fermeture", "tunnel", "fourviere", "lyon", "travaux"})
    terms.push_back("Z" + analysis::stem(w));
  Xapian::Enquire plain(db);
  plain.set_query(Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()));
  plain.set_weighting_scheme(detail::related_weight());
  const Xapian::MSet by_words = plain.get_mset(0, 2);
  ASSERT_EQ(by_words.size(), 2u);
  EXPECT_EQ(detail::hit_meta(by_words.begin().get_document()).id, "chronique");
  Searcher searcher{Xapian::Database(index)};
  const std::vector<Hit> hits = searcher.related_to_text(draft, 3, {});
  ASSERT_GE(hits.size(), 2u);
  // ... the article whose title says what the draft says comes first.
  EXPECT_EQ(hits[0].id, "tunnel") << joined(ids_of(hits));
  EXPECT_EQ(hits[1].id, "chronique");
}

// ---- Through the HTTP handlers --------------------------------------------------------

TEST_F(RelatedTest, HttpFiltersOnBothRoutes) {
  const std::string path = "/api/articles/2021-06-cardia-ia-premiers-resultats/related";
  Filters f;
  f.categories = {"Projets", "Événement"};
  f.from = "2021-01-01";
  f.to = "2024-12-31";
  const Params params = {{"category", "Projets"},
                         {"category", "Événement"},
                         {"from", "2021-01-01"},
                         {"to", "2024-12-31"},
                         {"n", "10"}};
  const Response get = call("GET", path, params);
  ASSERT_EQ(get.status, 200) << get.body;
  const json got = json::parse(get.body);
  ASSERT_TRUE(got["hits"].is_array());
  ASSERT_FALSE(got["hits"].empty());
  std::vector<std::string> get_ids;
  for (const auto& h : got["hits"]) get_ids.push_back(h["id"]);
  EXPECT_EQ(get_ids,
            ids_of(*searcher().related_to_article("2021-06-cardia-ia-premiers-resultats", 10, f)));
  expect_within(get_ids, f, *articles_);

  const std::string text = articles_->at("2021-06-cardia-ia-premiers-resultats").body;
  const json body = {{"text", text},
                     {"n", 10},
                     {"category", {"Projets", "Événement"}},
                     {"from", "2021-01-01"},
                     {"to", "2024-12-31"}};
  const Response post = call("POST", "/api/related", {}, body.dump());
  ASSERT_EQ(post.status, 200) << post.body;
  std::vector<std::string> post_ids;
  const json posted = json::parse(post.body);
  for (const auto& h : posted["hits"]) post_ids.push_back(h["id"]);
  EXPECT_EQ(post_ids, ids_of(searcher().related_to_text(text, 10, f)));
  // The same filters from the query string.
  const Response by_params =
      call("POST", "/api/related", params, json({{"text", text}, {"n", 10}}).dump());
  ASSERT_EQ(by_params.status, 200) << by_params.body;
  std::vector<std::string> param_ids;
  const json by_params_json = json::parse(by_params.body);
  for (const auto& h : by_params_json["hits"]) param_ids.push_back(h["id"]);
  EXPECT_EQ(param_ids, post_ids);
  // A bad filter is a 400 on both.
  EXPECT_EQ(call("GET", path, {{"to", "2021-13-01"}}).status, 400);
  EXPECT_EQ(call("POST", "/api/related", {}, R"({"text": "santé", "to": "hier"})").status, 400);
}

TEST_F(RelatedTest, HttpDraftEdgeCases) {
  for (const char* body : {R"({"text": ""})", R"({"text": "   \n\t "})", R"({"n": 5})"}) {
    const Response response = call("POST", "/api/related", {}, body);
    EXPECT_EQ(response.status, 400) << body;
    EXPECT_EQ(response.content_type, "application/json; charset=utf-8");
    const json error = json::parse(response.body)["error"];
    EXPECT_EQ(error["code"], "invalid_parameter") << body;
    EXPECT_TRUE(error["message"].is_string() && !error["message"].get<std::string>().empty());
  }
  // Only stop words: nothing to relate, an empty list, not an error.
  const Response stop = call("POST", "/api/related", {}, R"({"text": "Le la les, et de la."})");
  ASSERT_EQ(stop.status, 200) << stop.body;
  EXPECT_TRUE(json::parse(stop.body)["hits"].empty());
  // Capitals and no accents, over HTTP too; n defaults to 5.
  const std::string summary = articles_->at("2021-06-cardia-ia-premiers-resultats").body;
  const Response upper =
      call("POST", "/api/related", {}, json({{"text", icu_transform(summary, true)}}).dump());
  const Response plain =
      call("POST", "/api/related", {}, json({{"text", icu_transform(summary, false)}}).dump());
  ASSERT_EQ(upper.status, 200);
  ASSERT_EQ(plain.status, 200);
  EXPECT_EQ(json::parse(upper.body)["hits"].size(), 5u);
  EXPECT_EQ(json::parse(upper.body)["hits"], json::parse(plain.body)["hits"]);
  EXPECT_EQ(call("GET", "/api/articles/nope/related").status, 404);
}

}  // namespace
}  // namespace frsearch::search
