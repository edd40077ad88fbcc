#pragma once
// Writers shared by the exporters of the recurrent network's Brian2 comparisons
// (export_recurrent_run.cpp, export_mlp_recurrent_run.cpp): connectivity and spikes as .npy,
// a run's summary as JSON, and mean-weight trajectories from prefix runs.

#include <array>
#include <cstdint>
#include <metahebb/io/json.hpp>
#include <metahebb/io/npy.hpp>
#include <metahebb/tasks/recurrent_network.hpp>
#include <string>
#include <vector>

namespace metahebb::test_export {

/// <prefix>_pre.npy, <prefix>_post.npy: the synapses in CSR (synapse id) order.
inline void write_connectivity(const std::string& prefix, const SparseConnectivity& c) {
  std::vector<std::uint32_t> pre, post(c.post_indices().begin(), c.post_indices().end());
  pre.reserve(c.size());
  for (std::size_t i = 0; i < c.n_pre(); ++i)
    for (std::size_t k = 0; k < c.out_degree(i); ++k) pre.push_back(static_cast<std::uint32_t>(i));
  io::write_npy(prefix + "_pre.npy", pre);
  io::write_npy(prefix + "_post.npy", post);
}

/// <prefix>_step.npy, <prefix>_index.npy.
inline void write_spikes(const std::string& prefix, const std::vector<RecurrentObservation::Spike>& spikes) {
  std::vector<std::uint32_t> step, index;
  for (const auto& s : spikes) step.push_back(s.step), index.push_back(s.neuron);
  io::write_npy(prefix + "_step.npy", step);
  io::write_npy(prefix + "_index.npy", index);
}

/// Rates, CV_ISI, exploded, mean weights at the start and the end.
inline io::JsonObject summary(const RecurrentObservation& o) {
  io::JsonObject out;
  out.add("rate_e_hz", o.rate_e_hz)
      .add("rate_i_hz", o.rate_i_hz)
      .add("cv_isi", o.metrics.cv_isi)
      .add("exploded", o.exploded)
      .add("mean_weight_start", std::vector<double>(o.mean_weight_start.begin(), o.mean_weight_start.end()))
      .add("mean_weight_end", std::vector<double>(o.mean_weight_end.begin(), o.mean_weight_end.end()));
  return out;
}

/// Mean weight of each type at k·T/K, k = 0 … K, from runs of k·T/K seconds (the run is a pure
/// function of (θ, dataset), so these are prefixes of the full run).
template <class Task>
io::JsonObject trajectory(const typename Task::config_type& config, const Eigen::VectorXd& theta,
                          const RecurrentNetworkDataset& d, std::size_t segments) {
  std::array<std::vector<double>, 4> w;
  std::vector<double> t{0.0};
  for (std::size_t k = 1; k <= segments; ++k) {
    typename Task::config_type c = config;
    c.scoring_time = config.scoring_time * static_cast<double>(k) / static_cast<double>(segments);
    const auto o = Task(c).simulate(Eigen::MatrixXd(theta), d)[0];
    if (k == 1)
      for (std::size_t type = 0; type < 4; ++type) w[type].push_back(o.mean_weight_start[type]);
    for (std::size_t type = 0; type < 4; ++type) w[type].push_back(o.mean_weight_end[type]);
    t.push_back(c.scoring_time);
  }
  io::JsonObject out;
  out.add("t", t);
  for (std::size_t type = 0; type < 4; ++type) out.add(recurrent_synapse_types[type], w[type]);
  return out;
}

}  // namespace metahebb::test_export
