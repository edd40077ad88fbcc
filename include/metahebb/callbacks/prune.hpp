#pragma once
/// Pruning of a rule's coefficients outside the ranking: every `every` generations from
/// generation `after` (of the optimiser's current start, if it restarts), once the search has
/// left its starting plateau (`progress_fraction`), each coefficient of the CMA-ES mean m is set to 0 if that lowers the
/// run's objective (its loss, L1 term included) on a fixed validation set; the optimiser then
/// holds the pruned coefficients near 0 (BasicCmaes::prune).
///
///   MetaLearner learner(task, Sum(PrincipalVectorsDistance(), L1Penalty(l1)), Cmaes(theta0, options), executor, run);
///   callbacks::Prune prune(learner, {.after = 500, .every = 100});
///   learner.run(progress, prune, callbacks::Checkpoint(learner, "run.ckpt"));  // prune before the checkpoint
///
/// Why: a coefficient the loss cannot see (or barely sees) is pulled to 0 only by the L1
/// term, and inside the ranking that pull is weak against the noise of the other coordinates,
/// so such terms drift for thousands of generations (docs/oja-antihebbian.md, "Pruning").
/// Setting them to exactly 0 when the objective on many datasets agrees removes them at once.
///
/// One pruning step, with J(θ) the mean objective over the validation set (validation_rounds
/// × the task's datasets, from a seed no generation uses, the same at every step):
///   1. J(m) and J(m with m_k = 0) for every k with m_k ≠ 0 (one batch of evaluations);
///   2. S = {k : J(m with m_k = 0) < J(m)};
///   3. if |S| > 1 and J(m with m_S = 0) is not below J(m), S becomes the single best k;
///   4. optimiser.prune(S): m_S = 0 and the search narrowed there.
/// Coefficients set to 0 before are tested again (they have drifted by a little), so the
/// callback keeps no state a checkpoint would need: a resumed run prunes as the uninterrupted
/// one did, provided this callback comes before callbacks::Checkpoint in run()'s list (the
/// checkpoint of a pruning generation must hold the pruned state). The reference rule of a
/// task plays no part. The cost is (1 + nonzero coefficients) × validation datasets
/// simulations per step: with the defaults at 5 → 5, about 9 generations' worth every 100.

#include <Eigen/Core>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "../core/concepts/task.hpp"
#include "../core/errors.hpp"
#include "../core/run_report.hpp"

namespace metahebb::callbacks {

struct PruneOptions {
  std::size_t after = 500;             ///< first step after this many generations
  std::size_t every = 100;             ///< then every this many
  std::size_t validation_rounds = 5;   ///< validation set: this many × the task's datasets
  double relative_std = 0.01;          ///< BasicCmaes::prune: narrowed standard deviation, relative to the others'
  std::uint64_t validation_seed = 0x7a1d'a7e5'eedULL;  ///< XORed with the run's seed
  /// Prune only once the search has left its starting plateau: the optimiser's best loss of the
  /// current start is below this × the best of that start's first generations (BasicCmaes::
  /// start_first_loss; optimisers without it are not gated). On a plateau the loss barely sees
  /// any term, and pruning there removes the ones the search still needs. 1: no gate.
  double progress_fraction = 0.5;
  bool verbose = true;                 ///< one line on stderr per step that prunes (writing process only)
};

template <class Learner>
class Prune {
 public:
  explicit Prune(Learner& learner, PruneOptions options = {}) : learner_(&learner), options_(options) {
    require(options_.every >= 1, "prune.every", options_.every, "must be >= 1 generation");
    require(options_.validation_rounds >= 1, "prune.validation_rounds", options_.validation_rounds, "must be >= 1");
    require(std::isfinite(options_.relative_std) && options_.relative_std > 0.0 && options_.relative_std <= 1.0,
            "prune.relative_std", options_.relative_std, "must be in (0, 1]");
    require(options_.progress_fraction > 0.0 && options_.progress_fraction <= 1.0, "prune.progress_fraction",
            options_.progress_fraction, "must be in (0, 1] (1: no gate)");
  }

  void on_begin(const RunInfo& info) {
    names_ = info.parameter_names;
    writer_ = info.writer;
  }

  void on_end(const RunResult&) { names_ = nullptr; }  // the names belong to run()

