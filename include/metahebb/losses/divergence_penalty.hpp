#pragma once
/// The finite loss of a candidate that diverged (weights out of bounds, NaN, rate explosion):
///
///   penalty = cap · (2 − t/T) ∈ [cap, 2·cap)   for a stop at step t of T (t/T clamped to [0, 1]; T = 0 reads as t/T = 0)
///
/// where `cap` is the largest loss a bounded candidate can have. So every diverged candidate
/// scores worse than every bounded one, and one that diverges later scores better than one
/// that diverges at once: the optimiser gets a slope out of unstable regions instead of a
/// flat wall. Every loss of the library uses this one definition.

#include <algorithm>
#include <cstddef>

namespace metahebb {

inline double divergence_penalty(double cap, std::size_t stopped_at_step, std::size_t steps) noexcept {
  const double fraction = steps ? static_cast<double>(stopped_at_step) / static_cast<double>(steps) : 0.0;
  return cap * (2.0 - std::clamp(fraction, 0.0, 1.0));
}

}  // namespace metahebb
