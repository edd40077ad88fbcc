#pragma once
/// "Memory by accident" on the recurrent spiking network (Confavreux et al., NeurIPS 2025; issue 14),
/// scaled down: rule quartets θ (EE, EI, IE, II; 24 coefficients of the polynomial spike-trace
/// family) drawn from the filter-SBI box, kept when they stabilise the network, then the
/// familiarity protocol and its frozen control on `seeds` independent networks per quartet and
/// size — the policy run_experiment (experiment.hpp) needs, for familiarity/spiking_network.hpp.
///
/// Prior (sweep::Prior, the box of examples/rule_family.cpp): α, β, γ, κ ~ U[−2, 2], τ_pre,
/// τ_post ~ U[0.01, 0.1] s, per type; quartet i is prior.sample(seed, i).
/// Sizes: size n is N_E = n excitatory and N_I = n / 4 inhibitory neurons; p, the inputs
/// (N_in = 5000 at p_in = 0.05, 10 Hz), w_in, η, w_max and the initial weights are the task's
/// defaults (tasks/recurrent_network.hpp), so a smaller n has a smaller recurrent in-degree
/// (p · n) while the input in-degree stays 250.
/// Stimuli: `active` of the inputs (the familiar and the novel subsets disjoint) at
/// `stimulus_rate` Hz, the rest at the background 10 Hz (the reference: 500 of 10 000 inputs at
/// 60 Hz; there they drive E neurons through receptive fields, here every input projects at
/// random onto E and I).
/// Stability criterion (StabilityCriterion over the E population): the mean E rate of every
/// segment in [min_rate, max_rate] Hz (the reference's filter: [0.1, 100] Hz at every break);
/// never diverged (the task's rate checker: the filtered E rate below max_rate_hz); the
/// plastic weights change by less than `settle` (‖ΔW‖/‖W‖, all four types) and the mean E rate
/// by less than `settle` (relative) between the last two background windows; at most `max_blow`
/// of the plastic weights at 0 or w_max (the w_blow of observations/network_metrics.hpp) at the
/// end of the background and of the protocol. Optional, the reference's other filters
/// (Confavreux et al. 2025): `stability.min_cv_isi` (0.7 there; CV_ISI of the E neurons in the
/// last background window and every break) and `stability.max_mean_weight` ({0.5, 0.5, 5, 5}
/// there: the mean EE, EI, IE, II weight, after 4 h there, at the end of the background and of
/// the protocol here).
/// Controls: frozen after the background, and static (`static_control`: no plasticity at all,
/// the task's initial weights — the reference's control).

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../core/errors.hpp"
#include "../core/random.hpp"
#include "../sweep/prior.hpp"
#include "experiment.hpp"
#include "spiking_network.hpp"

namespace metahebb::familiarity {

/// Fraction of the plastic weights (all four types) at 0 or w_max.
template <template <class> class Neuron, class Scalar>
double blown_fraction(const BasicSpikingNetwork<Neuron, Scalar>& net) {
  std::size_t blown = 0, total = 0;
  const double w_max = net.w_max();
  for (std::size_t t = 0; t < 4; ++t)
    for (const Scalar w : net.weights(t)) {
      ++total;
      blown += (static_cast<double>(w) <= 0.0 || static_cast<double>(w) >= w_max) ? 1 : 0;
    }
  return total ? static_cast<double>(blown) / static_cast<double>(total) : 0.0;
}

/// The filter-SBI box over the 24 coefficients (names as the task's parameter_names()).
inline sweep::Prior spiking_quartet_prior() {
  std::vector<sweep::Coordinate> coordinates;
  for (const auto& name : RecurrentNetworkTask(RecurrentNetworkConfig{}).parameter_names())
    coordinates.push_back(name.find("tau") != std::string::npos ? sweep::Coordinate::uniform(name, 0.01, 0.1)
                                                                : sweep::Coordinate::uniform(name, -2, 2));
  return sweep::Prior(coordinates);
}

struct SpikingExperimentConfig {
  RecurrentNetworkConfig network = defaults();  ///< exc and inh are set from `sizes`
  ProtocolConfig protocol = default_protocol();
  StabilityCriterion stability{.min_rate = 0.1, .max_rate = 100.0, .settle = 0.25, .max_blow = 0.1, .min_cv_isi = 0.0, .max_mean_weight = {}};
  std::vector<std::size_t> sizes{128, 256};  ///< N_E; N_I = N_E / 4
  std::size_t seeds = 5;
  std::size_t active = 500;       ///< inputs a stimulus drives
  double stimulus_rate = 60.0;    ///< Hz (the background is network.input_rate_hz)
  double alpha = 0.05;
  std::uint64_t seed = 1;
  bool static_control = true;     ///< also run the static control (no plasticity at all)
  sweep::Prior prior = spiking_quartet_prior();

  static RecurrentNetworkConfig defaults() {
    RecurrentNetworkConfig c;
    c.training_time = 0.0;  // unused: the protocol sets the schedule
    return c;
  }
  /// Background 20 s in 4 windows, learning 5 s, tests 1, 10, 30 s after learning, probes 1 s.
  static ProtocolConfig default_protocol() {
    ProtocolConfig p;
    p.background = 20.0;
    p.background_windows = 4;
    p.learning = 5.0;
    p.test_times = {1, 10, 30};
    p.probe = 1.0;
    return p;
  }

  void validate() const {
    protocol.validate();
    stability.validate();
    require(!sizes.empty(), "sizes.size()", sizes.size(), "must be >= 1");
    for (const std::size_t n : sizes) {
      require(n >= 8, "sizes", n, "must be >= 8 (N_I = N_E / 4 >= 2)");
      network_of_size(n).validate();
    }
    require_count("seeds", static_cast<long long>(seeds), 2, 100000);
    require(active >= 1 && 2 * active <= network.inputs, "active", active,
            "must be in [1, inputs / 2] (two disjoint subsets of " + std::to_string(network.inputs) + " inputs)");
    require(std::isfinite(stimulus_rate) && stimulus_rate > network.input_rate_hz, "stimulus_rate", stimulus_rate,
            "must be finite and > the background rate (network.input_rate_hz)");
    require(alpha > 0.0 && alpha < 1.0, "alpha", alpha, "must be in (0, 1)");
    require(prior.size() == 24, "prior.size()", prior.size(), "must be 24 (a quartet)");
  }

  RecurrentNetworkConfig network_of_size(std::size_t n) const {
    RecurrentNetworkConfig c = network;
    c.exc = n;
    c.inh = n / 4;
    return c;
  }

  Eigen::VectorXd rule(std::uint64_t index) const { return prior.sample(seed, index); }
  /// Stream (seed, user + 2, generation = n, candidate, dataset), as the rate networks'.
  Stimuli stimuli(std::size_t n, std::uint64_t dataset, std::uint64_t candidate) const {
    RandomStream stream(
        StreamKey{seed, n, candidate, dataset, static_cast<Purpose>(static_cast<std::uint64_t>(Purpose::user) + 2)});
    return make_stimuli(network.inputs, active, network.input_rate_hz, stimulus_rate, stream);
  }
  SpikingNetwork make_network(std::size_t n, const Eigen::VectorXd& theta, std::uint64_t dataset,
                              std::uint64_t candidate) const {
    // The network of (seed, candidate, dataset) at size n: n enters the connectivity's stream
    // through the candidate field, so sizes are independent networks.
    return SpikingNetwork(network_of_size(n), theta, seed, dataset, candidate * 1000003ULL + n);
  }
};

}  // namespace metahebb::familiarity
