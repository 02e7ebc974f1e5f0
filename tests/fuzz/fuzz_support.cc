#include "tests/fuzz/fuzz_support.h"

#include <pthread.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "indexer/indexer.h"

namespace frsearch::fuzz {
namespace {

/// Fictional articles in the shape of the archive: accents, ligatures, elisions,
/// repeated categories, dates over three years, one empty body.
constexpr const char* kSampleJsonl[] = {
    R"({"id": "a1", "title": "L’hôpital de Valmont ouvre un entrepôt de données", "date": "2021-03-04", "categories": ["À la une", "Projets"], "url": "https://exemple.org/a1", "summary": "Un entrepôt pour la recherche.", "body": "Le centre hospitalier a ouvert son entrepôt de données de santé. Les chercheurs y accèdent depuis mars, aujourd’hui comme demain."})",
    R"({"id": "a2", "title": "Données de santé : confiance et transparence", "date": "2021-11-20T08:30:00+01:00", "categories": ["Citoyen"], "body": "Les associations de patients demandent de la transparence sur l'usage des données ; qu’en est-il du cœur du dispositif ?"})",
    R"({"id": "dossier/été 2022", "title": "Dossier de l’été : le cœur des hôpitaux", "date": "2022-07-14", "categories": ["Dossier", "À la une"], "body": "Les hôpitaux partagent leurs données de cardiologie pour étudier le cœur et l’œdème pulmonaire. Financé, financée, financement."})",
    R"({"id": "a4", "title": "Colloque annuel sur la santé publique", "date": "2023-01-15", "categories": ["Événement"], "body": "Le colloque a réuni quatre cents participants autour de la santé publique, de l'O.M.S. et du S.N.D.S."})",
    R"({"id": "a5", "title": "Sans catégorie", "date": "2023-06-01", "body": ""})",
};

/// @p text with bytes outside printable ASCII as \xHH, cut to @p max bytes.
std::string escaped(std::string_view text, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < text.size() && i < max; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
  }
  if (text.size() > max) out += "...";
  return out;
}

}  // namespace

void fail(std::string_view what, std::string_view input) {
  std::fprintf(stderr, "fuzz property broken: %.*s\ninput (%zu bytes): %s\n",
               static_cast<int>(what.size()), what.data(), input.size(),
               escaped(input, 2000).c_str());
  std::abort();
}

namespace {

/// One long-lived thread with a small stack that runs jobs handed to it: a new
/// thread per input costs more than most inputs (mmap of its stack and shadow).
class SmallStackThread {
 public:
  SmallStackThread() {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, kSmallStackBytes);
    const int started = pthread_create(&thread_, &attr, &SmallStackThread::main, this);
    pthread_attr_destroy(&attr);
    if (started != 0) throw std::runtime_error("pthread_create failed");
  }
  ~SmallStackThread() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    pthread_join(thread_, nullptr);
  }
  SmallStackThread(const SmallStackThread&) = delete;
  SmallStackThread& operator=(const SmallStackThread&) = delete;

  void run(const std::function<void()>& work) {
    std::unique_lock<std::mutex> lock(mutex_);
    work_ = &work;
    error_ = nullptr;
    wake_.notify_all();
    wake_.wait(lock, [this] { return work_ == nullptr; });
    if (error_) std::rethrow_exception(error_);
  }

 private:
  static void* main(void* self) {
    static_cast<SmallStackThread*>(self)->loop();
    return nullptr;
  }
  void loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return stop_ || work_ != nullptr; });
      if (work_ == nullptr) return;  // stop_
      try {
        (*work_)();
      } catch (...) {
        error_ = std::current_exception();
      }
      work_ = nullptr;
      wake_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  const std::function<void()>* work_ = nullptr;  ///< the job running or waiting, if any
  std::exception_ptr error_;
  bool stop_ = false;
  pthread_t thread_{};
};

}  // namespace

void run_on_small_stack(const std::function<void()>& work) {
  static SmallStackThread thread;  // per process, like libFuzzer's own state
  thread.run(work);
}

int run_target(const std::uint8_t* data, std::size_t size, void (*run)(std::string_view)) {
  const std::string_view input = as_text(data, size);
  try {
    run_on_small_stack([input, run] { run(input); });
  } catch (const Xapian::Error& e) {
    fail("Xapian::Error escaped: " + e.get_description(), input);
  } catch (const std::exception& e) {
    fail(std::string("exception escaped: ") + e.what(), input);
  }
  return 0;
}

std::vector<corpus::Article> sample_articles() {
  std::vector<corpus::Article> articles;
  for (const char* line : kSampleJsonl) articles.push_back(corpus::parse_json_record(line));
  return articles;
}

Xapian::Database sample_memory_database() {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  const analysis::Analyzer analyzer = analysis::make_french_analyzer();
  for (const corpus::Article& article : sample_articles()) {
    db.replace_document(indexer::id_term(article.id), indexer::make_document(article, analyzer));
  }
  db.commit();
  return db;
}

SampleIndex::SampleIndex() {
  std::string jsonl;
  for (const char* line : kSampleJsonl) jsonl += std::string(line) + "\n";
  const std::string input = dir_.write("sample.jsonl", jsonl);
  indexer::Options options;
  options.index_dir = dir_.path().string() + "/index";
  std::ostringstream err;
  const indexer::Summary summary = indexer::build(options, {input}, err);
  if (summary.rejected != 0 || summary.indexed != std::size(kSampleJsonl)) {
    throw std::runtime_error("cannot index the fuzz sample: " + err.str());
  }
  index_dir_ = options.index_dir;
}

}  // namespace frsearch::fuzz
