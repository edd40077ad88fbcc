// Simulates a small RecurrentNetworkTask (200 E, 50 I, 400 inputs) with two rule quartets —
// static weights and a plastic quartet — and writes what Brian2 needs to run the same network
// (tests/python/recurrent_brian2_compare.py):
//   <proj>_pre.npy, <proj>_post.npy       the six connectivities in CSR (synapse id) order,
//                                         proj = input_e, input_i, EE, EI, IE, II
//   input_step.npy, input_index.npy       the input spikes: a copy of the task's PoissonPopulation
//                                         (same n, rate, dt and dataset stream), stepped over the run
//   <q>_{exc,inh}_{step,index}.npy        metahebb's E and I spikes, q = static, plastic
//   <q>_w_<type>.npy                      metahebb's final weights (CSR order)
//   <q>_double_{exc,inh}_{step,index}.npy, <q>_double_w_<type>.npy   the same run in double precision
//   metahebb.json                         sizes, neuron, rules (θ), metahebb's rates, CV_ISI and
//                                         mean-weight trajectories, float and double precision,
//                                         and 8 replicas (w_in perturbed by k·1e-4: other chaotic
//                                         trajectories of the same network, the comparison's yardstick)
// Training time is 0: the whole run is the scoring window, so every spike is recorded.
// Mean-weight trajectories: the run is a pure function of (θ, dataset), so a run of k·T/K
// seconds is the first k·T/K seconds of the full run; its end mean weights are the trajectory.
// Usage: export_recurrent_run <existing directory> <seconds> <seed> [segments]

#include <cstdint>
#include <cstdio>
#include <iostream>
#include <metahebb/inputs/poisson.hpp>
#include <metahebb/io/json.hpp>
#include <metahebb/io/npy.hpp>
#include <metahebb/tasks/recurrent_network.hpp>
#include <string>
#include <vector>

#include "recurrent_export.hpp"

using namespace metahebb;
using namespace metahebb::test_export;

