#pragma once
/// MetaLearner: task × loss × optimiser × executor, composed at compile time.
///
/// One generation: the optimiser proposes θ for every candidate (ask); the executor
/// runs the task on every dataset, each simulation covering the whole population on
/// that dataset; the loss scores every (candidate, dataset); losses are averaged
/// over datasets in a fixed order and returned to the optimiser (tell); callbacks
/// see a GenerationReport and may stop the run.
///
/// Under MPI (execution/mpi.hpp) every process runs this same loop: ask is a pure function
/// of the optimiser's state, the executor gathers every work item's losses onto every
/// process, so every process tells its optimiser the same losses and stays in the same state.

#include <Eigen/Core>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "core/concepts/callback.hpp"
#include "core/concepts/executor.hpp"
#include "core/concepts/loss.hpp"
#include "core/concepts/optimiser.hpp"
#include "core/concepts/task.hpp"
#include "core/errors.hpp"
#include "core/run_report.hpp"
#include "evaluate.hpp"
#include "execution/serial.hpp"

namespace metahebb {

struct MetaLearnerOptions {
  std::uint64_t seed = 0;           ///< seeds every dataset and initial weight (the optimiser has its own)
  std::size_t max_generations = 0;  ///< 0: run until the optimiser or a callback stops
};

template <class TaskT, class LossT, class OptimiserT, class ExecutorT = SerialExecutor>
class MetaLearner {
  static_assert(check_task<TaskT>());
  static_assert(check_loss<LossT, typename TaskT::observation>());
  static_assert(check_optimiser<OptimiserT>());
  static_assert(check_executor<ExecutorT>());

 public:
  using observation = typename TaskT::observation;

  MetaLearner(TaskT task, LossT loss, OptimiserT optimiser, ExecutorT executor = {}, MetaLearnerOptions options = {})
      : task_(std::move(task)), loss_(std::move(loss)), optimiser_(std::move(optimiser)),
        executor_(std::move(executor)), options_(options) {
    require(optimiser_.dimension() == task_.num_parameters(), "optimiser.dimension()", optimiser_.dimension(),
            "must equal task.num_parameters() (" + std::to_string(task_.num_parameters()) + ")");
    require(options_.max_generations <= 100000000, "max_generations", options_.max_generations, "must be <= 1e8");
  }

  const TaskT& task() const noexcept { return task_; }
  const LossT& loss() const noexcept { return loss_; }
  OptimiserT& optimiser() noexcept { return optimiser_; }
  const OptimiserT& optimiser() const noexcept { return optimiser_; }
  const MetaLearnerOptions& options() const noexcept { return options_; }

  /// The counters of the run in progress as of the last completed generation (what a
  /// checkpoint stores beside the optimiser's state; callbacks/checkpoint.hpp).
  const RunResult& progress() const noexcept { return progress_; }

  /// Makes the next run() continue `progress` (from a checkpoint) instead of starting its
  /// counters at zero; the optimiser's own state is restored separately.
  void restore_progress(RunResult progress) {
    require(progress.best_theta.size() == static_cast<Eigen::Index>(task_.num_parameters()), "progress.best_theta.size()",
            progress.best_theta.size(), "must equal task.num_parameters() (" + std::to_string(task_.num_parameters()) + ")");
    progress.status = {};
    resumed_ = std::move(progress);
    progress_ = resumed_;
  }

  /// Scores a population without telling the optimiser: losses(c) is the mean over datasets.
  /// `diverged` (if given) receives the number of diverged simulations.
  Eigen::VectorXd evaluate(const Eigen::MatrixXd& thetas, std::size_t generation, std::size_t* diverged = nullptr) {
    Evaluation e = metahebb::evaluate(task_, loss_, thetas, {options_.seed, generation, 0}, executor_);
    if (diverged) *diverged = e.diverged;
    return std::move(e.losses);
  }

  /// Scores a population on the datasets named by `context` (context.dataset is ignored), with
  /// the run's loss and executor, without telling the optimiser: e.g. on a validation set
  /// whose seed no generation uses (callbacks/prune.hpp).
  Evaluation evaluate(const Eigen::MatrixXd& thetas, EvaluationContext context) {
    return metahebb::evaluate(task_, loss_, thetas, context, executor_);
  }

