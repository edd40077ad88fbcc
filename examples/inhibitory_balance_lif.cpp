// Inhibitory plasticity in a conductance-based LIF neuron (Confavreux et al. 2020, §3.3, Fig. 3).
//
// Search mode (default): from a random start, Adam with finite-difference gradients (or
// CMA-ES, --optimiser cmaes) searches θ = (α, β, γ, κ, τ_pre, τ_post) of the spike-trace
// rule for one that holds the neuron at 5 Hz. Progress goes to stderr, one CSV row per
// iteration to --csv, and the last line on stdout is a JSON summary.
//
// Evaluation mode (--rule α,β,γ,κ,τ_pre,τ_post or --rule vogels): simulates one rule and
// reports its rate trajectory and the per-group excitatory and inhibitory currents at the
// start and at the end of training (Fig. 3C), written to --csv.
//
// Under mpirun (built with MPI) the datasets of each iteration are spread over the ranks,
// with the same results; only rank 0 prints and writes (docs/running-on-a-cluster.md).

#include <metahebb/callbacks/csv_recorder.hpp>
#include <metahebb/callbacks/progress_line.hpp>
#include <metahebb/execution/processes.hpp>
#include <metahebb/io/command_line.hpp>
#include <metahebb/io/rule_spec.hpp>
#include <metahebb/losses/target_rate.hpp>
#include <metahebb/evaluate.hpp>
#include <metahebb/meta_learner.hpp>
#include <metahebb/optim/adam_fd.hpp>
#include <metahebb/optim/cmaes.hpp>
#include <metahebb/simulation/group_monitors.hpp>
#include <metahebb/tasks/inhibitory_balance.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

using namespace metahebb;

