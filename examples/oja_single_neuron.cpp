// Rediscovering Oja's rule in a single rate neuron (Confavreux et al. 2020, §3.1, Fig. 1).
//
// CMA-ES searches the 27 coefficients A_{αβδ} of Δw = η Σ A x^α y^β w^δ, starting from
// A ~ N(0, 0.1²), for a rule that turns w into the first principal vector of the input.
// --optimiser adam runs Adam on central finite differences instead (54 evaluations per
// iteration), the comparison of the paper's Supplementary Fig. S1 (scripts/optimiser_scaling.py).
// The last line on stdout is a JSON summary; progress goes to stderr.

#include <metahebb/callbacks/csv_recorder.hpp>
#include <metahebb/callbacks/early_stop.hpp>
#include <metahebb/callbacks/progress_line.hpp>
#include <metahebb/core/angle.hpp>
#include <metahebb/execution/processes.hpp>
#include <metahebb/io/command_line.hpp>
#include <metahebb/losses/l1_penalty.hpp>
#include <metahebb/losses/principal_vector_distance.hpp>
#include <metahebb/losses/sum.hpp>
#include <metahebb/evaluate.hpp>
#include <metahebb/meta_learner.hpp>
#include <metahebb/optim/adam_fd.hpp>
#include <metahebb/optim/cmaes.hpp>
#include <metahebb/tasks/principal_vector.hpp>

#include <cstdio>
#include <iostream>

using namespace metahebb;

