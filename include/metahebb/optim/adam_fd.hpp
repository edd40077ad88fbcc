#pragma once
/// Adam (Kingma & Ba 2015) on gradients from central finite differences, in ask/tell form.
///
/// ask() returns the 2n perturbed points of one gradient evaluation as one population:
/// column 2i is θ + h_i e_i and column 2i+1 is θ − h_i e_i (each kept inside the bounds),
/// so a task simulates them together on shared inputs (common random numbers make the
/// differences far less noisy than independent evaluations would). tell() forms
///   g_i = (L(θ⁺_i) − L(θ⁻_i)) / (θ⁺_i − θ⁻_i)
/// and takes an Adam step of at most ≈ learning_rate · scale_i per coordinate, then
/// projects θ onto the bounds. A coordinate whose pair has a non-finite loss, or whose
/// difference quotient is so large that g_i² overflows, gets g_i = 0 for that step
/// (counted in non_finite_count()), so m and v stay finite.
///
/// Per-parameter `scale` sets both the finite-difference step h_i = fd_step · scale_i and
/// the step length: Adam's step is invariant to the gradient's units, not to θ's.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "../core/concepts/optimiser.hpp"
#include "../core/errors.hpp"
#include "../core/status.hpp"

namespace metahebb {

struct AdamFdOptions {
  double learning_rate = 0.05;  ///< step length in units of scale
  double fd_step = 0.05;        ///< finite-difference half-width in units of scale
  Eigen::VectorXd scale;        ///< per-parameter scale (empty: all 1)
  Eigen::VectorXd lower;        ///< per-parameter lower bound (empty: −inf)
  Eigen::VectorXd upper;        ///< per-parameter upper bound (empty: +inf)
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
  std::size_t max_generations = 0;  ///< 0 = unlimited
  double target_loss = -std::numeric_limits<double>::infinity();  ///< stop when a told loss is <= this
};

/// Everything the next ask()/tell() of an AdamFd depends on, for checkpoints.
struct AdamFdState {
  Eigen::VectorXd theta, m, v, gradient;
  std::size_t generation = 0, non_finite_count = 0;
  double best_loss = std::numeric_limits<double>::infinity();
  Eigen::VectorXd best_theta;  ///< empty before any finite loss
  Status status;

  /// The checkpoint fields (io/checkpoint_archive.hpp), named as in the first checkpoint format.
  template <class Archive>
  void serialize(Archive& archive) {
    archive.field("adam.theta", theta);
    archive.field("adam.m", m);
    archive.field("adam.v", v);
    archive.field("adam.gradient", gradient);
    archive.field("adam.generation", generation);
    archive.field("adam.non_finite_count", non_finite_count);
    archive.field("adam.best_loss", best_loss);
    archive.field("adam.best_theta", best_theta);
    archive.field("adam.status", status);
  }
};

class AdamFd {
 public:
  explicit AdamFd(Eigen::VectorXd theta0, AdamFdOptions options = {}) : options_(std::move(options)) {
    const Eigen::Index n = theta0.size();
    require_count("adam.theta0.size()", static_cast<long long>(n), 1, 100000);
    if (options_.scale.size() == 0) options_.scale = Eigen::VectorXd::Ones(n);
    if (options_.lower.size() == 0) options_.lower = Eigen::VectorXd::Constant(n, -std::numeric_limits<double>::infinity());
    if (options_.upper.size() == 0) options_.upper = Eigen::VectorXd::Constant(n, std::numeric_limits<double>::infinity());
    require(options_.scale.size() == n, "adam.scale.size()", options_.scale.size(), "must equal theta0.size()");
    require(options_.lower.size() == n, "adam.lower.size()", options_.lower.size(), "must equal theta0.size()");
    require(options_.upper.size() == n, "adam.upper.size()", options_.upper.size(), "must equal theta0.size()");
    require_positive("adam.learning_rate", options_.learning_rate);
    require_positive("adam.fd_step", options_.fd_step);
    require(options_.beta1 >= 0.0 && options_.beta1 < 1.0, "adam.beta1", options_.beta1, "must be in [0, 1)");
    require(options_.beta2 >= 0.0 && options_.beta2 < 1.0, "adam.beta2", options_.beta2, "must be in [0, 1)");
    require_positive("adam.epsilon", options_.epsilon);
    require(!std::isnan(options_.target_loss), "adam.target_loss", options_.target_loss, "must not be NaN");
    for (Eigen::Index i = 0; i < n; ++i) {
      std::string at("[");  // built with append: GCC 12 warns falsely (-Wrestrict) on "[" + to_string(i)
      at.append(std::to_string(i)).append("]");
      require(std::isfinite(theta0[i]), "adam.theta0" + at, theta0[i], "must be finite");
      require_positive("adam.scale" + at, options_.scale[i]);
      require(!std::isnan(options_.lower[i]) && !std::isnan(options_.upper[i]) &&
                  options_.upper[i] - options_.lower[i] >= 2.0 * options_.fd_step * options_.scale[i],
              "adam.upper" + at + " - adam.lower" + at, options_.upper[i] - options_.lower[i],
              "must be >= 2 * fd_step * scale (room for a central difference)");
    }
    theta_ = project(theta0);
    m_ = Eigen::VectorXd::Zero(n);
    v_ = Eigen::VectorXd::Zero(n);
    gradient_ = Eigen::VectorXd::Zero(n);
    population_.resize(n, 2 * n);
  }

