#pragma once
/// Simulated choices of an animal whose first layer learns with a teacher rule (Mehta et al.
/// 2024, §3.2, after the fly two-odour experiment): on every presentation one of two odours
/// (chosen with probability ½) drives the inputs, a plastic layer of tanh units and a fixed
/// readout give the probability of accepting it, and the choice is Bernoulli:
///
///   x ~ N(μ_odour, σ_x² I),  h = tanh(W x),  p = σ(v·h),  v = (gain / M)·1,  choice ~ Bernoulli(p)
///
/// A trial is the presentations up to the first acceptance (at most `max_presentations`).
/// At an acceptance the odour's bait gives the reward R ∈ {0, 1} (baits are set at the start of
/// each trial with the block's probability for each odour and stay until collected); then
///
///   W_ij += η f_θ(x_j, h_i, W_ij, R − E[R]),   E[R] = mean of the last `reward_window` rewards
///                                                (0 before the first), taken at the trial's start.
///
/// Blocks of `trials_per_block` trials with reward probabilities (0.2, 0.8), (0.9, 0.1),
/// (0.2, 0.8) by default; η = 1/N (the reference's lr = 1/input_dim); W_0 ~ N(0, 0.01²).
/// Odour a drives inputs [a·N/2, (a+1)·N/2) with mean `odour_mean`. Units: dimensionless rates;
/// R − E[R] in rewards per trial.
///
/// Streams: inputs, odours, baits and choices from (seed, dataset, k); W_0 from
/// (seed, initial_weights, k).

#include <Eigen/Core>
#include <array>
#include <cmath>
#include <cstdint>
#include <deque>
#include <vector>

#include "../core/errors.hpp"
#include "../core/random.hpp"
#include "activity_data.hpp"
#include "plastic_layer.hpp"

namespace metahebb::fit {

struct BehaviourDataConfig {
  PlasticLayerConfig layer{.inputs = 2, .outputs = 10, .activation = Activation::tanh, .eta = 0.5};
  std::vector<std::array<double, 2>> reward_probabilities{{0.2, 0.8}, {0.9, 0.1}, {0.2, 0.8}};
  std::size_t trials_per_block = 80;
  double odour_mean = 0.75;
  double input_std = 0.12247448713915890;  ///< √0.015, the reference's input variance
  double initial_weight_std = 0.01;
  double readout_gain = 5.0;       ///< v = gain / M for every hidden unit
  std::size_t reward_window = 10;  ///< presentations averaged into E[R]
  std::size_t max_presentations = 50;

