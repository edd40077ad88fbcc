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
/// A basis tells a spiking task which traces it needs and what an event does to w;
/// a later basis (triplet terms, co-dependent terms) provides the same members with
/// more traces and coefficients.

#include <Eigen/Core>
#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "../core/concepts/rule_basis.hpp"
#include "../core/errors.hpp"

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
