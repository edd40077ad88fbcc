#pragma once
/// Spike-trace rule basis (Confavreux et al. 2020, Eqs. 12 and 14):
///
///   dw/dt = α S_pre + β S_post + γ x_pre S_post + κ x_post S_pre,
///   dx_pre/dt = −x_pre/τ_pre + S_pre,   dx_post/dt = −x_post/τ_post + S_post
///
/// i.e. with a learning rate η, on a presynaptic spike w += η(α + κ x_post) and on a
/// postsynaptic spike w += η(β + γ x_pre). θ = (α, β, γ, κ, τ_pre, τ_post), six
/// coefficients, time constants in seconds. Its mean drift (Eq. 15) is
/// α ν_pre + β ν_post + (γ τ_pre + κ τ_post) ν_pre ν_post, whence the fixed point (Eq. 17).
///
/// `SpikeTraceBasis` names the coefficients and gives the mean-field formulas;
/// `SpikeTraceRule` is the rule as a component (core/concepts/event_rule.hpp): it owns η,
/// the clipping of w to [0, w_max], the traces and their decay, and the order of updates:
///   presynaptic spike:  w ← clip(w + η(α + κ x_post), 0, w_max);  x_pre ← x_pre e^{−Δt/τ_pre} + 1
///   postsynaptic spike: w ← clip(w + η(β + γ x_pre e^{−Δt/τ_pre}), 0, w_max) for every synapse,
///                       then x_post += 1
///   every step:         x_post ← x_post e^{−dt/τ_post}
/// (x_pre is decayed lazily, only at its own spikes and when read: exact for an exponential.)
/// The Brian2 and NESTML exporters (io/) write these same statements.

#include <Eigen/Core>
#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "../core/concepts/event_rule.hpp"
#include "../core/concepts/rule_basis.hpp"
#include "../core/errors.hpp"
#include "../core/lane_thetas.hpp"
#include "../core/lanes.hpp"

namespace metahebb {

/// θ of one candidate, in any arithmetic type T (scalar or SIMD batch: one candidate per lane).
template <class T>
struct SpikeTraceCoefficients {
  T alpha, beta, gamma, kappa, tau_pre, tau_post;
};

class SpikeTraceBasis {
 public:
  enum Index : std::size_t { alpha = 0, beta = 1, gamma = 2, kappa = 3, tau_pre = 4, tau_post = 5 };
  static constexpr std::size_t num_coefficients = 6;

  std::size_t size() const noexcept { return num_coefficients; }
  std::string term_name(std::size_t k) const {
    static constexpr std::array<const char*, num_coefficients> names{"alpha", "beta", "gamma", "kappa", "tau_pre",
                                                                     "tau_post"};
    return k < names.size() ? names[k] : "?";
  }
  std::vector<std::string> term_names() const {
    std::vector<std::string> out;
    for (std::size_t k = 0; k < size(); ++k) out.push_back(term_name(k));
    return out;
  }

  /// Whether θ can be simulated at all: finite, and both time constants > 0. A search may
  /// propose other values; a task treats them as diverged at once (finite penalty).
  static bool simulable(const Eigen::Ref<const Eigen::VectorXd>& theta) noexcept {
    return theta.size() == static_cast<Eigen::Index>(num_coefficients) && theta.allFinite() &&
           theta[tau_pre] > 0.0 && theta[tau_post] > 0.0;
  }

  /// Δw/η on a presynaptic spike: α + κ x_post.
  template <class T>
  static T on_pre(const SpikeTraceCoefficients<T>& c, const T& x_post) noexcept { return c.alpha + c.kappa * x_post; }
  /// Δw/η on a postsynaptic spike: β + γ x_pre.
  template <class T>
  static T on_post(const SpikeTraceCoefficients<T>& c, const T& x_pre) noexcept { return c.beta + c.gamma * x_pre; }

  /// Eq. 15: mean drift ⟨dw/dt⟩ for uncorrelated pre and post spike trains.
  static double mean_drift(const Eigen::Ref<const Eigen::VectorXd>& theta, double nu_pre, double nu_post) {
    return theta[alpha] * nu_pre + theta[beta] * nu_post +
           (theta[gamma] * theta[tau_pre] + theta[kappa] * theta[tau_post]) * nu_pre * nu_post;
  }
  /// Eq. 17: the postsynaptic rate at which the mean drift vanishes, −α ν_pre / (β + (γ τ_pre + κ τ_post) ν_pre).
  static double steady_state_rate(const Eigen::Ref<const Eigen::VectorXd>& theta, double nu_pre) {
    return -theta[alpha] * nu_pre /
           (theta[beta] + (theta[gamma] * theta[tau_pre] + theta[kappa] * theta[tau_post]) * nu_pre);
  }
};

static_assert(check_rule_basis<SpikeTraceBasis>());

/// The spike-trace rule as a component: settings η and w_max; θ = (α, β, γ, κ, τ_pre, τ_post).
struct SpikeTraceRule {
  static constexpr std::size_t num_coefficients = SpikeTraceBasis::num_coefficients;

