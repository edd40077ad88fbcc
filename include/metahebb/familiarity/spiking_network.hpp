#pragma once
/// The recurrent spiking E/I network of tasks/recurrent_network.hpp (four plastic spike-trace
/// groups, the polynomial family, 24 θ) as a probe-able network (core/concepts/probeable_network.hpp)
/// for the familiarity protocol of "memory by accident" (Confavreux et al., NeurIPS 2025; issue 14).
///
/// One step is the task's step, statement for statement (RecurrentNetwork::run_one): the
/// inputs' spikes of step n and the recurrent spikes of step n − 1 go through the six
/// SparseSynapses into the conductance buffers (the four recurrent groups run on_pre), the two
/// NeuronGroups absorb them and step, the groups onto a population that spiked run on_post, all
/// decay; the rate checker filters the E population rate with τ = rate_tau and marks the
/// network diverged when it reaches max_rate_hz. With every input at the task's input rate,
/// this class gives the task's weights bit for bit (tests/familiarity/spiking_network_test.cpp).
///
/// Inputs and stimuli. `set_input(rates)` takes one rate (Hz) per Poisson input. The inputs are
/// a superposition of Poisson processes (inputs/poisson.hpp): one population over every input at
/// the base rate ρ_0 = min_j rates_j (the task's own population and stream), plus, for every
/// distinct excess rate ρ_k − ρ_0 > 0 (at most `max_excess_rates`), a population over the inputs
/// with that rate. An excess population is created when set_input changes the rates; its stream
/// is keyed (seed, step, candidate, dataset, purpose user + 20 + k), a function of where the
/// network is and not of how it got there, so probes that start from one saved state see the
/// same input noise, and calling set_input with the rates already set changes nothing.
///
/// Readout: run(steps) returns the rate (Hz) of every E neuron over those steps. A diverged
/// network stops stepping and returns NaN rates (the stability watcher then fails it).
/// cv_isi() is the CV_ISI of the E population over the last run() call, as
/// observations/network_metrics.hpp defines it: mean over E neurons with ≥ 4 spikes in that call
/// of std(ISI)/mean(ISI) (ddof 0), NaN when no neuron qualifies; it is an observation of the last
/// call, not part of the state. mean_weights() is the mean weight of each plastic type.
///
/// Snapshot: state_type holds everything that evolves — neurons, conductance buffers, the
/// weights and traces of every synapse group, the input populations (with their streams), the
/// spikes in flight, the rate filter, the step counter, a hash of every spike — so load(save())
/// puts the network back bit for bit. The connectivities are shared, immutable.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "../core/concepts/probeable_network.hpp"
#include "../core/errors.hpp"
#include "../core/random.hpp"
#include "../inputs/poisson.hpp"
#include "../tasks/recurrent_network.hpp"

namespace metahebb::familiarity {

template <template <class> class Neuron = AmpaNmdaGabaIf, class Scalar = float>
class BasicSpikingNetwork {
 public:
  using task_type = RecurrentNetwork<Neuron, Scalar, PolynomialFamily>;
  using config_type = typename task_type::config_type;
  using batch = xsimd::batch<Scalar>;
  using Model = Neuron<batch>;
  using Mask = typename Model::mask;
  using Group = NeuronGroup<Model, dynamic_blocks>;
  using Synapses = SparseSynapses<SpikeTraceRule, Scalar>;
  using index = SparseConnectivity::index_type;
  static constexpr std::size_t width = lanes::size_v<batch>;
  static constexpr std::size_t rule_size = SpikeTraceRule::num_coefficients;
  static constexpr std::size_t max_excess_rates = 8;

  /// One population of extra input spikes: `members[i]` is the input of its neuron i.
  struct Excess {
    PoissonPopulation population;
    std::vector<index> members;
  };

  struct state_type {
    Group exc, inh;
    Synapses input_e, input_i;
    std::array<Synapses, 4> recurrent;  // EE, EI, IE, II
    PoissonPopulation background;
    std::vector<Excess> excess;
    Eigen::VectorXd rates;               // as last set
    std::vector<Scalar> e_exc, e_inh, i_exc, i_inh;  // conductance buffers
    std::vector<index> e_previous, i_previous;       // spikes of the last step (one step of delay)
    double filtered_rate = 0.0;          // Hz, the rate checker
    std::size_t step = 0;
    bool diverged = false;
    bool plastic = true;
    std::uint64_t spike_hash = 0xcbf29ce484222325ULL;  // FNV-1a over (step, population, neuron)
  };

