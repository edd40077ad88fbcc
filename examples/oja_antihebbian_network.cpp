// Two co-active rules in a two-layer rate network (Confavreux et al. 2020, §3.2, Fig. 2).
//
// CMA-ES searches the 54 coefficients of two Volterra rules at once: A on the feedforward
// synapses (x_j, y_i, w_ij) and B on the hierarchical lateral synapses (y_i, y_j, ŵ_ij).
// The loss (Eq. 9) asks output i to carry the i-th principal vector. The reference pair
// is Oja's rule (A) and the anti-Hebbian rule (B). The last stdout line is a JSON summary.

#include <metahebb/callbacks/checkpoint.hpp>
#include <metahebb/callbacks/csv_recorder.hpp>
#include <metahebb/callbacks/early_stop.hpp>
#include <metahebb/callbacks/progress_line.hpp>
#include <metahebb/callbacks/prune.hpp>
#include <metahebb/core/angle.hpp>
#include <metahebb/execution/processes.hpp>
#include <metahebb/io/command_line.hpp>
#include <metahebb/losses/l1_penalty.hpp>
#include <metahebb/losses/principal_vectors_distance.hpp>
#include <metahebb/losses/sum.hpp>
#include <metahebb/evaluate.hpp>
#include <metahebb/meta_learner.hpp>
#include <metahebb/optim/cmaes.hpp>
#include <metahebb/tasks/hierarchical_pca.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>

using namespace metahebb;