  /// The 2n points θ ± h_i e_i, columns (2i, 2i+1).
  const Eigen::MatrixXd& ask() {
    const Eigen::Index n = theta_.size();
    for (Eigen::Index i = 0; i < n; ++i) {
      const double h = options_.fd_step * options_.scale[i];
      // Shift the pair inside the bounds, keeping its width 2h.
      const double centre = std::clamp(theta_[i], options_.lower[i] + h, options_.upper[i] - h);
      population_.col(2 * i) = theta_;
      population_.col(2 * i + 1) = theta_;
      population_(i, 2 * i) = centre + h;
      population_(i, 2 * i + 1) = centre - h;
    }
    return population_;
  }

  void tell(const Eigen::VectorXd& losses) {
    const Eigen::Index n = theta_.size();
    require(losses.size() == 2 * n, "adam.losses.size()", losses.size(), "must equal population_size " + std::to_string(2 * n));
    ask();  // the population is a pure function of θ
    non_finite_count_ = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      const double plus = losses[2 * i], minus = losses[2 * i + 1];
      if (std::isfinite(plus) && plus < best_loss_) best_loss_ = plus, best_theta_ = population_.col(2 * i);
      if (std::isfinite(minus) && minus < best_loss_) best_loss_ = minus, best_theta_ = population_.col(2 * i + 1);
      if (!std::isfinite(plus) || !std::isfinite(minus)) {
        ++non_finite_count_;
        gradient_[i] = 0.0;
        continue;
      }
      const double g = (plus - minus) / (population_(i, 2 * i) - population_(i, 2 * i + 1));
      if (!std::isfinite(g * g)) {  // |g| > ~1e154 would make v (and every later step) inf or NaN
        ++non_finite_count_;
        gradient_[i] = 0.0;
        continue;
      }
      gradient_[i] = g;
    }
    ++generation_;
    const double t = static_cast<double>(generation_);
    m_ = options_.beta1 * m_ + (1.0 - options_.beta1) * gradient_;
    v_ = options_.beta2 * v_ + (1.0 - options_.beta2) * gradient_.cwiseAbs2();
    const double c1 = 1.0 - std::pow(options_.beta1, t), c2 = 1.0 - std::pow(options_.beta2, t);
    for (Eigen::Index i = 0; i < n; ++i) {
      const double step = (m_[i] / c1) / (std::sqrt(v_[i] / c2) + options_.epsilon);
      if (std::isfinite(step)) theta_[i] -= options_.learning_rate * options_.scale[i] * step;
    }
    theta_ = project(theta_);
    if (!theta_.allFinite()) status_ = {StopCode::non_finite_state, "theta became non-finite"};
    else if (best_loss_ <= options_.target_loss)
      status_ = {StopCode::target_loss, "best loss " + std::to_string(best_loss_) + " <= target_loss"};
    else if (options_.max_generations != 0 && generation_ >= options_.max_generations)
      status_ = {StopCode::max_generations, std::to_string(generation_) + " generations reached max_generations"};
  }

