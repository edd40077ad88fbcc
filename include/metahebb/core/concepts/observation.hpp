#pragma once
/// Observation concepts: what a task reports about one candidate on one dataset.
///
/// Every observation says whether its candidate diverged (a loss turns that into a finite
/// penalty, losses/divergence_penalty.hpp). Smaller concepts name what a loss needs, so a
/// loss works with any task whose observation has those members: `RateObservation` for a
/// loss on a firing rate, `WeightsObservation` for one on learned weights.

#include <Eigen/Core>
#include <concepts>
#include <cstddef>

namespace metahebb {

template <class O>
concept Observation = requires(const O& o) {
  { o.diverged() } -> std::convertible_to<bool>;
};

/// A rate r̄ (Hz), and for a run stopped early, at which step of how many and what
/// threshold stopped it.
template <class O>
concept RateObservation = Observation<O> && requires(const O& o) {
  { o.rate_hz } -> std::convertible_to<double>;
  { o.max_rate_hz } -> std::convertible_to<double>;
  { o.stopped_at_step } -> std::convertible_to<std::size_t>;
  { o.steps } -> std::convertible_to<std::size_t>;
};

/// Learned weights beside the vectors they should match (one column per output).
template <class O>
concept WeightsObservation = Observation<O> && requires(const O& o) {
  { o.diverged_at_step } -> std::convertible_to<std::size_t>;
  { o.steps } -> std::convertible_to<std::size_t>;
};

}  // namespace metahebb
