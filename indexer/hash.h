/** @file
 * @brief A small stable hash: shard routing and shortened id terms.
 *
 * FNV-1a (64 bits) is stable across runs, machines and builds (std::hash is not),
 * so a document is always routed to the same shard by its id.
 */
#ifndef FRSEARCH_INDEXER_HASH_H
#define FRSEARCH_INDEXER_HASH_H

#include <cstdint>
#include <string_view>

namespace frsearch::indexer {

inline std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

/// The shard (0..shards-1) that holds the document with id @p id.
inline unsigned shard_of(std::string_view id, unsigned shards) {
  return shards <= 1 ? 0 : static_cast<unsigned>(fnv1a64(id) % shards);
}

}  // namespace frsearch::indexer

#endif  // FRSEARCH_INDEXER_HASH_H
