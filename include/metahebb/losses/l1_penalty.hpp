#pragma once
/// L1 penalty on the rule coefficients, λ Σ|θ_k|: drives coefficients the task cannot
/// identify to zero (the paper used L1 on the coefficients, §3.2).

#include <Eigen/Core>

#include "../core/errors.hpp"

namespace metahebb {

struct L1Penalty {
  double weight = 0.0;

  explicit L1Penalty(double lambda = 0.0) : weight(lambda) { require_non_negative("l1_weight", weight); }

  template <class Observation>
  double operator()(const Observation& /*observation*/, const Eigen::VectorXd& theta) const {
    return weight * theta.lpNorm<1>();
  }
};

}  // namespace metahebb
