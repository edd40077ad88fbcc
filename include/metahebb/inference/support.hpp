#pragma once
/// The prior's support and its map to R^d, for density estimation on bounded parameters.
///
/// Each coordinate of θ lives in [lower, upper]; a density estimator works on the unbounded
/// u = T(θ) and maps its samples back with T⁻¹, so every sample is inside the support:
///
///   both bounds finite:   u = logit(p),  p = (θ − l) / (h − l),   log|du/dθ| = −log(h − l) − log p − log(1 − p)
///   lower bound only:     u = log(θ − l),                         log|du/dθ| = −log(θ − l)
///   upper bound only:     u = −log(h − θ),                        log|du/dθ| = −log(h − θ)
///   no bound (±∞):        u = θ,                                  log|du/dθ| = 0
///
/// A density q_u(u) on R^d is then the density q(θ) = q_u(T(θ)) · Π_i |du_i/dθ_i| on the
/// support (change of variables). Units are those of θ. A coordinate with lower = upper (finite)
/// is fixed: it is not part of u, and the density is over the other coordinates.

#include <metahebb/core/errors.hpp>

#include <Eigen/Core>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>

namespace metahebb::inference {

/// The prior's support: lower[i] < upper[i]; ±infinity leaves that side unbounded;
/// lower[i] = upper[i] (finite) fixes coordinate i to that value.
struct Box {
  Eigen::VectorXd lower, upper;

  /// Throws invalid_configuration naming the field unless the box has `dim` coordinates,
  /// no NaN, lower < upper or lower = upper finite, lower ≠ +∞ and upper ≠ −∞.
  void validate(std::size_t dim) const {
    require(static_cast<std::size_t>(lower.size()) == dim, "support.lower.size()", lower.size(),
            "must equal theta_dim = " + std::to_string(dim));
    require(static_cast<std::size_t>(upper.size()) == dim, "support.upper.size()", upper.size(),
            "must equal theta_dim = " + std::to_string(dim));
    for (Eigen::Index i = 0; i < lower.size(); ++i) {
      std::string index = "[";  // (built in steps: GCC 12 warns falsely on "[" + to_string(i))
      index += std::to_string(i);
      index += ']';
      require(!std::isnan(lower[i]) && lower[i] < std::numeric_limits<double>::infinity(),
              "support.lower" + index, lower[i], "must be a number < +inf");
      require(!std::isnan(upper[i]) && upper[i] > -std::numeric_limits<double>::infinity(),
              "support.upper" + index, upper[i], "must be a number > -inf");
      require(lower[i] < upper[i] || (lower[i] == upper[i] && std::isfinite(lower[i])), "support.upper" + index,
              upper[i], "must be > support.lower" + index + " = " + detail::format_value(lower[i]) +
                            ", or equal to it and finite (a fixed coordinate)");
    }
  }

  /// The whole of R^dim (no bound on any coordinate).
  static Box unbounded(std::size_t dim) {
    const auto n = static_cast<Eigen::Index>(dim);
    return {Eigen::VectorXd::Constant(n, -std::numeric_limits<double>::infinity()),
            Eigen::VectorXd::Constant(n, std::numeric_limits<double>::infinity())};
  }

  /// True when coordinate i is fixed (lower = upper).
  bool fixed(Eigen::Index i) const { return lower[i] == upper[i]; }

  /// True when every coordinate is strictly inside its finite bounds (where T is defined) and
  /// every fixed coordinate equals its value.
  bool contains_strictly(const Eigen::Ref<const Eigen::VectorXd>& theta) const {
    for (Eigen::Index i = 0; i < theta.size(); ++i) {
      if (!std::isfinite(theta[i])) return false;
      if (fixed(i)) {
        if (theta[i] != lower[i]) return false;
        continue;
      }
      if (std::isfinite(lower[i]) && !(theta[i] > lower[i])) return false;
      if (std::isfinite(upper[i]) && !(theta[i] < upper[i])) return false;
    }
    return true;
  }
};

/// u = T(θ) for one coordinate (see the header comment); θ must be strictly inside.
inline double to_unbounded(double theta, double lower, double upper) noexcept {
  const bool lo = std::isfinite(lower), hi = std::isfinite(upper);
  if (lo && hi) {
    const double p = (theta - lower) / (upper - lower);
    return std::log(p) - std::log1p(-p);
  }
  if (lo) return std::log(theta - lower);
  if (hi) return -std::log(upper - theta);
  return theta;
}

/// log|du/dθ| at θ for one coordinate.
inline double log_abs_jacobian(double theta, double lower, double upper) noexcept {
  const bool lo = std::isfinite(lower), hi = std::isfinite(upper);
  if (lo && hi) {
    const double width = upper - lower;
    const double p = (theta - lower) / width;
    return -std::log(width) - std::log(p) - std::log1p(-p);
  }
  if (lo) return -std::log(theta - lower);
  if (hi) return -std::log(upper - theta);
  return 0.0;
}

/// θ = T⁻¹(u) for one coordinate, clamped into [lower, upper] (sigmoid and exp round to the
/// bound itself when |u| is large, never beyond it).
inline double to_bounded(double u, double lower, double upper) noexcept {
  const bool lo = std::isfinite(lower), hi = std::isfinite(upper);
  double theta = u;
  if (lo && hi) {
    const double s = u >= 0.0 ? 1.0 / (1.0 + std::exp(-u)) : std::exp(u) / (1.0 + std::exp(u));
    theta = lower + (upper - lower) * s;
  } else if (lo) {
    theta = lower + std::exp(u);
  } else if (hi) {
    theta = upper - std::exp(-u);
  }
  if (theta < lower) theta = lower;
  if (theta > upper) theta = upper;
  return theta;
}

}  // namespace metahebb::inference