  /// The network of (seed, candidate, dataset): its connectivity, initial weights and input
  /// streams are those of task_type::dataset({seed, generation = candidate, dataset}); θ is the
  /// quartet (EE, EI, IE, II), 24 entries.
  BasicSpikingNetwork(const config_type& config, const Eigen::VectorXd& theta, std::uint64_t seed,
                      std::uint64_t dataset = 0, std::uint64_t candidate = 0)
      : config_(checked(config)), seed_(seed), dataset_(dataset), candidate_(candidate),
        state_(make_state(config_, theta,
                          task_type(config_).dataset(EvaluationContext{.seed = seed, .generation = candidate, .dataset = dataset}))) {}

  static std::size_t num_parameters() noexcept { return 4 * rule_size; }

  state_type save() const { return state_; }
  void load(const state_type& s) { state_ = s; }

  /// One rate (Hz, finite, >= 0) per input; at most max_excess_rates distinct values above the
  /// smallest.
  void set_input(const Eigen::VectorXd& rates) {
    require(rates.size() == static_cast<Eigen::Index>(config_.inputs), "spiking.rates.size()", rates.size(),
            "must equal the number of inputs (" + std::to_string(config_.inputs) + ")");
    for (Eigen::Index j = 0; j < rates.size(); ++j)
      require(std::isfinite(rates[j]) && rates[j] >= 0.0, "spiking.rates[" + std::to_string(j) + "]", rates[j],
              "must be finite and >= 0 (Hz)");
    if (rates.size() == state_.rates.size() && rates == state_.rates) return;  // nothing changes
    const double base = rates.minCoeff();
    std::vector<double> levels;
    for (Eigen::Index j = 0; j < rates.size(); ++j)
      if (rates[j] > base && std::find(levels.begin(), levels.end(), rates[j]) == levels.end()) levels.push_back(rates[j]);
    require(levels.size() <= max_excess_rates, "spiking.rates (distinct rates above the smallest)", levels.size(),
            "must be <= " + std::to_string(max_excess_rates));
    std::sort(levels.begin(), levels.end());
    std::vector<Excess> excess;
    for (std::size_t k = 0; k < levels.size(); ++k) {
      std::vector<index> members;
      for (Eigen::Index j = 0; j < rates.size(); ++j)
        if (rates[j] == levels[k]) members.push_back(static_cast<index>(j));
      const RandomStream stream(StreamKey{seed_, state_.step, candidate_, dataset_,
                                          static_cast<Purpose>(static_cast<std::uint64_t>(Purpose::user) + 20 + k)});
      excess.push_back({PoissonPopulation(members.size(), levels[k] - base, config_.neuron.dt, stream), std::move(members)});
    }
    state_.background.set_rate(base);
    state_.excess = std::move(excess);
    state_.rates = rates;
  }

  void set_plastic(bool plastic) {
    state_.plastic = plastic;
    for (Synapses& g : state_.recurrent) g.set_plastic(plastic);
  }

  /// `steps` steps; the rate (Hz) of every E neuron over them (NaN once diverged).
  Eigen::VectorXd run(std::size_t steps) {
    const auto n_exc = static_cast<Eigen::Index>(config_.exc);
    Eigen::VectorXd counts = Eigen::VectorXd::Zero(n_exc);
    isi_last_.assign(config_.exc, -1.0);
    isi_count_.assign(config_.exc, 0.0);
    isi_sum_.assign(config_.exc, 0.0);
    isi_sum2_.assign(config_.exc, 0.0);
    for (std::size_t s = 0; s < steps && !state_.diverged; ++s) {
      step_once(counts);
      const auto now = static_cast<double>(state_.step);  // the step just taken, + 1
      for (const index i : state_.e_previous) {           // its E spikes
        if (isi_last_[i] >= 0.0) {
          const double isi = (now - isi_last_[i]) * config_.neuron.dt;
          isi_count_[i] += 1.0;
          isi_sum_[i] += isi;
          isi_sum2_[i] += isi * isi;
        }
        isi_last_[i] = now;
      }
    }
    if (state_.diverged) return Eigen::VectorXd::Constant(n_exc, std::numeric_limits<double>::quiet_NaN());
    return counts / (static_cast<double>(steps) * config_.neuron.dt);
  }

