#pragma once
/// Volterra rule basis: monomials over named plasticity factors (Confavreux et al. 2020, Eq. 3).
///
///   Δw = η Σ θ_k Π_f factor_f^{e_fk},   e_fk = 0 .. max_order_f
///
/// Over (pre x, post y, weight w) with orders 0..2 this is the 27-term rule A_{αβδ};
/// terms are ordered with the first factor's exponent varying slowest, so the index of
/// A_{αβδ} is 9α + 3β + δ, as the coefficients read in the paper.

#include <Eigen/Core>
#include <cstddef>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

#include "../core/concepts/rate_rule.hpp"
#include "../core/concepts/rule_basis.hpp"
#include "../core/errors.hpp"

namespace metahebb {

class VolterraBasis {
 public:
  struct Factor {
    std::string name;  ///< printed in term names, e.g. "x"
    int max_order;     ///< exponents 0 .. max_order
  };

  explicit VolterraBasis(std::vector<Factor> factors) : factors_(std::move(factors)) {
    require(!factors_.empty(), "volterra.factors.size()", factors_.size(), "must be >= 1");
    std::size_t terms = 1;
    for (std::size_t f = 0; f < factors_.size(); ++f) {
      const auto field = "volterra.factors[" + std::to_string(f) + "].max_order";
      require(factors_[f].max_order >= 0 && factors_[f].max_order <= 16, field, factors_[f].max_order,
              "must be in [0, 16]");
      require(!factors_[f].name.empty(), "volterra.factors[" + std::to_string(f) + "].name", "\"\"",
              "must not be empty");
      terms *= static_cast<std::size_t>(factors_[f].max_order + 1);
      require(terms <= 100000, "volterra number of terms", terms, "must be <= 100000");
    }
    exponents_.resize(terms * factors_.size());
    for (std::size_t k = 0; k < terms; ++k) {
      std::size_t rest = k;
      for (std::size_t f = factors_.size(); f-- > 0;) {
        const auto base = static_cast<std::size_t>(factors_[f].max_order + 1);
        exponents_[k * factors_.size() + f] = static_cast<int>(rest % base);
        rest /= base;
      }
    }
  }

  /// The paper's basis: pre x, post y, weight w, each up to `max_order` (27 terms for order 2).
  static VolterraBasis pre_post_weight(int max_order = 2) {
    return VolterraBasis({{"x", max_order}, {"y", max_order}, {"w", max_order}});
  }

  std::size_t size() const noexcept { return exponents_.size() / factors_.size(); }
  std::size_t num_factors() const noexcept { return factors_.size(); }
  const Factor& factor(std::size_t f) const { return factors_.at(f); }

  /// Exponents of term k, one per factor.
  std::span<const int> exponents(std::size_t k) const {
    return {exponents_.data() + k * factors_.size(), factors_.size()};
  }
  int exponent(std::size_t k, std::size_t f) const { return exponents_[k * factors_.size() + f]; }

  /// Printable name of term k, e.g. "x^1 y^1 w^0".
  std::string term_name(std::size_t k) const {
    std::string name;
    for (std::size_t f = 0; f < factors_.size(); ++f) {
      if (f) name += ' ';
      name += factors_[f].name + '^' + std::to_string(exponent(k, f));
    }
    return name;
  }

  std::vector<std::string> term_names() const {
    std::vector<std::string> names;
    for (std::size_t k = 0; k < size(); ++k) names.push_back(term_name(k));
    return names;
  }

  /// Index of the term with the given exponents; throws if the basis has no such term.
  std::size_t index_of(std::initializer_list<int> exps) const {
    require(exps.size() == factors_.size(), "volterra term exponents.size()", exps.size(),
            "must equal the number of factors (" + std::to_string(factors_.size()) + ")");
    std::size_t k = 0;
    std::size_t f = 0;
    for (int e : exps) {
      require(e >= 0 && e <= factors_[f].max_order, "volterra exponent of " + factors_[f].name, e,
              "must be in [0, " + std::to_string(factors_[f].max_order) + "]");
      k = k * static_cast<std::size_t>(factors_[f].max_order + 1) + static_cast<std::size_t>(e);
      ++f;
    }
    return k;
  }

  /// Terms whose exponents over `factors` sum to an even number. For zero-mean, symmetric
  /// (e.g. Gaussian) rates the other terms average to zero, so no loss can identify them.
  Eigen::Array<bool, Eigen::Dynamic, 1> terms_even_in(std::initializer_list<std::size_t> factors) const {
    Eigen::Array<bool, Eigen::Dynamic, 1> mask(static_cast<Eigen::Index>(size()));
    for (std::size_t k = 0; k < size(); ++k) {
      int order = 0;
      for (std::size_t f : factors) order += exponent(k, f);
      mask[static_cast<Eigen::Index>(k)] = order % 2 == 0;
    }
    return mask;
  }

  /// Σ θ_k Π factor^e for one synapse; T may be float, double, a SIMD batch or a dual number.
  template <class T>
  T evaluate(const Eigen::Ref<const Eigen::VectorXd>& theta, std::span<const T> factor_values) const {
    T sum = T(0);
    for (std::size_t k = 0; k < size(); ++k) {
      T term = T(theta[static_cast<Eigen::Index>(k)]);
      for (std::size_t f = 0; f < factors_.size(); ++f)
        for (int e = exponent(k, f); e > 0; --e) term = term * factor_values[f];
      sum = sum + term;
    }
    return sum;
  }

 private:
  std::vector<Factor> factors_;
  std::vector<int> exponents_;
};

static_assert(check_rule_basis<VolterraBasis>());
static_assert(check_rate_rule<VolterraBasis>());

namespace rules {

/// Oja's rule, Eq. 4: A_110 = 1, A_021 = -1 (Δw = η(y x - y² w)). Needs factors (x, y, w).
inline Eigen::VectorXd oja(const VolterraBasis& basis) {
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(basis.size()));
  theta[static_cast<Eigen::Index>(basis.index_of({1, 1, 0}))] = 1.0;
  theta[static_cast<Eigen::Index>(basis.index_of({0, 2, 1}))] = -1.0;
  return theta;
}

/// The anti-Hebbian lateral rule, Eq. 8: B_110 = -1. Needs three factors (y_i, y_j, ŵ).
inline Eigen::VectorXd anti_hebbian(const VolterraBasis& basis) {
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(basis.size()));
  theta[static_cast<Eigen::Index>(basis.index_of({1, 1, 0}))] = -1.0;
  return theta;
}

/// Plain Hebbian rule Δw = η x y.
inline Eigen::VectorXd hebbian(const VolterraBasis& basis) {
  return -anti_hebbian(basis);
}

}  // namespace rules
}  // namespace metahebb
