#pragma once
/// A population proposal that climbs the constraint violation directly, as ABC-SMC /
/// population Monte Carlo do (Beaumont, Cornuet, Marin & Robert 2009, "Adaptive approximate
/// Bayesian computation", Biometrika 96:983; issue 13): for finding the first rules that pass
/// every constraint when a conditional density q(θ | x) has nothing accepted to condition on.
///
///   fit:     v_i = violation of rule i's metrics x_i (0 inside every constraint, +inf if an
///            x_i,k is not finite); the tolerance ε = the `parents`-th smallest v over all
///            rules so far (ties: the earlier row), or 0 once more rules than that are accepted
///            — it shrinks as rounds add better rules, as ABC-SMC's quantile of its population
///            does; parents = the rules with v ≤ ε (the `parents` least violating, or every
///            accepted rule), equally weighted (if no rule has a finite violation, every rule
///            with a finite θ, and ε = inf);
///            Σ = 2 Cov(parents' θ) + diag((min_bandwidth · (upper − lower))²)
///            (Beaumont et al.'s kernel: twice the population's covariance; the ridge keeps Σ
///            positive definite with fewer parents than dimensions);
///   sample:  θ = θ_p + L z, p a parent drawn uniformly, L Lᵀ = Σ, z ~ N(0, I), redrawn until θ
///            lies in the prior's box [lower, upper] (up to max_tries; then the out-of-box
///            coordinates are reflected into the box). x* is ignored: the proposal is not
///            conditional, its target is "violation 0".
///   restrict_to(admissible): children must also satisfy a cheap predicate on θ (e.g. the
///            mean-field screen, sweep/mean_field_screen.hpp) — redrawn up to restriction_tries
///            times; if none is admissible the last draw is kept (reflected into the box).
/// Simplification against ABC-PMC: the parents are equally weighted, not by prior / proposal
/// density (the rounds' earlier proposals are not kept), so the accepted set is a search's
/// result inside the constraints, not a sample of the posterior; fit a flow on it for that.
///
/// The violation (ViolationScale) of x against intervals [l_k, u_k]:
///   width:    Σ_k dist(x_k, [l_k, u_k]) / s_k, s_k = u_k − l_k (or |the finite bound|, or 1) —
///             sweep::constraint_violation, nearest_targets' measure;
///   relative: Σ_k d_k, d_k = (l_k − x_k) / |l_k| below the interval, (x_k − u_k) / |u_k| above
///             (a zero bound: the width, or 1) — the distance relative to the bound crossed.
/// `relative` is the default: with `width`, an E rate of 0.5 Hz against [1, 50] Hz costs
/// 0.5 / 49 ≈ 0.01 while w_creep = 0.1 against [0, 0.05] costs 1, so a search on `width`
/// trades plausible rates for quiet networks whose weights drift slowly (docs/rule-families.md).
///
/// Use in the filtering rounds (sweep/rounds.hpp calls constrain(constraints) before fit), or
/// alone: constrain(lower_x, upper_x) + fit(θ, x), or fit_violation(θ, v) with any violation.

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "../core/concepts/proposal.hpp"
#include "../core/errors.hpp"
#include "../core/random.hpp"
#include "constraints.hpp"

namespace metahebb::sweep {

enum class ViolationScale { width, relative };

struct PopulationProposalSettings {
  std::size_t parents = 32;      ///< N: the N least-violating rules so far parent the next ones
  double min_bandwidth = 1e-3;   ///< ridge of Σ as a fraction of each coordinate's support width
  ViolationScale scale = ViolationScale::relative;
  int max_tries = 1000;          ///< whole-vector redraws before reflecting into the box
  int restriction_tries = 100000;  ///< redraws for an admissible child (restrict_to)