  double dt() const noexcept { return config_.neuron.dt; }
  std::size_t num_inputs() const noexcept { return config_.inputs; }
  const config_type& config() const noexcept { return config_; }
  bool diverged() const noexcept { return state_.diverged; }
  std::size_t steps_taken() const noexcept { return state_.step; }
  std::uint64_t spike_hash() const noexcept { return state_.spike_hash; }
  /// The weights of the four plastic groups (EE, EI, IE, II, each in CSR order), concatenated.
  Eigen::VectorXd weights() const {
    std::size_t total = 0;
    for (const Synapses& g : state_.recurrent) total += g.size();
    Eigen::VectorXd w(static_cast<Eigen::Index>(total));
    Eigen::Index k = 0;
    for (const Synapses& g : state_.recurrent)
      for (const Scalar x : g.weights()) w[k++] = static_cast<double>(x);
    return w;
  }
  /// The weights of type t (0 EE, 1 EI, 2 IE, 3 II).
  std::span<const Scalar> weights(std::size_t t) const { return state_.recurrent.at(t).weights(); }
  double w_max() const noexcept { return config_.rule.w_max; }
  /// The mean weight of each plastic type (EE, EI, IE, II; NaN for a type without synapses).
  Eigen::VectorXd mean_weights() const {
    Eigen::VectorXd m(4);
    for (std::size_t t = 0; t < 4; ++t) {
      double sum = 0;
      for (const Scalar w : weights(t)) sum += static_cast<double>(w);
      m[static_cast<Eigen::Index>(t)] = sum / static_cast<double>(weights(t).size());
    }
    return m;
  }
  /// CV_ISI of the E neurons over the last run() call (see the header comment).
  double cv_isi() const {
    double total = 0;
    std::size_t neurons = 0;
    for (std::size_t i = 0; i < isi_count_.size(); ++i) {
      if (isi_count_[i] < 3.0) continue;  // >= 4 spikes
      const double mean = isi_sum_[i] / isi_count_[i];
      const double var = std::max(0.0, isi_sum2_[i] / isi_count_[i] - mean * mean);
      if (mean > 0.0) {
        total += std::sqrt(var) / mean;
        ++neurons;
      }
    }
    return neurons ? total / static_cast<double>(neurons) : std::numeric_limits<double>::quiet_NaN();
  }

 private:
  static const config_type& checked(const config_type& c) {
    c.validate();
    return c;
  }

  static state_type make_state(const config_type& c, const Eigen::VectorXd& theta, const RecurrentNetworkDataset& d) {
    require(static_cast<std::size_t>(theta.size()) == num_parameters(), "spiking.theta.size()", theta.size(),
            "must be 24 (4 synapse types x 6 coefficients)");
    const double dt = c.neuron.dt;
    const std::array<double, 4> g_bar{c.neuron.g_exc_bar, c.neuron.g_exc_bar, c.neuron.g_inh_bar, c.neuron.g_inh_bar};
    auto rule = [&](std::size_t t) {
      const Eigen::VectorXd r = theta.segment(static_cast<Eigen::Index>(t * rule_size), static_cast<Eigen::Index>(rule_size));
      require(c.rule.template simulable<Scalar>(r, dt), std::string("spiking.theta[") + recurrent_synapse_types[t] + "]",
              r.transpose(), "must be simulable (finite, time constants > 0)");
      return Synapses(d.recurrent[t], c.rule, r, g_bar[t], dt, c.w_initial[t]);
    };
    return state_type{
        Group(Model(c.neuron), (c.exc + width - 1) / width),
        Group(Model(c.neuron), (c.inh + width - 1) / width),
        Synapses::fixed(d.input_e, SpikeTraceRule{}, c.neuron.g_exc_bar, dt, c.input_weight),
        Synapses::fixed(d.input_i, SpikeTraceRule{}, c.neuron.g_exc_bar, dt, c.input_weight),
        {rule(0), rule(1), rule(2), rule(3)},
        PoissonPopulation(c.inputs, c.input_rate_hz, dt, d.input_stream),
        {},
        Eigen::VectorXd::Constant(static_cast<Eigen::Index>(c.inputs), c.input_rate_hz),
        std::vector<Scalar>(c.exc, 0),
        std::vector<Scalar>(c.exc, 0),
        std::vector<Scalar>(c.inh, 0),
        std::vector<Scalar>(c.inh, 0),
        {},
        {},
    };
  }

