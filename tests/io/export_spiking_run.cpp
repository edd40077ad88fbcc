// Simulates one spike-trace rule on a shortened §3.3 protocol and writes what Brian2
// needs to run the same experiment (tests/python/brian2_compare.py):
//   exc_step.npy, exc_index.npy, inh_step.npy, inh_index.npy   the input spike trains
//   w_exc.npy                                                  fixed excitatory weights
//   rule.py, rule.nestml                                       the exported rule
//   metahebb.json                                              protocol, neuron, metahebb's rates
// Usage: export_spiking_run <existing directory> <training s> <window s> <seed>

#include <cstdint>
#include <cstdio>
#include <iostream>
#include <metahebb/io/export_brian2.hpp>
#include <metahebb/io/export_nestml.hpp>
#include <metahebb/io/json.hpp>
#include <metahebb/io/npy.hpp>
#include <metahebb/tasks/inhibitory_balance.hpp>
#include <string>
#include <vector>

using namespace metahebb;

namespace {
void write_trains(const std::string& prefix, const std::vector<std::uint32_t>& offset,
                  const std::vector<std::uint32_t>& index) {
  std::vector<std::uint32_t> step;
  step.reserve(index.size());
  for (std::size_t n = 0; n + 1 < offset.size(); ++n)
    for (std::uint32_t s = offset[n]; s < offset[n + 1]; ++s) step.push_back(static_cast<std::uint32_t>(n));
  io::write_npy(prefix + "_step.npy", step);
  io::write_npy(prefix + "_index.npy", index);
}
}  // namespace

int main(int argc, char** argv) try {
  if (argc != 5) {
    std::cerr << "usage: export_spiking_run <existing directory> <training s> <window s> <seed>\n";
    return 2;
  }
  const std::string dir = std::string(argv[1]) + "/";
  InhibitoryBalanceConfig config;
  config.training_time = std::stod(argv[2]);
  config.scoring_time = config.window = std::stod(argv[3]);  // the window is the whole scoring phase
  config.rule.eta = 0.05;  // 5x the paper's η: the rate settles within a few seconds (keeps Brian2's run short)
  config.datasets = 1;
  const std::uint64_t seed = std::stoull(argv[4]);
  const InhibitoryBalanceTaskDouble task(config);
  const Eigen::VectorXd theta = rules::vogels2011(7.0, 0.02);

  const InhibitoryBalanceDataset d = task.dataset({seed, 0, 0});
  const auto o = task.simulate_scalar(Eigen::MatrixXd(theta), d)[0];
  write_trains(dir + "exc", d.spikes.exc_offset, d.spikes.exc_index);
  write_trains(dir + "inh", d.spikes.inh_offset, d.spikes.inh_index);
  io::write_npy(dir + "w_exc.npy", d.w_exc);
  io::write_npy(dir + "w_inh_final.npy", o.w_inh_final);
  io::write_npy(dir + "spike_steps.npy", o.spike_steps);

  const auto rule = io::LearnedSpikeTraceRule::from(config, theta);
  io::write_file_atomically(dir + "rule.py", io::export_brian2(rule));
  io::write_file_atomically(dir + "rule.nestml", io::export_nestml(rule));

  const auto& n = config.neuron;
  io::JsonObject neuron;
  neuron.add("tau_m", n.tau_m).add("v_rest", n.v_rest).add("v_threshold", n.v_threshold).add("v_reset", n.v_reset)
      .add("tau_ref", n.tau_ref).add("e_exc", n.e_exc).add("e_inh", n.e_inh).add("g_exc_bar", n.g_exc_bar)
      .add("tau_exc", n.tau_exc).add("tau_inh", n.tau_inh).add("dt", n.dt);
  io::JsonObject out;
  out.add("training_time", config.training_time)
      .add("window", config.window)
      .add("steps", static_cast<std::uint64_t>(d.window_end))
      .add("window_begin_step", static_cast<std::uint64_t>(d.window_begin))
      .add("num_exc", static_cast<std::uint64_t>(config.input.num_exc()))
      .add("num_inh", static_cast<std::uint64_t>(config.input.num_inh()))
      .add("rate_hz", o.rate_hz)
      .add("window_spikes", static_cast<std::uint64_t>(o.window_spikes))
      .add("exploded", o.exploded)
      .add("theta", theta)
      .add("neuron", neuron);
  out.write(dir + "metahebb.json");
  std::printf("export_spiking_run: metahebb rate %.3f Hz (%zu spikes in %.0f s)\n", o.rate_hz, o.window_spikes, config.window);
  return 0;
} catch (const std::exception& e) {
  std::cerr << e.what() << '\n';
  return 1;
}
