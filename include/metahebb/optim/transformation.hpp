#pragma once
/// Transformation policies of BasicCmaes: the map from CMA-ES's search space (z) to the
/// parameters θ the task sees, in the spirit of libcmaes's GenoPheno (genotype →
/// phenotype) and ensmallen's CMA-ES transformation policies.
///
/// CMA-ES is invariant to rotations and to a global scale of the search space, not to
/// per-coordinate scales: one σ must suit every coordinate. When θ mixes quantities of
/// different units (rule coefficients ~0.2, time constants ~0.01 s), searching z = θ/scale
/// restores a well-conditioned start. Bounds (a time constant must stay positive, a sign
/// constraint) are enforced by repairing each sampled point into the box; CMA-ES keeps
/// its state, and ranks candidates, in z: the task only ever sees repaired θ.
///
/// A transformation provides (see BasicCmaes in optim/cmaes.hpp):
///   static constexpr bool is_identity;                 // true: ask() returns the samples as they are
///   static std::string name();                         // part of the optimiser kind in checkpoints
///   void prepare(Eigen::Index n);                      // validates sizes against the dimension, fills defaults
///   void check_parameters(std::string_view field, const Eigen::VectorXd& theta) const;  // θ0 in the domain?
///   Eigen::VectorXd to_search(const Eigen::VectorXd& theta) const;                     // θ → z
///   void to_parameters(const Eigen::MatrixXd& z, Eigen::MatrixXd& theta) const;       // z → θ, column-wise
///   std::vector<std::pair<std::string, std::string>> identity_fields() const;          // settings, for checkpoints
///
/// Invalid settings throw metahebb::invalid_configuration naming the field and the value.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/errors.hpp"

namespace metahebb {

/// θ = z. BasicCmaes<IdentityTransformation> (= Cmaes) is the plain algorithm: it never
/// calls the conversions, so it gives bitwise the numbers it gave before policies existed.
struct IdentityTransformation {
  static constexpr bool is_identity = true;
  static std::string name() { return "identity"; }
  void prepare(Eigen::Index) const noexcept {}
  void check_parameters(std::string_view, const Eigen::VectorXd&) const noexcept {}
  Eigen::VectorXd to_search(const Eigen::VectorXd& theta) const { return theta; }
  void to_parameters(const Eigen::MatrixXd& z, Eigen::MatrixXd& theta) const { theta = z; }
  std::vector<std::pair<std::string, std::string>> identity_fields() const { return {}; }
};

/// How a sampled θ outside [lower, upper] is brought back inside.
enum class BoundRepair {
  /// Mirror at the bounds (periodically, when both are finite). The loss seen by CMA-ES
  /// stays non-flat outside the box, so the mean does not drift away from it.
  reflect,
  /// Project onto the box, as AdamFd does. Simple, but the loss is flat beyond a bound,
  /// where the mean of that coordinate can random-walk; prefer reflect unless the optimum
  /// is known to sit on a bound.
  clamp
};

constexpr std::string_view to_string(BoundRepair repair) noexcept {
  return repair == BoundRepair::reflect ? "reflect" : "clamp";
}

/// θ_i = repair_i(scale_i · z_i) into [lower_i, upper_i].
///
/// Every vector may be left empty: scale then means all ones, lower −inf and upper +inf.
/// Non-empty vectors must have the optimiser's dimension. With scale only, this is an
/// exact change of units (no repair ever happens). With the transformation,
/// CmaesOptions::sigma0 and tolx are in units of scale (search space), while mean(),
/// best_theta() and ask() are in θ units.
class ScaledBoxTransformation {
 public:
  static constexpr bool is_identity = false;

  ScaledBoxTransformation() = default;
  explicit ScaledBoxTransformation(Eigen::VectorXd scale, Eigen::VectorXd lower = {}, Eigen::VectorXd upper = {},
                                   BoundRepair repair = BoundRepair::reflect)
      : scale_(std::move(scale)), lower_(std::move(lower)), upper_(std::move(upper)), repair_(repair) {}

  /// Bounds only (scale 1).
  static ScaledBoxTransformation box(Eigen::VectorXd lower, Eigen::VectorXd upper,
                                     BoundRepair repair = BoundRepair::reflect) {
    return ScaledBoxTransformation({}, std::move(lower), std::move(upper), repair);
  }

  static std::string name() { return "scaled_box"; }