  void validate() const {
    require_count("population_proposal.parents", static_cast<long long>(parents), 1, 1000000000);
    require_positive("population_proposal.min_bandwidth", min_bandwidth);
    require_count("population_proposal.max_tries", max_tries, 1, 100000000);
    require_count("population_proposal.restriction_tries", restriction_tries, 1, 1000000000);
  }
};

/// The violation of metrics x against intervals [lower_k, upper_k] (see the header comment).
inline double interval_violation(const Eigen::Ref<const Eigen::VectorXd>& x, const Eigen::VectorXd& lower,
                                 const Eigen::VectorXd& upper, ViolationScale scale) {
  double v = 0.0;
  for (Eigen::Index k = 0; k < x.size(); ++k) {
    const double value = x[k], l = lower[k], u = upper[k];
    if (!std::isfinite(value)) return std::numeric_limits<double>::infinity();
    const bool lo = std::isfinite(l), hi = std::isfinite(u);
    const double width = lo && hi && u > l ? u - l : lo && l != 0.0 ? std::abs(l) : hi && u != 0.0 ? std::abs(u) : 1.0;
    if (value < l) v += (l - value) / (scale == ViolationScale::relative && l != 0.0 ? std::abs(l) : width);
    if (value > u) v += (value - u) / (scale == ViolationScale::relative && u != 0.0 ? std::abs(u) : width);
  }
  return v;
}

class PopulationProposal {
 public:
  PopulationProposal(Eigen::VectorXd lower, Eigen::VectorXd upper, PopulationProposalSettings settings = {})
      : lower_(std::move(lower)), upper_(std::move(upper)), settings_(settings) {
    settings_.validate();
    require(lower_.size() == upper_.size() && lower_.size() > 0, "population_proposal.upper.size()", upper_.size(),
            "must equal lower.size() > 0");
    for (Eigen::Index d = 0; d < lower_.size(); ++d)
      require(std::isfinite(lower_[d]) && std::isfinite(upper_[d]) && lower_[d] <= upper_[d],
              "population_proposal.upper[" + std::to_string(d) + "]", upper_[d], "must be finite and >= lower (finite)");
  }

  /// The box of metric intervals fit(θ, x) measures the violation against (x's columns in order).
  void constrain(Eigen::VectorXd lower_x, Eigen::VectorXd upper_x) {
    require(lower_x.size() == upper_x.size(), "population_proposal.upper_x.size()", upper_x.size(), "must equal lower_x.size()");
    for (Eigen::Index k = 0; k < lower_x.size(); ++k)
      require(!(lower_x[k] > upper_x[k]), "population_proposal.upper_x[" + std::to_string(k) + "]", upper_x[k],
              "must be >= lower_x");
    lower_x_ = std::move(lower_x), upper_x_ = std::move(upper_x);
    constrained_ = true;
  }
  /// The constraints' intervals, in their order (the x of sweep/rounds.hpp).
  void constrain(const Constraints& constraints) {
    Eigen::VectorXd l(static_cast<Eigen::Index>(constraints.size())), u(l.size());
    for (std::size_t k = 0; k < constraints.size(); ++k)
      l[static_cast<Eigen::Index>(k)] = constraints.list()[k].lower, u[static_cast<Eigen::Index>(k)] = constraints.list()[k].upper;
    constrain(std::move(l), std::move(u));
  }

  /// Children must satisfy `admissible` (an empty function lifts the restriction).
  void restrict_to(std::function<bool(const Eigen::VectorXd&)> admissible) { admissible_ = std::move(admissible); }

  void fit(const Eigen::MatrixXd& theta, const Eigen::MatrixXd& x) {
    require(constrained_, "population_proposal", "(no constraints)", "needs constrain() before fit(theta, x)");
    require(x.cols() == lower_x_.size(), "x.cols()", x.cols(), "must equal the number of constrained metrics");
    require(theta.rows() == x.rows(), "x.rows()", x.rows(), "must equal theta.rows()");
    Eigen::VectorXd v(x.rows());
    for (Eigen::Index i = 0; i < x.rows(); ++i) v[i] = interval_violation(x.row(i).transpose(), lower_x_, upper_x_, settings_.scale);
    fit_violation(theta, v);
  }

