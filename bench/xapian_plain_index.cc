// The reference point of issue 3: a plain single-threaded Xapian indexer over the
// same input as `indexer build`, to measure our indexer's cost per document
// against it in the same run (run both under /usr/bin/time, or callgrind on a
// subset: docs/PERFORMANCE.md, Indexing).
//
// Reads the files with corpus::read_file (the indexer's reader: zlib + JSON), then
// per article: TermGenerator with Stem("french") (STEM_SOME: positional words and
// "Z" stems) over title (wdf x2), summary and body, the "Q" id term, the whole
// record as document data; one WritableDatabase, flushed at Xapian's default
// threshold (XAPIAN_FLUSH_THRESHOLD applies).
//
//   xapian_plain_index [--no-db] [--limit N] DB_PATH INPUT...
//     --no-db    analysis only (documents built, never written)
//     --limit N  the first N articles only
#include <xapian.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "corpus/article.h"

namespace {

int usage() {
  std::fprintf(stderr, "usage: xapian_plain_index [--no-db] [--limit N] DB_PATH INPUT...\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  bool write = true;
  std::size_t limit = 0;
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; ++i) {
    if (std::strcmp(argv[i], "--no-db") == 0) {
      write = false;
    } else if (std::strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
      limit = std::strtoul(argv[++i], nullptr, 10);
    } else {
      return usage();
    }
  }
  if (argc - i < 2) return usage();
  const std::string db_path = argv[i++];
  std::vector<std::string> inputs(argv + i, argv + argc);

  const auto start = std::chrono::steady_clock::now();
  Xapian::WritableDatabase db;
  if (write) db = Xapian::WritableDatabase(db_path, Xapian::DB_CREATE_OR_OVERWRITE);
  Xapian::TermGenerator generator;
  generator.set_stemmer(Xapian::Stem("french"));
  std::size_t documents = 0;
  std::size_t postings = 0;
  const auto on_article = [&](frsearch::corpus::Article&& article) {
    Xapian::Document doc;
    generator.set_document(doc);
    generator.index_text(article.title, 2);
    generator.increase_termpos();
    generator.index_text(article.summary);
    generator.increase_termpos();
    generator.index_text(article.body);
    const std::string id_term = "Q" + article.id;
    doc.add_boolean_term(id_term);
    doc.set_data(article.record.dump());
    postings += doc.termlist_count();
    if (write) db.replace_document(id_term, doc);
    ++documents;
    return limit == 0 || documents < limit;
  };
  const auto on_rejection = [](const frsearch::corpus::Rejection&) { return true; };
  for (const std::string& file : frsearch::corpus::list_input_files(inputs))
    if (!frsearch::corpus::read_file(file, on_article, on_rejection)) break;
  if (write) db.commit();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("xapian_plain_index: %zu documents, %.1f distinct terms each, %.2f s, %.0f docs/s\n",
              documents, documents ? double(postings) / documents : 0.0, seconds,
              documents / seconds);
  return 0;
}
