// Runs a spike-trace rule on the §3.3 neuron (Confavreux et al. 2020, Fig. 3) and writes
// what a Python user needs: NumPy arrays of the rate and inhibitory-weight trajectories,
// a JSON summary, and the rule exported to Brian2 and NESTML.
//
//   export_rule --rule vogels --out results/            (or --rule a,b,g,k,tau_pre,tau_post)
//
// Files in --out: rate_per_second.npy (s,), w_inh_per_group.npy (s, groups) mean weight of
// each input group at the end of every second, w_inh_final.npy, spike_steps.npy,
// summary.json, rule.py (Brian2), <name>.nestml. scripts/plot_run.py --spiking <out> plots them.

#include <metahebb/io/command_line.hpp>
#include <metahebb/io/export_brian2.hpp>
#include <metahebb/io/export_nestml.hpp>
#include <metahebb/io/json.hpp>
#include <metahebb/io/npy.hpp>
#include <metahebb/io/rule_spec.hpp>
#include <metahebb/losses/target_rate.hpp>
#include <metahebb/simulation/group_monitors.hpp>
#include <metahebb/tasks/inhibitory_balance.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>

using namespace metahebb;


int main(int argc, char** argv) try {
  const CommandLine cli(argc, argv, "Simulate a spike-trace rule on the section 3.3 neuron; write npy/JSON and Brian2/NESTML exports.",
                        {{"rule", "vogels", "a,b,g,k,tau_pre,tau_post or vogels"},
                         {"rho0", "7", "target rate of --rule vogels (Hz)"},
                         {"out", "", "existing directory for the outputs (required)"},
                         {"seed", "1", "seed of the input realisation"},
                         {"training", "60", "training time (s)"},
                         {"name", "metahebb_spike_trace_synapse", "NESTML model name"}});
  if (cli.help()) return 0;
  const std::string out = cli.get<std::string>("out");
  require(!out.empty() && std::filesystem::is_directory(out), "--out", out, "must be an existing directory");
  InhibitoryBalanceConfig config;
  config.training_time = cli.get<double>("training");
  config.datasets = 1;
  const InhibitoryBalanceTask task(config);  // validates the configuration
  const Eigen::VectorXd theta = parse_spike_trace_rule(cli.get<std::string>("rule"), cli.get<double>("rho0"), 0.02, "--rule");
  const auto rule = io::LearnedSpikeTraceRule::from(config, theta);  // validates θ
  const std::string nestml_name = cli.get<std::string>("name");
  const std::string brian2 = io::export_brian2(rule);
  const std::string nestml = io::export_nestml(rule, {.name = nestml_name});

  const auto d = task.dataset({cli.get<std::uint64_t>("seed"), 0, 0});
  const std::size_t groups = config.input.groups;
  GroupWeights weights(config.input, config.steps_per_second());  // mean weight per group, every second
  const auto o = task.simulate_observed(theta, d, weights);
  const std::vector<double>& w_per_group = weights.table();  // (seconds, groups), C order

  const std::string dir = out + "/";
  io::write_npy(dir + "rate_per_second.npy", o.rate_per_second);
  io::write_npy(dir + "w_inh_per_group.npy", w_per_group.data(), {w_per_group.size() / groups, groups});
  io::write_npy(dir + "w_inh_final.npy", o.w_inh_final);
  io::write_npy(dir + "spike_steps.npy", o.spike_steps);
  io::write_file_atomically(dir + "rule.py", brian2);
  io::write_file_atomically(dir + nestml_name + ".nestml", nestml);
  io::JsonObject summary;
  summary.add("format", "metahebb-spiking-run")
      .add("parameter_names", SpikeTraceBasis{}.term_names())
      .add("theta", theta)
      .add("eta", config.rule.eta)
      .add("rate_hz", o.rate_hz)
      .add("loss", TargetRate()(o, theta))
      .add("exploded", o.exploded)
      .add("target_rate_hz", 5.0)
      .add("input_baseline_rate_hz", config.input.baseline_rate)
      .add("presynaptic_rate_hz", task.presynaptic_rate_hz(d))  // measured ν_pre of Eqs. 17/18 (≈ 21 Hz)
      .add("training_time", config.training_time)
      .add("window", config.window)
      .add("seed", cli.get<std::uint64_t>("seed"));
  summary.write(dir + "summary.json");
  std::printf("{\"rate_hz\": %.4g, \"exploded\": %s, \"out\": %s}\n", o.rate_hz, o.exploded ? "true" : "false",
              io::json_string(out).c_str());
  return 0;
} catch (const std::exception& e) {
  std::cerr << e.what() << '\n';
  return 2;
}
