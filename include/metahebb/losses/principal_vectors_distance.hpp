#pragma once
/// Eq. 9 of Confavreux et al. 2020: Σ_i |w_i − PC_i| over the M outputs, each term
/// sign-agnostic and capped, with a finite penalty for divergence:
///
///   not diverged: Σ_i min(|w_i ∓ PC_i|, cap)
///   diverged at step t of T: M · cap · (2 − t/T)   ∈ [M·cap, 2·M·cap)
///
/// As in PrincipalVectorDistance (the M = 1 case), every diverged rule pair scores worse
/// than every bounded one, and a later blow-up scores better than an early one.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

#include "../core/concepts/loss.hpp"
#include "../core/errors.hpp"
#include "../observations/principal_vectors.hpp"
#include "divergence_penalty.hpp"

namespace metahebb {

struct PrincipalVectorsDistance {
  double cap = 10.0;

  explicit PrincipalVectorsDistance(double distance_cap = 10.0) : cap(distance_cap) {
    require_positive("distance_cap", cap);
  }

  double operator()(const PrincipalVectorsObservation& o, const Eigen::VectorXd& /*theta*/) const {
    const auto m = static_cast<double>(o.weights.cols());
    if (o.diverged()) return divergence_penalty(m * cap, o.diverged_at_step, o.steps);
    double sum = 0.0;
    for (Eigen::Index i = 0; i < o.weights.cols(); ++i) {
      const double d = o.distance(i);
      sum += std::isfinite(d) ? std::min(d, cap) : 2.0 * cap;
    }
    return sum;
  }
};

static_assert(check_loss<PrincipalVectorsDistance, PrincipalVectorsObservation>());

}  // namespace metahebb
