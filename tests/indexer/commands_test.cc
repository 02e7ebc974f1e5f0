// build, add, remove and stats through the API, on temporary folders.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "indexer/hash.h"
#include "indexer/index_dir.h"
#include "indexer/indexer.h"
#include "indexer/schema.h"
#include "indexer/surfaces.h"
#include "searchd/search.h"
#include "test_support.h"

namespace frsearch::indexer {
namespace {

using testing::ids_in;
using testing::ids_of;
using testing::joined;
using testing::record;
using testing::stored_title;
using testing::TempDir;

namespace fs = std::filesystem;

/// How often @p word is in the spelling dictionary (0 when absent).
Xapian::doccount spelling_frequency(const Xapian::Database& db, const std::string& word) {
  for (Xapian::TermIterator t = db.spellings_begin(); t != db.spellings_end(); ++t)
    if (*t == word) return t.get_termfreq();
  return 0;
}

class CommandsTest : public ::testing::Test {
 protected:
  Options options(unsigned shards = 1, bool strict = false, unsigned threads = 2) const {
    Options o;
    o.index_dir = index_;
    o.shards = shards;
    o.strict = strict;
    o.threads = threads;
    return o;
  }

  /// Writes records (one per line) to @p name.
  std::string input(const std::string& name, const std::vector<std::string>& records) const {
    return tmp_.write(name, joined(records, "\n") + "\n");
  }

  /// The gen-* folders of the index.
  std::string generations() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(index_))
      if (entry.path().filename().string().rfind("gen-", 0) == 0)
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return joined(names);
  }

  TempDir tmp_;
  const std::string index_ = tmp_ / "index";
  std::ostringstream err_;
};

