#pragma once
/// Plastic rate networks for the familiarity protocol ("memory by accident", NeurIPS 2025; issue 14).
/// No reference code exists for the paper's rate networks; this design is documented in
/// docs/familiarity.md.
///
/// Inputs: N_in = N rates x_j = max(0, s_j + σ ξ_j) with s the stimulus (familiar, novel or
/// background) and ξ ~ N(0, 1) drawn every step.
///
/// feedforward (inputs → plastic layer = readout):
///   y_i = max(0, (1/N_in) Σ_j w_ij x_j)                              (instantaneous)
///   plastic: w (N × N_in), pre = x_j, post = y_i
/// recurrent (one-to-one fixed input, plastic recurrent weights, global inhibition g):
///   τ dy_i/dt = −y_i + max(0, g_in x_i + (1/N) Σ_{k≠i} w_ik y_k − g ȳ)
///   plastic: w (N × N, no self-connections), pre = y_k, post = y_i
///
/// Plasticity, for every synapse of group q (the presynaptic neurons are split into K equal
/// contiguous blocks, the co-active plastic groups; each has its own θ_q):
///   dw/dt = η Σ_{a,b,c} θ_q[a,b,c] pre^a post^b w^c        (a Volterra rule, rules/volterra.hpp)
///   then w is clipped to [0, w_max].
/// Weights are in units of the mean field (the 1/N_in and 1/N scalings), so one θ acts alike at
/// every size. Euler steps of dt; rates are in the inputs' unit (background 1 by default).
///
/// A network whose rates or weights become non-finite, or whose rates exceed 1e6, is marked
/// diverged: it stops and reports infinite rates from then on.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "../core/concepts/probeable_network.hpp"
#include "../core/errors.hpp"
#include "../core/random.hpp"
#include "../rules/volterra.hpp"

namespace metahebb::familiarity {

enum class RateNetworkKind { feedforward, recurrent };

struct RateNetworkConfig {
  RateNetworkKind kind = RateNetworkKind::feedforward;
  std::size_t neurons = 32;   ///< N readout (plastic-layer) neurons; N_in = N inputs
  std::size_t groups = 1;     ///< K co-active plastic groups (blocks of presynaptic neurons)
  double dt = 0.02;           ///< s
  double tau = 0.1;           ///< s, recurrent rate time constant
  double eta = 0.2;           ///< 1/s, learning rate
  double input_noise = 0.2;   ///< σ of the input rates per step
  double w_init = 1.0;        ///< initial weights uniform in [w_init − w_init_spread, w_init + w_init_spread]
  double w_init_spread = 0.5;
  double w_max = 10.0;        ///< weights are clipped to [0, w_max]
  double inhibition = 1.0;    ///< recurrent: global inhibition g
  double input_weight = 1.0;  ///< recurrent: g_in
  int order_pre = 1, order_post = 2, order_weight = 1;  ///< Volterra orders of the rule

  void validate() const {
    require_count("rate_network.neurons", static_cast<long long>(neurons), 2, 100000);
    require(groups >= 1 && groups <= neurons, "rate_network.groups", groups,
            "must be in [1, neurons] (" + std::to_string(neurons) + ")");
    require_positive("rate_network.dt", dt);
    require_positive("rate_network.tau", tau);
    require(kind != RateNetworkKind::recurrent || dt < tau, "rate_network.dt", dt, "must be < tau for the recurrent network");
    require_positive("rate_network.eta", eta);
    require_non_negative("rate_network.input_noise", input_noise);
    require_positive("rate_network.w_max", w_max);
    require_non_negative("rate_network.w_init_spread", w_init_spread);
    require(std::isfinite(w_init) && w_init - w_init_spread >= 0.0 && w_init + w_init_spread <= w_max,
            "rate_network.w_init", w_init, "must keep [w_init ± w_init_spread] inside [0, w_max]");
    require_non_negative("rate_network.inhibition", inhibition);
    require_non_negative("rate_network.input_weight", input_weight);
    for (auto [name, order] : {std::pair{"rate_network.order_pre", order_pre}, std::pair{"rate_network.order_post", order_post},
                               std::pair{"rate_network.order_weight", order_weight}})
      require(order >= 0 && order <= 4, name, order, "must be in [0, 4]");
  }