  /// Fits on any violation (0: accepted; not finite: never a parent).
  void fit_violation(const Eigen::MatrixXd& theta, const Eigen::VectorXd& violation) {
    require(theta.cols() == lower_.size(), "theta.cols()", theta.cols(), "must equal the support's dimension");
    require(violation.size() == theta.rows(), "violation.size()", violation.size(), "must equal theta.rows()");
    std::vector<std::pair<double, Eigen::Index>> finite;
    for (Eigen::Index i = 0; i < theta.rows(); ++i)
      if (std::isfinite(violation[i]) && violation[i] >= 0.0 && theta.row(i).allFinite()) finite.push_back({violation[i], i});
    if (finite.empty())  // no rule has all its metrics (e.g. every network stopped): every rule parents, ε = inf
      for (Eigen::Index i = 0; i < theta.rows(); ++i)
        if (theta.row(i).allFinite()) finite.push_back({std::numeric_limits<double>::infinity(), i});
    require(!finite.empty(), "fit rows", theta.rows(), "must include a rule with a finite theta");
    std::stable_sort(finite.begin(), finite.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    // ε: the N-th smallest violation; every accepted rule is a parent once more than N are.
    std::size_t n = std::min(settings_.parents, finite.size());
    while (n < finite.size() && finite[n].first == 0.0) ++n;
    tolerance_ = finite[n - 1].first;
    accepted_ = 0;
    for (const auto& f : finite) accepted_ += f.first == 0.0 ? 1 : 0;
    parents_.resize(static_cast<Eigen::Index>(n), theta.cols());
    for (std::size_t p = 0; p < n; ++p) parents_.row(static_cast<Eigen::Index>(p)) = theta.row(finite[p].second);
    const Eigen::RowVectorXd mean = parents_.colwise().mean();
    const Eigen::MatrixXd centred = parents_.rowwise() - mean;
    Eigen::MatrixXd sigma = 2.0 * (centred.transpose() * centred) / static_cast<double>(n);
    for (Eigen::Index d = 0; d < sigma.rows(); ++d) {
      const double h = settings_.min_bandwidth * (upper_[d] - lower_[d]);
      sigma(d, d) += h * h;
    }
    chol_ = sigma.llt().matrixL();
  }

  Eigen::MatrixXd sample(const Eigen::VectorXd& /*x*/, std::size_t n, std::uint64_t seed) const { return sample(n, seed); }

  Eigen::MatrixXd sample(std::size_t n, std::uint64_t seed) const {
    require(parents_.rows() > 0, "population_proposal", "(not fitted)", "needs fit() before sample()");
    const auto dim = lower_.size();
    RandomStream stream(seed, Purpose::user, 0, 0, 0);
    Eigen::MatrixXd out(static_cast<Eigen::Index>(n), dim);
    Eigen::VectorXd z(dim), theta(dim);
    for (std::size_t s = 0; s < n; ++s) {
      const Eigen::Index p = static_cast<Eigen::Index>(stream() % static_cast<std::uint64_t>(parents_.rows()));
      const int tries = admissible_ ? settings_.restriction_tries : settings_.max_tries;
      for (int t = 0; t < tries; ++t) {
        for (Eigen::Index d = 0; d < dim; ++d) z[d] = stream.normal();
        theta = parents_.row(p).transpose() + chol_ * z;
        if (inside(theta) && (!admissible_ || admissible_(theta))) break;
      }
      for (Eigen::Index d = 0; d < dim; ++d) theta[d] = reflect(theta[d], lower_[d], upper_[d]);
      out.row(static_cast<Eigen::Index>(s)) = theta.transpose();
    }
    return out;
  }

  double tolerance() const noexcept { return tolerance_; }         ///< ε of the last fit (the worst parent's violation)
  std::size_t accepted() const noexcept { return accepted_; }      ///< rules with violation 0 in the last fit
  const Eigen::MatrixXd& parents() const noexcept { return parents_; }
  Eigen::MatrixXd kernel_covariance() const { return chol_ * chol_.transpose(); }  ///< Σ

 private:
  bool inside(const Eigen::VectorXd& t) const {
    for (Eigen::Index d = 0; d < t.size(); ++d)
      if (!(t[d] >= lower_[d] && t[d] <= upper_[d])) return false;
    return true;
  }
  static double reflect(double v, double lo, double hi) {
    if (!(hi > lo)) return lo;
    const double w = hi - lo, period = 2.0 * w;
    double r = std::fmod(v - lo, period);
    if (r < 0) r += period;
    return std::clamp(r <= w ? lo + r : hi - (r - w), lo, hi);
  }

  Eigen::VectorXd lower_, upper_, lower_x_, upper_x_;
  PopulationProposalSettings settings_;
  bool constrained_ = false;
  std::function<bool(const Eigen::VectorXd&)> admissible_;
  Eigen::MatrixXd parents_, chol_;
  double tolerance_ = std::numeric_limits<double>::infinity();
  std::size_t accepted_ = 0;
};

static_assert(check_proposal<PopulationProposal>());

}  // namespace metahebb::sweep
