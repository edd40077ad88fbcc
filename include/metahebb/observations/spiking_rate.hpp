#pragma once
/// What a spiking neuron's run reports: its rate in a scoring window, its rate in every
/// 1 s bin, its spikes, its plastic weights when it stopped, and whether (and when) the
/// rate check stopped it (Confavreux et al. 2020, §3.3; tasks/inhibitory_balance.hpp).
/// Scored by losses/target_rate.hpp.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "../core/concepts/observation.hpp"

namespace metahebb {

struct SpikingRateObservation {
  double rate_hz = 0.0;             ///< r̄: spikes in the scoring window / window length
  std::size_t window_spikes = 0;
  bool exploded = false;            ///< stopped early by the explosion check (or θ not simulable)
  std::size_t stopped_at_step = 0;  ///< if exploded: the step at which it stopped
  std::size_t steps = 0;            ///< steps of the full protocol (training + scoring)
  double max_rate_hz = 0.0;         ///< the explosion threshold used (the loss scales its penalty with it)
  std::vector<float> rate_per_second;  ///< Hz in each simulated 1 s bin
  std::vector<std::uint32_t> spike_steps;  ///< steps at which the neuron spiked
  std::vector<float> w_inh_final;      ///< plastic weights when this candidate stopped (empty: not simulable)

  bool diverged() const noexcept { return exploded; }
};

/// The §3.3 task's name for it.
using InhibitoryBalanceObservation = SpikingRateObservation;

static_assert(RateObservation<SpikingRateObservation>);

}  // namespace metahebb
