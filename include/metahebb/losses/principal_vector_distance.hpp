#pragma once
/// Eq. 5 of Confavreux et al. 2020, sign-agnostic, with a finite penalty for divergence.
///
///   not diverged: min(|w − PC1|, |w + PC1|, cap)
///   diverged at step t of T: cap · (2 − t/T)   ∈ [cap, 2·cap)
///
/// Every diverged rule scores worse than every rule that stays bounded, and a rule that
/// blows up later scores better than one that blows up at once, which gives the
/// optimiser a slope out of unstable regions. The cap keeps bounded-but-useless rules
/// (|w| far from 1) from dwarfing the penalty.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

#include "../core/concepts/loss.hpp"
#include "../core/errors.hpp"
#include "../observations/principal_vectors.hpp"
#include "divergence_penalty.hpp"

namespace metahebb {

struct PrincipalVectorDistance {
  double cap = 10.0;

  explicit PrincipalVectorDistance(double distance_cap = 10.0) : cap(distance_cap) {
    require_positive("distance_cap", cap);
  }

  double operator()(const PrincipalVectorObservation& o, const Eigen::VectorXd& /*theta*/) const {
    if (o.diverged()) return divergence_penalty(cap, o.diverged_at_step, o.steps);
    const double d = o.distance();
    return std::isfinite(d) ? std::min(d, cap) : 2.0 * cap;
  }
};

static_assert(check_loss<PrincipalVectorDistance, PrincipalVectorObservation>());

}  // namespace metahebb