  /// Checks the settings against dimension n and fills empty vectors with their defaults.
  void prepare(Eigen::Index n) {
    const double inf = std::numeric_limits<double>::infinity();
    auto size_ok = [n](std::string_view field, const Eigen::VectorXd& v, std::string_view empty_means) {
      require(v.size() == 0 || v.size() == n, field, v.size(),
              "must equal the dimension " + std::to_string(n) + ", or be 0 for " + std::string(empty_means));
    };
    size_ok("scaled_box.scale.size()", scale_, "all ones");
    size_ok("scaled_box.lower.size()", lower_, "no lower bounds");
    size_ok("scaled_box.upper.size()", upper_, "no upper bounds");
    if (scale_.size() == 0) scale_ = Eigen::VectorXd::Ones(n);
    if (lower_.size() == 0) lower_ = Eigen::VectorXd::Constant(n, -inf);
    if (upper_.size() == 0) upper_ = Eigen::VectorXd::Constant(n, inf);
    for (Eigen::Index i = 0; i < n; ++i) {
      const std::string at = index(i);
      require_positive("scaled_box.scale" + at, scale_[i]);
      require(!std::isnan(lower_[i]) && lower_[i] != inf, "scaled_box.lower" + at, lower_[i],
              "must be a number below +inf (-inf: unbounded)");
      require(!std::isnan(upper_[i]) && upper_[i] != -inf, "scaled_box.upper" + at, upper_[i],
              "must be a number above -inf (+inf: unbounded)");
      require(lower_[i] <= upper_[i], "scaled_box.lower" + at, lower_[i],
              "must be <= scaled_box.upper" + at + " = " + detail::format_value(upper_[i]));
    }
  }

  /// θ0 must lie in the box: CMA-ES starts its mean there.
  void check_parameters(std::string_view field, const Eigen::VectorXd& theta) const {
    for (Eigen::Index i = 0; i < theta.size(); ++i)
      require(theta[i] >= lower_[i] && theta[i] <= upper_[i], std::string(field) + index(i), theta[i],
              "must lie in [scaled_box.lower" + index(i) + ", scaled_box.upper" + index(i) + "] = [" +
                  detail::format_value(lower_[i]) + ", " + detail::format_value(upper_[i]) + "]");
  }

  /// z = θ / scale (θ inside the box).
  Eigen::VectorXd to_search(const Eigen::VectorXd& theta) const { return theta.cwiseQuotient(scale_); }

  /// θ = repair(scale ∘ z), column by column. A point already inside the box keeps its bits.
  void to_parameters(const Eigen::MatrixXd& z, Eigen::MatrixXd& theta) const {
    theta = scale_.asDiagonal() * z;
    for (Eigen::Index k = 0; k < theta.cols(); ++k)
      for (Eigen::Index i = 0; i < theta.rows(); ++i) theta(i, k) = repair(i, theta(i, k));
  }

  /// One coordinate of θ brought into [lower_i, upper_i]; NaN stays NaN (a non-finite
  /// CMA-ES state stops the run with non_finite_state anyway).
  double repair(Eigen::Index i, double x) const {
    const double lo = lower_[i], hi = upper_[i];
    if (!(x < lo || x > hi)) return x;  // inside, or NaN
    if (repair_ == BoundRepair::clamp || lo == hi || !std::isfinite(x)) return x < lo ? lo : hi;
    if (!std::isfinite(hi)) return lo + (lo - x);  // only a lower bound: mirror at it
    if (!std::isfinite(lo)) return hi - (x - hi);  // only an upper bound
    const double width = hi - lo;                  // both finite: x reflected back and forth
    double t = std::fmod(x - lo, 2.0 * width);
    if (t < 0.0) t += 2.0 * width;
    const double y = t <= width ? lo + t : hi - (t - width);
    return std::clamp(y, lo, hi);  // rounding of lo + t may overshoot by one ulp
  }

  /// The settings, as checkpoint identity fields: a run resumed with other ones is refused.
  std::vector<std::pair<std::string, std::string>> identity_fields() const {
    return {{"optimiser.scale", join(scale_)},
            {"optimiser.lower", join(lower_)},
            {"optimiser.upper", join(upper_)},
            {"optimiser.bound_repair", std::string(to_string(repair_))}};
  }

  const Eigen::VectorXd& scale() const noexcept { return scale_; }
  const Eigen::VectorXd& lower() const noexcept { return lower_; }
  const Eigen::VectorXd& upper() const noexcept { return upper_; }
  BoundRepair bound_repair() const noexcept { return repair_; }

 private:
  static std::string index(Eigen::Index i) {
    std::string at("[");  // built with append: GCC 12 warns falsely (-Wrestrict) on "[" + to_string(i)
    at.append(std::to_string(i)).append("]");
    return at;
  }
  static std::string join(const Eigen::VectorXd& v) {
    std::string text;
    for (Eigen::Index i = 0; i < v.size(); ++i) text.append(i == 0 ? "" : ",").append(detail::format_value(v[i]));
    return text;
  }

  Eigen::VectorXd scale_, lower_, upper_;
  BoundRepair repair_ = BoundRepair::reflect;
};

}  // namespace metahebb
