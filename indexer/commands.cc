// build, add, remove and stats: the `indexer` subcommands on an index folder.
#include <algorithm>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>

#include "indexer/document.h"
#include "indexer/hash.h"
#include "indexer/index_dir.h"
#include "indexer/indexer.h"
#include "indexer/pipeline.h"
#include "indexer/report.h"
#include "indexer/schema.h"
#include "indexer/shards.h"
#include "indexer/surfaces.h"
#include "indexer/synonyms.h"

namespace frsearch::indexer {
namespace {

/// add commits this often, so an interrupted run keeps most of its work.
constexpr std::size_t kAddCommitEvery = 2000;
/// build flushes each shard this often. Xapian buffers changes in std::maps until
/// a flush (10000 documents by default); past a few hundred documents their
/// inserts cost more in cache misses than the extra flushes save, and memory
/// grows: on 9k OrangeSum articles (2 parts), flushing every 500/1000/2000/10000
/// documents took about 27/29/31/38 CPU-s and 130/180/270/470 MiB of RSS; on 4k,
/// 250/500/1000/2000 took 10.1/10.9/11.3/12+ CPU-s (3 runs each, load ~20).
constexpr std::size_t kBuildCommitEvery = 500;
/// build writes each writer's documents as databases of at most this many
/// documents, joined at the end (PartWriter in shards.h); Options::part_documents
/// or $FRS_BUILD_PART_DOCS (cli.cc) overrides it.
constexpr std::size_t kBuildPartDocuments = 20000;

std::string rejection_text(const corpus::Rejection& r) {
  return r.file + ":" + std::to_string(r.line) + ": " + r.reason;
}

std::string where(const Location& at) {
  return at.line != 0 ? at.file + ":" + std::to_string(at.line) : at.file;
}

/// Prints rejections and duplicate notes; with --strict, stops at the first rejection.
PipelineHandlers reporting_handlers(Reporter& reporter, Summary& summary, bool strict) {
  PipelineHandlers handlers;
  handlers.on_rejection = [&reporter, &summary, strict](const corpus::Rejection& rejection) {
    reporter.line(rejection_text(rejection));
    ++summary.rejected;
    return !strict;
  };
  handlers.on_duplicate = [&reporter](const corpus::Article& article, const Location& here,
                                      const Location& first) {
    reporter.line(where(here) + ": note: duplicate id '" + article.id +
                  "' replaces the record at " + where(first));
  };
  return handlers;
}

/// Removes a generation being written unless it was published: a failed or
/// stopped build leaves nothing behind. Declared before the databases that
/// write into it, so they are closed first.
class PendingGeneration {
 public:
  PendingGeneration(const IndexDir& dir, unsigned generation)
      : dir_(dir), generation_(generation) {}
  ~PendingGeneration() {
    if (!published_) {
      try {
        dir_.remove_generation(generation_);
      } catch (...) {  // the next build removes it
      }
    }
  }
  void published() { published_ = true; }

 private:
  const IndexDir& dir_;
  unsigned generation_;
  bool published_ = false;
};

/// The number of the next generation, after removing those an interrupted
/// build left half-written (any above the live one).
unsigned next_generation(const IndexDir& dir, const LiveIndex& live) {
  for (unsigned generation : dir.generations())
    if (generation > live.generation) dir.remove_generation(generation);
  const std::vector<unsigned> present = dir.generations();
  return std::max(live.generation, present.empty() ? 0u : present.back()) + 1;
}

std::vector<std::string> shard_paths(const IndexDir& dir, unsigned generation, unsigned shards) {
  std::vector<std::string> paths;
  for (unsigned i = 0; i < shards; ++i)
    paths.push_back(IndexDir::shard_path(dir.generation_path(generation), i));
  return paths;
}

/// The first pass of `add --strict`: true when every record of @p files is good.
bool validate(const std::vector<std::string>& files, Reporter& reporter, Summary& summary) {
  bool good = true;
  for (const std::string& file : files) {
    corpus::read_file(
        file, [](corpus::Article&&) { return true; },
        [&](const corpus::Rejection& rejection) {
          reporter.line(rejection_text(rejection));
          ++summary.rejected;
          good = false;
          return false;
        });
    if (!good) break;
  }
  return good;
}

/// The changes `add` and `delete` make to the "XW" word counts (schema.h): the
/// words of new documents in, those of the records they replace or delete out
/// (their stored records analysed again), written to every shard by apply().
/// (Xapian's spelling table, which only its own suggestions read, keeps the old
/// words: a build deals its words out to the shards regardless of where their
/// documents are.)
class WordCountChanges {
 public:
  void added(const std::vector<std::string>& words) {
    for (const std::string& word : words) counts_.add(word, 1);
  }