int main(int argc, char** argv) try {
  const Processes processes(argc, argv);  // MPI ranks when built with MPI; rank 0 prints and writes
  const CommandLine cli(argc, argv, "Rediscover Oja's rule with CMA-ES (Confavreux et al. 2020, section 3.1).",
                        {{"inputs", "3", "number of input neurons N"},
                         {"seed", "1", "random seed (datasets, initial rule, CMA-ES)"},
                         {"generations", "3000", "CMA-ES generations at most (the search stops earlier once --stop-below is reached)"},
                         {"datasets", "10", "datasets per candidate rule, fresh every generation (10: halves the cost; with population 13, fewer generations than 20 at N = 10, more at N = 100, docs/oja.md)"},
                         {"steps", "200", "batch updates per dataset"},
                         {"l1", "0.03", "L1 penalty weight on the coefficients"},
                         {"l1-unidentifiable", "0", "extra L1 weight on the 12 terms no loss can see (alpha + beta odd; measured to slow the search, docs/oja.md)"},
                         {"stop-below", "10", "stop once the CMA-ES mean is this close to Oja's rule, in degrees (0: never)"},
                         {"sigma", "0.1", "initial CMA-ES step size"},
                         {"population", "26", "CMA-ES population size lambda (0: CMA-ES's default 4 + floor(3 ln 27) = 13; 26: seed 1 at N = 100 in 557 generations instead of more than 3000, docs/oja.md)"},
                         {"optimiser", "cmaes", "cmaes, or adam (Adam on central finite differences; --generations counts its iterations)"},
                         {"learning-rate", "0.02", "Adam's step per coefficient and iteration (with --optimiser adam)"},
                         {"fd-step", "0.02", "finite-difference half-width per coefficient (with --optimiser adam)"},
                         {"threads", "0", "worker threads per process (0: all cores, shared by the processes)"},
                         {"csv", "", "write one row per generation to this file"},
                         {"fixed-scale", "", "do not rescale each dataset's covariance (admits a family of non-Oja solutions)", true},
                         {"same-datasets", "", "score every generation on the same datasets instead of fresh ones (fewer generations at N = 100, a wrong rule at N = 3, docs/oja.md)", true}});
  if (cli.help(processes.writer())) return 0;

  PrincipalVectorConfig config;
  config.input.inputs = cli.get<std::size_t>("inputs");
  config.input.rescale_covariance = !cli.get<bool>("fixed-scale");
  config.datasets = cli.get<std::size_t>("datasets");
  config.steps = cli.get<std::size_t>("steps");
  config.fresh_datasets = !cli.get<bool>("same-datasets");
  const PrincipalVectorTask task(config);
  const auto seed = cli.get<std::uint64_t>("seed");
  const auto generations = cli.get<std::size_t>("generations");

  // A ~ N(0, 0.1²), the paper's random start.
  RandomStream start(seed, Purpose::user);
  Eigen::VectorXd a0(static_cast<Eigen::Index>(task.num_parameters()));
  start.fill_normal(a0);
  a0 *= 0.1;

  const std::string optimiser = cli.get<std::string>("optimiser");
  require(optimiser == "cmaes" || optimiser == "adam", "--optimiser", optimiser, "must be cmaes or adam");
  const auto executor = processes.executor(cli.get<std::size_t>("threads"));
  // λ on every coefficient, λ + λ_u on the twelve terms the task cannot identify (docs/oja.md).
  const double l1 = cli.get<double>("l1"), l1_unidentifiable = cli.get<double>("l1-unidentifiable");
  require_non_negative("--l1", l1);
  require_non_negative("--l1-unidentifiable", l1_unidentifiable);
  const Eigen::VectorXd l1_weights = (l1 + l1_unidentifiable * (!task.identifiable_terms()).cast<double>()).matrix();
  const double stop_below = cli.get<double>("stop-below");
  require(std::isfinite(stop_below) && stop_below >= 0.0 && stop_below < 180.0, "--stop-below", stop_below,
          "must be in [0, 180) degrees");
  const auto loss = Sum(PrincipalVectorDistance(), L1Penalty(l1_weights));
  const MetaLearnerOptions options{.seed = seed, .max_generations = generations};

  const Eigen::VectorXd oja = rules::oja(task.basis());
  callbacks::ProgressLine progress(std::max<std::size_t>(generations / 30, 1));
  progress.with_reference(oja, "angle to Oja (deg)");
  const std::string csv = cli.get<std::string>("csv");
  // The search stops once its mean is within --stop-below of Oja's rule (the JSON's status is then "callback").
  callbacks::StopWhen found([&](const GenerationReport& r) { return angle_deg(r.mean_theta, oja) < stop_below; });
  auto run = [&](auto&& learner) {
    return csv.empty() ? learner.run(progress, found) : learner.run(progress, found, callbacks::CsvRecorder(csv, oja));
  };
  RunResult result;
  if (optimiser == "cmaes") {
    CmaesOptions cmaes_options;
    cmaes_options.sigma0 = cli.get<double>("sigma");
    cmaes_options.population_size = cli.get<std::size_t>("population");
    cmaes_options.seed = seed;
    result = run(MetaLearner(task, loss, Cmaes(a0, cmaes_options), executor, options));
  } else {
    AdamFdOptions adam_options;  // validated by AdamFd (learning_rate, fd_step > 0)
    adam_options.learning_rate = cli.get<double>("learning-rate");
    adam_options.fd_step = cli.get<double>("fd-step");
    result = run(MetaLearner(task, loss, AdamFd(a0, adam_options), executor, options));
  }

  // Score the final rule and Oja's rule on datasets the search never saw, without the L1 term.
  Eigen::MatrixXd candidates(result.final_theta.size(), 2);
  candidates << result.final_theta, oja;
  const Eigen::VectorXd losses =
      evaluate(task, PrincipalVectorDistance(), candidates, {.seed = seed ^ 0x5eedULL}, executor).losses;
  if (!processes.writer()) return 0;

  const double angle = angle_deg(result.final_theta, oja);
  std::printf(
      "{\"inputs\": %zu, \"loss\": %.6g, \"oja_loss\": %.6g, \"angle_deg\": %.3f, \"angle_identifiable_deg\": %.3f, "
      "\"rediscovered\": %s, \"optimiser\": \"%s\", \"generations\": %zu, \"evaluations\": %zu, \"seconds\": %.2f, \"status\": \"%s\", "
      "\"A110\": %.4f, \"A021\": %.4f, \"A001\": %.4f}\n",
      config.input.inputs, losses[0], losses[1], angle, angle_deg(result.final_theta, oja, task.identifiable_terms()),
      angle < 10.0 ? "true" : "false", optimiser.c_str(), result.generations, result.evaluations, result.seconds,
      std::string(to_string(result.status.code)).c_str(), result.final_theta[task.basis().index_of({1, 1, 0})],
      result.final_theta[task.basis().index_of({0, 2, 1})], result.final_theta[task.basis().index_of({0, 0, 1})]);
  return 0;
} catch (const std::exception& e) {
  std::cerr << e.what() << '\n';
  return 2;
}
