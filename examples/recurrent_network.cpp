// A recurrent E/I spiking network with four plastic synapse types (issue 12; the substrate of
// filter SBI 2023 and "memory by accident" 2025).
//
// Evaluation (default): simulates one rule quartet — static, Vogels iSTDP on I→E, or 24 numbers
// (EE, EI, IE, II; each α, β, γ, κ, τ_pre, τ_post) — and prints the network metrics.
// Search (--search): CMA-ES on the stability loss from a random start inside the filter-SBI
// prior box (τ in [0.01, 0.1] s, the others in [−2, 2]); the final quartet is then scored on
// input and network realisations the search never saw. The last stdout line is JSON.
// --family mlp: filter SBI's MLP rules on E→E and I→E (CodependentAif neurons, 50 Hz bound):
// --rule static or 22 numbers (EE then IE; each η, pre head 0–3, pre bias, post head 0–3, post
// bias); the search box is the fSBI prior (η in [0, 1], heads in [−1, 1]).
// Under mpirun (built with MPI) a search's candidates are spread over the ranks, with the same
// results; only rank 0 prints and writes (docs/running-on-a-cluster.md).

#include <metahebb/callbacks/csv_recorder.hpp>
#include <metahebb/callbacks/progress_line.hpp>
#include <metahebb/evaluate.hpp>
#include <metahebb/execution/processes.hpp>
#include <metahebb/io/command_line.hpp>
#include <metahebb/losses/stability.hpp>
#include <metahebb/meta_learner.hpp>
#include <metahebb/optim/cmaes.hpp>
#include <metahebb/tasks/recurrent_network.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <type_traits>

using namespace metahebb;

