// build written as small part databases joined at the end (PartWriter, join_parts):
// the index must not depend on the part size.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "indexer/index_dir.h"
#include "indexer/indexer.h"
#include "indexer/pipeline.h"
#include "indexer/schema.h"
#include "indexer/shards.h"
#include "test_support.h"

namespace frsearch::indexer {
namespace {

using testing::joined;
using testing::record;
using testing::TempDir;

namespace fs = std::filesystem;

/// Everything a shard holds, as text: each document in docid order (record,
/// values, terms with wdf and positions), every term's frequencies, the spelling
/// dictionary, the synonyms and the metadata but last_update (a clock).
std::string dump(const std::string& shard_path) {
  Xapian::Database db(shard_path);
  std::ostringstream out;
  out << "doccount " << db.get_doccount() << " lastdocid " << db.get_lastdocid() << "\n";
  for (Xapian::PostingIterator p = db.postlist_begin(""); p != db.postlist_end(""); ++p) {
    const Xapian::Document doc = db.get_document(*p);
    out << "doc " << *p << " " << doc.get_data() << "\n";
    for (Xapian::ValueIterator v = doc.values_begin(); v != doc.values_end(); ++v)
      out << " value " << v.get_valueno() << " " << *v << "\n";
    for (Xapian::TermIterator t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
      out << " term " << *t << " " << t.get_wdf();
      for (Xapian::PositionIterator q = t.positionlist_begin(); q != t.positionlist_end(); ++q)
        out << " " << *q;
      out << "\n";
    }
  }
  for (Xapian::TermIterator t = db.allterms_begin(); t != db.allterms_end(); ++t)
    out << "all " << *t << " " << t.get_termfreq() << " " << db.get_collection_freq(*t) << "\n";
  for (Xapian::TermIterator t = db.spellings_begin(); t != db.spellings_end(); ++t)
    out << "spelling " << *t << " " << t.get_termfreq() << "\n";
  for (Xapian::TermIterator k = db.synonym_keys_begin(); k != db.synonym_keys_end(); ++k)
    for (Xapian::TermIterator s = db.synonyms_begin(*k); s != db.synonyms_end(*k); ++s)
      out << "synonym " << *k << " " << *s << "\n";
  for (Xapian::TermIterator m = db.metadata_keys_begin(); m != db.metadata_keys_end(); ++m)
    if (*m != schema::kMetaLastUpdate)
      out << "metadata " << *m << " " << db.get_metadata(*m) << "\n";
  return out.str();
}

class PartsTest : public ::testing::Test {
 protected:
  /// The sample corpus, generated articles and, last, records repeating ids of
  /// both (last wins): a duplicate whose first record is in a closed part.
  std::vector<std::string> inputs() const {
    const std::string sample = FRS_SOURCE_DIR "/corpus/sample/articles.jsonl";
    std::string first_id;
    {
      std::ifstream in(sample);
      std::string line;
      std::getline(in, line);
      const std::size_t at = line.find("\"id\"");
      const std::size_t open = line.find('"', line.find(':', at) + 1);
      first_id = line.substr(open + 1, line.find('"', open + 1) - open - 1);
    }
    EXPECT_FALSE(first_id.empty());
    const std::string generated = tmp_.write("g.jsonl", testing::generated_jsonl("p", 90, 25));
    const std::string repeats = tmp_.write(
        "r.jsonl", joined({record("p3", "Doublon un", "premier remplacement de l'article"),
                           record(first_id, "Échantillon remplacé", "le texte du remplaçant"),
                           record("p71", "Doublon tardif", "dans la partie en cours peut-être"),
                           record("p3", "Doublon deux", "second remplacement, le dernier gagne")},
                          "\n") +
                       "\n");
    return {sample, generated, repeats};
  }