  VolterraBasis basis() const {
    return VolterraBasis({{"pre", order_pre}, {"post", order_post}, {"w", order_weight}});
  }
};

inline const char* to_string(RateNetworkKind kind) {
  return kind == RateNetworkKind::feedforward ? "feedforward" : "recurrent";
}

class RateNetwork {
 public:
  struct state_type {
    Eigen::MatrixXd w;  ///< plastic weights (N × N_in or N × N)
    Eigen::VectorXd y;  ///< rates
    RandomStream noise{0, Purpose::user};
    bool diverged = false;
  };

  /// θ holds K blocks of basis().size() coefficients, block q for group q. Network `dataset` of
  /// `candidate` draws its initial weights from the stream (seed, initial_weights, generation = N,
  /// candidate, dataset) and its input noise from (seed, user + 1, generation = N, candidate,
  /// dataset): the same (candidate, dataset) under two rules is the same network with the same
  /// noise (common random numbers); different candidates get independent networks.
  RateNetwork(const RateNetworkConfig& config, const Eigen::VectorXd& theta, std::uint64_t seed, std::uint64_t dataset = 0,
              std::uint64_t candidate = 0)
      : config_((config.validate(), config)), basis_(config.basis()), theta_(theta) {
    const auto per_group = static_cast<Eigen::Index>(basis_.size());
    require(theta.size() == per_group * static_cast<Eigen::Index>(config_.groups), "theta.size()", theta.size(),
            "must be groups × basis size (" + std::to_string(config_.groups) + " × " + std::to_string(per_group) + ")");
    require(theta.allFinite(), "theta", "(non-finite entry)", "must be finite");
    const auto n = static_cast<Eigen::Index>(config_.neurons);
    RandomStream init(StreamKey{seed, config_.neurons, candidate, dataset, Purpose::initial_weights});
    state_.w.resize(n, n);
    for (Eigen::Index j = 0; j < n; ++j)
      for (Eigen::Index i = 0; i < n; ++i)
        state_.w(i, j) = config_.w_init + config_.w_init_spread * (2.0 * init.uniform() - 1.0);
    if (recurrent()) state_.w.diagonal().setZero();
    state_.y = Eigen::VectorXd::Zero(n);
    state_.noise = RandomStream(StreamKey{seed, config_.neurons, candidate, dataset, noise_purpose});
    input_ = Eigen::VectorXd::Zero(n);
  }

  static constexpr Purpose noise_purpose = static_cast<Purpose>(static_cast<std::uint64_t>(Purpose::user) + 1);

  static std::size_t num_parameters(const RateNetworkConfig& config) { return config.basis().size() * config.groups; }

  const RateNetworkConfig& config() const noexcept { return config_; }
  double dt() const noexcept { return config_.dt; }
  std::size_t num_inputs() const noexcept { return config_.neurons; }
  state_type save() const { return state_; }
  void load(const state_type& s) { state_ = s; }
  void set_plastic(bool on) noexcept { plastic_ = on; }
  void set_input(const Eigen::VectorXd& rates) {
    require(rates.size() == input_.size(), "rate_network input size", rates.size(),
            "must equal num_inputs() (" + std::to_string(input_.size()) + ")");
    input_ = rates;
  }
  const Eigen::MatrixXd& weights() const noexcept { return state_.w; }
  bool diverged() const noexcept { return state_.diverged; }

  /// Advances `steps` steps; returns the mean rate of every readout neuron over them.
  Eigen::VectorXd run(std::size_t steps) {
    const auto n = static_cast<Eigen::Index>(config_.neurons);
    Eigen::VectorXd sum = Eigen::VectorXd::Zero(n);
    for (std::size_t t = 0; t < steps && !state_.diverged; ++t) {
      step();
      sum += state_.y;
    }
    if (state_.diverged) return Eigen::VectorXd::Constant(n, std::numeric_limits<double>::infinity());
    return sum / static_cast<double>(steps);
  }

