#pragma once
/// Many stabilising rules from a sequential proposal (issue 14): rounds of draw → screen →
/// measure, each round after the first proposing around the rules that passed so far — an
/// ABC-SMC-like population scheme (Beaumont et al. 2009, Biometrika 96:983) without importance
/// weights, built on sweep::KernelProposal.
///
///   round 0:  θ_{0,i} = prior.sample(seed, i)        (the box; identical to run_experiment's draws)
///   round r:  θ_{r,i} ~ q_r = (1/M) Σ_{m ≤ M} N_box(θ; θ_m, diag(h²)),
///             h_d = bandwidth · std_m(θ_{m,d}) (at least 10⁻³ of the box's width), N_box the
///             normal truncated to the prior's box, θ_1 … θ_M the rules of rounds < r that were
///             *stabilising* (every seed and size over the whole protocol) when there are at
///             least `min_fit` of them, else those that passed the *screen*; with none, the prior.
///             The draw uses the stream keyed (seed, sweep::proposal_stream, r, i) only, so rule i
///             of round r depends on (seed, r, i) and the earlier rounds' outcomes, which are
///             themselves functions of the seed: a run is reproducible whatever the thread count.
///   every round: draw in index order until `screened` rules passed the screen or `draws` were
///             drawn; measure the screened rules (protocol, frozen and static controls on every
///             seed and size; experiment.hpp) and report the round's acceptance.
///
/// The networks of rule i of round r are those of candidate r · 2³² + i (round 0: candidate i,
/// as run_experiment), so every rule meets its own independent networks.
///
/// What this changes in the claim: the stabilising rules then come from the proposal q_r, not
/// from the prior — a sample concentrated where stabilising rules were found, as the paper's own
/// set, selected with simulation-based inference (Confavreux et al. 2025), is. Nothing in the
/// proposal looks at the stimuli or at memory.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <vector>

#include "../core/errors.hpp"
#include "../core/random.hpp"
#include "../execution/threads.hpp"
#include "../sweep/kernel_proposal.hpp"
#include "../sweep/prior.hpp"
#include "experiment.hpp"

namespace metahebb::familiarity {

struct SequentialSettings {
  std::size_t rounds = 4;
  std::size_t draws = 2000;       ///< rules drawn per round, at most
  std::size_t screened = 50;      ///< a round stops drawing once this many passed the screen
  double bandwidth = std::numbers::sqrt2;  ///< h = bandwidth · std of the fitted rules (ABC-SMC: √2, twice the variance)
  std::size_t min_fit = 5;        ///< fit on the stabilising rules when at least this many, else on the screened

  void validate() const {
    require_count("sequential.rounds", static_cast<long long>(rounds), 1, 1000);
    require_count("sequential.draws", static_cast<long long>(draws), 1, 1LL << 31);
    require_count("sequential.screened", static_cast<long long>(screened), 1, 1LL << 31);
    require(std::isfinite(bandwidth) && bandwidth > 0.0, "sequential.bandwidth", bandwidth, "must be finite and > 0");
    require_count("sequential.min_fit", static_cast<long long>(min_fit), 1, 1LL << 31);
  }
};

/// One round: how many rules it drew, how many passed the screen, how many were stabilising,
/// and what its proposal was fitted on (0 rules: the prior).
struct RoundReport {
  std::size_t round = 0, drawn = 0, screened = 0, stabilising = 0;
  std::size_t fitted_rules = 0;
  const char* fitted_on = "prior";  ///< "prior", "screened" or "stabilising"
};

inline constexpr std::uint64_t round_stride = std::uint64_t{1} << 32;

/// The rounds (see the header comment). `on_round(result, report)` is called after each round
/// with everything measured so far (result.sizes summarises the stabilising rules of all rounds).
template <class Config, class OnRound>
ExperimentResult run_sequential(const Config& config, const sweep::Prior& prior, const SequentialSettings& settings,
                                const ThreadExecutor& executor, std::vector<RoundReport>& reports, OnRound&& on_round) {
  config.validate();
  settings.validate();
  reports.clear();
  ExperimentResult result;
  const std::size_t batch = std::max<std::size_t>(8, 4 * executor.concurrency());
  for (std::size_t r = 0; r < settings.rounds; ++r) {
    RoundReport report;
    report.round = r;
    // The proposal of this round, fitted on the earlier rounds' rules.
    std::vector<std::size_t> fit;
    for (std::size_t k = 0; k < result.rules.size(); ++k)
      if (stabilising(result, k)) fit.push_back(k);
    report.fitted_on = "stabilising";
    if (fit.size() < settings.min_fit) {
      fit.resize(result.rules.size());
      for (std::size_t k = 0; k < fit.size(); ++k) fit[k] = k;
      report.fitted_on = "screened";
    }
    if (r == 0 || fit.empty()) {
      report.fitted_on = "prior";
      fit.clear();
    }
    report.fitted_rules = fit.size();
    sweep::KernelProposal proposal(prior.lower(), prior.upper(),
                                   {.neighbours = std::max<std::size_t>(1, fit.size()), .bandwidth = settings.bandwidth});
    if (!fit.empty()) {
      Eigen::MatrixXd theta(static_cast<Eigen::Index>(fit.size()), static_cast<Eigen::Index>(prior.size()));
      for (std::size_t m = 0; m < fit.size(); ++m) theta.row(static_cast<Eigen::Index>(m)) = result.rules[fit[m]].transpose();
      proposal.fit(theta, Eigen::MatrixXd::Zero(theta.rows(), 1));  // one x for all: the kernel is over every fitted rule
    }
    const Eigen::VectorXd x0 = Eigen::VectorXd::Zero(1);
    auto draw = [&](std::uint64_t i) -> Eigen::VectorXd {
      if (fit.empty()) return prior.sample(config.seed, r * round_stride + i);
      RandomStream key(config.seed, sweep::proposal_stream, r, i);
      return proposal.sample(x0, 1, key()).row(0).transpose();
    };

    const std::size_t first = result.rules.size();
    while (report.screened < settings.screened && report.drawn < settings.draws) {
      const std::size_t n = std::min(batch, settings.draws - report.drawn);
      std::vector<Eigen::VectorXd> theta(n);
      std::vector<char> pass(n, 0);
      executor.for_each(n, [&](std::size_t i) {
        theta[i] = draw(report.drawn + i);
        pass[i] = screen(config, theta[i], r * round_stride + report.drawn + i);
      });
      std::size_t used = n;
      for (std::size_t i = 0; i < n; ++i) {
        if (pass[i]) {
          result.rules.push_back(theta[i]);
          result.indices.push_back(r * round_stride + report.drawn + i);
          if (++report.screened == settings.screened) {
            used = i + 1;
            break;
          }
        }
      }
      report.drawn += used;
    }
    result.sampled += report.drawn;
    measure_rules(config, result, first, executor);
    for (std::size_t k = first; k < result.rules.size(); ++k) report.stabilising += stabilising(result, k);
    summarise_sizes(config, result);
    reports.push_back(report);
    on_round(std::as_const(result), std::as_const(report));
  }
  return result;
}

}  // namespace metahebb::familiarity