namespace {

template <class Task>
Eigen::VectorXd parse_quartet(const Task& task, const std::string& text) {
  constexpr bool polynomial = std::is_same_v<typename Task::family_type, PolynomialFamily>;
  const auto n = static_cast<Eigen::Index>(task.num_parameters());
  const std::string expected = polynomial ? "needs static, vogels or 24 comma-separated numbers"
                                          : "needs static or 22 comma-separated numbers (--family mlp)";
  if (text == "static" || (!polynomial && text == "default")) return task.static_rules();
  if constexpr (polynomial)
    if (text == "vogels" || text == "default") return task.vogels(10.0);
  Eigen::VectorXd theta(n);
  std::istringstream in(text);
  std::string item;
  Eigen::Index i = 0;
  while (std::getline(in, item, ',')) {
    require(i < n, "--rule", text, expected);
    std::size_t used = 0;
    try {
      theta[i] = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    require(used == item.size() && used > 0, "--rule", text, "each entry must be a number");
    ++i;
  }
  require(i == n, "--rule", text, expected);
  return theta;
}

std::string json_metrics(const RecurrentObservation& o) {
  std::ostringstream out;
  out.precision(6);
  const auto names = o.metrics.names();
  const auto values = o.metrics.values();
  for (std::size_t k = 0; k < names.size(); ++k) {
    if (names[k] == "rate_e_hz" || names[k] == "rate_i_hz") continue;  // printed from the observation
    out << ", \"" << names[k] << "\": ";
    if (std::isfinite(values[k])) out << values[k];
    else out << "null";
  }
  return out.str();
}

}  // namespace

template <class Task>
int run(const CommandLine& cli, const Processes& processes);

int main(int argc, char** argv) try {
  const Processes processes(argc, argv);  // MPI ranks when built with MPI (execution/processes.hpp)
  const CommandLine cli(argc, argv,
                        "Simulate (or search) rule quartets in a recurrent E/I spiking network with four plastic "
                        "synapse types.",
                        {{"exc", "1024", "excitatory neurons N_E"},
                         {"inh", "256", "inhibitory neurons N_I"},
                         {"p", "0.4", "recurrent connection probability (0.4 at 1024/256 keeps the in-degrees of 4096/1024 at 0.1)"},
                         {"inputs", "5000", "Poisson inputs"},
                         {"input-rate", "10", "input rate (Hz)"},
                         {"seconds", "60", "training time (s), plasticity on"},
                         {"scoring", "10", "scoring time (s) after training"},
                         {"family", "polynomial", "rule family: polynomial (24 theta, all four types) or mlp (22 theta, EE and IE)"},
                         {"rule", "default", "polynomial: static, vogels (the default) or 24 comma-separated numbers (EE, EI, IE, "
                                             "II); mlp: static (the default) or 22 numbers (EE, IE)"},
                         {"seed", "1", "random seed (network, input, CMA-ES)"},
                         {"threads", "0", "worker threads per process (0: all cores, shared by the processes)"},
                         {"search", "", "search a stabilising quartet with CMA-ES instead", true},
                         {"generations", "40", "CMA-ES generations (--search)"},
                         {"population", "12", "CMA-ES population (--search)"},
                         {"datasets", "1", "network realisations per candidate (--search)"},
                         {"csv", "", "write one row per generation here (--search)"}});
  if (cli.help(processes.writer())) return 0;
  const std::string family = cli.get<std::string>("family");
  if (family == "polynomial") return run<RecurrentNetworkTask>(cli, processes);
  require(family == "mlp", "--family", family, "must be polynomial or mlp");
  return run<MlpRecurrentNetworkTask>(cli, processes);
} catch (const std::exception& e) {
  std::cerr << e.what() << '\n';
  return 2;
}

template <class Task>
int run(const CommandLine& cli, const Processes& processes) {
  constexpr bool polynomial = std::is_same_v<typename Task::family_type, PolynomialFamily>;
  typename Task::config_type config;
  config.exc = cli.get<std::size_t>("exc");
  config.inh = cli.get<std::size_t>("inh");
  config.p = cli.get<double>("p");
  config.inputs = cli.get<std::size_t>("inputs");
  config.input_rate_hz = cli.get<double>("input-rate");
  config.training_time = cli.get<double>("seconds");
  config.scoring_time = cli.get<double>("scoring");
  config.datasets = cli.get<std::size_t>("datasets");
  const auto seed = cli.get<std::uint64_t>("seed");
  const auto executor = processes.executor(cli.get<std::size_t>("threads"));
  const Task task(config);
  const auto n = static_cast<Eigen::Index>(task.num_parameters());

  Eigen::VectorXd theta;
  std::string mode = "evaluate";
  RunResult result;
  if (cli.get<bool>("search")) {
    mode = "search";
    // The filter-SBI prior box: τ in [0.01, 0.1] s, every other coefficient in [−2, 2]
    // (polynomial); η in [0, 1], the heads in [−1, 1] (mlp).
    Eigen::VectorXd lower(n), upper(n), scale(n), theta0(n);
    RandomStream start(seed, Purpose::user);
    for (Eigen::Index k = 0; k < n; ++k) {
      if constexpr (polynomial) {
        const bool tau = k % 6 >= 4;
        lower[k] = tau ? 0.01 : -2.0;
        upper[k] = tau ? 0.1 : 2.0;
        scale[k] = tau ? 0.02 : 0.5;
        theta0[k] = tau ? start.uniform(0.01, 0.1) : start.uniform(-0.5, 0.5);
      } else {
        const bool eta = k % static_cast<Eigen::Index>(MlpSpikeRule::num_coefficients) == 0;
        lower[k] = eta ? 0.0 : -1.0;
        upper[k] = 1.0;
        scale[k] = eta ? 0.01 : 0.25;
        theta0[k] = eta ? start.uniform(0.0, 0.02) : start.uniform(-0.5, 0.5);
      }
    }
    CmaesOptions options;
    options.sigma0 = 0.5;  // in units of scale
    options.seed = seed;
    options.population_size = cli.get<std::size_t>("population");
    const auto generations = cli.get<std::size_t>("generations");
    MetaLearner learner(task, StabilityLoss(), BasicCmaes(theta0, options, ScaledBoxTransformation(scale, lower, upper)),
                        executor, {.seed = seed, .max_generations = generations});
    callbacks::ProgressLine progress(1);
    const std::string csv = cli.get<std::string>("csv");
    result = csv.empty() ? learner.run(progress) : learner.run(progress, callbacks::CsvRecorder(csv));
    theta = result.best_theta;
  } else {
    theta = parse_quartet(task, cli.get<std::string>("rule"));
  }

  // Score θ on a network and input the search never saw (seed ^ 0x5eed).
  const auto begin = std::chrono::steady_clock::now();
  const RecurrentObservation o = task.simulate(theta, {seed ^ 0x5eedULL, 0, 0})[0];
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  const double simulated = static_cast<double>(o.simulated_steps) * config.neuron.dt;
  if (!processes.writer()) return 0;  // every rank scored θ; rank 0 reports it
  std::fprintf(stderr, "E %.2f Hz, I %.2f Hz, CV_ISI %.3f, spatial Fano %.3f, w_blow %.3f, w_creep %.3f%s\n",
               o.rate_e_hz, o.rate_i_hz, o.metrics.cv_isi, o.metrics.spatial_fano, o.metrics.w_blow,
               o.metrics.w_creep, o.exploded ? " (exploded)" : "");
  std::ostringstream theta_json;
  theta_json.precision(6);
  for (Eigen::Index k = 0; k < theta.size(); ++k) theta_json << (k ? ", " : "") << theta[k];
  std::printf("{\"mode\": \"%s\", \"family\": \"%s\", \"exc\": %zu, \"inh\": %zu, \"rate_e_hz\": %.4g, \"rate_i_hz\": %.4g, "
              "\"fano\": %s, \"loss\": %.6g, \"exploded\": %s, \"simulated_s\": %.3f, \"wall_s\": %.3f, "
              "\"generations\": %zu%s, \"theta\": [%s]}\n",
              mode.c_str(), polynomial ? "polynomial" : "mlp", config.exc, config.inh, o.rate_e_hz, o.rate_i_hz,
              std::isfinite(o.metrics.spatial_fano) ? std::to_string(o.metrics.spatial_fano).c_str() : "null",
              StabilityLoss()(o, theta), o.exploded ? "true" : "false", simulated, wall, result.generations,
              json_metrics(o).c_str(), theta_json.str().c_str());
  return 0;
}