namespace {

std::string json_vector(const Eigen::VectorXd& v) {
  std::ostringstream out;
  out.precision(6);
  out << '[';
  for (Eigen::Index i = 0; i < v.size(); ++i) out << (i ? ", " : "") << v[i];
  return out.str() + ']';
}

Eigen::VectorXd parse_rule(const std::string& text, double rho0) {
  return parse_spike_trace_rule(text, rho0, 0.02, "--rule");  // io/rule_spec.hpp: validated, fuzzed
}

int evaluate_rule(const InhibitoryBalanceTask& task, const Eigen::VectorXd& theta, std::uint64_t seed,
                  const std::string& csv, bool writer) {
  const auto& c = task.config();
  const auto d = task.dataset({seed, 0, 0});
  const std::size_t two_seconds = 2 * c.steps_per_second();  // currents averaged over the first and last 2 s of training
  GroupCurrents before(c.input, c.neuron, d.spikes, d.w_exc, 0, two_seconds);
  GroupCurrents after(c.input, c.neuron, d.spikes, d.w_exc, c.training_steps() - two_seconds, c.training_steps());
  auto both = [&](std::size_t n, float v, float ge, float gi, const float* w) {
    before(n, v, ge, gi, w);
    after(n, v, ge, gi, w);
  };
  const auto o = task.simulate_observed(theta, d, both);
  const double loss = TargetRate()(o, theta);
  if (!writer) return 0;  // under MPI every rank simulated the rule; rank 0 reports it
  if (!csv.empty()) {
    std::ofstream out(csv);
    require(static_cast<bool>(out), "--csv", csv, "must be a writable file");
    out << "second,rate_hz\n";
    for (std::size_t s = 0; s < o.rate_per_second.size(); ++s) out << s + 1 << ',' << o.rate_per_second[s] << '\n';
    out << "\ngroup,exc_before_nA,inh_before_nA,exc_after_nA,inh_after_nA\n";
    for (std::size_t g = 0; g < c.input.groups; ++g)
      out << g + 1 << ',' << before.excitatory_nA()[g] << ',' << before.inhibitory_nA()[g] << ','
          << after.excitatory_nA()[g] << ',' << after.inhibitory_nA()[g] << '\n';
  }
  std::fprintf(stderr, "rate per 5 s:");
  for (std::size_t s = 4; s < o.rate_per_second.size(); s += 5) std::fprintf(stderr, " %.1f", o.rate_per_second[s]);
  std::fprintf(stderr, "\ngroup  E before  I before  E after  I after (nA)\n");
  for (std::size_t g = 0; g < c.input.groups; ++g)
    std::fprintf(stderr, "%5zu  %8.4f  %8.4f  %7.4f  %7.4f\n", g + 1, before.excitatory_nA()[g],
                 before.inhibitory_nA()[g], after.excitatory_nA()[g], after.inhibitory_nA()[g]);
  // ν_pre of Eqs. 17/18: the measured mean inhibitory afferent rate, not the 5 Hz baseline.
  std::printf("{\"mode\": \"evaluate\", \"loss\": %.6g, \"rate_hz\": %.4g, \"presynaptic_rate_hz\": %.4g, "
              "\"exploded\": %s, \"theta\": %s}\n",
              loss, o.rate_hz, task.presynaptic_rate_hz(d), o.exploded ? "true" : "false", json_vector(theta).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) try {
  const Processes processes(argc, argv);  // MPI ranks when built with MPI (execution/processes.hpp)
  const CommandLine cli(argc, argv,
                        "Search (or evaluate) an inhibitory spike-trace rule that holds a LIF neuron at 5 Hz "
                        "(Confavreux et al. 2020, section 3.3).",
                        {{"seed", "1", "random seed (inputs, start, optimiser)"},
                         {"iterations", "60", "optimiser iterations (generations)"},
                         {"datasets", "4", "input realisations per candidate"},
                         {"optimiser", "adam", "adam or cmaes"},
                         {"learning-rate", "0.2", "Adam step, in units of each parameter's scale"},
                         {"threads", "0", "worker threads per process (0: all cores, shared by the processes)"},
                         {"csv", "", "write one row per iteration (or, with --rule, the trajectories) here"},
                         {"rule", "", "evaluate this rule instead of searching: a,b,g,k,tau_pre,tau_post or vogels"},
                         {"rho0", "7", "target of --rule vogels (Hz); 7 Hz settles at ~5 Hz with this input"},
                         {"w-inh-spread", "0", "initial inhibitory weights 0.1 + U(-spread, spread); 0: all 0.1"},
                         {"no-sign-constraints", "", "let alpha and beta take either sign", true}});
  if (cli.help(processes.writer())) return 0;
  const auto seed = cli.get<std::uint64_t>("seed");
  InhibitoryBalanceConfig config;
  config.datasets = cli.get<std::size_t>("datasets");
  config.w_inh_initial_spread = cli.get<double>("w-inh-spread");  // validated by the task
  const InhibitoryBalanceTask task(config);
  const std::string rule = cli.get<std::string>("rule");
  if (!rule.empty())
    return evaluate_rule(task, parse_rule(rule, cli.get<double>("rho0")), seed, cli.get<std::string>("csv"),
                         processes.writer());

  const std::string optimiser = cli.get<std::string>("optimiser");
  require(optimiser == "adam" || optimiser == "cmaes", "--optimiser", optimiser, "must be adam or cmaes");
  const auto iterations = cli.get<std::size_t>("iterations");

  // Random start: α ~ −U(0, 0.5), β ~ U(0, 0.5), γ, κ ~ U(−0.5, 0.5), τ ~ U(5, 50) ms.
  RandomStream start(seed, Purpose::user);
  Eigen::VectorXd theta0(6);
  theta0 << -start.uniform(0.0, 0.5), start.uniform(0.0, 0.5), start.uniform(-0.5, 0.5), start.uniform(-0.5, 0.5),
      start.uniform(0.005, 0.05), start.uniform(0.005, 0.05);
  Eigen::VectorXd scale(6);
  scale << 0.2, 0.2, 0.2, 0.2, 0.01, 0.01;  // coefficients vs time constants (s)

  callbacks::ProgressLine progress(std::max<std::size_t>(iterations / 20, 1));
  const std::string csv = cli.get<std::string>("csv");
  const auto executor = processes.executor(cli.get<std::size_t>("threads"));
  auto run = [&](auto& learner) {
    return csv.empty() ? learner.run(progress) : learner.run(progress, callbacks::CsvRecorder(csv));
  };
  RunResult result;
  if (optimiser == "adam") {
    auto [lower, upper] = InhibitoryBalanceTask::parameter_bounds(!cli.get<bool>("no-sign-constraints"));
    AdamFdOptions options;
    options.scale = scale;
    options.lower = lower;
    options.upper = upper;
    options.learning_rate = cli.get<double>("learning-rate");
    options.fd_step = 0.1;
    MetaLearner learner(task, TargetRate(), AdamFd(theta0, options), executor, {.seed = seed, .max_generations = iterations});
    result = run(learner);
  } else {
    // CMA-ES in coordinates divided by `scale`, so one σ suits every parameter, with every
    // candidate reflected into the task's bounds (optim/transformation.hpp); the results
    // are in θ units.
    CmaesOptions options;
    options.sigma0 = 0.5;
    options.seed = seed;
    options.population_size = 16;  // one SIMD population of 16 float lanes
    auto [lower, upper] = InhibitoryBalanceTask::parameter_bounds(!cli.get<bool>("no-sign-constraints"));
    MetaLearner learner(task, TargetRate(), BasicCmaes(theta0, options, ScaledBoxTransformation(scale, lower, upper)),
                        executor, {.seed = seed, .max_generations = iterations});
    result = run(learner);
  }

  // Score the final rule on input realisations the search never saw.
  const Eigen::MatrixXd final_theta = result.final_theta;
  const double loss = evaluate(task, TargetRate(), final_theta, {.seed = seed ^ 0x5eedULL}, executor).losses[0];
  double rate = 0.0, nu_pre = 0.0;  // nu_pre: measured mean inhibitory afferent rate (Eqs. 17/18)
  for (std::size_t k = 0; k < config.datasets; ++k) {
    const auto d = task.dataset({seed ^ 0x5eedULL, 0, k});
    rate += task.simulate(final_theta, d)[0].rate_hz / static_cast<double>(config.datasets);
    nu_pre += task.presynaptic_rate_hz(d) / static_cast<double>(config.datasets);
  }
  if (processes.writer())
    std::printf("{\"mode\": \"search\", \"optimiser\": \"%s\", \"loss\": %.6g, \"rate_hz\": %.4g, "
              "\"presynaptic_rate_hz\": %.4g, \"theta\": %s, "
              "\"theta0\": %s, \"iterations\": %zu, \"seconds\": %.2f, \"status\": \"%s\"}\n",
              optimiser.c_str(), loss, rate, nu_pre, json_vector(result.final_theta).c_str(), json_vector(theta0).c_str(),
              result.generations, result.seconds, std::string(to_string(result.status.code)).c_str());
  return 0;
} catch (const std::exception& e) {
  std::cerr << e.what() << '\n';
  return 2;
}