  double eta = 1e-2;     ///< learning rate η (scales α, β, γ, κ together)
  double w_max = 100.0;  ///< weights are clipped to [0, w_max] after every update

  void validate() const {
    require_positive("rule.eta", eta);
    require_positive("rule.w_max", w_max);
  }
  std::vector<std::string> term_names() const { return SpikeTraceBasis{}.term_names(); }

  /// θ is finite with τ_pre, τ_post > 0, and its coefficients stay finite in `Scalar`.
  template <class Scalar>
  bool simulable(const Eigen::VectorXd& theta, double dt) const {
    if (!SpikeTraceBasis::simulable(theta)) return false;
    using I = SpikeTraceBasis::Index;
    for (const double v : {theta[I::alpha], theta[I::beta], theta[I::gamma], theta[I::kappa], -1.0 / theta[I::tau_pre]})
      if (!std::isfinite(static_cast<Scalar>(v))) return false;
    (void)dt;
    return true;
  }
  /// For padding lanes: a rule that does nothing.
  Eigen::VectorXd inert_theta() const {
    Eigen::VectorXd theta(6);
    theta << 0.0, 0.0, 0.0, 0.0, 1.0, 1.0;
    return theta;
  }

  template <class T>
  class kernel {
   public:
    using scalar = lanes::scalar_t<T>;
    struct pre_trace {
      T x = T(0);  ///< x_pre as of this synapse's last presynaptic spike
    };
    /// on_pre's new pre trace depends only on the old one and the elapsed time (not on w or the
    /// post trace): every synapse of a presynaptic neuron holds the same pre trace, and a synapse
    /// group may keep one per neuron (SparseSynapses does).
    static constexpr bool pre_trace_per_neuron = true;
    struct post_trace {
      T x = T(0);  ///< x_post
    };

    kernel(const SpikeTraceRule& rule, const LaneThetas<T>& theta, double dt)
        : alpha_(theta.gather([](const double* t) { return t[SpikeTraceBasis::alpha]; })),
          beta_(theta.gather([](const double* t) { return t[SpikeTraceBasis::beta]; })),
          gamma_(theta.gather([](const double* t) { return t[SpikeTraceBasis::gamma]; })),
          kappa_(theta.gather([](const double* t) { return t[SpikeTraceBasis::kappa]; })),
          neg_inv_tau_pre_(theta.gather([](const double* t) { return -1.0 / t[SpikeTraceBasis::tau_pre]; })),
          decay_post_(theta.gather([dt](const double* t) { return std::exp(-dt / t[SpikeTraceBasis::tau_post]); })),
          eta_(static_cast<scalar>(rule.eta)), w_max_(static_cast<scalar>(rule.w_max)) {}

    /// Presynaptic spike, `elapsed` s after this synapse's previous one.
    void on_pre(T& w, pre_trace& pre, const post_trace& post, const T& elapsed) const noexcept {
      w = lanes::clamp(w + eta_ * (alpha_ + kappa_ * post.x), T(0), w_max_);
      pre.x = pre.x * lanes::exp(elapsed * neg_inv_tau_pre_) + T(1);
    }
    /// Postsynaptic spike: the new weight of a synapse whose last presynaptic spike was `elapsed` s ago.
    T on_post(const T& w, const pre_trace& pre, const post_trace& /*post*/, const T& elapsed) const noexcept {
      const T x_pre = pre.x * lanes::exp(elapsed * neg_inv_tau_pre_);
      return lanes::clamp(w + eta_ * (beta_ + gamma_ * x_pre), T(0), w_max_);
    }
    void post_spiked(post_trace& post, const lanes::mask_t<T>& spiked) const noexcept {
      post.x = lanes::select(spiked, post.x + T(1), post.x);
    }
    /// One dt: x_post ← x_post e^{−dt/τ_post}, set to 0 once below the smallest normal number
    /// (lanes::flush_subnormal; x_post ≥ 0: no effect on any weight, and subnormal arithmetic is slow).
    void decay(post_trace& post) const noexcept { post.x = lanes::flush_subnormal(post.x * decay_post_); }

   private:
    T alpha_, beta_, gamma_, kappa_, neg_inv_tau_pre_, decay_post_, eta_, w_max_;
  };
};

static_assert(check_event_rule<SpikeTraceRule, float>());
static_assert(check_event_rule<SpikeTraceRule, double>());

namespace rules {
/// Vogels et al. 2011 iSTDP as θ of the spike-trace basis: α = −2 ρ0 τ, β = 0, γ = κ = 1,
/// τ_pre = τ_post = τ. Its fixed point for independent Poisson trains is ν_post = ρ0
/// (Eq. 17); correlated E/I input moves it below ρ0 (see docs/inhibitory-balance.md).
inline Eigen::VectorXd vogels2011(double rho0 = 5.0, double tau = 20e-3) {
  require_positive("vogels2011.rho0", rho0);
  require_positive("vogels2011.tau", tau);
  Eigen::VectorXd theta(6);
  theta << -2.0 * rho0 * tau, 0.0, 1.0, 1.0, tau, tau;
  return theta;
}
}  // namespace rules

}  // namespace metahebb