int main(int argc, char** argv) try {
  const Processes processes(argc, argv);  // MPI ranks when built with MPI; rank 0 prints and writes
  const CommandLine cli(argc, argv, "Rediscover Oja's and the anti-Hebbian rule together (Confavreux et al. 2020, section 3.2).",
                        {{"inputs", "5", "number of input neurons N"},
                         {"outputs", "5", "number of output neurons M (M <= N)"},
                         {"seed", "1", "random seed (datasets, initial rules, CMA-ES)"},
                         {"generations", "8000", "CMA-ES generations at most (≈ 20 min with 2 threads at 5 → 5; the run stops earlier at --stop-below, seeds 1-6 after 241-1006)"},
                         {"datasets", "10", "datasets per candidate pair of rules"},
                         {"steps", "800", "batch updates per dataset"},
                         {"l1", "0.03", "L1 penalty weight on the coefficients"},
                         {"l1-unidentifiable", "0", "extra L1 weight on the 24 terms no loss can see (odd total order in the two rates)"},
                         {"stop-below", "15", "stop once both rules of the CMA-ES mean are this close to the reference pair, in degrees (0: never)"},
                         {"sigma", "0.1", "initial CMA-ES step size"},
                         {"population", "30", "CMA-ES population (0: 4 + 3 ln 54 = 15, whose sigma collapses on this noisy loss)"},
                         {"restart-sigma", "0.1", "restart CMA-ES (sigma0, a new mean drawn around the start) when sigma < this x sigma0 while the best loss has not halved since its first 64 generations (0: never)"},
                         {"prune-after", "200", "from this generation of a CMA-ES start, once its best loss has halved, set each coefficient to 0 if that lowers the objective on 50 validation datasets"},
                         {"prune-every", "100", "generations between pruning steps (0: never prune)"},
                         {"threads", "0", "worker threads per process (0: all cores, shared by the processes)"},
                         {"csv", "", "write one row per generation to this file"},
                         {"checkpoint", "", "save the search here every 10 generations; resume from it if it exists"}});
  if (cli.help(processes.writer())) return 0;

  HierarchicalPcaConfig config;
  config.input.inputs = cli.get<std::size_t>("inputs");
  config.outputs = cli.get<std::size_t>("outputs");
  config.datasets = cli.get<std::size_t>("datasets");
  config.steps = cli.get<std::size_t>("steps");
  const HierarchicalPcaTask task(config);
  const PlasticGroups& groups = task.groups();
  const auto seed = cli.get<std::uint64_t>("seed");
  const auto executor = processes.executor(cli.get<std::size_t>("threads"));

  RandomStream start(seed, Purpose::user);  // both rules start at N(0, 0.1²)
  Eigen::VectorXd theta0(static_cast<Eigen::Index>(task.num_parameters()));
  start.fill_normal(theta0);
  theta0 *= 0.1;

  CmaesOptions cmaes_options;
  cmaes_options.sigma0 = cli.get<double>("sigma");
  cmaes_options.seed = seed;
  cmaes_options.population_size = cli.get<std::size_t>("population");
  // Some seeds settle on the collapsed-outputs plateau (loss ≈ 4, σ shrinking): start again (docs/oja-antihebbian.md).
  cmaes_options.restart_sigma_fraction = cli.get<double>("restart-sigma");
  require(cmaes_options.restart_sigma_fraction >= 0.0 && cmaes_options.restart_sigma_fraction < 1.0, "--restart-sigma",
          cmaes_options.restart_sigma_fraction, "must be in [0, 1) (0: never)");
  // λ on every coefficient, λ + λ_u on the terms the task cannot identify (docs/oja-antihebbian.md).
  const double l1 = cli.get<double>("l1"), l1_unidentifiable = cli.get<double>("l1-unidentifiable");
  require_non_negative("--l1", l1);
  require_non_negative("--l1-unidentifiable", l1_unidentifiable);
  Eigen::VectorXd l1_weights(static_cast<Eigen::Index>(task.num_parameters()));
  for (const char* group : {"feedforward", "lateral"})
    groups.slice(l1_weights, group) = (l1 + l1_unidentifiable * (!task.identifiable_terms(group)).cast<double>()).matrix();
  const double stop_below = cli.get<double>("stop-below");
  require(std::isfinite(stop_below) && stop_below >= 0.0 && stop_below < 180.0, "--stop-below", stop_below,
          "must be in [0, 180) degrees");
  MetaLearner learner(task, Sum(PrincipalVectorsDistance(), L1Penalty(l1_weights)), Cmaes(theta0, cmaes_options), executor,
                      {.seed = seed, .max_generations = cli.get<std::size_t>("generations")});

  const Eigen::VectorXd reference = task.oja_anti_hebbian();
  const Eigen::VectorXd oja = groups.slice(reference, "feedforward");
  const Eigen::VectorXd anti_hebbian = groups.slice(reference, "lateral");
  const auto lateral_offset = static_cast<Eigen::Index>(groups.offset(groups.index("lateral")));
  const std::vector<callbacks::Metric> angles{
      callbacks::angle_to("angle_feedforward_deg", oja, 0),
      callbacks::angle_to("angle_lateral_deg", anti_hebbian, lateral_offset)};
  callbacks::ProgressLine progress(std::max<std::size_t>(cli.get<std::size_t>("generations") / 30, 1));
  for (const auto& angle : angles) progress.with(angle);
  // Long runs (50 → 5 takes hours) can be killed and resumed: rerun the same command.
  const std::string checkpoint_path = cli.get<std::string>("checkpoint");
  callbacks::PruneOptions prune_options;
  prune_options.after = cli.get<std::size_t>("prune-after");
  prune_options.every = cli.get<std::size_t>("prune-every");
  const bool pruning = prune_options.every != 0;
  if (!pruning) prune_options.every = 1;  // unused
  callbacks::Prune prune(learner, prune_options);
  const std::string identity = "inputs=" + std::to_string(config.input.inputs) + " outputs=" +
                               std::to_string(config.outputs) + " datasets=" + std::to_string(config.datasets) +
                               " steps=" + std::to_string(config.steps) + " l1=" + cli.get<std::string>("l1") +
                               " l1_unidentifiable=" + cli.get<std::string>("l1-unidentifiable") +
                               (pruning ? " prune_after=" + std::to_string(prune_options.after) +
                                              " prune_every=" + std::to_string(prune_options.every)
                                        : std::string());  // σ0, seed, restarts: the optimiser's own identity
  std::size_t resumed_at = 0;
  if (!checkpoint_path.empty() && std::filesystem::exists(checkpoint_path)) {
    resumed_at = callbacks::resume(learner, checkpoint_path, identity).generation;
    if (processes.writer()) std::fprintf(stderr, "resumed from %s at generation %zu\n", checkpoint_path.c_str(), resumed_at);
  }
  const std::string csv = cli.get<std::string>("csv");
  // The search stops once both rules of its mean are within --stop-below of the reference pair
  // (the JSON's status is then "callback").
  callbacks::StopWhen found([&](const GenerationReport& r) {
    return angle_deg(groups.slice(r.mean_theta, "feedforward"), oja) < stop_below &&
           angle_deg(groups.slice(r.mean_theta, "lateral"), anti_hebbian) < stop_below;
  });
  // Pruning comes before the checkpoint, so a checkpoint holds the pruned state (callbacks/prune.hpp).
  auto with_pruning = [&](auto&&... more) {
    if (pruning) return learner.run(progress, found, prune, more...);
    return learner.run(progress, found, more...);
  };
  auto search = [&](auto&&... more) {
    if (checkpoint_path.empty()) return with_pruning(more...);
    return with_pruning(callbacks::Checkpoint(learner, checkpoint_path, 10, identity), more...);
  };
  const RunResult result = csv.empty() ? search() : search(resumed_at == 0 ? callbacks::CsvRecorder(csv, angles)
                                                        : callbacks::CsvRecorder::resuming(csv, resumed_at, angles));

  // Score the final pair and the reference pair on unseen datasets, without the L1 term.
  Eigen::MatrixXd candidates(result.final_theta.size(), 2);
  candidates << result.final_theta, reference;
  const Eigen::VectorXd losses =
      evaluate(task, PrincipalVectorsDistance(), candidates, {.seed = seed ^ 0x5eedULL}, executor).losses;
  if (!processes.writer()) return 0;

  const double angle_feedforward = angle_deg(groups.slice(result.final_theta, "feedforward"), oja);
  const double angle_lateral = angle_deg(groups.slice(result.final_theta, "lateral"), anti_hebbian);
  const double angle_feedforward_identifiable =
      angle_deg(groups.slice(result.final_theta, "feedforward"), oja, task.identifiable_terms("feedforward"));
  const double angle_lateral_identifiable =
      angle_deg(groups.slice(result.final_theta, "lateral"), anti_hebbian, task.identifiable_terms("lateral"));
  std::printf(
      "{\"inputs\": %zu, \"outputs\": %zu, \"loss\": %.6g, \"reference_loss\": %.6g, \"angle_feedforward_deg\": %.3f, "
      "\"angle_lateral_deg\": %.3f, \"angle_feedforward_identifiable_deg\": %.3f, "
      "\"angle_lateral_identifiable_deg\": %.3f, \"rediscovered\": %s, \"generations\": %zu, \"evaluations\": %zu, "
      "\"restarts\": %zu, \"pruned\": %zu, \"seconds\": %.2f, \"status\": \"%s\"}\n",
      config.input.inputs, config.outputs, losses[0], losses[1], angle_feedforward, angle_lateral,
      angle_feedforward_identifiable, angle_lateral_identifiable,
      angle_feedforward < 15.0 && angle_lateral < 15.0 ? "true" : "false", result.generations, result.evaluations,
      learner.optimiser().restarts(), prune.pruned(), result.seconds, std::string(to_string(result.status.code)).c_str());
  return 0;
} catch (const std::exception& e) {
  std::cerr << e.what() << '\n';
  return 2;
}