  void validate() const {
    layer.validate();
    require(layer.inputs >= 2, "plastic_layer.inputs", layer.inputs, "must be >= 2 (two odours)");
    require(!reward_probabilities.empty(), "reward_probabilities.size()", 0, "must be >= 1 block");
    for (const auto& block : reward_probabilities)
      for (double p : block) require(p >= 0.0 && p <= 1.0, "reward probability", p, "must be in [0, 1]");
    require_count("trials_per_block", static_cast<long long>(trials_per_block), 1, 1000000);
    require(std::isfinite(odour_mean), "odour_mean", odour_mean, "must be finite");
    require_non_negative("input_std", input_std);
    require_non_negative("initial_weight_std", initial_weight_std);
    require(std::isfinite(readout_gain), "readout_gain", readout_gain, "must be finite");
    require_count("reward_window", static_cast<long long>(reward_window), 1, 1000000);
    require_count("max_presentations", static_cast<long long>(max_presentations), 1, 1000000);
  }
  Eigen::VectorXd readout() const {
    return Eigen::VectorXd::Constant(static_cast<Eigen::Index>(layer.outputs),
                                     readout_gain / static_cast<double>(layer.outputs));
  }
};

template <class Rule>
SimulatedTrajectory simulate_behaviour(const BehaviourDataConfig& c, const Rule& teacher,
                                       const Eigen::Ref<const Eigen::VectorXd>& theta, std::uint64_t seed,
                                       std::size_t index) {
  c.validate();
  require(teacher.num_factors() == 4, "teacher rule factors", teacher.num_factors(), "must be 4 (x, y, w, r)");
  const auto M = static_cast<Eigen::Index>(c.layer.outputs), N = static_cast<Eigen::Index>(c.layer.inputs);
  const Eigen::VectorXd v = c.readout();
  RandomStream rng(seed, Purpose::dataset, 0, 0, index);
  RandomStream init(seed, Purpose::initial_weights, 0, 0, index);
  Eigen::MatrixXd w(M, N);
  init.fill_normal(w);
  w *= c.initial_weight_std;

  std::vector<Eigen::RowVectorXd> xs;
  std::vector<double> rs, choices;
  std::vector<std::uint8_t> plastic;
  std::array<bool, 2> bait{false, false};
  std::deque<double> history;
  double z[4];
  for (const auto& probabilities : c.reward_probabilities)
    for (std::size_t trial = 0; trial < c.trials_per_block; ++trial) {
      for (int a = 0; a < 2; ++a) bait[static_cast<std::size_t>(a)] = bait[static_cast<std::size_t>(a)] || rng.uniform() < probabilities[static_cast<std::size_t>(a)];
      double expected = 0.0;
      for (double h : history) expected += h;
      if (!history.empty()) expected /= static_cast<double>(history.size());
      for (std::size_t k = 0; k < c.max_presentations; ++k) {
        const int odour = rng.uniform() < 0.5 ? 0 : 1;
        Eigen::RowVectorXd x(N);
        for (Eigen::Index j = 0; j < N; ++j) {
          const bool driven = (j < N / 2) == (odour == 0);
          x[j] = (driven ? c.odour_mean : 0.0) + c.input_std * rng.normal();
        }
        const Eigen::VectorXd h = (w * x.transpose()).array().tanh().matrix();
        const double p = 1.0 / (1.0 + std::exp(-v.dot(h)));
        const bool accept = rng.uniform() < p;
        xs.push_back(x);
        choices.push_back(accept ? 1.0 : 0.0);
        plastic.push_back(accept ? 1 : 0);
        if (!accept) {
          rs.push_back(0.0);
          continue;
        }
        const double reward = bait[static_cast<std::size_t>(odour)] ? 1.0 : 0.0;
        bait[static_cast<std::size_t>(odour)] = false;
        rs.push_back(reward - expected);
        for (Eigen::Index j = 0; j < N; ++j)
          for (Eigen::Index i = 0; i < M; ++i) {
            fill_factors(z, 4, x[j], h[i], w(i, j), reward - expected);
            w(i, j) += c.layer.eta * teacher.template evaluate<double>(theta, std::span<const double>(z, 4));
          }
        require(w.allFinite() && w.cwiseAbs().maxCoeff() <= c.layer.weight_bound, "teacher rule", "diverged",
                "must keep the weights bounded on this data");
        history.push_front(reward);
        if (history.size() > c.reward_window) history.pop_back();
        break;
      }
    }

  SimulatedTrajectory s;
  Trajectory& tr = s.data;
  const auto T = static_cast<Eigen::Index>(xs.size());
  tr.x.resize(T, N);
  for (Eigen::Index t = 0; t < T; ++t) tr.x.row(t) = xs[static_cast<std::size_t>(t)];
  tr.r = Eigen::Map<const Eigen::VectorXd>(rs.data(), T);
  tr.choice = Eigen::Map<const Eigen::VectorXd>(choices.data(), T);
  tr.plastic = std::move(plastic);
  init = RandomStream(seed, Purpose::initial_weights, 0, 0, index);
  tr.w0.resize(M, N);
  init.fill_normal(tr.w0);
  tr.w0 *= c.initial_weight_std;
  // The teacher replayed through the recorded presentations gives its weights and activity.
  s.truth = run_layer(c.layer, teacher, theta, tr);
  return s;
}

}  // namespace metahebb::fit
