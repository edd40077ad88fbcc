#pragma once
/// Rate-rule policy: a plasticity rule over continuous factors (rates, weights, reward, …),
///
///   Δw = η f_θ(factor_1, …, factor_F),
///
/// with any number of factors F. A rule says how many coefficients θ it has and names them
/// (it is a RuleBasis), how many factors it reads, and evaluates f_θ for one synapse in any
/// arithmetic type T (float, double, a SIMD batch, a dual number for exact gradients).
/// `VolterraBasis` (rules/volterra.hpp) is the shipped model: monomials of the factors;
/// an MLP over the same factors is another. A rate network task evaluates a rule through
/// this concept (the per-synapse reference path); a rule may also offer a faster batch path
/// the task recognises (VolterraBasis: all moments from one matrix product).

#include <Eigen/Core>
#include <concepts>
#include <cstddef>
#include <span>

#include "rule_basis.hpp"

namespace metahebb {

template <class R>
concept RateRule = RuleBasis<R> && requires(const R& r, const Eigen::VectorXd& theta, std::span<const double> f) {
  { r.num_factors() } -> std::convertible_to<std::size_t>;
  { r.template evaluate<double>(theta, f) } -> std::convertible_to<double>;
};

template <class R>
constexpr bool check_rate_rule() {
  static_assert(check_rule_basis<R>());
  static_assert(requires(const R& r) { { r.num_factors() } -> std::convertible_to<std::size_t>; },
                "metahebb: the rate rule needs num_factors() (how many values it reads per synapse)");
  static_assert(requires(const R& r, const Eigen::VectorXd& theta, std::span<const double> f) {
    { r.template evaluate<double>(theta, f) } -> std::convertible_to<double>;
  }, "metahebb: the rate rule needs template <class T> T evaluate(const Eigen::Ref<const Eigen::VectorXd>& theta, "
     "std::span<const T> factors)");
  return RateRule<R>;
}

}  // namespace metahebb
