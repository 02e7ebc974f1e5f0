// The zlib level of the streams Xapian compresses with, in the `indexer` binary only.
//
// Xapian (1.4, glass) deflates every document's stored record and termlist when it
// writes them, with level 6 and memLevel 9, and resets its stream per item (zlib then
// clears a 128 KiB hash table each time, twice per document); it keeps the compressed
// form only when it is smaller. On OrangeSum that compression was about 16% of a
// build's instructions (callgrind, 1,000 articles: 1.07 G of 6.80 G), and level 1 still
// 10.6% (0.65 G of 6.11 G). Xapian has no setting for it, so this file defines zlib's
// deflateInit2_ in the executable, which the dynamic linker binds Xapian's call to, and
// forwards to the real one with level 0 (stored: never smaller, so Xapian keeps every
// item as it is, after a copy) and memLevel 1 (a 512-byte hash table to clear).
// Measured on 1,000 articles: 6.11 -> 5.41 G instructions (-11.5%; add_document -36%),
// index 14.6 -> 17.6 MB (+21%: records and termlists stored plain). Level 1 / memLevel 7
// (-5.3% against Xapian's default, index +0.9%) and Huffman-only (-2.2% more, +2.7%) were
// the earlier choices. Readers are unaffected: Xapian flags each item compressed or not.
// Linked into the executable (not frs_indexer), so tests and searchd keep zlib's and
// Xapian's defaults.
#include <dlfcn.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>

namespace {

constexpr int kLevel = 0;
constexpr int kMemLevel = 1;

using DeflateInit2 = int (*)(z_streamp, int, int, int, int, int, const char*, int);

DeflateInit2 real_deflate_init2() {
  static const DeflateInit2 real = [] {
    auto* found = reinterpret_cast<DeflateInit2>(dlsym(RTLD_NEXT, "deflateInit2_"));
    if (found == nullptr) {
      std::fprintf(stderr, "indexer: zlib's deflateInit2_ not found\n");
      std::abort();
    }
    return found;
  }();
  return real;
}

}  // namespace

extern "C" int deflateInit2_(z_streamp stream, int /*level*/, int method, int window_bits,
                             int /*mem_level*/, int strategy, const char* version,
                             int stream_size) {
  return real_deflate_init2()(stream, kLevel, method, window_bits, kMemLevel, strategy, version,
                              stream_size);
}
