#pragma once
// Shared check for every spiking task built on the simulation layer (the §3.3 task with any
// neuron model and event rule): the SIMD population path and the scalar reference path
// give the same observations, bit for bit, candidate by candidate.
#include <catch2/catch.hpp>

#include <Eigen/Core>
#include <cstddef>
#include <metahebb/core/concepts/task.hpp>
#include <metahebb/rules/spike_trace.hpp>
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

/// Nine spike-trace rules (θ = α, β, γ, κ, τ_pre, τ_post) covering what a neuron model in the
/// §3.3 task must handle: Vogels-type rules, a rule that removes inhibition, fast and slow
/// traces, no plasticity, potentiation only, and one θ that cannot be simulated (column 5).
inline Eigen::MatrixXd assorted_spike_trace_rules() {
  Eigen::MatrixXd th(6, 9);
  th.col(0) = rules::vogels2011(5.0, 0.02);
  th.col(1) = rules::vogels2011(10.0, 0.01);
  th.col(2) << -1, 4, 0, 0, 0.02, 0.02;
  th.col(3) << -5, -5, 0, 0, 0.02, 0.02;  // removes inhibition
  th.col(4) << -0.3, 0.5, 2, 1, 0.003, 0.1;
  th.col(5) << -1, 4, 0, 0, -0.02, 0.02;  // not simulable
  th.col(6) << -2, 3, 1, 1, 0.01, 0.03;
  th.col(7) << 0, 0, 0, 0, 1, 1;          // no plasticity
  th.col(8) << 0.5, 1, 0, 0, 0.02, 0.02;  // potentiates only: silenced
  return th;
}

/// A neuron model in the §3.3 task (InhibitoryBalance<Model, SpikeTraceRule>): lanes equal the
/// scalar path on assorted_spike_trace_rules(), the non-simulable θ is exploded at step 0 and
/// the first Vogels rule is not.
template <class Task>
void check_neuron_lanes_match_scalar(const Task& task) {
  const auto reference = check_lanes_match_scalar(task, assorted_spike_trace_rules(), {11, 3, 2}, 500);
  CHECK(reference[5].exploded);
  CHECK(reference[5].stopped_at_step == 0);
  CHECK_FALSE(reference[0].exploded);
}

}  // namespace metahebb::testing
