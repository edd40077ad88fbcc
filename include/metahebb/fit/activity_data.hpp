#pragma once
/// Simulated neural recordings for fitting a rule to activity (Mehta et al. 2024, §3.1: a
/// teacher rule drives a plastic rate layer; the recorded data are its outputs, from a fraction
/// of the neurons, with Gaussian measurement noise).
///
///   x_t ~ N(0, σ_x² I),  W_0 ~ N(0, σ_w²) (σ_w = 1/√N by default),  y_t = W_t x_t (linear units)
///   ŷ_ti = y_ti + σ_noise ε_ti for recorded neurons i (⌈sparsity · M⌉ of them, chosen per
///   trajectory), NaN for the others.
///
/// Linear units with unit-variance inputs, not the reference's sigmoid units: with sigmoid
/// outputs near 0.5 the terms x, x·y, x·y² are nearly interchangeable and no fit can tell them
/// apart (docs/fitting-to-data.md). Units: rates and weights are dimensionless; σ_noise is in
/// units of y (whose s.d. is ≈ σ_x ‖w_i‖ ≈ 1 at the start).
///
/// Trajectory k of seed s draws its inputs from the stream (s, dataset, k), its weights from
/// (s, initial_weights, k) and its recording mask and noise from (s, scoring, k), so the
/// training set (k < n) and held-out set (k ≥ n) never share numbers.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

#include "../core/errors.hpp"
#include "../core/random.hpp"
#include "plastic_layer.hpp"

namespace metahebb::fit {

struct ActivityDataConfig {
  PlasticLayerConfig layer{.inputs = 10, .outputs = 20, .activation = Activation::linear, .eta = 0.05};
  std::size_t steps = 100;          ///< T samples per trajectory (one update after each)
  double input_std = 1.0;           ///< σ_x
  double initial_weight_std = 0.0;  ///< σ_w; 0 means 1/√N
  double noise = 0.0;               ///< σ_noise, measurement noise
  double sparsity = 1.0;            ///< fraction of outputs recorded, in (0, 1]

  void validate() const {
    layer.validate();
    require_count("steps", static_cast<long long>(steps), 1, 1000000);
    require_positive("input_std", input_std);
    require_non_negative("initial_weight_std", initial_weight_std);
    require(std::isfinite(noise) && noise >= 0.0, "noise", noise, "must be finite and >= 0");
    require(std::isfinite(sparsity) && sparsity > 0.0 && sparsity <= 1.0, "sparsity", sparsity, "must be in (0, 1]");
  }
  double weight_std() const {
    return initial_weight_std > 0.0 ? initial_weight_std : 1.0 / std::sqrt(static_cast<double>(layer.inputs));
  }
};

/// A recorded trajectory and the teacher's noise-free run that produced it.
struct SimulatedTrajectory {
  Trajectory data;
  LayerRun truth;
};

template <class Rule>
SimulatedTrajectory simulate_activity(const ActivityDataConfig& c, const Rule& teacher,
                                      const Eigen::Ref<const Eigen::VectorXd>& theta, std::uint64_t seed,
                                      std::size_t index) {
  c.validate();
  const auto T = static_cast<Eigen::Index>(c.steps);
  const auto M = static_cast<Eigen::Index>(c.layer.outputs), N = static_cast<Eigen::Index>(c.layer.inputs);
  SimulatedTrajectory s;
  Trajectory& tr = s.data;
  RandomStream inputs(seed, Purpose::dataset, 0, 0, index);
  tr.x.resize(T, N);
  inputs.fill_normal(tr.x);
  tr.x *= c.input_std;
  RandomStream weights(seed, Purpose::initial_weights, 0, 0, index);
  tr.w0.resize(M, N);
  weights.fill_normal(tr.w0);
  tr.w0 *= c.weight_std();
  tr.r = Eigen::VectorXd::Zero(T);
  tr.plastic.assign(c.steps, 1);
  s.truth = run_layer(c.layer, teacher, theta, tr);
  require(!s.truth.diverged, "teacher rule", "diverged", "must keep the weights bounded on this data");

  RandomStream measure(seed, Purpose::scoring, 0, 0, index);
  std::vector<Eigen::Index> order(static_cast<std::size_t>(M));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  for (std::size_t i = order.size(); i > 1; --i)  // Fisher–Yates with our own stream
    std::swap(order[i - 1], order[static_cast<std::size_t>(measure() % i)]);
  const auto recorded = std::max<Eigen::Index>(1, static_cast<Eigen::Index>(std::ceil(c.sparsity * static_cast<double>(M) - 1e-9)));
  tr.y = Eigen::MatrixXd::Constant(T, M, std::numeric_limits<double>::quiet_NaN());
  for (Eigen::Index k = 0; k < recorded; ++k) {
    const Eigen::Index i = order[static_cast<std::size_t>(k)];
    for (Eigen::Index t = 0; t < T; ++t) tr.y(t, i) = s.truth.y(t, i) + c.noise * measure.normal();
  }
  return s;
}

}  // namespace metahebb::fit