  const Status& status() const noexcept { return status_; }
  const Eigen::VectorXd& mean() const noexcept { return theta_; }
  /// The learning rate (Adam has no σ); the per-parameter step is learning_rate · scale_i.
  double step_size() const noexcept { return options_.learning_rate; }
  std::size_t dimension() const noexcept { return static_cast<std::size_t>(theta_.size()); }
  std::size_t population_size() const noexcept { return 2 * dimension(); }
  std::size_t generation() const noexcept { return generation_; }

  /// The last finite-difference gradient.
  const Eigen::VectorXd& gradient() const noexcept { return gradient_; }
  std::size_t non_finite_count() const noexcept { return non_finite_count_; }
  double best_loss() const noexcept { return best_loss_; }
  const Eigen::VectorXd& best_theta() const noexcept { return best_theta_; }
  const AdamFdOptions& options() const noexcept { return options_; }

  /// A copy of the state (see AdamFdState).
  AdamFdState state() const { return {theta_, m_, v_, gradient_, generation_, non_finite_count_, best_loss_, best_theta_, status_}; }

  /// Continues from `s`, which must come from an AdamFd with the same dimension and options.
  void restore(const AdamFdState& s) {
    const Eigen::Index n = theta_.size();
    require(s.theta.size() == n && s.m.size() == n && s.v.size() == n && s.gradient.size() == n &&
                (s.best_theta.size() == 0 || s.best_theta.size() == n),
            "adam state dimension", s.theta.size(), "must equal the optimiser's dimension " + std::to_string(n));
    theta_ = s.theta;
    m_ = s.m;
    v_ = s.v;
    gradient_ = s.gradient;
    generation_ = s.generation;
    non_finite_count_ = s.non_finite_count;
    best_loss_ = s.best_loss;
    best_theta_ = s.best_theta;
    status_ = s.status;
  }

  // --- Checkpointable (core/concepts/checkpointable.hpp) ------------------------------

  static std::string kind() { return "adam_fd"; }

  /// Settings that change a run's trajectory: a checkpoint written under others is refused.
  std::vector<std::pair<std::string, std::string>> identity_fields() const {
    return {{"optimiser.learning_rate", detail::format_value(options_.learning_rate)},
            {"optimiser.fd_step", detail::format_value(options_.fd_step)}};
  }

  /// Saves or loads the state; loading reads every field, then restore() checks sizes.
  template <class Archive>
  void serialize(Archive& archive) {
    AdamFdState s = state();
    s.serialize(archive);
    if constexpr (Archive::is_loading) restore(s);
  }

 private:
  Eigen::VectorXd project(const Eigen::VectorXd& x) const { return x.cwiseMax(options_.lower).cwiseMin(options_.upper); }

  AdamFdOptions options_;
  Eigen::VectorXd theta_, m_, v_, gradient_;
  Eigen::MatrixXd population_;
  std::size_t generation_ = 0;
  std::size_t non_finite_count_ = 0;
  double best_loss_ = std::numeric_limits<double>::infinity();
  Eigen::VectorXd best_theta_;
  Status status_;
};

static_assert(check_optimiser<AdamFd>());

}  // namespace metahebb
