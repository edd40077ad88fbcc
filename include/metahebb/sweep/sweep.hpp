#pragma once
/// The sweep engine: simulates rules and appends (rule id, round, seed, θ, metrics) to a
/// RuleStore (issue 13).
///
///   simulate_rules(task, store, first_id, theta_rows, round, settings, executor, progress)
///
/// simulates the rules first_id, …, first_id + n − 1 (θ of rule first_id + i in row i) that
/// the store does not hold yet, so calling it again after a kill resumes where the store
/// stopped. Rule i runs on the input realisation of seed rule_seed(settings.seed, i,
/// settings.rules_per_seed) (sweep/prior.hpp) and its metrics depend on (θ_i, that seed) only,
/// so the stored numbers are the same for any thread count, chunk size or split of the id range.
///
/// Work: the missing rules are cut into groups of consecutive ids that share a seed, at most
/// TaskMetrics::rules_per_call each (16 SIMD lanes for the §3.3 task, 1 network for the
/// recurrent one); every group is one work item of the executor, so a one-dataset sweep uses
/// every core. Groups run in batches of `chunk_groups` (0: 2 × the executor's concurrency);
/// each batch, once complete, is committed to the store as one chunk, then progress is called.
/// With an MpiExecutor (execution/mpi.hpp) the groups of a batch are sharded over the ranks,
/// every rank receives every group's metrics, and only rank 0 writes the chunk: one store.

#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "../core/concepts/executor.hpp"
#include "../core/concepts/sweep_task.hpp"
#include "../core/errors.hpp"
#include "prior.hpp"
#include "progress.hpp"
#include "store.hpp"

namespace metahebb::sweep {

struct SweepSettings {
  std::uint64_t seed = 0;            ///< the sweep's seed: with a rule id, it names the rule's input
  std::uint64_t rules_per_seed = 1;  ///< consecutive ids sharing one input realisation
  std::size_t chunk_groups = 0;      ///< work items per committed chunk (0: 2 × concurrency)

  void validate() const {
    require(rules_per_seed >= 1, "rules_per_seed", rules_per_seed, "must be >= 1");
    require(chunk_groups <= 1000000, "chunk_groups", chunk_groups, "must be <= 1000000");
  }
};

/// The store's columns for a task: its parameter names and its metric names.
template <class TaskT>
StoreLayout store_layout(const TaskT& task, std::string identity = {}) {
  static_assert(check_sweep_task<TaskT>());
  return {task.parameter_names(), TaskMetrics<TaskT>::names(task), std::move(identity)};
}

namespace detail {
/// Runs f(i) → std::vector<double> for i in [0, n) on any executor (map or for_each).
template <class ExecutorT, class F>
std::vector<std::vector<double>> run_items(ExecutorT& executor, std::size_t n, F&& f) {
  if constexpr (requires { executor.map(n, f); }) {
    return executor.map(n, f);
  } else {
    std::vector<std::vector<double>> out(n);
    executor.for_each(n, [&](std::size_t i) { out[i] = f(i); });
    return out;
  }
}
}  // namespace detail

/// Simulates the rules of [first_id, first_id + theta_rows.rows()) missing from `store` and
/// appends them with `round`; returns how many were simulated now.
template <class TaskT, class ExecutorT, class ProgressT = NoProgress>
std::size_t simulate_rules(const TaskT& task, RuleStore& store, std::uint64_t first_id,
                           const Eigen::MatrixXd& theta_rows, std::uint64_t round, const SweepSettings& settings,
                           ExecutorT&& executor, ProgressT&& progress = {}) {
  static_assert(check_sweep_task<TaskT>());
  settings.validate();
  using Metrics = TaskMetrics<TaskT>;
  const std::size_t dim = task.num_parameters();
  const std::size_t width = Metrics::names(task).size();
  require(static_cast<std::size_t>(theta_rows.cols()) == dim, "theta_rows.cols()", theta_rows.cols(),
          "must equal the task's number of parameters (" + std::to_string(dim) + ")");
  require(store.layout().theta_names == task.parameter_names() && store.layout().metric_names == Metrics::names(task),
          "store " + store.directory(), "(other columns)", "must have this task's parameter and metric names");

  struct Group {
    std::uint64_t first_id;
    std::size_t row, count;  // rows row … row + count − 1 of theta_rows
  };
  const std::size_t per_call = std::max<std::size_t>(1, Metrics::rules_per_call(task));
  std::vector<Group> groups;
  const auto n = static_cast<std::size_t>(theta_rows.rows());
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t id = first_id + i;
    if (store.contains(id)) continue;
    Group* last = groups.empty() ? nullptr : &groups.back();
    if (last && last->first_id + last->count == id && last->count < per_call &&
        last->first_id / settings.rules_per_seed == id / settings.rules_per_seed) {
      ++last->count;
    } else {
      groups.push_back({id, i, 1});
    }
  }
  std::size_t missing = 0;
  for (const auto& g : groups) missing += g.count;

  const std::size_t concurrency = std::max<std::size_t>(1, executor.concurrency());
  const std::size_t batch = settings.chunk_groups ? settings.chunk_groups : 2 * concurrency;
  const auto start = std::chrono::steady_clock::now();
  std::size_t done = 0;
  for (std::size_t g0 = 0; g0 < groups.size(); g0 += batch) {
    const std::size_t items = std::min(batch, groups.size() - g0);
    const auto results = detail::run_items(executor, items, [&](std::size_t item) {
      const Group& g = groups[g0 + item];
      Eigen::MatrixXd thetas = theta_rows.middleRows(static_cast<Eigen::Index>(g.row), static_cast<Eigen::Index>(g.count)).transpose();
      std::vector<double> out(g.count * width);
      Metrics::simulate(task, thetas, rule_seed(settings.seed, g.first_id, settings.rules_per_seed), out.data());
      return out;
    });
    std::size_t rows = 0;
    for (std::size_t item = 0; item < items; ++item) rows += groups[g0 + item].count;
    Records block;
    block.resize(rows, dim, width);
    std::size_t r = 0;
    for (std::size_t item = 0; item < items; ++item) {
      const Group& g = groups[g0 + item];
      for (std::size_t k = 0; k < g.count; ++k, ++r) {
        const auto row = static_cast<Eigen::Index>(r);
        block.rule_id[r] = g.first_id + k;
        block.round[r] = round;
        block.seed[r] = rule_seed(settings.seed, g.first_id + k, settings.rules_per_seed);
        block.theta.row(row) = theta_rows.row(static_cast<Eigen::Index>(g.row + k));
        for (std::size_t j = 0; j < width; ++j) block.metrics(row, static_cast<Eigen::Index>(j)) = results[item][k * width + j];
      }
    }
    store.append(block, metahebb::detail::executor_writer(executor));  // under MPI: rank 0 writes
    done += rows;
    progress(done, missing, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return missing;
}

}  // namespace metahebb::sweep