  bool on_generation(const GenerationReport& r) {
    // Counted from the optimiser's current start when it restarts (BasicCmaes), so a new start
    // grows its terms for `after` generations before any is pruned.
    std::size_t since = r.generation;
    if constexpr (requires { learner_->optimiser().generations_since_start(); })
      since = learner_->optimiser().generations_since_start();
    if (since < options_.after || (since - options_.after) % options_.every != 0) return false;
    if constexpr (requires { learner_->optimiser().start_best_loss(); }) {
      const auto& o = learner_->optimiser();
      if (options_.progress_fraction < 1.0 && !(o.start_best_loss() < options_.progress_fraction * o.start_first_loss()))
        return false;  // still on the plateau
    }
    step(r.generation);
    return false;
  }

  /// Steps run and coefficients set to 0 by this object (this process, since it was made;
  /// a coefficient pruned again after drifting counts again only if it had drifted past 1e-3).
  std::size_t steps() const noexcept { return steps_; }
  std::size_t pruned() const noexcept { return pruned_; }

  /// The validation objective J(θ) of each column (the mean over the validation set).
  Eigen::VectorXd validate(const Eigen::MatrixXd& thetas) {
    const std::uint64_t seed = learner_->options().seed ^ options_.validation_seed;
    Eigen::VectorXd sum = Eigen::VectorXd::Zero(thetas.cols());
    for (std::size_t round = 0; round < options_.validation_rounds; ++round)
      sum += learner_->evaluate(thetas, EvaluationContext{seed, round, 0}).losses;
    return sum / static_cast<double>(options_.validation_rounds);
  }

  /// One pruning step now (what on_generation does at its generations); returns the pruned indices.
  std::vector<Eigen::Index> step(std::size_t generation) {
    const Eigen::VectorXd m = learner_->optimiser().mean();
    std::vector<Eigen::Index> tried;
    for (Eigen::Index k = 0; k < m.size(); ++k)
      if (m[k] != 0.0) tried.push_back(k);
    if (tried.empty()) return {};
    Eigen::MatrixXd thetas(m.size(), static_cast<Eigen::Index>(tried.size()) + 1);
    thetas.col(0) = m;
    for (std::size_t i = 0; i < tried.size(); ++i) {
      thetas.col(static_cast<Eigen::Index>(i) + 1) = m;
      thetas(tried[i], static_cast<Eigen::Index>(i) + 1) = 0.0;
    }
    const Eigen::VectorXd j = validate(thetas);
    ++steps_;
    const double before = j[0];
    if (!std::isfinite(before)) return {};
    std::vector<Eigen::Index> accepted;
    std::size_t best = 0;
    for (std::size_t i = 0; i < tried.size(); ++i) {
      const double ji = j[static_cast<Eigen::Index>(i) + 1];
      if (std::isfinite(ji) && ji < before) {
        accepted.push_back(tried[i]);
        if (accepted.size() == 1 || ji < j[static_cast<Eigen::Index>(best) + 1]) best = i;
      }
    }
    if (accepted.empty()) return {};
    double after = j[static_cast<Eigen::Index>(best) + 1];
    if (accepted.size() > 1) {
      Eigen::VectorXd all = m;
      for (const Eigen::Index k : accepted) all[k] = 0.0;
      const double j_all = validate(all)[0];
      if (std::isfinite(j_all) && j_all < before) after = j_all;
      else accepted = {tried[best]};
    }
    std::string list;
    std::size_t newly = 0;
    for (const Eigen::Index k : accepted) {
      if (std::abs(m[k]) < 1e-3) continue;  // pruned before and drifted back by a little
      ++newly;
      if (names_ && static_cast<std::size_t>(k) < names_->size()) {
        char value[32];
        std::snprintf(value, sizeof value, "=%.3g", m[k]);
        list += (list.empty() ? "" : ", ") + (*names_)[static_cast<std::size_t>(k)] + value;
      }
    }
    pruned_ += newly;
    learner_->optimiser().prune(accepted, options_.relative_std);
    if (options_.verbose && writer_ && newly > 0)
      std::fprintf(stderr, "generation %zu: pruned %zu term%s (%s); validation objective %.4g -> %.4g\n", generation,
                   newly, newly == 1 ? "" : "s", list.c_str(), before, after);
    return accepted;
  }

 private:
  Learner* learner_;
  PruneOptions options_;
  const std::vector<std::string>* names_ = nullptr;
  bool writer_ = true;
  std::size_t steps_ = 0, pruned_ = 0;
};

}  // namespace metahebb::callbacks
