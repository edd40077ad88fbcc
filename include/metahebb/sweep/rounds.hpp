#pragma once
/// Sequential filtering rounds (issue 13; filter SBI, Confavreux, Harrington et al., NeurIPS 2023):
///
///   round 0:  θ ~ prior;
///   round r:  q(θ | x) is fitted on every simulation of rounds < r (x = the metrics the current
///             constraints name, in the constraints' order; rows with a non-finite x are left
///             out), and rule j of the round gets θ_j ~ q(θ | x*_j), where x*_j is the x of an
///             accepted rule of rounds < r drawn uniformly (stream keyed (seed, round r, j)) —
///             the empirical distribution of accepted metrics, which lies inside the
///             constraints; if no rule was accepted yet, x*_j is drawn the same way from the
///             `nearest_fraction` (10 %) of the earlier rules with a finite x that violate the
///             constraints least, each projected into the constraints' box (nearest_targets:
///             the violation is Σ_k dist(x_k, [l_k, u_k]) / s_k, s_k the interval's width, or
///             |its finite bound| if half-infinite, or 1) — proposals ask for metrics just inside
///             the box next to where simulated rules are, as a tolerance schedule would; only
///             without any finite x is x*_j the box centre (the midpoint of each interval, its
///             finite end if the other is infinite, 0 if both are).
///   then the round's rules are simulated (sweep.hpp) and appended to the store.
/// The constraints are an argument of each round, so they may be tightened or extended between
/// rounds (the example reads its constraints file again before every round).
///
/// Ids: the rules of round r are numbered after those of the rounds before it. The θ table of
/// every round is saved in the store directory as round-<r>.npy (atomically) before the round
/// is simulated, so a killed round resumes with the same θ whatever the proposal's training
/// does on a second run.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "../core/concepts/proposal.hpp"
#include "../io/npy.hpp"
#include "constraints.hpp"
#include "prior.hpp"
#include "store.hpp"
#include "sweep.hpp"
#include "theta_table.hpp"

