#pragma once
/// What a meta-learning run tells its callbacks and returns to its caller.

#include <Eigen/Core>
#include <cstddef>
#include <string>
#include <vector>

#include "status.hpp"

namespace metahebb {

/// Passed to `on_begin` once, before the first generation.
struct RunInfo {
  std::size_t num_parameters = 0;
  std::size_t population_size = 0;
  std::size_t num_datasets = 0;
  std::size_t max_generations = 0;  ///< 0: no limit set by the meta-learner
  std::size_t threads = 1;           ///< workers over all processes (the executor's concurrency())
  std::uint64_t seed = 0;
  const std::vector<std::string>* parameter_names = nullptr;
  std::size_t processes = 1;         ///< processes sharing the work (MPI ranks; 1 without MPI)
  /// Whether this process writes files and prints (rank 0 under MPI, always true otherwise).
  /// Every process runs the same callbacks on the same numbers; the ones that write
  /// (CsvRecorder, JsonSummary, ThetaHistory, Checkpoint, ProgressLine, ProgressBar) do
  /// nothing where this is false.
  bool writer = true;
};

/// Passed to `on_generation` after every generation. References are valid during the call only.
struct GenerationReport {
  std::size_t generation = 0;       ///< completed generations, 1 after the first
  std::size_t max_generations = 0;  ///< 0: no limit set by the meta-learner
  std::size_t evaluations = 0;      ///< candidate evaluations so far (one per candidate per generation)
  std::size_t simulations = 0;      ///< candidate × dataset simulations so far
  const Eigen::MatrixXd& thetas;    ///< this generation's population, one θ per column
  const Eigen::VectorXd& losses;    ///< per candidate, mean over datasets
  std::size_t best_candidate = 0;   ///< column of the best loss this generation
  double best_loss = 0;             ///< best loss this generation
  double mean_loss = 0;             ///< mean over candidates with a finite loss
  std::size_t diverged = 0;         ///< candidate × dataset simulations that diverged this generation
  std::size_t non_finite = 0;       ///< candidates whose loss was NaN/inf this generation
  double step_size = 0;             ///< the optimiser's σ (CMA-ES) or learning rate (Adam)
  const Eigen::VectorXd& mean_theta;  ///< the optimiser's centre after this generation
  double best_loss_so_far = 0;
  const Eigen::VectorXd& best_theta_so_far;
  double elapsed_seconds = 0;
  const std::vector<std::string>& parameter_names;
  bool writer = true;  ///< as RunInfo::writer: whether this process writes files and prints
};

/// Returned by MetaLearner::run.
struct RunResult {
  Eigen::VectorXd best_theta;   ///< candidate with the lowest loss seen (losses are noisy: see docs)
  double best_loss = 0;
  Eigen::VectorXd final_theta;  ///< the optimiser's centre when the run stopped
  Status status;
  std::size_t generations = 0;
  std::size_t evaluations = 0;
  std::size_t simulations = 0;
  std::size_t diverged_simulations = 0;
  std::size_t non_finite_losses = 0;
  double seconds = 0;
};

}  // namespace metahebb
