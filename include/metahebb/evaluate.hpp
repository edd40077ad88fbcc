#pragma once
/// Scores a population of rules on a task, without any optimiser:
///
///   const Evaluation e = evaluate(task, TargetRate(), thetas, {.seed = 7}, ThreadExecutor());
///   e.losses[c]            // candidate c's loss, the mean over the task's datasets
///
/// The executor runs one work item per dataset; each simulates every candidate on that
/// dataset (common random numbers), scores it, and returns its losses by value
/// (core/concepts/executor.hpp), so the items may run in threads or in MPI processes. A task whose candidates are simulated
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
  const std::size_t items = datasets * blocks;
  // Each work item returns its results by value: the losses of its `count` candidates, then
  // 1 or 0 for each that diverged (so the executor may compute it in another process).
  const std::vector<std::vector<double>> results = executor.map(items, [&](std::size_t item) {
    const std::size_t d = item / blocks, first = (item % blocks) * block;
    const auto count = static_cast<Eigen::Index>(std::min(block, static_cast<std::size_t>(p) - first));
    const EvaluationContext ctx{context.seed, context.generation, d};
    const auto observed = blocks == 1 ? task.simulate(thetas, ctx)
                                      : task.simulate(thetas.middleCols(static_cast<Eigen::Index>(first), count), ctx);
    std::vector<double> out(2 * static_cast<std::size_t>(count));
    for (Eigen::Index k = 0; k < count; ++k) {
      const auto c = static_cast<std::size_t>(first) + static_cast<std::size_t>(k);
      const auto& o = observed[static_cast<std::size_t>(k)];
      out[static_cast<std::size_t>(k)] = loss(o, columns[c]);
      out[static_cast<std::size_t>(count + k)] = o.diverged() ? 1.0 : 0.0;
    }
    return out;
  });
  require(results.size() == items, "executor.map(n, f).size()", results.size(),
          "must equal the number of work items (" + std::to_string(items) + ")");
  for (std::size_t item = 0; item < items; ++item) {
    const std::size_t d = item / blocks, first = (item % blocks) * block;
    const std::size_t count = std::min(block, static_cast<std::size_t>(p) - first);
    const std::vector<double>& out = results[item];
    require(out.size() == 2 * count, "executor.map(n, f)[item].size()", out.size(),
            "must be what the item returned (" + std::to_string(2 * count) + ")");
    for (std::size_t k = 0; k < count; ++k) {
      e.per_dataset(static_cast<Eigen::Index>(first + k), static_cast<Eigen::Index>(d)) = out[k];
      e.diverged += out[count + k] != 0.0 ? 1 : 0;
    }
  }
  e.losses = e.per_dataset.rowwise().mean();  // fixed summation order: independent of the executor
  return e;
}

}  // namespace metahebb