namespace metahebb::sweep {

struct RoundReport {
  std::size_t round = 0;
  std::size_t rules = 0;         ///< rules of this round
  std::size_t simulated = 0;     ///< simulated now (the rest were in the store already)
  std::size_t accepted = 0;      ///< rules of this round passing every constraint
  std::size_t fit_rows = 0;      ///< (θ, x) pairs q was fitted on (0 in round 0)
  std::size_t accepted_before = 0;  ///< accepted rules of earlier rounds (where x* came from)
  double acceptance() const noexcept { return rules ? static_cast<double>(accepted) / static_cast<double>(rules) : 0.0; }
};

/// The metrics x of `records` that `constraints` name, one column per constraint.
inline Eigen::MatrixXd constrained_metrics(const Records& records, const Constraints& constraints) {
  Eigen::MatrixXd x(static_cast<Eigen::Index>(records.size()), static_cast<Eigen::Index>(constraints.size()));
  for (std::size_t k = 0; k < constraints.size(); ++k)
    x.col(static_cast<Eigen::Index>(k)) = records.metrics.col(static_cast<Eigen::Index>(constraints.list()[k].column));
  return x;
}

/// The box centre of the constraints (see the header comment).
inline Eigen::VectorXd constraint_centre(const Constraints& constraints) {
  Eigen::VectorXd c(static_cast<Eigen::Index>(constraints.size()));
  for (std::size_t k = 0; k < constraints.size(); ++k) {
    const auto& q = constraints.list()[k];
    const bool lo = std::isfinite(q.lower), hi = std::isfinite(q.upper);
    c[static_cast<Eigen::Index>(k)] = lo && hi ? 0.5 * (q.lower + q.upper) : lo ? q.lower : hi ? q.upper : 0.0;
  }
  return c;
}

/// The share of the earlier rules (with a finite x) that nearest_targets keeps when no rule
/// has been accepted yet (at least one rule).
inline constexpr double nearest_fraction = 0.1;

/// How far metrics x (in the constraints' order) are from the constraints' box:
/// Σ_k dist(x_k, [l_k, u_k]) / s_k, with s_k = u_k − l_k if both are finite and differ, else
/// |the finite bound| if it is not 0, else 1. 0 inside the box; +inf if an x_k is not finite.
inline double constraint_violation(const Eigen::VectorXd& x, const Constraints& constraints) {
  double v = 0.0;
  for (std::size_t k = 0; k < constraints.size(); ++k) {
    const auto& q = constraints.list()[k];
    const double value = x[static_cast<Eigen::Index>(k)];
    if (!std::isfinite(value)) return std::numeric_limits<double>::infinity();
    const bool lo = std::isfinite(q.lower), hi = std::isfinite(q.upper);
    double scale = lo && hi && q.upper > q.lower ? q.upper - q.lower : lo ? std::abs(q.lower) : hi ? std::abs(q.upper) : 1.0;
    if (!(scale > 0.0)) scale = 1.0;
    v += (value < q.lower ? q.lower - value : value > q.upper ? value - q.upper : 0.0) / scale;
  }
  return v;
}

/// x* candidates when no rule is accepted: the ⌈nearest_fraction · m⌉ rows of x (m = rows with
/// a finite violation) that violate the constraints least (ties: the earlier row first), each
/// clamped into the box. Empty if no row has a finite x.
inline std::vector<Eigen::VectorXd> nearest_targets(const Eigen::MatrixXd& x, const Constraints& constraints) {
  std::vector<std::pair<double, Eigen::Index>> finite;
  for (Eigen::Index r = 0; r < x.rows(); ++r)
    if (const double v = constraint_violation(x.row(r).transpose(), constraints); std::isfinite(v)) finite.push_back({v, r});
  std::stable_sort(finite.begin(), finite.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  const auto keep = std::min(finite.size(), static_cast<std::size_t>(std::ceil(nearest_fraction * static_cast<double>(finite.size()))));
  std::vector<Eigen::VectorXd> out;
  for (std::size_t i = 0; i < keep; ++i) {
    Eigen::VectorXd t = x.row(finite[i].second).transpose();
    for (std::size_t k = 0; k < constraints.size(); ++k) {
      const auto& q = constraints.list()[k];
      t[static_cast<Eigen::Index>(k)] = std::clamp(t[static_cast<Eigen::Index>(k)], q.lower, q.upper);
    }
    out.push_back(std::move(t));
  }
  return out;
}

/// Runs round `round` with `rules` rules; earlier rounds must be complete in `store`.
template <class TaskT, class ProposalT, class ExecutorT, class ProgressT = NoProgress>
RoundReport run_round(const TaskT& task, RuleStore& store, const Prior& prior, const Constraints& constraints,
                      ProposalT& proposal, std::size_t round, std::size_t rules, const SweepSettings& settings,
                      ExecutorT&& executor, ProgressT&& progress = {}) {
  static_assert(check_proposal<ProposalT>());
  prior.require_names(task.parameter_names());
  require(constraints.vocabulary() == store.layout().metric_names, "constraints", "(another vocabulary)",
          "must be parsed against the store's metric names");
  require(round == 0 || !constraints.empty(), "constraints", "(none)", "rounds after round 0 need at least one constraint");
  namespace fs = std::filesystem;
  auto table_path = [&](std::size_t r) {
    char name[32];
    std::snprintf(name, sizeof name, "round-%04zu.npy", r);
    return (fs::path(store.directory()) / name).string();
  };
  // Ids of round `round` start after every rule of the rounds before it (their saved tables).
  std::uint64_t first_id = 0;
  for (std::size_t r = 0; r < round; ++r) {
    require(fs::exists(table_path(r)), "round", round, "needs round " + std::to_string(r) + " first (" + table_path(r) + " is missing)");
    first_id += static_cast<std::uint64_t>(read_npy_matrix(table_path(r)).rows());
  }
  for (std::uint64_t id = 0; id < first_id; ++id)
    require(store.contains(id), "round", round, "needs the earlier rounds complete in the store (rule " + std::to_string(id) + " is missing)");

  RoundReport report;
  report.round = round;
  Eigen::MatrixXd thetas;
  // Earlier rounds: what q is fitted on and where x* comes from.
  const Records& all = store.records();
  std::vector<Eigen::Index> earlier;
  for (std::size_t i = 0; i < all.size(); ++i)
    if (all.rule_id[i] < first_id) earlier.push_back(static_cast<Eigen::Index>(i));
  if (fs::exists(table_path(round))) {
    thetas = read_npy_matrix(table_path(round));
  } else if (round == 0) {
    thetas = prior.sample_rows(settings.seed, first_id, rules);
  } else {
    Eigen::MatrixXd theta_fit(static_cast<Eigen::Index>(earlier.size()), static_cast<Eigen::Index>(prior.size()));
    Records before;
    before.resize(earlier.size(), prior.size(), store.layout().metric_names.size());
    for (std::size_t r = 0; r < earlier.size(); ++r) {
      before.theta.row(static_cast<Eigen::Index>(r)) = all.theta.row(earlier[r]);
      before.metrics.row(static_cast<Eigen::Index>(r)) = all.metrics.row(earlier[r]);
    }
    const Eigen::MatrixXd x = constrained_metrics(before, constraints);
    // a proposal that measures the violation itself (population_proposal.hpp) is given the constraints
    if constexpr (requires { proposal.constrain(constraints); }) proposal.constrain(constraints);
    proposal.fit(before.theta, x);
    std::vector<Eigen::Index> accepted;
    for (Eigen::Index r = 0; r < x.rows(); ++r)
      if (constraints.passes(before.metrics.row(r))) accepted.push_back(r);
    thetas.resize(static_cast<Eigen::Index>(rules), static_cast<Eigen::Index>(prior.size()));
    const Eigen::VectorXd centre = constraint_centre(constraints);
    const std::vector<Eigen::VectorXd> nearest = accepted.empty() ? nearest_targets(x, constraints) : std::vector<Eigen::VectorXd>{};
    for (std::size_t j = 0; j < rules; ++j) {
      RandomStream stream(settings.seed, proposal_stream, round, j);
      const Eigen::VectorXd x_star =
          !accepted.empty() ? Eigen::VectorXd(x.row(accepted[static_cast<std::size_t>(stream() % accepted.size())]).transpose())
          : !nearest.empty() ? nearest[static_cast<std::size_t>(stream() % nearest.size())]
                             : centre;
      thetas.row(static_cast<Eigen::Index>(j)) = proposal.sample(x_star, 1, stream()).row(0);
    }
  }
  if (!fs::exists(table_path(round))) io::write_npy(table_path(round), thetas);
  for (Eigen::Index r = 0; r < static_cast<Eigen::Index>(earlier.size()); ++r)
    if (constraints.passes(all.metrics.row(earlier[static_cast<std::size_t>(r)]))) ++report.accepted_before;
  report.fit_rows = round == 0 ? 0 : earlier.size();
  report.rules = static_cast<std::size_t>(thetas.rows());
  report.simulated = simulate_rules(task, store, first_id, thetas, round, settings, executor, progress);
  const Records& now = store.records();
  for (std::size_t i = 0; i < now.size(); ++i)
    if (now.rule_id[i] >= first_id && now.rule_id[i] < first_id + report.rules &&
        constraints.passes(now.metrics.row(static_cast<Eigen::Index>(i))))
      ++report.accepted;
  return report;
}

}  // namespace metahebb::sweep

namespace metahebb::sweep {

/// Rounds 0 … rounds − 1 of `rules_per_round` rules each: before round r, `constraints_of(r)`
/// gives its constraints (read a file again, tighten, …) and `on_round(report, constraints)` is
/// called after it. Rounds already in the store are resumed (and cost nothing if complete).
template <class TaskT, class ProposalT, class ExecutorT, class ConstraintsOf, class OnRound, class ProgressT = NoProgress>
std::vector<RoundReport> run_rounds(const TaskT& task, RuleStore& store, const Prior& prior, ConstraintsOf&& constraints_of,
                                    ProposalT& proposal, std::size_t rounds, std::size_t rules_per_round,
                                    const SweepSettings& settings, ExecutorT&& executor, OnRound&& on_round,
                                    ProgressT&& progress = {}) {
  require_count("rounds", static_cast<long long>(rounds), 1, 1000000);
  require_count("rules_per_round", static_cast<long long>(rules_per_round), 1, 1000000000);
  std::vector<RoundReport> reports;
  for (std::size_t r = 0; r < rounds; ++r) {
    const Constraints constraints = constraints_of(r);
    reports.push_back(run_round(task, store, prior, constraints, proposal, r, rules_per_round, settings, executor, progress));
    on_round(reports.back(), constraints);
  }
  return reports;
}

}  // namespace metahebb::sweep
