#pragma once
/// Angle between two coefficient vectors, the paper's measure of how close a rule is to a reference.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <numbers>

namespace metahebb {

/// Angle in degrees between a and b; 90° when either is zero or non-finite (no direction).
inline double angle_deg(const Eigen::Ref<const Eigen::VectorXd>& a, const Eigen::Ref<const Eigen::VectorXd>& b) {
  const double na = a.norm();
  const double nb = b.norm();
  if (!(na > 0.0) || !(nb > 0.0) || !std::isfinite(na) || !std::isfinite(nb)) return 90.0;
  const double c = std::clamp(a.dot(b) / (na * nb), -1.0, 1.0);
  return std::acos(c) * 180.0 / std::numbers::pi;
}

/// Angle restricted to the coordinates where mask is true.
inline double angle_deg(const Eigen::Ref<const Eigen::VectorXd>& a, const Eigen::Ref<const Eigen::VectorXd>& b,
                        const Eigen::Array<bool, Eigen::Dynamic, 1>& mask) {
  Eigen::VectorXd ma = a, mb = b;
  for (Eigen::Index i = 0; i < ma.size(); ++i)
    if (!mask[i]) ma[i] = mb[i] = 0.0;
  return angle_deg(ma, mb);
}

}  // namespace metahebb