  /// The dump of each shard of a build of inputs() with @p part_documents.
  std::vector<std::string> built(unsigned shards, unsigned threads, std::size_t part_documents) {
    const std::string index = tmp_ / ("index-" + std::to_string(++builds_));
    Options options;
    options.index_dir = index;
    options.shards = shards;
    options.threads = threads;
    options.part_documents = part_documents;
    options.synonyms = FRS_SOURCE_DIR "/corpus/synonyms.tsv";
    std::ostringstream err;
    const Summary summary = build(options, inputs(), err);
    EXPECT_EQ(summary.replaced, 4u) << err.str();
    std::vector<std::string> dumps;
    const LiveIndex live = IndexDir(index).live();
    for (const std::string& shard : live.shards) dumps.push_back(dump(shard));
    // Only the shards are left in the generation: the parts were joined.
    for (const auto& entry : fs::directory_iterator(fs::path(live.shards.at(0)).parent_path()))
      EXPECT_EQ(entry.path().filename().string().rfind("part-", 0), std::string::npos)
          << entry.path();
    return dumps;
  }

  TempDir tmp_;
  int builds_ = 0;
};

TEST_F(PartsTest, SmallPartsGiveTheSameIndexAsOnePart) {
  for (const auto& [shards, threads] : {std::pair{1u, 2u}, {2u, 2u}, {1u, 1u}}) {
    SCOPED_TRACE("shards " + std::to_string(shards) + ", threads " + std::to_string(threads));
    const std::vector<std::string> whole = built(shards, threads, 1000000);
    ASSERT_EQ(whole.size(), shards);
    EXPECT_NE(whole[0].find("doc 1 "), std::string::npos);
    EXPECT_NE(whole[0].find("metadata synonyms "), std::string::npos);
    EXPECT_NE(whole[0].find("spelling "), std::string::npos);
    for (std::size_t part_documents : {3u, 40u}) {
      const std::vector<std::string> parted = built(shards, threads, part_documents);
      ASSERT_EQ(parted.size(), whole.size());
      for (std::size_t i = 0; i < whole.size(); ++i)
        EXPECT_TRUE(parted[i] == whole[i])
            << "shard " << i << ", " << part_documents << " documents per part";
    }
  }
}

/// A Prepared of a document with just its id term and a record.
Prepared prepared(const std::string& id, const std::string& data, bool duplicate = false) {
  Prepared p;
  p.id = id;
  p.duplicate = duplicate;
  p.doc.add_boolean_term(id_term(id));
  p.doc.set_data(data);
  return p;
}

TEST(PartWriterTest, RollsOverAndReplacesDuplicatesWhereTheyAre) {
  TempDir tmp;
  PartWriter writer(tmp / "part-0", 3, 2, 5);
  for (int i = 0; i < 8; ++i) writer.write(prepared("d" + std::to_string(i), "v1"));
  writer.write(prepared("d1", "v2", true));  // in the first part, closed
  writer.write(prepared("d7", "v2", true));  // in the part being written
  writer.write(prepared("d1", "v3", true));
  writer.close();
  ASSERT_EQ(joined(writer.parts()),
            joined({tmp / "part-0-000", tmp / "part-0-001", tmp / "part-0-002"}));
  std::vector<std::string> docs;
  for (const std::string& part : writer.parts()) {
    Xapian::Database db(part);
    EXPECT_EQ(db.get_metadata(schema::kMetaGeneration), "5");
    for (Xapian::PostingIterator p = db.postlist_begin(""); p != db.postlist_end(""); ++p)
      docs.push_back(std::to_string(*p) + ":" + db.get_document(*p).get_data());
  }
  EXPECT_EQ(joined(docs), "1:v1|2:v3|3:v1|1:v1|2:v1|3:v1|1:v1|2:v2");
  join_parts(writer.parts(), tmp / "joined");
  Xapian::Database db(tmp / "joined");
  EXPECT_EQ(db.get_doccount(), 8u);
  EXPECT_EQ(db.get_document(2).get_data(), "v3");
  EXPECT_EQ(db.get_document(8).get_data(), "v2");
  EXPECT_FALSE(fs::exists(tmp / "part-0-000"));
}

TEST(RunParallelTest, RunsEveryTaskOnceAndRethrowsAFailure) {
  std::vector<int> runs(7);
  run_parallel(7, 3, [&](unsigned i) { ++runs[i]; });
  EXPECT_EQ(runs, std::vector<int>(7, 1));
  EXPECT_THROW(run_parallel(4, 2,
                            [](unsigned i) {
                              if (i == 2) throw std::runtime_error("part 2");
                            }),
               std::runtime_error);
}

}  // namespace
}  // namespace frsearch::indexer