 private:
  bool recurrent() const noexcept { return config_.kind == RateNetworkKind::recurrent; }

  void step() {
    const auto n = static_cast<Eigen::Index>(config_.neurons);
    x_.resize(n);
    for (Eigen::Index j = 0; j < n; ++j) x_[j] = std::max(0.0, input_[j] + config_.input_noise * state_.noise.normal());
    Eigen::VectorXd& y = state_.y;
    if (!recurrent()) {
      y.noalias() = state_.w * x_;
      y = (y / static_cast<double>(n)).cwiseMax(0.0);
    } else {
      h_.noalias() = state_.w * y;
      h_ = config_.input_weight * x_ + h_ / static_cast<double>(n) - Eigen::VectorXd::Constant(n, config_.inhibition * y.mean());
      y += (config_.dt / config_.tau) * (h_.cwiseMax(0.0) - y);
    }
    if (!y.allFinite() || y.maxCoeff() > 1e6) {
      state_.diverged = true;
      return;
    }
    if (plastic_) learn(recurrent() ? y : x_, y);
  }

  // dw = η dt Σ_c w^c ∘ Σ_a u_ac (pre^a)ᵀ with u_ac = Σ_b θ[a,b,c] post^b, per group's columns.
  void learn(const Eigen::VectorXd& pre, const Eigen::VectorXd& post) {
    const auto n = static_cast<Eigen::Index>(config_.neurons);
    const int pa = config_.order_pre, pb = config_.order_post, pc = config_.order_weight;
    const auto per_group = static_cast<Eigen::Index>(basis_.size());
    post_powers_.resize(n, pb + 1);
    post_powers_.col(0).setOnes();
    for (int b = 1; b <= pb; ++b) post_powers_.col(b) = post_powers_.col(b - 1).cwiseProduct(post);
    const Eigen::Index k = static_cast<Eigen::Index>(config_.groups);
    const double rate = config_.eta * config_.dt;
    Eigen::VectorXd u(n), p;
    for (Eigen::Index q = 0; q < k; ++q) {
      const Eigen::Index c0 = n * q / k, c1 = n * (q + 1) / k, width = c1 - c0;
      auto w = state_.w.middleCols(c0, width);
      const auto theta = theta_.segment(q * per_group, per_group);
      dw_.setZero(n, width);
      for (int c = 0; c <= pc; ++c) {
        m_.setZero(n, width);
        for (int a = 0; a <= pa; ++a) {
          u.setZero();
          bool any = false;
          for (int b = 0; b <= pb; ++b) {  // the basis's order: pre slowest, weight fastest
            const double coefficient = theta[(a * (pb + 1) + b) * (pc + 1) + c];
            if (coefficient == 0.0) continue;
            u += coefficient * post_powers_.col(b);
            any = true;
          }
          if (!any) continue;
          p.setOnes(width);
          for (int e = 0; e < a; ++e) p.array() *= pre.segment(c0, width).array();
          m_.noalias() += u * p.transpose();
        }
        if (c == 0) dw_ += m_;
        else {
          wc_ = w;
          for (int e = 1; e < c; ++e) wc_.array() *= w.array();
          dw_.array() += m_.array() * wc_.array();
        }
      }
      w = (w + rate * dw_).cwiseMax(0.0).cwiseMin(config_.w_max);
    }
    if (recurrent()) state_.w.diagonal().setZero();
    if (!state_.w.allFinite()) state_.diverged = true;
  }

  RateNetworkConfig config_;
  VolterraBasis basis_;
  Eigen::VectorXd theta_;
  state_type state_;
  Eigen::VectorXd input_;
  bool plastic_ = true;
  // scratch, not state
  Eigen::VectorXd x_, h_;
  Eigen::MatrixXd post_powers_, dw_, m_, wc_;
};

static_assert(check_probeable_network<RateNetwork>());

}  // namespace metahebb::familiarity
