#pragma once
/// Eq. 16 of Confavreux et al. 2020, with a finite penalty for explosion.
///
///   not exploded: (r̄ − r_tg)² / (r̄ + 0.1)
///   exploded at step t of T: cap · (2 − t/T),  cap = max(r_tg² / 0.1, (r_max − r_tg)² / (r_max + 0.1))
///
/// cap is the largest loss a rate in [0, r_max] can have (r_max = the task's explosion
/// threshold), so every exploded run scores worse than every run that did not explode,
/// and a run that blows up later scores better than one that blows up at once. The
/// denominator's 0.1 Hz is the paper's: it penalises silent neurons (the loss of r̄ = 0 is 250).

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

#include "../core/concepts/loss.hpp"
#include "../core/errors.hpp"
#include "../observations/spiking_rate.hpp"
#include "divergence_penalty.hpp"

namespace metahebb {

struct TargetRate {
  double target_hz = 5.0;  ///< r_tg
  double offset_hz = 0.1;  ///< the denominator's offset

  explicit TargetRate(double target = 5.0, double offset = 0.1) : target_hz(target), offset_hz(offset) {
    require_non_negative("target_rate", target_hz);
    require_positive("target_rate.offset", offset_hz);
  }

  double rate_loss(double rate_hz) const noexcept {
    return (rate_hz - target_hz) * (rate_hz - target_hz) / (rate_hz + offset_hz);
  }
  /// The worst loss of a rate in [0, max_rate_hz].
  double cap(double max_rate_hz) const noexcept { return std::max(rate_loss(0.0), rate_loss(max_rate_hz)); }

  /// Any observation with a rate, a stop step and the threshold (core/concepts/observation.hpp).
  template <RateObservation O>
  double operator()(const O& o, const Eigen::VectorXd& /*theta*/) const {
    const double c = cap(o.max_rate_hz);
    if (o.diverged()) return divergence_penalty(c, o.stopped_at_step, o.steps);
    const double l = rate_loss(o.rate_hz);
    return std::isfinite(l) ? l : 2.0 * c;
  }
};

static_assert(check_loss<TargetRate, SpikingRateObservation>());

}  // namespace metahebb
