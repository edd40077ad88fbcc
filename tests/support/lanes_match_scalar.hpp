#pragma once
// Shared check for every spiking task built on the simulation layer (the §3.3 task with any
// neuron model and event rule): the SIMD population path and the scalar reference path
// give the same observations, bit for bit, candidate by candidate.
#include <catch2/catch.hpp>

#include <Eigen/Core>
#include <cstddef>
#include <metahebb/core/concepts/task.hpp>
#include <vector>

namespace metahebb::testing {

/// Runs `thetas` on the dataset `context` names through task.simulate (lanes) and
/// task.simulate_scalar (reference), checks spikes, final weights, rates per second, the
/// explosion flag and step, and the window rate equal, and that together the candidates
/// spiked more than `min_spikes` times (so the comparison is not vacuous). Returns the
/// reference observations for further checks.
template <class Task>
std::vector<typename Task::observation> check_lanes_match_scalar(const Task& task, const Eigen::MatrixXd& thetas,
                                                                  const EvaluationContext& context,
                                                                  std::size_t min_spikes) {
  const auto d = task.dataset(context);
  const auto fast = task.simulate(thetas, d);
  const auto reference = task.simulate_scalar(thetas, d);
  REQUIRE(fast.size() == reference.size());
  std::size_t spikes = 0;
  for (std::size_t c = 0; c < fast.size(); ++c) {
    INFO("candidate " << c);
    CHECK(fast[c].spike_steps == reference[c].spike_steps);  // the same spikes, step for step
    CHECK(fast[c].w_inh_final == reference[c].w_inh_final);  // and the same weights, bit for bit
    CHECK(fast[c].rate_per_second == reference[c].rate_per_second);
    CHECK(fast[c].exploded == reference[c].exploded);
    CHECK(fast[c].stopped_at_step == reference[c].stopped_at_step);
    CHECK(fast[c].rate_hz == reference[c].rate_hz);
    spikes += reference[c].spike_steps.size();
  }
  CHECK(spikes > min_spikes);
  return reference;
}

}  // namespace metahebb::testing
