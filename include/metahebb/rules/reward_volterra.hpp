#pragma once
/// The reward-modulated Volterra rule over (pre x, post y, weight w, reward r), each to the
/// second power: 3⁴ = 81 coefficients (Mehta et al. 2024, "Model-based inference of synaptic
/// plasticity rules", §2: a truncated Taylor series of the plasticity function),
///
///   Δw = η Σ_{αβγδ} θ_{αβγδ} x^α y^β w^γ r^δ,   r = R − E[R]  (reward minus expected reward).
///
/// It is a VolterraBasis over four factors, so the index of θ_{αβγδ} is 27α + 9β + 3γ + δ, and
/// every rate-rule consumer runs it. Terms are written as in that paper's code, "X1Y1W0R1"
/// for x·y·r; `term_index` and `theta_from_terms` read that notation; units: x, y, w and r
/// are dimensionless rates, weights and rewards, θ has units of Δw/η.

#include <Eigen/Core>
#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>

#include "../core/errors.hpp"
#include "volterra.hpp"

namespace metahebb {

/// The 81-term basis: factors x, y, w, r with exponents 0..2.
inline VolterraBasis reward_volterra_basis() {
  return VolterraBasis({{"x", 2}, {"y", 2}, {"w", 2}, {"r", 2}});
}

/// "X1Y0W0R1"-style name of term k of a basis over factors named x, y, w, r (upper-cased
/// factor name followed by its exponent, for each factor).
inline std::string compact_term_name(const VolterraBasis& basis, std::size_t k) {
  std::string name;
  for (std::size_t f = 0; f < basis.num_factors(); ++f) {
    for (const char c : basis.factor(f).name) name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    name += std::to_string(basis.exponent(k, f));
  }
  return name;
}

/// Index of a term given as "X1Y0W0R1" (case-insensitive); throws naming the text if it does not
/// name a term of `basis` (every factor once, in the basis's order, each exponent in range).
inline std::size_t term_index(const VolterraBasis& basis, std::string_view text) {
  for (std::size_t k = 0; k < basis.size(); ++k) {
    const std::string name = compact_term_name(basis, k);
    if (name.size() != text.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < name.size() && same; ++i)
      same = std::toupper(static_cast<unsigned char>(text[i])) == static_cast<unsigned char>(name[i]);
    if (same) return k;
  }
  require(false, "volterra term", std::string(text),
          "must name a term of the basis, e.g. \"" + compact_term_name(basis, basis.size() - 1) + "\"");
  return 0;
}

/// θ from "X1Y1W0R0=1,X0Y2W1R0=-1" (terms not named are 0). Throws naming the bad part.
inline Eigen::VectorXd theta_from_terms(const VolterraBasis& basis, std::string_view spec) {
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(basis.size()));
  require(!spec.empty(), "rule coefficients", "\"\"", "must list terms such as \"X1Y1W0R0=1\"");
  std::size_t start = 0;
  while (start <= spec.size()) {
    const std::size_t end = std::min(spec.find(',', start), spec.size());
    const std::string_view part = spec.substr(start, end - start);
    const std::size_t eq = part.find('=');
    require(eq != std::string_view::npos, "rule coefficient", std::string(part), "must read TERM=VALUE");
    const std::size_t k = term_index(basis, part.substr(0, eq));
    const std::string value(part.substr(eq + 1));
    std::size_t used = 0;
    double v = 0.0;
    try {
      v = std::stod(value, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    require(used == value.size() && !value.empty() && std::isfinite(v), "rule coefficient value", value,
            "must be a finite number");
    theta[static_cast<Eigen::Index>(k)] = v;
    start = end + 1;
  }
  return theta;
}

namespace rules {

/// Oja's rule in the reward basis: X1Y1W0R0 = 1, X0Y2W1R0 = −1 (Δw = η(x y − y² w)).
inline Eigen::VectorXd oja_reward_basis(const VolterraBasis& basis) {
  return theta_from_terms(basis, "X1Y1W0R0=1,X0Y2W1R0=-1");
}

/// A reward-modulated Hebbian rule, Δw = η x r (the presynaptic input times the reward
/// prediction error; x·r is the covariance rule that the behavioural fit of Mehta et al.
/// recovers).
inline Eigen::VectorXd reward_teacher(const VolterraBasis& basis) { return theta_from_terms(basis, "X1Y0W0R1=1"); }

/// The reward rule plus an active forgetting term, Δw = η(x r − 0.5 w): weights decay toward
/// zero at every update (Mehta et al. 2024 find such a w-only term in fly behaviour).
inline Eigen::VectorXd forgetting_teacher(const VolterraBasis& basis) {
  return theta_from_terms(basis, "X1Y0W0R1=1,X0Y0W1R0=-0.5");
}

}  // namespace rules
}  // namespace metahebb
