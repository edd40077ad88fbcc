#pragma once
/// L1 penalty on the rule coefficients, λ Σ|θ_k|: drives coefficients the task cannot
/// identify to zero (the paper used L1 on the coefficients, §3.2).
///
/// With one weight per coefficient it is Σ_k λ_k |θ_k| (dimensionless, like θ): e.g. a
/// larger λ_k on the terms a task cannot identify (terms with α + β odd in §3.1 and §3.2,
/// whose expected update is zero), a prior that they vanish unless the loss wants them
/// (docs/oja.md, "Terms no loss can see").

#include <Eigen/Core>
#include <cmath>
#include <string>

#include "../core/errors.hpp"

namespace metahebb {

struct L1Penalty {
  double weight = 0.0;
  Eigen::VectorXd per_coefficient;  ///< empty: `weight` on every coefficient

  explicit L1Penalty(double lambda = 0.0) : weight(lambda) { require_non_negative("l1_weight", weight); }

  /// λ_k per coefficient; each finite and >= 0, and one per coefficient of θ.
  explicit L1Penalty(Eigen::VectorXd lambdas) : per_coefficient(std::move(lambdas)) {
    require(per_coefficient.size() > 0, "l1_weights.size()", per_coefficient.size(), "must be > 0");
    for (Eigen::Index k = 0; k < per_coefficient.size(); ++k)
      require(std::isfinite(per_coefficient[k]) && per_coefficient[k] >= 0.0, "l1_weights[" + std::to_string(k) + "]",
              per_coefficient[k], "must be finite and >= 0");
  }

  template <class Observation>
  double operator()(const Observation& /*observation*/, const Eigen::VectorXd& theta) const {
    if (per_coefficient.size() == 0) return weight * theta.lpNorm<1>();
    require(theta.size() == per_coefficient.size(), "theta.size()", theta.size(),
            "must equal l1_weights.size() (" + std::to_string(per_coefficient.size()) + ")");
    return per_coefficient.dot(theta.cwiseAbs());
  }
};

}  // namespace metahebb
