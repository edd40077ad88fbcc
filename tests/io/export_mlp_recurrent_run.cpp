// Simulates a small MlpRecurrentNetworkTask (CodependentAif neurons, MLP rule on E→E and I→E;
// 200 E, 50 I, 400 inputs) with static weights and with a plastic θ, and writes what Brian2
// needs to run the same network (tests/python/mlp_brian2_compare.py):
//   <proj>_pre.npy, <proj>_post.npy       the six connectivities in CSR (synapse id) order,
//                                         proj = input_e, input_i, EE, EI, IE, II
//   input_step.npy, input_index.npy       the input spikes: a copy of the task's PoissonPopulation
//   <q>_{exc,inh}_{step,index}.npy        metahebb's E and I spikes, q = static, plastic
//   <q>_double_{exc,inh}_{step,index}.npy, <q>_double_w_<type>.npy   the same run in double
//   metahebb.json                         sizes, neuron, rule (τ, scales, w_max, the fixed hidden
//                                         layers W1 50 × 6 and W2 4 × 50 row by row), θ, metahebb's
//                                         rates, CV_ISI and mean-weight trajectories (float,
//                                         double) and 8 double replicas with w_in × (1 + k 1e-4)
// Training time is 0: the whole run is the scoring window. Mean-weight trajectories come from
// runs of k·T/K seconds (the run is a pure function of (θ, dataset), so they are prefixes).
// Usage: export_mlp_recurrent_run <existing directory> <seconds> <seed> [segments]

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
using TaskF = MlpRecurrentNetworkTask;
using TaskD = RecurrentNetwork<CodependentAif, double, MlpFamily>;

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 4 || argc > 5) {
    std::cerr << "usage: export_mlp_recurrent_run <existing directory> <seconds> <seed> [segments]\n";
    return 2;
  }
  const std::string dir = std::string(argv[1]) + "/";
  MlpRecurrentNetworkConfig config;
  config.exc = 200;
  config.inh = 50;
  config.p = 0.5;          // in-degrees 100 from E, 25 from I (no autapses: 99.5, 24.5)
  config.inputs = 400;
  config.input_p = 0.625;  // 250 inputs per neuron, as the default and reference sizes
  config.training_time = 0.0;
  config.scoring_time = std::stod(argv[2]);
  config.datasets = 1;
  const std::uint64_t seed = std::stoull(argv[3]);
  const std::size_t segments = argc > 4 ? std::stoul(argv[4]) : 4;
  constexpr std::size_t replica_count = 8;
  const TaskF task(config);
  const RecurrentNetworkDataset d = task.dataset({seed, 0, 0});

  const std::shared_ptr<const SparseConnectivity> projections[6] = {d.input_e, d.input_i, d.recurrent[0],
                                                                    d.recurrent[1], d.recurrent[2], d.recurrent[3]};
  for (std::size_t k = 0; k < 6; ++k) write_connectivity(dir + projection_names[k], *projections[k]);
  {
    PoissonPopulation input(config.inputs, config.input_rate_hz, config.neuron.dt, d.input_stream);
    std::vector<std::uint32_t> step, index;
    for (std::size_t n = 0; n < config.steps(); ++n)
      for (const auto i : input.step()) step.push_back(static_cast<std::uint32_t>(n)), index.push_back(i);
    io::write_npy(dir + "input_step.npy", step);
    io::write_npy(dir + "input_index.npy", index);
  }

  // Plastic θ (EE then IE; each η, pre head 0-3, pre bias, post head 0-3, post bias): heads
  // drawn uniform in [−1, 1] (the θ of docs/recurrent-network.md's example), η 0.01 on E→E
  // (its mean weight about halves in 1 s, away from the bound 0) and raised to 0.05 on I→E so
  // that its mean weight too moves by many times the trajectory-to-trajectory spread (1 → 0.9).
  Eigen::VectorXd plastic(22);
  plastic << 0.01, -0.731, 0.695, 0.528, -0.49, -0.009, -0.101, 0.303, 0.577, -0.812, -0.943,  //
      0.05, 0.672, -0.134, 0.525, -0.996, -0.109, 0.443, -0.542, 0.891, 0.803, -0.939;
  const Eigen::VectorXd quartets[2] = {task.static_rules(), plastic};
  const char* quartet_names[2] = {"static", "plastic"};

  const auto& n = config.neuron;
  io::JsonObject neuron;
  neuron.add("tau_m", n.tau_m).add("v_rest", n.v_rest).add("v_threshold", n.v_threshold).add("v_reset", n.v_reset)
      .add("threshold_jump", n.threshold_jump).add("tau_threshold", n.tau_threshold)
      .add("threshold_floor", CodependentAifParameters::threshold_floor).add("e_exc", n.e_exc).add("e_inh", n.e_inh)
      .add("g_exc_bar", n.g_exc_bar).add("g_inh_bar", n.g_inh_bar).add("tau_exc", n.tau_exc)
      .add("tau_inh", n.tau_inh).add("tau_nmda", n.tau_nmda).add("ampa_nmda_ratio", n.ampa_nmda_ratio)
      .add("nmda_gain", n.nmda_gain()).add("tau_adapt", n.tau_adapt).add("adapt_jump", n.adapt_jump)
      .add("tau_v_trace", n.tau_v_trace).add("tau_c_exc", n.tau_c_exc).add("tau_c_inh", n.tau_c_inh).add("dt", n.dt);
  const auto& r = config.rule;
  const MlpSpikeRule::HiddenLayers h = r.hidden_layers();
  std::vector<double> w1, w2;
  for (const auto& row : h.w1) w1.insert(w1.end(), row.begin(), row.end());
  for (const auto& row : h.w2) w2.insert(w2.end(), row.begin(), row.end());
  io::JsonObject rule;
  rule.add("w_max", r.w_max).add("tau_pre1", r.tau_pre1).add("tau_pre2", r.tau_pre2).add("tau_post1", r.tau_post1)
      .add("tau_post2", r.tau_post2).add("input_scale", std::vector<double>(r.input_scale.begin(), r.input_scale.end()))
      .add("w1", w1).add("w2", w2);
  io::JsonObject out;
  out.add("exc", static_cast<std::uint64_t>(config.exc))
      .add("inh", static_cast<std::uint64_t>(config.inh))
      .add("p", config.p)
      .add("inputs", static_cast<std::uint64_t>(config.inputs))
      .add("input_p", config.input_p)
      .add("input_weight", config.input_weight)
      .add("input_rate_hz", config.input_rate_hz)
      .add("w_initial", std::vector<double>(config.w_initial.begin(), config.w_initial.end()))
      .add("seconds", config.scoring_time)
      .add("steps", static_cast<std::uint64_t>(config.steps()))
      .add("seed", static_cast<std::uint64_t>(seed))
      .add("neuron", neuron)
      .add("rule", rule);
  for (std::size_t q = 0; q < 2; ++q) {
    const std::string name = quartet_names[q];
    const auto o = task.simulate(Eigen::MatrixXd(quartets[q]), d)[0];
    const auto od = TaskD(config).simulate(Eigen::MatrixXd(quartets[q]), d)[0];
    write_spikes(dir + name + "_exc", o.exc_spikes);
    write_spikes(dir + name + "_inh", o.inh_spikes);
    write_spikes(dir + name + "_double_exc", od.exc_spikes);
    write_spikes(dir + name + "_double_inh", od.inh_spikes);
    for (std::size_t t = 0; t < 4; ++t)
      io::write_npy(dir + name + "_double_w_" + recurrent_synapse_types[t] + ".npy", od.weights[t]);
    io::JsonObject quartet;
    quartet.add("theta", quartets[q])
        .add("float", summary(o))
        .add("double", summary(od))
        .add("trajectory", trajectory<TaskF>(config, quartets[q], d, segments))
        .add("trajectory_double", trajectory<TaskD>(config, quartets[q], d, segments));
    std::string replicas = "[";
    for (std::size_t k = 1; k <= replica_count; ++k) {
      MlpRecurrentNetworkConfig c = config;
      c.input_weight *= 1.0 + 1e-4 * static_cast<double>(k);
      replicas += (k > 1 ? ", " : "") + summary(TaskD(c).simulate(Eigen::MatrixXd(quartets[q]), d)[0]).str();
    }
    quartet.raw("replicas", replicas + "]");
    out.add(name, quartet);
    std::printf("export_mlp_recurrent_run %s: E %.3f Hz, I %.3f Hz, CV %.3f (double: E %.3f, I %.3f, CV %.3f); "
                "mean w EE %.4f IE %.4f%s\n",
                name.c_str(), o.rate_e_hz, o.rate_i_hz, o.metrics.cv_isi, od.rate_e_hz, od.rate_i_hz,
                od.metrics.cv_isi, o.mean_weight_end[0], o.mean_weight_end[2], o.exploded ? " EXPLODED" : "");
  }
  out.write(dir + "metahebb.json");
  return 0;
} catch (const std::exception& e) {
  std::cerr << e.what() << '\n';
  return 1;
}
