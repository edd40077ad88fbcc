#pragma once
/// Stability loss of a recurrent network (SpikES `CheckerScorer_Stability.cpp`; issue 12):
///
///   not exploded: L = ⟨(r(t) − r*)² / (r(t) + c)⟩ over the scoring window,
///                 r the excitatory population rate filtered with τ = 1 s (Hz), r* = 10 Hz, c = 0.1 Hz
///   exploded at step t of T: divergence_penalty(cap, t, T) = cap · (2 − t/T),
///                 cap = max(r*² / c, (r_max − r*)² / (r_max + c))
///
/// cap is the largest value the integrand takes for a rate in [0, r_max] (r_max: the rate
/// checker's bound), so every exploded network scores worse than every one that stayed
/// below the bound, and a later explosion scores better than an earlier one.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

#include "../core/concepts/loss.hpp"
#include "../observations/recurrent.hpp"
#include "divergence_penalty.hpp"

namespace metahebb {

struct StabilityLoss {
  double operator()(const RecurrentObservation& o, const Eigen::VectorXd& /*theta*/) const {
    const double r = o.target_rate_hz, c = o.rate_offset_hz, top = o.max_rate_hz;
    const double cap = std::max(r * r / c, (top - r) * (top - r) / (top + c));
    if (o.diverged()) return divergence_penalty(cap, o.stopped_at_step, o.steps);
    return std::isfinite(o.stability_loss) ? o.stability_loss : 2.0 * cap;
  }
};

static_assert(check_loss<StabilityLoss, RecurrentObservation>());

}  // namespace metahebb