TEST_F(CommandsTest, BuildThenStats) {
  const std::string in = input(
      "a.jsonl",
      {record("a1", "Un", "corps"), record("a2", "Deux", "corps"), record("a3", "Trois", "corps")});
  const Summary s = build(options(), {in}, err_);
  EXPECT_EQ(s.indexed, 3u);
  EXPECT_EQ(s.replaced, 0u);
  EXPECT_EQ(s.rejected, 0u);
  EXPECT_FALSE(s.stopped);
  EXPECT_EQ(err_.str(), "");
  EXPECT_EQ(joined(ids_in(index_)), "a1|a2|a3");

  const nlohmann::json st = stats(index_);
  EXPECT_EQ(st["documents"], 3);
  EXPECT_EQ(st["shards"], 1);
  EXPECT_EQ(st["generation"], 1);
  EXPECT_GT(st["size_bytes"].get<long>(), 0);
  EXPECT_EQ(st["path"], fs::absolute(index_).string());
  EXPECT_TRUE(std::regex_match(st["last_update"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << st["last_update"];
  Xapian::Database db(index_);
  EXPECT_EQ(db.get_metadata(schema::kMetaGeneration), "1");
  // The index format (stems with positions), for searchd's warning.
  EXPECT_EQ(db.get_metadata(schema::kMetaFormat), schema::kFormat);
  EXPECT_EQ(st["format"], schema::kFormat);
}

TEST_F(CommandsTest, StatsOfAFolderWithoutIndexFails) {
  fs::create_directories(index_);
  EXPECT_THROW(stats(index_), std::runtime_error);
  EXPECT_THROW(indexer::remove(options(), {"x"}, err_), std::runtime_error);
}

TEST_F(CommandsTest, RebuildSwapsWhileAReaderKeepsTheOldIndex) {
  build(options(),
        {input("a.jsonl", {record("old1", "Ancien", "x"), record("old2", "Ancien", "x")})}, err_);
  Xapian::Database reader(index_);
  ASSERT_EQ(reader.get_doccount(), 2u);

  build(options(),
        {input("b.jsonl", {record("new1", "Nouveau", "x"), record("new2", "Nouveau", "x"),
                           record("new3", "Nouveau", "x")})},
        err_);
  // The open reader still answers from the old generation, whole.
  reader.reopen();
  EXPECT_EQ(joined(ids_of(reader)), "old1|old2");
  EXPECT_EQ(stored_title(reader, "old1"), "Ancien");
  // A reader opened now sees the new one.
  EXPECT_EQ(joined(ids_in(index_)), "new1|new2|new3");
  EXPECT_EQ(generations(), "gen-000001|gen-000002");

  // The previous generation is kept for readers, older ones go.
  build(options(), {tmp_ / "a.jsonl"}, err_);
  EXPECT_EQ(generations(), "gen-000002|gen-000003");
  EXPECT_EQ(joined(ids_in(index_)), "old1|old2");
}

TEST_F(CommandsTest, BuildRemovesAGenerationLeftHalfWritten) {
  build(options(), {input("a.jsonl", {record("a1", "Un", "x")})}, err_);
  fs::create_directories(index_ + "/gen-000007/shard-000");  // as a killed build leaves it
  tmp_.write("index/gen-000007/shard-000/junk", "junk");
  build(options(), {tmp_ / "a.jsonl"}, err_);
  EXPECT_EQ(generations(), "gen-000001|gen-000002");
  EXPECT_EQ(joined(ids_in(index_)), "a1");
}

TEST_F(CommandsTest, AddInsertsAndReplacesById) {
  build(options(), {input("a.jsonl", {record("a1", "Un", "x"), record("a2", "Deux", "x")})}, err_);
  const Summary s =
      add(options(),
          {input("b.jsonl", {record("a2", "Deux bis", "y"), record("a3", "Trois", "z")})}, err_);
  EXPECT_EQ(s.indexed, 2u);
  EXPECT_EQ(s.replaced, 1u);
  Xapian::Database db(index_);
  EXPECT_EQ(joined(ids_of(db)), "a1|a2|a3");
  EXPECT_EQ(stored_title(db, "a2"), "Deux bis");
  // add writes into the live generation and sets the spelling dictionary.
  EXPECT_EQ(stats(index_)["generation"], 1);
  EXPECT_EQ(spelling_frequency(db, "trois"), 1u);
}

// An index written by an older indexer (format 1: positions on the exact words,
// no "format" metadata; format 2: exact words as unprefixed terms) is refused by
// add, unchanged: mixing two layouts would leave the old documents matching
// differently from the new ones.
TEST_F(CommandsTest, AddRefusesAnIndexOfAnOlderFormat) {
  build(options(2), {input("a.jsonl", {record("a1", "Un", "x"), record("a2", "Deux", "x")})}, err_);
  const Xapian::doccount before = Xapian::Database(index_).get_doccount();
  for (const char* older : {"", "2"}) {
    SCOPED_TRACE(std::string("format '") + older + "'");
    for (const char* shard : {"/gen-000001/shard-000", "/gen-000001/shard-001"}) {
      Xapian::WritableDatabase db(index_ + shard, Xapian::DB_OPEN);
      db.set_metadata(schema::kMetaFormat, older);  // as the older indexer left it
      db.commit();
    }
    try {
      add(options(2), {input("b.jsonl", {record("a3", "Trois", "x")})}, err_);
      ADD_FAILURE() << "add into an older index did not throw";
    } catch (const std::runtime_error& e) {
      const std::string format = *older != '\0' ? older : "1";
      EXPECT_NE(std::string(e.what()).find("index format " + format), std::string::npos)
          << e.what();
      EXPECT_NE(std::string(e.what()).find("rebuild it with `indexer build`"), std::string::npos)
          << e.what();
    }
    Xapian::Database db(index_);
    EXPECT_EQ(db.get_doccount(), before);
    EXPECT_EQ(joined(ids_of(db)), "a1|a2");
  }
  // One shard with the format is enough (the other may be empty of metadata).
  {
    Xapian::WritableDatabase shard(index_ + "/gen-000001/shard-001", Xapian::DB_OPEN);
    shard.set_metadata(schema::kMetaFormat, schema::kFormat);
    shard.commit();
  }
  EXPECT_EQ(add(options(2), {tmp_ / "b.jsonl"}, err_).indexed, 1u);
}

TEST_F(CommandsTest, AddOnAnEmptyFolderCreatesTheIndex) {
  const Summary s = add(options(), {input("a.jsonl", {record("a1", "Un", "x")})}, err_);
  EXPECT_EQ(s.indexed, 1u);
  EXPECT_EQ(joined(ids_in(index_)), "a1");
  EXPECT_EQ(stats(index_)["generation"], 1);
}

TEST_F(CommandsTest, DeleteKnownAndUnknownIds) {
  build(options(), {input("a.jsonl", {record("a1", "Un", "x"), record("a2", "Deux", "x")})}, err_);
  const Summary s = indexer::remove(options(), {"a1", "nope", "a1"}, err_);
  EXPECT_EQ(s.deleted, 1u);
  EXPECT_EQ(s.missing, 1u);
  EXPECT_EQ(err_.str(), "note: no document with id 'nope'\n");
  EXPECT_EQ(joined(ids_in(index_)), "a2");
}

TEST_F(CommandsTest, RejectedRecordsAreReportedAndTheRestIndexed) {
  const std::string in =
      input("mixed.jsonl",
            {record("g1", "Bon", "x"), "{not json", R"({"id":"m","date":"2021-01-01","body":""})",
             record("d", "Date", "x", "2021-02-30"), record("g2", "Bon", "x"),
             R"({"id":"t","title":5,"date":"2021-01-01","body":""})",
             "{\"id\":\"u\",\"title\":\"\xff\",\"date\":\"2021-01-01\",\"body\":\"\"}"});
  const Summary s = build(options(), {in}, err_);
  EXPECT_EQ(s.indexed, 2u);
  EXPECT_EQ(s.rejected, 5u);
  EXPECT_EQ(joined(ids_in(index_)), "g1|g2");
  std::vector<std::string> prefixes;
  for (const std::string& line : testing::lines_of(err_.str()))
    prefixes.push_back(line.substr(0, line.find(": ", in.size() + 1)));
  EXPECT_EQ(joined(prefixes), in + ":2|" + in + ":3|" + in + ":4|" + in + ":6|" + in + ":7");
}

TEST_F(CommandsTest, StrictBuildStopsAndLeavesTheIndexAsItWas) {
  build(options(), {input("a.jsonl", {record("a1", "Un", "x")})}, err_);
  const std::string bad =
      input("bad.jsonl", {record("b1", "Bon", "x"), "{oops", record("b2", "Bon", "x")});
  const Summary s = build(options(1, true), {bad}, err_);
  EXPECT_TRUE(s.stopped);
  EXPECT_EQ(s.rejected, 1u);
  EXPECT_EQ(joined(ids_in(index_)), "a1");
  EXPECT_EQ(generations(), "gen-000001");  // the partial generation is gone
}

TEST_F(CommandsTest, StrictAddValidatesEverythingBeforeWriting) {
  build(options(), {input("a.jsonl", {record("a1", "Un", "x")})}, err_);
  const std::string good =
      input("good.jsonl", {record("a1", "Changé", "x"), record("n1", "Neuf", "x")});
  const std::string bad =
      input("bad.jsonl", {record("n2", "Neuf", "x"), record("n3", "Neuf", "x", "2021-13-01")});
  const Summary s = add(options(1, true), {good, bad}, err_);
  EXPECT_TRUE(s.stopped);
  EXPECT_EQ(s.indexed, 0u);
  Xapian::Database db(index_);
  EXPECT_EQ(joined(ids_of(db)), "a1");
  EXPECT_EQ(stored_title(db, "a1"), "Un");
  EXPECT_NE(err_.str().find(bad + ":2: "), std::string::npos) << err_.str();
}

TEST_F(CommandsTest, DuplicateIdsInOneRunLastWins) {
  const std::string in = input("d.jsonl", {record("x", "Premier", "a"), record("y", "Autre", "b"),
                                           "", record("x", "Second", "c")});
  const Summary s = build(options(), {in}, err_);
  EXPECT_EQ(s.indexed, 3u);
  EXPECT_EQ(s.replaced, 1u);
  Xapian::Database db(index_);
  EXPECT_EQ(joined(ids_of(db)), "x|y");
  EXPECT_EQ(stored_title(db, "x"), "Second");
  EXPECT_EQ(err_.str(), in + ":4: note: duplicate id 'x' replaces the record at " + in + ":1\n");
}

TEST_F(CommandsTest, ShardsRouteAddAndDeleteById) {
  const std::string in = tmp_.write("g.jsonl", testing::generated_jsonl("s", 40, 10));
  build(options(3), {in}, err_);
  EXPECT_EQ(stats(index_)["shards"], 3);
  for (unsigned shard = 0; shard < 3; ++shard) {
    char name[64];
    std::snprintf(name, sizeof name, "/gen-000001/shard-%03u", shard);
    const std::vector<std::string> ids = ids_in(index_ + name);
    EXPECT_FALSE(ids.empty()) << shard;
    for (const std::string& id : ids) EXPECT_EQ(shard_of(id, 3), shard) << id;
  }
  add(options(), {input("a.jsonl", {record("s7", "Remplacé", "x"), record("new", "Neuf", "x")})},
      err_);
  Xapian::Database db(index_);
  EXPECT_EQ(db.get_termfreq(id_term("s7")), 1u);  // replaced in its shard, not added to another
  EXPECT_EQ(stored_title(db, "s7"), "Remplacé");
  EXPECT_EQ(db.get_doccount(), 41u);
  indexer::remove(options(), {"s7", "new"}, err_);
  db = Xapian::Database(index_);
  EXPECT_EQ(db.get_termfreq(id_term("s7")), 0u);
  EXPECT_EQ(db.get_doccount(), 39u);
}

/// Each document of the index as "docid sortvalue", in docid order.
std::vector<std::string> documents_of(const std::string& index_dir) {
  Xapian::Database db(index_dir);
  std::vector<std::string> docs;
  for (Xapian::PostingIterator p = db.postlist_begin(""); p != db.postlist_end(""); ++p)
    docs.push_back(std::to_string(*p) + " " + db.get_document(*p).get_value(schema::kSlotSort));
  return docs;
}

TEST_F(CommandsTest, ThreadsChangeNeitherTheDocumentsNorTheirOrder) {
  // With 2+ threads one shard is written as two parts then merged: the same
  // documents, in an order that depends only on the ids, run after run.
  const std::string in = tmp_.write(
      "g.jsonl", testing::generated_jsonl("t", 300, 20) + record("t5", "Doublon", "x") + "\n");
  build(options(1, false, 1), {in}, err_);
  const std::vector<std::string> one = documents_of(index_);
  build(options(1, false, 4), {in}, err_);
  const std::vector<std::string> four = documents_of(index_);
  build(options(1, false, 2), {in}, err_);
  EXPECT_EQ(documents_of(index_), four);
  const auto values = [](std::vector<std::string> docs) {
    for (std::string& doc : docs) doc.erase(0, doc.find(' '));
    std::sort(docs.begin(), docs.end());
    return docs;
  };
  EXPECT_EQ(values(one), values(four));
  EXPECT_EQ(four.size(), 300u);
  EXPECT_EQ(stats(index_)["shards"], 1);
  EXPECT_EQ(stored_title(Xapian::Database(index_), "t5"), "Doublon");
}

/// The "XW" word counts (metadata) of every shard of @p db, "word=count" by
/// shard, shards separated by " | ".
std::string word_counts(const std::string& index) {
  std::vector<std::string> shards;
  for (const std::string& path : IndexDir(index).live().shards) {
    const Xapian::Database shard(path);
    std::vector<std::string> counts;
    for (auto k = shard.metadata_keys_begin(schema::kWord);
         k != shard.metadata_keys_end(schema::kWord); ++k) {
      const auto [word, documents] = schema::parse_word_count_key(*k);
      EXPECT_EQ(shard.get_metadata(*k), std::to_string(documents)) << *k;
      counts.push_back(word + "=" + std::to_string(documents));
    }
    shards.push_back(joined(counts, " "));
  }
  return joined(shards, " | ");
}

TEST_F(CommandsTest, BuildFillsTheSpellingDictionary) {
  for (const unsigned shards : {1u, 2u}) {
    SCOPED_TRACE(shards);
    build(options(shards),
          {input("a.jsonl", {record("a1", "Hôpital", "l'hôpital de la santé publique en 2021"),
                             record("a2", "Santé", "santé")})},
          err_);
    Xapian::Database db(index_);
    EXPECT_EQ(spelling_frequency(db, "sante"), 2u);  // documents, not occurrences
    EXPECT_EQ(spelling_frequency(db, "hopital"), 1u);
    EXPECT_EQ(spelling_frequency(db, "la"), 0u);    // too short
    EXPECT_EQ(spelling_frequency(db, "2021"), 0u);  // not a word
    EXPECT_EQ(db.get_spelling_suggestion("hopitl"), "hopital");
    // The same words and counts as metadata, whole in every shard (remote shards
    // serve metadata, not spelling tables).
    const std::string counts = "hopital=1 publique=1 sante=2";
    EXPECT_EQ(word_counts(index_), shards == 1 ? counts : counts + " | " + counts);
  }
}

TEST_F(CommandsTest, AddCountsTheWordsOfItsDocuments) {
  build(options(2), {input("a.jsonl", {record("a1", "Santé", "santé publique")})}, err_);
  add(options(2), {input("b.jsonl", {record("b1", "Hôpital", "santé"), record("b2", "x", "")})},
      err_);
  Xapian::Database db(index_);
  const std::string counts = "hopital=1 publique=1 sante=2";
  EXPECT_EQ(word_counts(index_), counts + " | " + counts);
  EXPECT_EQ(spelling_frequency(db, "hopital"), 1u);
  // Added again, replacing themselves: the same counts (the replaced records'
  // words are taken back).
  add(options(2), {tmp_ / "b.jsonl"}, err_);
  EXPECT_EQ(word_counts(index_), counts + " | " + counts);
  // Replaced by a record without "hôpital", then deleted: its words go; a count of
  // 0 leaves no entry.
  add(options(2), {input("c.jsonl", {record("b1", "Autre", "santé")})}, err_);
  EXPECT_EQ(word_counts(index_), "autre=1 publique=1 sante=2 | autre=1 publique=1 sante=2");
  Options o2 = options(2);
  indexer::remove(o2, {"a1"}, err_);
  EXPECT_EQ(word_counts(index_), "autre=1 sante=1 | autre=1 sante=1");
  // Into an empty folder too.
  const std::string other = tmp_ / "other";
  Options o = options();
  o.index_dir = other;
  add(o, {tmp_ / "b.jsonl"}, err_);
  EXPECT_EQ(word_counts(other), "hopital=1 sante=1");
}

/// The "XU" terms of @p db, space-separated.
std::string surface_terms(const Xapian::Database& db) {
  std::vector<std::string> terms;
  for (Xapian::TermIterator t = db.allterms_begin("XU"); t != db.allterms_end("XU"); ++t)
    terms.push_back(*t + "=" + std::to_string(t.get_termfreq()));
  return joined(terms, " ");
}

TEST_F(CommandsTest, BuildCountsSurfaceFormsInMetadataOnEveryShard) {
  const std::vector<std::string> records = {
      record("s1", "L’hôpital", "Un hôpital, deux hôpitaux."),
      record("s2", "Santé", "L'HÔPITAL et l’Hôpital de la santé"),
      record("s3", "Rien", "hopital sans accent"), record("s4", "Noël", "noël")};
  for (unsigned shards : {1u, 2u}) {
    SCOPED_TRACE(shards);
    const std::string in = input("s.jsonl", records);
    ASSERT_EQ(build(options(shards), {in}, err_).indexed, 4u);
    for (const std::string& path : IndexDir(index_).live().shards) {
      Xapian::Database shard(path);
      EXPECT_EQ(surface_terms(shard), "");  // no terms: counted once per build
      // Documents, not occurrences; each shard holds the counts of the whole build.
      EXPECT_EQ(shard.get_metadata("XUhopital"), "hôpital\t2\n");
      EXPECT_EQ(shard.get_metadata("XUhopitaux"), "hôpitaux\t1\n");
      EXPECT_EQ(shard.get_metadata("XUsante"), "santé\t1\n");
      EXPECT_EQ(shard.get_metadata("XUnoel"), "noël\t1\n");
      EXPECT_EQ(shard.get_metadata("XUaccent"), "");
    }
  }
  EXPECT_EQ(
      parse_surface_counts("hôpital\t2\nhopital\t1\n"),
      (std::vector<std::pair<std::string, Xapian::doccount>>{{"hôpital", 2}, {"hopital", 1}}));
  EXPECT_TRUE(parse_surface_counts("bad\nno-count\t\n\t3\nx\t1y\n").empty());
}

TEST_F(CommandsTest, AddKeepsSurfaceFormsAsTerms) {
  ASSERT_EQ(
      build(options(), {input("a.jsonl", {record("s1", "Hôpital", "hôpital")})}, err_).indexed, 1u);
  ASSERT_EQ(
      add(options(), {input("b.jsonl", {record("s2", "Noël", "l’hôpital à Noël")})}, err_).indexed,
      1u);
  Xapian::Database db(index_);
  EXPECT_EQ(surface_terms(db), "XUa:à=1 XUhopital:hôpital=1 XUnoel:noël=1");
  EXPECT_EQ(db.get_metadata("XUhopital"), "hôpital\t1\n");
}

// What the counts are for: searchd gives suggestions their accents back, from the
// build's metadata and from the documents added since, together.
TEST_F(CommandsTest, SuggestionsGetTheirAccentsFromABuiltIndex) {
  ASSERT_EQ(build(options(2),
                  {input("a.jsonl", {record("s1", "Hôpital", "l’hôpital public"),
                                     record("s2", "Santé", "hôpital et santé publique"),
                                     record("s3", "Réseau", "le réseau, les réseaux")})},
                  err_)
                .indexed,
            3u);
  {
    search::Searcher searcher{Xapian::Database(index_)};
    EXPECT_EQ(joined(searcher.suggest("hop", 1)), "hôpital");
    EXPECT_EQ(joined(searcher.suggest("reseau", 2), " "), "réseau réseaux");
    search::SearchRequest typo;
    typo.q = "sante publiqe";
    EXPECT_EQ(searcher.search(typo).suggestion, "santé publique");
  }
  // Two plain "hopital" added: the accented form is no longer the usual one
  // (2 documents of 4), so the completion is left unaccented.
  ASSERT_EQ(
      add(options(2),
          {input("b.jsonl", {record("s4", "Un", "hopital"), record("s5", "Deux", "hopital")})},
          err_)
          .indexed,
      2u);
  search::Searcher searcher{Xapian::Database(index_)};
  EXPECT_EQ(joined(searcher.suggest("hop", 1)), "hopital");
}

}  // namespace
}  // namespace frsearch::indexer