  void hash(std::size_t population, index neuron) noexcept {
    for (const std::uint64_t part : {static_cast<std::uint64_t>(state_.step), static_cast<std::uint64_t>(population),
                                     static_cast<std::uint64_t>(neuron)}) {
      state_.spike_hash ^= part;
      state_.spike_hash *= 0x100000001b3ULL;
    }
  }

  void collect(const Group& group, const Mask* mask, std::size_t n_neurons, std::vector<index>& spikes) const {
    spikes.clear();
    for (std::size_t b = 0; b < group.blocks(); ++b)
      if (lanes::any(mask[b]))
        for (std::size_t j = 0; j < width; ++j)
          if (lanes::mask_lane(mask[b], j) && b * width + j < n_neurons) spikes.push_back(static_cast<index>(b * width + j));
  }

  // One step, in the order of RecurrentNetwork::run_one.
  void step_once(Eigen::VectorXd& counts) {
    using State = typename Model::state_type;
    state_type& s = state_;
    const std::size_t n = s.step;
    auto deliver = [&](std::span<const index> from_input) {
      s.input_e.on_pre(from_input, n, s.e_exc);
      s.input_i.on_pre(from_input, n, s.i_exc);
    };
    deliver(s.background.step());
    for (Excess& e : s.excess) {  // extra spikes of the stimulated inputs, mapped to input indices
      const std::span<const PoissonPopulation::index_type> local = e.population.step();
      if (local.empty()) continue;
      scratch_.clear();
      for (const auto i : local) scratch_.push_back(e.members[i]);
      deliver(scratch_);
    }
    s.recurrent[0].on_pre(s.e_previous, n, s.e_exc);
    s.recurrent[1].on_pre(s.e_previous, n, s.i_exc);
    s.recurrent[2].on_pre(s.i_previous, n, s.e_inh);
    s.recurrent[3].on_pre(s.i_previous, n, s.i_inh);
    if (e_mask_.size() < s.exc.blocks()) e_mask_.resize(s.exc.blocks());
    if (i_mask_.size() < s.inh.blocks()) i_mask_.resize(s.inh.blocks());
    if (absorb_and_step(s.exc, std::span<Scalar>(s.e_exc), &State::g_exc, std::span<Scalar>(s.e_inh), &State::g_inh,
                        e_mask_.data()))
      collect(s.exc, e_mask_.data(), config_.exc, e_spikes_);
    else
      e_spikes_.clear();
    if (absorb_and_step(s.inh, std::span<Scalar>(s.i_exc), &State::g_exc, std::span<Scalar>(s.i_inh), &State::g_inh,
                        i_mask_.data()))
      collect(s.inh, i_mask_.data(), config_.inh, i_spikes_);
    else
      i_spikes_.clear();
    s.recurrent[0].on_post(e_spikes_, n);
    s.recurrent[2].on_post(e_spikes_, n);
    s.recurrent[1].on_post(i_spikes_, n);
    s.recurrent[3].on_post(i_spikes_, n);
    for (Synapses& g : s.recurrent) g.decay();

    for (const index i : e_spikes_) {
      counts[static_cast<Eigen::Index>(i)] += 1.0;
      hash(0, i);
    }
    for (const index i : i_spikes_) hash(1, i);
    const double dt = config_.neuron.dt;
    const double instantaneous = static_cast<double>(e_spikes_.size()) / (static_cast<double>(config_.exc) * dt);
    s.filtered_rate += dt / config_.rate_tau * (instantaneous - s.filtered_rate);
    if (!(s.filtered_rate < config_.max_rate_hz)) s.diverged = true;
    std::swap(e_spikes_, s.e_previous);
    std::swap(i_spikes_, s.i_previous);
    ++s.step;
  }

  config_type config_;
  std::uint64_t seed_, dataset_, candidate_;
  state_type state_;
  // Scratch of one step (not state: overwritten before being read).
  std::vector<Mask> e_mask_, i_mask_;
  std::vector<index> e_spikes_, i_spikes_, scratch_;
  // Per E neuron over the last run() call: last spike (steps, -1 none), ISIs, their sum and sum of squares (s).
  std::vector<double> isi_last_, isi_count_, isi_sum_, isi_sum2_;
};

using SpikingNetwork = BasicSpikingNetwork<>;
static_assert(check_probeable_network<SpikingNetwork>());

}  // namespace metahebb::familiarity