namespace {

constexpr const char* projection_names[6] = {"input_e", "input_i", "EE", "EI", "IE", "II"};

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 4 || argc > 5) {
    std::cerr << "usage: export_recurrent_run <existing directory> <seconds> <seed> [segments]\n";
    return 2;
  }
  const std::string dir = std::string(argv[1]) + "/";
  RecurrentNetworkConfig config;
  config.exc = 200;
  config.inh = 50;
  config.p = 0.5;          // in-degrees 100 from E, 25 from I (no autapses: 99.5, 24.5)
  config.inputs = 400;
  config.input_p = 0.625;  // 250 inputs per neuron, as the default and reference sizes
  config.training_time = 0.0;  // the whole run is scored (recorded)
  config.scoring_time = std::stod(argv[2]);
  config.datasets = 1;
  const std::uint64_t seed = std::stoull(argv[3]);
  const std::size_t segments = argc > 4 ? std::stoul(argv[4]) : 4;
  constexpr std::size_t replica_count = 8;
  using TaskF = RecurrentNetwork<AmpaNmdaGabaIf, float>;
  using TaskD = RecurrentNetwork<AmpaNmdaGabaIf, double>;
  const TaskF task(config);
  const RecurrentNetworkDataset d = task.dataset({seed, 0, 0});

  // The connectivity.
  const std::shared_ptr<const SparseConnectivity> projections[6] = {d.input_e, d.input_i, d.recurrent[0],
                                                                    d.recurrent[1], d.recurrent[2], d.recurrent[3]};
  for (std::size_t k = 0; k < 6; ++k) write_connectivity(dir + projection_names[k], *projections[k]);

  // The input: the task builds PoissonPopulation(inputs, input_rate_hz, dt, d.input_stream) and
  // steps it once per step; a copy built the same way gives the same spikes.
  {
    PoissonPopulation input(config.inputs, config.input_rate_hz, config.neuron.dt, d.input_stream);
    std::vector<std::uint32_t> step, index;
    for (std::size_t n = 0; n < config.steps(); ++n)
      for (const auto i : input.step()) step.push_back(static_cast<std::uint32_t>(n)), index.push_back(i);
    io::write_npy(dir + "input_step.npy", step);
    io::write_npy(dir + "input_index.npy", index);
  }

  // The two quartets. Plastic: Vogels iSTDP on I → E (ρ0 = 10 Hz), mild rules on the others:
  // EE pair-based STDP, slightly depressing (γ τ_pre + κ τ_post < 0), EI and II with a small
  // homeostatic rule (Vogels-like, its own target rate).
  const Eigen::VectorXd none = config.rule.inert_theta();
  Eigen::VectorXd ee(6), ei(6), ii(6);
  ee << 0.0, 0.0, 1.0, -1.2, 0.02, 0.02;
  ei << -0.4, 0.0, 0.5, 0.5, 0.02, 0.02;
  ii << -0.2, 0.0, 0.5, 0.5, 0.02, 0.02;
  const Eigen::VectorXd quartets[2] = {TaskF::quartet(none, none, none, none),
                                       TaskF::quartet(ee, ei, rules::vogels2011(10.0, 0.02), ii)};
  const char* quartet_names[2] = {"static", "plastic"};

  const auto& n = config.neuron;
  io::JsonObject neuron;
  neuron.add("tau_m", n.tau_m).add("v_rest", n.v_rest).add("v_threshold", n.v_threshold).add("v_reset", n.v_reset)
      .add("threshold_jump", n.threshold_jump).add("tau_threshold", n.tau_threshold).add("tau_ref", n.tau_ref)
      .add("e_exc", n.e_exc).add("e_inh", n.e_inh).add("g_exc_bar", n.g_exc_bar).add("g_inh_bar", n.g_inh_bar)
      .add("tau_exc", n.tau_exc).add("tau_inh", n.tau_inh).add("tau_nmda", n.tau_nmda)
      .add("ampa_nmda_ratio", n.ampa_nmda_ratio).add("nmda_gain", n.nmda_gain()).add("dt", n.dt);
  io::JsonObject out;
  out.add("exc", static_cast<std::uint64_t>(config.exc))
      .add("inh", static_cast<std::uint64_t>(config.inh))
      .add("p", config.p)
      .add("inputs", static_cast<std::uint64_t>(config.inputs))
      .add("input_p", config.input_p)
      .add("input_weight", config.input_weight)
      .add("input_rate_hz", config.input_rate_hz)
      .add("w_initial", std::vector<double>(config.w_initial.begin(), config.w_initial.end()))
      .add("eta", config.rule.eta)
      .add("w_max", config.rule.w_max)
      .add("seconds", config.scoring_time)
      .add("steps", static_cast<std::uint64_t>(config.steps()))
      .add("seed", static_cast<std::uint64_t>(seed))
      .add("neuron", neuron);
  for (std::size_t q = 0; q < 2; ++q) {
    const std::string name = quartet_names[q];
    const auto o = task.simulate(Eigen::MatrixXd(quartets[q]), d)[0];
    const auto od = TaskD(config).simulate(Eigen::MatrixXd(quartets[q]), d)[0];
    write_spikes(dir + name + "_exc", o.exc_spikes);
    write_spikes(dir + name + "_inh", o.inh_spikes);
    write_spikes(dir + name + "_double_exc", od.exc_spikes);
    write_spikes(dir + name + "_double_inh", od.inh_spikes);
    for (std::size_t t = 0; t < 4; ++t) {
      io::write_npy(dir + name + "_w_" + recurrent_synapse_types[t] + ".npy", o.weights[t]);
      io::write_npy(dir + name + "_double_w_" + recurrent_synapse_types[t] + ".npy", od.weights[t]);
    }
    io::JsonObject quartet;
    quartet.add("theta", quartets[q])
        .add("float", summary(o))
        .add("double", summary(od))
        .add("trajectory", trajectory<TaskF>(config, quartets[q], d, segments))
        .add("trajectory_double", trajectory<TaskD>(config, quartets[q], d, segments));
    // Replicas: the same network and input with w_in changed by k·1e-4 (relative), in double.
    // The network is chaotic, so each is another trajectory of (statistically) the same network:
    // their spread is the yardstick for a simulator that rounds differently (Brian2).
    std::string replicas = "[";
    for (std::size_t k = 1; k <= replica_count; ++k) {
      RecurrentNetworkConfig c = config;
      c.input_weight *= 1.0 + 1e-4 * static_cast<double>(k);
      replicas += (k > 1 ? ", " : "") + summary(TaskD(c).simulate(Eigen::MatrixXd(quartets[q]), d)[0]).str();
    }
    quartet.raw("replicas", replicas + "]");
    out.add(name, quartet);
    std::printf("export_recurrent_run %s: E %.3f Hz, I %.3f Hz, CV %.3f (double: E %.3f, I %.3f, CV %.3f); "
                "mean w EE %.4f EI %.4f IE %.4f II %.4f%s\n",
                name.c_str(), o.rate_e_hz, o.rate_i_hz, o.metrics.cv_isi, od.rate_e_hz, od.rate_i_hz,
                od.metrics.cv_isi, o.mean_weight_end[0], o.mean_weight_end[1], o.mean_weight_end[2],
                o.mean_weight_end[3], o.exploded ? " EXPLODED" : "");
  }
  out.write(dir + "metahebb.json");
  return 0;
} catch (const std::exception& e) {
  std::cerr << e.what() << '\n';
  return 1;
}
