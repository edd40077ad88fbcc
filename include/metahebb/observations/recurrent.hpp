#pragma once
/// What a recurrent E/I network reports for one candidate on one dataset
/// (tasks/recurrent_network.hpp): population rates and the stability term over the scoring
/// window, the spikes of the scoring window (for the network metrics), the weights of the
/// four synapse types, the network metrics of the filter-SBI constraints, and whether (and
/// when) the rate checker stopped it.
/// Scored by losses/stability.hpp.

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "../core/concepts/observation.hpp"
#include "network_metrics.hpp"

namespace metahebb {

struct RecurrentObservation {
  struct Spike {
    std::uint32_t step;    ///< step since the start of scoring
    std::uint32_t neuron;  ///< index in its population
  };

  double rate_e_hz = 0.0;        ///< mean E rate in the scoring window (Hz)
  double rate_i_hz = 0.0;        ///< mean I rate in the scoring window (Hz)
  double stability_loss = 0.0;   ///< mean over scoring steps of (r − r*)² / (r + c), r the filtered E rate
  double target_rate_hz = 0.0;   ///< r*
  double rate_offset_hz = 0.0;   ///< c
  bool exploded = false;         ///< stopped by the rate checker (or θ not simulable)
  std::size_t stopped_at_step = 0;  ///< if exploded: the step at which it stopped (0: not simulable)
  std::size_t steps = 0;         ///< steps of the full protocol
  std::size_t simulated_steps = 0;
  double max_rate_hz = 0.0;      ///< the rate checker's bound
  std::size_t exc = 0, inh = 0, scoring_steps = 0;
  double dt = 0.0, w_max = 0.0;
  std::array<double, 4> mean_weight_start{}, mean_weight_end{};  ///< EE, EI, IE, II
  std::array<double, 4> mean_weight_scoring{};  ///< EE, EI, IE, II as scoring begins (NaN if stopped before)
  std::array<std::vector<float>, 4> weights;                     ///< final weights per type (CSR order)
  std::vector<Spike> exc_spikes, inh_spikes;                     ///< scoring window, in time order
  NetworkMetrics metrics;  ///< of the scoring window (observations/network_metrics.hpp); NaN if exploded

  bool diverged() const noexcept { return exploded; }
  /// The rate the rate checker bounds, under the name RateObservation expects.
  double rate_hz() const noexcept { return rate_e_hz; }
};

static_assert(Observation<RecurrentObservation>);

}  // namespace metahebb
