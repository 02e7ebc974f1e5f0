/** @file
 * @brief What the fuzz targets share: a failure report, a tiny French corpus,
 * the same corpus as an in-memory Xapian database and as an on-disk index.
 *
 * A fuzz target reports a broken property with fail(): it prints what and the
 * input, then aborts, so libFuzzer saves the input as a crash. The corpus is
 * small on purpose: every run of a target searches it, and its words (accents,
 * elisions, categories, several years) give the query paths something to match.
 */
#ifndef FRSEARCH_TESTS_FUZZ_FUZZ_SUPPORT_H
#define FRSEARCH_TESTS_FUZZ_FUZZ_SUPPORT_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "corpus/article.h"
#include "tests/corpus/test_util.h"

namespace frsearch::fuzz {

/// The fuzz input as text.
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Prints "fuzz property broken: WHAT" and the input (escaped), then aborts.
[[noreturn]] void fail(std::string_view what, std::string_view input);

/// Stack of the thread run_on_small_stack() uses: 1/32 of a default Linux thread's
/// 8 MiB, so that recursion as deep as the input is long overflows on inputs the
/// fuzzer can make (a few KiB) instead of only on ones 32 times larger.
/// The replay build (tests/reliability, GCC, maybe ASan, bigger frames) sets
/// FRS_FUZZ_STACK_KIB higher: it replays known inputs, it does not search for new ones.
#ifndef FRS_FUZZ_STACK_KIB
#define FRS_FUZZ_STACK_KIB 256
#endif
inline constexpr std::size_t kSmallStackBytes = std::size_t{FRS_FUZZ_STACK_KIB} * 1024;

/// Runs @p work on the process's one thread of kSmallStackBytes of stack (started
/// on first use) and waits for it; an exception it throws is rethrown here.
void run_on_small_stack(const std::function<void()>& work);

/// The body of every target's LLVMFuzzerTestOneInput: @p run on the input, on the
/// small stack; an exception escaping @p run is a failure. Returns 0.
int run_target(const std::uint8_t* data, std::size_t size, void (*run)(std::string_view));

/// The sample articles, parsed by corpus::parse_json_record.
std::vector<corpus::Article> sample_articles();

/// The sample articles as a Xapian in-memory database, made by indexer::make_document.
Xapian::Database sample_memory_database();

/// The sample articles indexed by indexer::build into a fresh mkdtemp() folder
/// below $TMPDIR (or /tmp); the folder is removed when the object is destroyed.
class SampleIndex {
 public:
  SampleIndex();

  /// The index folder, as searchd's --index takes it.
  const std::string& index_dir() const { return index_dir_; }

 private:
  corpus::testing::TempDir dir_;
  std::string index_dir_;
};

}  // namespace frsearch::fuzz

#endif  // FRSEARCH_TESTS_FUZZ_FUZZ_SUPPORT_H
