/** @file
 * @brief The "no accents" variant of the evaluation questions.
 *
 * Site visitors often type without accents ("ou se trouve l'hopital"); the
 * harness runs every question a second time in that form. The harness does
 * this on its own, independently of the engine's folding, so that folding
 * bugs in the engine show up as a gap between the two runs.
 */
#ifndef FRSEARCH_BENCH_EVAL_ACCENTS_H
#define FRSEARCH_BENCH_EVAL_ACCENTS_H

#include <string>
#include <string_view>

namespace frsearch::eval {

/// Removes every accent from UTF-8 text: canonical decomposition (NFD), every
/// combining mark dropped, œ/Œ → oe/OE and æ/Æ → ae/AE, then NFC. Case,
/// punctuation and everything else are kept. Invalid UTF-8 becomes U+FFFD.
std::string strip_accents(std::string_view text);

}  // namespace frsearch::eval

#endif  // FRSEARCH_BENCH_EVAL_ACCENTS_H
