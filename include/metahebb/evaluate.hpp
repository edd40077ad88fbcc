#pragma once
/// Scores a population of rules on a task, without any optimiser:
///
///   const Evaluation e = evaluate(task, TargetRate(), thetas, {.seed = 7}, ThreadExecutor());
///   e.losses[c]            // candidate c's loss, the mean over the task's datasets
///
/// The executor runs one work item per dataset; each simulates every candidate on that
/// dataset (common random numbers) and scores it. A task whose candidates are simulated
/// independently (one network each, as in the recurrent networks) can say so with
/// `candidate_block()`: the work items are then (dataset, block of that many candidates),
/// so a one-dataset evaluation uses every worker too. Losses are averaged over datasets in a
/// fixed order, so the result is the same for any executor and thread count. This is what
/// MetaLearner::evaluate does each generation, and what held-out scoring and sweeps call.

#include <Eigen/Core>
#include <algorithm>
#include <concepts>
#include <cstddef>
#include <string>
#include <vector>

#include "core/concepts/executor.hpp"
#include "core/concepts/loss.hpp"
#include "core/concepts/task.hpp"
#include "core/errors.hpp"
#include "execution/serial.hpp"

namespace metahebb {

struct Evaluation {
  Eigen::VectorXd losses;       ///< per candidate: the mean over datasets
  Eigen::MatrixXd per_dataset;  ///< candidates × datasets
  std::size_t diverged = 0;     ///< simulations (candidate, dataset) whose observation diverged
};

/// `context.seed` and `context.generation` name the datasets (context.dataset is ignored:
/// every dataset of the task is run).
template <class TaskT, class LossT, class ExecutorT = SerialExecutor>
Evaluation evaluate(const TaskT& task, const LossT& loss, const Eigen::MatrixXd& thetas, EvaluationContext context,
                    ExecutorT&& executor = {}) {
  static_assert(check_task<TaskT>());
  static_assert(check_loss<LossT, typename TaskT::observation>());
  static_assert(check_executor<std::remove_cvref_t<ExecutorT>>());
  require(static_cast<std::size_t>(thetas.rows()) == task.num_parameters(), "thetas.rows()", thetas.rows(),
          "must equal task.num_parameters() (" + std::to_string(task.num_parameters()) + ")");
  const auto p = thetas.cols();
  const std::size_t datasets = task.num_datasets();
  Evaluation e;
  e.per_dataset.resize(p, static_cast<Eigen::Index>(datasets));
  std::vector<Eigen::VectorXd> columns(static_cast<std::size_t>(p));
  for (Eigen::Index c = 0; c < p; ++c) columns[static_cast<std::size_t>(c)] = thetas.col(c);

  std::size_t block = static_cast<std::size_t>(p);  // candidates per work item
  if constexpr (requires { { task.candidate_block() } -> std::convertible_to<std::size_t>; })
    block = std::max<std::size_t>(1, std::min<std::size_t>(task.candidate_block(), block));
  const std::size_t blocks = p == 0 ? 0 : (static_cast<std::size_t>(p) + block - 1) / block;
  std::vector<char> diverged(static_cast<std::size_t>(p) * datasets, 0);
  executor.for_each(datasets * blocks, [&](std::size_t item) {
    const std::size_t d = item / blocks, first = (item % blocks) * block;
    const auto count = static_cast<Eigen::Index>(std::min(block, static_cast<std::size_t>(p) - first));
    const EvaluationContext ctx{context.seed, context.generation, d};
    const auto observed = blocks == 1 ? task.simulate(thetas, ctx)
                                      : task.simulate(thetas.middleCols(static_cast<Eigen::Index>(first), count), ctx);
    for (Eigen::Index k = 0; k < count; ++k) {
      const auto c = static_cast<Eigen::Index>(first) + k;
      const auto& o = observed[static_cast<std::size_t>(k)];
      e.per_dataset(c, static_cast<Eigen::Index>(d)) = loss(o, columns[static_cast<std::size_t>(c)]);
      diverged[d * static_cast<std::size_t>(p) + static_cast<std::size_t>(c)] = o.diverged() ? 1 : 0;
    }
  });
  for (const char flag : diverged) e.diverged += static_cast<std::size_t>(flag);
  e.losses = e.per_dataset.rowwise().mean();  // fixed summation order: independent of the executor
  return e;
}

}  // namespace metahebb