  /// Takes back the words of the document with id term @p term in @p db, if any.
  void forget(const Xapian::Database& db, const std::string& term) {
    const Xapian::PostingIterator p = db.postlist_begin(term);
    if (p == db.postlist_end(term)) return;
    std::vector<std::string> words;
    try {
      maker_.make(corpus::parse_json_record(db.get_document(*p).get_data()), &words);
    } catch (const std::exception&) {  // not a record of ours: nothing to take back
      return;
    }
    for (const std::string& word : words) counts_.subtract(word);
  }

  /// Adds the changes to every shard's counts (not committed) and forgets them.
  void apply(ShardSet& shards) {
    for (unsigned i = 0; i < shards.size(); ++i) counts_.add_to_metadata(shards[i]);
    counts_.clear();
  }

 private:
  const analysis::Analyzer analyzer_ = analysis::make_french_analyzer();
  StemCache stems_;
  DocumentMaker maker_{analyzer_, stems_};
  WordCounts counts_;
};

/// Creates an empty one-shard generation and makes it live: `add` on a folder
/// with no index. Publishing it at once means each later commit is readable.
LiveIndex create_first_generation(const IndexDir& dir) {
  const unsigned generation = next_generation(dir, LiveIndex{});
  PendingGeneration pending(dir, generation);
  std::filesystem::create_directories(dir.generation_path(generation));
  {
    ShardSet shards(shard_paths(dir, generation, 1), Xapian::DB_CREATE_OR_OVERWRITE, generation);
    shards[0].set_metadata(schema::kMetaFormat, schema::kFormat);
    shards.commit_all();
    shards.close();
  }
  sync_tree(dir.generation_path(generation));
  dir.publish(generation, 1);
  pending.published();
  return dir.live();
}

/// Before the parts of each shard (@p shard_parts) are joined: the spelling
/// dictionary @p words dealt out to the shards (a multi-database sums the
/// frequencies of its shards), each shard's share spread over its parts (the
/// compactor sums those of its inputs, so a shard does not depend on its
/// parts), the surface counts and the format in each shard's first part (Xapian
/// reads a multi-database's metadata from its first shard, so every shard gets
/// all the surface counts), each part committed, all parts in parallel. The
/// compactor then merges the spelling tables and the metadata while it joins
/// the parts, so a joined shard is written once.
void finish_parts(const std::vector<std::vector<std::string>>& shard_parts,
                  const std::vector<std::pair<std::string, Xapian::doccount>>& words,
                  const SurfaceCounts& surfaces, unsigned generation, unsigned threads) {
  struct Part {
    const std::string* path;
    std::size_t shard, index, of;  // the index-th of the shard's `of` parts
  };
  std::vector<Part> parts;
  for (std::size_t shard = 0; shard < shard_parts.size(); ++shard)
    for (std::size_t i = 0; i < shard_parts[shard].size(); ++i)
      parts.push_back({&shard_parts[shard][i], shard, i, shard_parts[shard].size()});
  const std::size_t shards = shard_parts.size();
  run_parallel(static_cast<unsigned>(parts.size()), threads, [&](unsigned number) {
    const Part& part = parts[number];
    Xapian::WritableDatabase db(*part.path, Xapian::DB_OPEN | Xapian::DB_NO_SYNC);
    // The shard's words are words[shard], words[shard + shards], ...: this part
    // takes every `of`-th of them from its index on.
    for (std::size_t k = part.index; k * shards + part.shard < words.size(); k += part.of)
      db.add_spelling(words[k * shards + part.shard].first, words[k * shards + part.shard].second);
    if (part.index == 0) {
      surfaces.write(db);
      write_word_counts(db, words);
      db.set_metadata(schema::kMetaFormat, schema::kFormat);
    }
    stamp_and_commit(db, generation);
    db.close();
  });
}

/// What build and add share: the input files, the locked folder, the report of
/// rejections and duplicates, the progress line and the summary.
class WriteRun {
 public:
  WriteRun(const Options& options, const std::vector<std::string>& inputs, std::ostream& err)
      : options_(options),
        reporter_(err),
        files_(corpus::list_input_files(inputs)),
        dir_(created(options.index_dir)),
        lock_(dir_) {}

  const IndexDir& dir() const { return dir_; }
  Reporter& reporter() { return reporter_; }
  const std::vector<std::string>& files() const { return files_; }
  Summary& summary() { return summary_; }

