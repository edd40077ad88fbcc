#pragma once
/// Exact derivatives of the Volterra rule (rules/volterra.hpp) for the trajectory gradients of
/// fit/: for f_θ(z) = Σ_k θ_k m_k(z), m_k(z) = Π_f z_f^{e_fk},
///
///   ∂f/∂θ_k = m_k(z),   ∂f/∂z_g = Σ_k θ_k e_gk z_g^{e_gk − 1} Π_{f≠g} z_f^{e_fk}.
///
/// Powers are tabulated once per call (exponents ≤ 16), so a call costs O(terms × factors²).

#include <Eigen/Core>
#include <array>
#include <cstddef>
#include <span>

#include "../core/concepts/differentiable_rate_rule.hpp"
#include "../core/errors.hpp"
#include "volterra.hpp"

namespace metahebb {

/// f_θ(z); adds g·m(z) to d_theta and g·∂f/∂z to d_z. At most 8 factors.
inline double rule_gradient(const VolterraBasis& basis, const Eigen::Ref<const Eigen::VectorXd>& theta,
                            std::span<const double> z, double g, double* d_theta, double* d_z) {
  constexpr std::size_t max_factors = 8;
  const std::size_t F = basis.num_factors();
  require(F <= max_factors, "volterra factors for gradients", F, "must be <= 8");
  std::array<std::array<double, 17>, max_factors> pw{}, dpw{};
  for (std::size_t f = 0; f < F; ++f) {
    pw[f][0] = 1.0;
    dpw[f][0] = 0.0;
    for (int e = 1; e <= basis.factor(f).max_order; ++e) {
      pw[f][static_cast<std::size_t>(e)] = pw[f][static_cast<std::size_t>(e - 1)] * z[f];
      dpw[f][static_cast<std::size_t>(e)] = static_cast<double>(e) * pw[f][static_cast<std::size_t>(e - 1)];
    }
  }
  double value = 0.0;
  std::array<double, max_factors> dz{};
  for (std::size_t k = 0; k < basis.size(); ++k) {
    const std::span<const int> e = basis.exponents(k);
    double m = 1.0;
    for (std::size_t f = 0; f < F; ++f) m *= pw[f][static_cast<std::size_t>(e[f])];
    const double t = theta[static_cast<Eigen::Index>(k)];
    value += t * m;
    d_theta[k] += g * m;
    if (t == 0.0) continue;
    for (std::size_t q = 0; q < F; ++q) {
      if (e[q] == 0) continue;
      double p = t * dpw[q][static_cast<std::size_t>(e[q])];
      for (std::size_t f = 0; f < F; ++f)
        if (f != q) p *= pw[f][static_cast<std::size_t>(e[f])];
      dz[q] += p;
    }
  }
  for (std::size_t f = 0; f < F; ++f) d_z[f] += g * dz[f];
  return value;
}

static_assert(check_differentiable_rate_rule<VolterraBasis>());

}  // namespace metahebb
