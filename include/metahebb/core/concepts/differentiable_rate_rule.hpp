#pragma once
/// Differentiable rate rule: a RateRule whose value f_θ(z) comes with its exact derivatives
/// with respect to the coefficients θ and to the factors z, for the trajectory gradients of
/// fit/ (Mehta et al. 2024: the plasticity parameters are fitted by gradient descent through
/// the whole learning trajectory).
///
///   rule_gradient(rule, θ, z, g, dθ, dz) -> f_θ(z),  dθ += g ∂f/∂θ,  dz += g ∂f/∂z
///
/// g is the adjoint of f (the sensitivity of the loss to this synapse's Δw/η). A rule offers
/// it as a member `gradient(θ, z, g, dθ, dz)` (MlpRule) or through a free overload of
/// `rule_gradient` found by argument-dependent lookup (VolterraBasis:
/// rules/volterra_gradient.hpp).

#include <Eigen/Core>
#include <concepts>
#include <span>

#include "rate_rule.hpp"

namespace metahebb {

/// A rule with a member gradient(θ, z, g, dθ, dz).
template <class R>
  requires requires(const R& r, const Eigen::VectorXd& theta, std::span<const double> z, double g, double* p) {
    { r.gradient(theta, z, g, p, p) } -> std::convertible_to<double>;
  }
double rule_gradient(const R& rule, const Eigen::Ref<const Eigen::VectorXd>& theta, std::span<const double> z,
                     double g, double* d_theta, double* d_z) {
  return rule.gradient(theta, z, g, d_theta, d_z);
}

template <class R>
concept DifferentiableRateRule =
    RateRule<R> && requires(const R& r, const Eigen::VectorXd& theta, std::span<const double> z, double g, double* p) {
      { rule_gradient(r, theta, z, g, p, p) } -> std::convertible_to<double>;
    };

template <class R>
constexpr bool check_differentiable_rate_rule() {
  static_assert(check_rate_rule<R>());
  static_assert(requires(const R& r, const Eigen::VectorXd& theta, std::span<const double> z, double g, double* p) {
    { rule_gradient(r, theta, z, g, p, p) } -> std::convertible_to<double>;
  }, "metahebb: the differentiable rate rule needs gradient(theta, factors, g, d_theta, d_factors) -> f "
     "(adding g df/dtheta and g df/dfactors), or a rule_gradient overload");
  return DifferentiableRateRule<R>;
}

}  // namespace metahebb
