// A long search that survives being killed: Oja's rule rediscovery (Confavreux et al. 2020,
// §3.1) with a checkpoint every --every generations. Run it, kill it (Ctrl-C, kill -9, a
// cluster's time limit), run the same command again: it resumes from the checkpoint and
// ends bitwise where an uninterrupted run would have ended.
//
//   resumable_search --checkpoint oja.ckpt --out results/
//
// Outputs in --out: summary.json (callbacks/json_summary.hpp) and the θ history as .npy
// (callbacks/theta_history.hpp) with the prefix run_from<g>_, g being the generation the
// process started from (so a resumed part never overwrites the arrays of an earlier part).
// Under mpirun (built with MPI) every rank resumes from the same checkpoint and rank 0 alone
// writes checkpoints and outputs (docs/running-on-a-cluster.md).

#include <metahebb/callbacks/checkpoint.hpp>
#include <metahebb/callbacks/json_summary.hpp>
#include <metahebb/callbacks/progress_bar.hpp>
#include <metahebb/callbacks/theta_history.hpp>
#include <metahebb/core/angle.hpp>
#include <metahebb/execution/processes.hpp>
#include <metahebb/io/command_line.hpp>
#include <metahebb/losses/l1_penalty.hpp>
#include <metahebb/losses/principal_vector_distance.hpp>
#include <metahebb/losses/sum.hpp>
#include <metahebb/meta_learner.hpp>
#include <metahebb/optim/cmaes.hpp>
#include <metahebb/tasks/principal_vector.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>

using namespace metahebb;

int main(int argc, char** argv) try {
  const Processes processes(argc, argv);  // MPI ranks when built with MPI; rank 0 prints and writes
  const CommandLine cli(argc, argv, "Oja's rule rediscovery with checkpoints: kill it and run it again to resume.",
                        {{"inputs", "3", "number of input neurons N"},
                         {"seed", "1", "random seed"},
                         {"generations", "1500", "CMA-ES generations"},
                         {"threads", "0", "worker threads per process (0: all cores, shared by the processes)"},
                         {"checkpoint", "search.ckpt", "checkpoint file (resumed from if it exists)"},
                         {"every", "10", "generations between checkpoints"},
                         {"out", "", "existing directory for summary.json and the theta history (optional)"}});
  if (cli.help(processes.writer())) return 0;
  PrincipalVectorConfig config;
  config.input.inputs = cli.get<std::size_t>("inputs");
  const PrincipalVectorTask task(config);
  const auto seed = cli.get<std::uint64_t>("seed");
  const std::string out = cli.get<std::string>("out");
  require(out.empty() || std::filesystem::is_directory(out), "--out", out, "must be an existing directory");

  RandomStream start(seed, Purpose::user);
  Eigen::VectorXd a0(static_cast<Eigen::Index>(task.num_parameters()));
  start.fill_normal(a0);
  a0 *= 0.1;
  MetaLearner learner(task, Sum(PrincipalVectorDistance(), L1Penalty(0.03)), Cmaes(a0, {.sigma0 = 0.1, .seed = seed}),
                      processes.executor(cli.get<std::size_t>("threads")),
                      {.seed = seed, .max_generations = cli.get<std::size_t>("generations")});

  // Settings the task type does not show go into the checkpoint's identity.
  const std::string configuration = "inputs=" + std::to_string(config.input.inputs);
  const std::string path = cli.get<std::string>("checkpoint");
  std::size_t from = 0;
  if (std::filesystem::exists(path)) {
    from = callbacks::resume(learner, path, configuration).generation;
    if (processes.writer()) std::fprintf(stderr, "resumed from %s at generation %zu\n", path.c_str(), from);
  }
  callbacks::Checkpoint checkpoint(learner, path, cli.get<std::size_t>("every"), configuration);
  callbacks::ProgressBar progress(50);
  RunResult result;
  if (out.empty()) {
    result = learner.run(checkpoint, progress);
  } else {
    callbacks::ThetaHistory history(out + "/run_from" + std::to_string(from) + "_", cli.get<std::size_t>("every"));
    callbacks::JsonSummary summary(out + "/summary.json");
    result = learner.run(checkpoint, progress, history, summary);
  }
  if (processes.writer())
    std::printf("{\"generations\": %zu, \"best_loss\": %.17g, \"angle_to_oja_deg\": %.6f, \"status\": \"%s\"}\n",
              result.generations, result.best_loss, angle_deg(result.final_theta, rules::oja(task.basis())),
              std::string(to_string(result.status.code)).c_str());
  return 0;
} catch (const std::exception& e) {
  std::cerr << e.what() << '\n';
  return 2;
}
