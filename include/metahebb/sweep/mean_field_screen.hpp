#pragma once
/// A mean-field pre-screen of polynomial ("6pPol") quartets for the recurrent network (issue 13;
/// docs/rule-families.md, "The mean-field screen"; the same test as
/// scripts/recurrent_family/mean_field_screen.py). A cheap necessary-condition filter, not a
/// simulation: it ignores spike correlations and the network's rate response.
///
/// For uncorrelated spikes a type's mean drift is (Eq. 15 of Confavreux et al. 2020,
/// SpikeTraceBasis::mean_drift; Hz per unit of η)
///     D(ν_pre, ν_post) = α ν_pre + β ν_post + c ν_pre ν_post,   c = γ τ_pre + κ τ_post.
/// E→E vanishes at ν_E* = −(α + β) / c_EE, I→I at ν_I* = −(α + β) / c_II. A quartet passes if
/// both rates are in [rate_min, rate_max] Hz and E→I and I→E drift slowly there:
/// |D| ≤ w_creep · w̄ / (η T) (w̄ the type's initial mean weight, T the scoring time, s) — the
/// drift that keeps the relative change of w̄ over the scoring window within w_creep; with
/// `stable`, each type's fixed point is also stable on its own (its drift falls as its own
/// weight grows: c_EE < 0, c_II > 0, β_EI + c_EI ν_E* < 0, β_IE + c_IE ν_I* > 0; cross
/// effects ignored). θ is the recurrent task's: (α, β, γ, κ, τ_pre, τ_post) for EE, EI, IE, II.

#include <Eigen/Core>
#include <array>
#include <cmath>
#include <string>

#include "../core/errors.hpp"

namespace metahebb::sweep {

struct MeanFieldScreen {
  double rate_min = 1.0, rate_max = 50.0;  ///< Hz, the plausible rates of both populations
  double w_creep = 0.05;                   ///< the w_creep bound the drifts must respect
  double eta = 0.01;                       ///< the rule's learning rate
  double scoring_time = 5.0;               ///< s
  std::array<double, 4> w_initial{0.1, 0.1, 1.0, 1.0};  ///< w̄ of EE, EI, IE, II
  bool stable = true;

  void validate() const {
    require(std::isfinite(rate_min) && rate_min >= 0.0 && rate_min <= rate_max, "mean_field_screen.rate_min", rate_min,
            "must be finite, >= 0 and <= rate_max");
    require_positive("mean_field_screen.w_creep", w_creep);
    require_positive("mean_field_screen.eta", eta);
    require_positive("mean_field_screen.scoring_time", scoring_time);
  }

  /// The screen's settings for a recurrent task's configuration (η, w̄, scoring time).
  template <class ConfigT>
  static MeanFieldScreen for_config(const ConfigT& c) {
    MeanFieldScreen s;
    s.eta = c.rule.eta;
    s.scoring_time = c.scoring_time;
    s.w_initial = c.w_initial;
    s.validate();
    return s;
  }

  bool operator()(const Eigen::Ref<const Eigen::VectorXd>& theta) const {
    require(theta.size() == 24, "theta.size()", theta.size(), "must be 24 (6 coefficients for each of EE, EI, IE, II)");
    auto a = [&](int t) { return theta[6 * t]; };
    auto b = [&](int t) { return theta[6 * t + 1]; };
    auto c = [&](int t) { return theta[6 * t + 2] * theta[6 * t + 4] + theta[6 * t + 3] * theta[6 * t + 5]; };
    const double ne = -(a(0) + b(0)) / c(0), ni = -(a(3) + b(3)) / c(3);
    if (!(ne >= rate_min && ne <= rate_max && ni >= rate_min && ni <= rate_max)) return false;
    const double d_ei = a(1) * ne + b(1) * ni + c(1) * ne * ni;  // pre E, post I
    const double d_ie = a(2) * ni + b(2) * ne + c(2) * ni * ne;  // pre I, post E
    auto bound = [&](int t) { return w_creep * w_initial[static_cast<std::size_t>(t)] / (eta * scoring_time); };
    if (!(std::abs(d_ei) <= bound(1) && std::abs(d_ie) <= bound(2))) return false;
    return !stable || (c(0) < 0 && c(3) > 0 && b(1) + c(1) * ne < 0 && b(2) + c(2) * ni > 0);
  }
};

}  // namespace metahebb::sweep