  /// Runs until the optimiser, max_generations or a callback stops it.
  template <class... Callbacks>
  RunResult run(Callbacks&&... callbacks) {
    static_assert((check_callback<std::remove_cvref_t<Callbacks>>() && ...));
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    const std::vector<std::string> names = task_.parameter_names();

    RunInfo info;
    info.num_parameters = task_.num_parameters();
    info.population_size = optimiser_.population_size();
    info.num_datasets = task_.num_datasets();
    info.max_generations = options_.max_generations;
    info.threads = executor_.concurrency();
    info.seed = options_.seed;
    info.parameter_names = &names;
    info.processes = detail::executor_processes(executor_);
    info.writer = detail::executor_writer(executor_);
    (detail::call_on_begin(callbacks, info), ...);

    RunResult result;
    result.best_loss = std::numeric_limits<double>::infinity();
    result.best_theta = optimiser_.mean();
    if (resumed_.best_theta.size() != 0) result = std::exchange(resumed_, RunResult{});  // continue a checkpointed run
    const double seconds_before = result.seconds;
    progress_ = result;
    std::size_t generation = optimiser_.generation();

    while (true) {
      if (Status s = optimiser_.status(); !s.running()) {
        result.status = std::move(s);
        break;
      }
      if (options_.max_generations != 0 && result.generations >= options_.max_generations) {
        result.status = {StopCode::max_generations,
                         "reached max_generations = " + std::to_string(options_.max_generations)};
        break;
      }
      const Eigen::MatrixXd thetas = optimiser_.ask();
      std::size_t diverged = 0;
      const Eigen::VectorXd losses = evaluate(thetas, generation, &diverged);
      optimiser_.tell(losses);
      ++generation;
      ++result.generations;
      result.evaluations += static_cast<std::size_t>(thetas.cols());
      result.simulations += static_cast<std::size_t>(thetas.cols()) * task_.num_datasets();
      result.diverged_simulations += diverged;

      std::size_t best = 0, non_finite = 0, finite = 0;
      double best_loss = std::numeric_limits<double>::infinity(), sum = 0.0;
      for (Eigen::Index c = 0; c < losses.size(); ++c) {
        if (!std::isfinite(losses[c])) {
          ++non_finite;
          continue;
        }
        ++finite;
        sum += losses[c];
        if (losses[c] < best_loss) best_loss = losses[c], best = static_cast<std::size_t>(c);
      }
      result.non_finite_losses += non_finite;
      if (best_loss < result.best_loss) {
        result.best_loss = best_loss;
        result.best_theta = thetas.col(static_cast<Eigen::Index>(best));
      }
      const Eigen::VectorXd mean_theta = optimiser_.mean();
      [[maybe_unused]] const GenerationReport report{
          .generation = result.generations,
          .max_generations = options_.max_generations,
          .evaluations = result.evaluations,
          .simulations = result.simulations,
          .thetas = thetas,
          .losses = losses,
          .best_candidate = best,
          .best_loss = best_loss,
          .mean_loss = finite ? sum / static_cast<double>(finite) : std::numeric_limits<double>::quiet_NaN(),
          .diverged = diverged,
          .non_finite = non_finite,
          .step_size = optimiser_.step_size(),
          .mean_theta = mean_theta,
          .best_loss_so_far = result.best_loss,
          .best_theta_so_far = result.best_theta,
          .elapsed_seconds = seconds_before + std::chrono::duration<double>(clock::now() - start).count(),
          .parameter_names = names,
          .writer = info.writer};
      progress_ = result;
      progress_.seconds = report.elapsed_seconds;
      bool stop = false;  // every callback sees every generation, even after one asked to stop
      ((stop = detail::call_on_generation(callbacks, report) || stop), ...);
      // Every process stops after the same generation, even if only one process's
      // callbacks (a wall-clock budget, a file that appeared) asked to.
      if (detail::executor_any(executor_, stop)) {
        result.status = {StopCode::callback,
                         "a callback asked to stop after generation " + std::to_string(result.generations)};
        break;
      }
    }
    result.final_theta = optimiser_.mean();
    result.seconds = seconds_before + std::chrono::duration<double>(clock::now() - start).count();
    progress_ = result;
    (detail::call_on_end(callbacks, result), ...);
    return result;
  }

 private:
  TaskT task_;
  LossT loss_;
  OptimiserT optimiser_;
  ExecutorT executor_;
  MetaLearnerOptions options_;
  RunResult progress_;  // counters as of the last completed generation
  RunResult resumed_;   // set by restore_progress(), consumed by the next run() (empty best_theta: none)
};

}  // namespace metahebb