  /// Reads, analyses and hands each document to @p write in input order.
  /// False when --strict stopped at a bad record.
  bool run(const PipelineOptions& pipeline, const std::function<void(Prepared&&)>& write) {
    Progress progress(reporter_, options_.progress, input_bytes(files_));
    PipelineHandlers handlers = reporting_handlers(reporter_, summary_, options_.strict);
    handlers.on_document = [&](Prepared&& prepared) {
      summary_.bytes += prepared.bytes;
      write(std::move(prepared));
      ++summary_.indexed;
      progress.update(summary_.indexed, summary_.bytes);
    };
    const bool complete =
        run_pipeline(files_, analysis::make_french_analyzer(), pipeline, handlers);
    progress.finish();
    return complete;
  }

  Summary finish(bool stopped) {
    summary_.stopped = stopped;
    summary_.seconds = clock_.seconds();
    return summary_;
  }

 private:
  static IndexDir created(const std::string& path) {
    IndexDir dir(path);
    dir.create();
    return dir;
  }

  const Options& options_;
  const Stopwatch clock_;
  Reporter reporter_;
  Summary summary_;
  const std::vector<std::string> files_;
  const IndexDir dir_;
  const DirLock lock_;
};

}  // namespace

Summary build(const Options& options, const std::vector<std::string>& inputs, std::ostream& err) {
  const SynonymTable synonyms =
      options.synonyms.empty() ? SynonymTable() : SynonymTable::read_file(options.synonyms);
  WriteRun run(options, inputs, err);
  const IndexDir& dir = run.dir();
  const LiveIndex live = dir.live();
  const unsigned generation = next_generation(dir, live);
  const std::string generation_path = dir.generation_path(generation);
  const unsigned shard_count = std::max(1u, options.shards);
  // One Xapian writer is the pipeline's bottleneck: with threads to spare, one
  // shard is written by two writers side by side, then merged by the compactor
  // (a small cost next to the writing, and the shard comes out compact).
  const bool two_writers = shard_count == 1 && options.threads >= 2;
  const unsigned writer_count = two_writers ? 2 : shard_count;
  const std::size_t part_documents =
      options.part_documents != 0 ? options.part_documents : kBuildPartDocuments;

  PendingGeneration pending(dir, generation);
  std::filesystem::create_directories(generation_path);
  // Each writer writes its documents as parts of at most part_documents
  // (PartWriter), inside the generation: a stopped build leaves none behind.
  std::vector<std::unique_ptr<PartWriter>> parts;
  for (unsigned w = 0; w < writer_count; ++w)
    parts.push_back(std::make_unique<PartWriter>(generation_path + "/part-" + std::to_string(w),
                                                 part_documents, kBuildCommitEvery, generation));
  std::vector<SurfaceCounts> surfaces(writer_count);  // each element used by its writer
  ShardWriters writers(
      writer_count,
      [&parts, &surfaces](unsigned writer, Prepared&& prepared) {
        surfaces[writer].add(prepared.surfaces);
        parts[writer]->write(std::move(prepared));
      },
      [&parts, &synonyms](unsigned writer) {
        write_synonyms(parts[writer]->current(), synonyms);
        parts[writer]->close();
      });
  PipelineOptions pipeline;
  pipeline.threads = options.threads;
  pipeline.surfaces = true;
  WordCounts words;
  pipeline.word_counts = &words;
  const bool complete = run.run(pipeline, [&](Prepared&& prepared) {
    if (prepared.duplicate) ++run.summary().replaced;
    const unsigned writer = shard_of(prepared.id, writer_count);
    writers.submit(writer, std::move(prepared));
  });
  if (!complete) {
    writers.abort();
    return run.finish(true);  // ~PendingGeneration removes the partial generation
  }
  writers.finish();
  for (std::size_t i = 1; i < surfaces.size(); ++i) surfaces[0].merge(surfaces[i]);
  // Every part of every shard, shard by shard, each shard's in writer then part
  // order (the documents' order of a build written in one database per writer).
  std::vector<std::vector<std::string>> shard_parts(shard_count);
  for (unsigned w = 0; w < writer_count; ++w) {
    std::vector<std::string>& paths = shard_parts[two_writers ? 0 : w];
    paths.insert(paths.end(), parts[w]->parts().begin(), parts[w]->parts().end());
  }
  finish_parts(shard_parts, words.dictionary(run.summary().indexed), surfaces[0], generation,
               options.threads);
  run_parallel(shard_count, options.threads, [&](unsigned shard) {
    join_parts(shard_parts[shard], IndexDir::shard_path(generation_path, shard));
  });
  sync_tree(generation_path);
  dir.publish(generation, shard_count);
  pending.published();
  // Keep the previous generation for readers still on it; drop older ones.
  for (unsigned old : dir.generations())
    if (old != generation && old != live.generation) dir.remove_generation(old);
  return run.finish(false);
}

namespace {

/// Throws when @p shards hold documents written by an older indexer (a format
/// below kFormat, schema.h; none: format 1). Adding new ones would mix two
/// layouts, and the old documents would not match as the new ones do. Nothing
/// written.
void refuse_older_format(ShardSet& shards, const std::string& path) {
  Xapian::doccount documents = 0;
  std::string format;
  for (unsigned i = 0; i < shards.size(); ++i) {
    const std::string shard_format = shards[i].get_metadata(schema::kMetaFormat);
    if (shard_format == schema::kFormat) return;
    if (format.empty()) format = shard_format;
    documents += shards[i].get_doccount();
  }
  if (documents > 0)
    throw std::runtime_error(path + ": index format " + (format.empty() ? "1" : format) +
                             " (older indexer): rebuild it with `indexer build`"
                             " before adding to it; nothing was added");
}

}  // namespace

Summary add(const Options& options, const std::vector<std::string>& inputs, std::ostream& err) {
  const std::optional<SynonymTable> synonyms =
      options.synonyms.empty() ? std::nullopt
                               : std::optional(SynonymTable::read_file(options.synonyms));
  WriteRun run(options, inputs, err);
  if (options.strict && !validate(run.files(), run.reporter(), run.summary()))
    return run.finish(true);
  LiveIndex live = run.dir().live();
  if (live.generation == 0) live = create_first_generation(run.dir());
  ShardSet shards(live.shards, Xapian::DB_OPEN, live.generation);
  refuse_older_format(shards, run.dir().path());
  Summary& summary = run.summary();
  PipelineOptions pipeline;
  pipeline.threads = options.threads;
  pipeline.spelling = true;
  // Applied to every shard's "XW" counts at each commit.
  WordCountChanges words;
  const auto commit_all = [&] {
    words.apply(shards);
    shards.commit_all();
  };
  const bool complete = run.run(pipeline, [&](Prepared&& prepared) {
    Xapian::WritableDatabase& db = shards[shards.route(prepared.id)];
    const std::string term = id_term(prepared.id);
    if (prepared.duplicate || db.term_exists(term)) {
      ++summary.replaced;
      words.forget(db, term);
    }
    db.replace_document(term, prepared.doc);
    for (const std::string& word : prepared.spelling) db.add_spelling(word);
    words.added(prepared.spelling);
    if ((summary.indexed + 1) % kAddCommitEvery == 0) commit_all();
  });
  for (unsigned i = 0; synonyms && i < shards.size(); ++i) write_synonyms(shards[i], *synonyms);
  commit_all();
  return run.finish(!complete);
}

Summary remove(const Options& options, const std::vector<std::string>& ids, std::ostream& err) {
  const Stopwatch clock;
  Reporter reporter(err);
  Summary summary;
  const IndexDir dir(options.index_dir);
  if (dir.live().generation == 0) throw std::runtime_error(dir.path() + ": no index here");
  const DirLock lock(dir);
  const LiveIndex live = dir.live();  // read again: a build may have swapped meanwhile
  ShardSet shards(live.shards, Xapian::DB_OPEN, live.generation);
  WordCountChanges words;
  std::set<std::string> done;
  for (const std::string& id : ids) {
    if (!done.insert(id).second) continue;
    Xapian::WritableDatabase& db = shards[shards.route(id)];
    const std::string term = id_term(id);
    if (db.term_exists(term)) {
      words.forget(db, term);
      db.delete_document(term);
      ++summary.deleted;
    } else {
      reporter.line("note: no document with id '" + id + "'");
      ++summary.missing;
    }
  }
  words.apply(shards);
  shards.commit_all();
  summary.seconds = clock.seconds();
  return summary;
}

nlohmann::json stats(const std::string& index_dir) {
  const IndexDir dir(index_dir);
  const LiveIndex live = dir.live();
  if (live.generation == 0) throw std::runtime_error(index_dir + ": no index here");
  Xapian::Database db;
  std::string last_update, format;
  for (const std::string& path : live.shards) {
    Xapian::Database shard(path);
    last_update = std::max(last_update, shard.get_metadata(schema::kMetaLastUpdate));
    if (format.empty()) format = shard.get_metadata(schema::kMetaFormat);
    db.add_database(shard);
  }
  return {{"documents", db.get_doccount()},
          {"format", format.empty() ? "1" : format},
          {"last_update", last_update},
          {"shards", live.shards.size()},
          {"generation", live.generation},
          {"size_bytes", dir.size_bytes(live)},
          {"path", std::filesystem::absolute(index_dir).lexically_normal().string()}};
}

}  // namespace frsearch::indexer
