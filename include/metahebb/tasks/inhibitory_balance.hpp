#pragma once
/// §3.3 task: a spiking neuron with tuned, fixed excitation and plastic inhibition learns
/// with a candidate event rule; which rate does it settle at? (Confavreux et al. 2020, §3.3)
///
///   InhibitoryBalance<Neuron = ConductanceLif, Rule = SpikeTraceRule, Scalar = float, Lanes>
///
/// is a composition of the simulation layer (include/metahebb/simulation/): a NeuronGroup
/// of the `Neuron` model, FixedSynapses for the excitatory afferents, PlasticSynapses
/// learning with `Rule` for the inhibitory ones, LaneRates and LaneSpikes monitors, all
/// driven by the Vogels input shared by every candidate. Any SpikingNeuronModel and any
/// EventRule plug in without touching this file (tests/neurons/adaptive_exponential_if_test.cpp,
/// tests/rules/triplet_test.cpp).
///
/// Protocol per dataset: `training_time` (60 s) of learning, then the postsynaptic rate r̄
/// is counted in a 10 s window placed at random (shared by all candidates) inside the
/// `scoring_time` (30 s) scoring phase; plasticity stays on while scoring. Nothing after
/// the window is observed, so the simulation stops at its end.
///
/// One step n (dt):
///   1. excitatory spikes of step n add ḡ_E Σ w_k^E to g_E (excitatory weights are fixed);
///   2. for each inhibitory spike of afferent k: g_I += ḡ_I w_k, then the rule's on_pre
///      (spike-trace rule: w_k += η(α + κ x_post), clipped to [0, w_max]; x_pre,k += 1);
///   3. the neuron model's step (membrane, threshold, reset, conductance decay);
///   4. on a postsynaptic spike: the rule's on_post for every afferent (spike-trace rule:
///      w_k += η(β + γ x_pre,k), clipped), then post_spiked (x_post += 1);
///   5. the rule's postsynaptic trace decay.
///
/// Two paths give the same spikes, bit for bit: `simulate_scalar` runs one candidate at a
/// time in plain Scalar arithmetic (the reference); `simulate` runs `Lanes` candidates
/// together in xsimd batches on the one shared input (the fast path).
///
/// Divergence: weights are clipped, so a rule cannot produce NaN; what it can do is
/// silence inhibition and let the rate explode. Once `explosion_grace` has passed, a mean
/// rate ≥ `max_rate` over `explosion_window` 1 s bins stops that candidate: it is marked
/// exploded at that step and the loss gives it a finite penalty (losses/target_rate.hpp).
/// θ that cannot be simulated (non-finite, τ ≤ 0) is exploded at step 0.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "../core/concepts/task.hpp"
#include "../core/errors.hpp"
#include "../core/lanes.hpp"
#include "../core/random.hpp"
#include "../inputs/vogels_input.hpp"
#include "../neurons/conductance_lif.hpp"
#include "../observations/spiking_rate.hpp"
#include "../rules/spike_trace.hpp"
#include "../simulation/lane_block.hpp"
#include "../simulation/monitors.hpp"
#include "../simulation/neuron_group.hpp"
#include "../simulation/synapse_group.hpp"

namespace metahebb {

/// Settings of the task for a neuron model whose parameters are `NeuronParameters` and an
/// event rule `Rule` (its settings: for the spike-trace rule η and w_max).
template <class NeuronParameters = ConductanceLifParameters, class Rule = SpikeTraceRule>
struct BasicInhibitoryBalanceConfig {
  NeuronParameters neuron{};
  VogelsInputConfig input{};
  Rule rule{};                   ///< the plasticity rule's settings (not θ)
  double w_inh_initial = 0.1;    ///< initial inhibitory weight (units of ḡ_I)
  /// Half-width of random initial inhibitory weights: with spread > 0 each afferent starts at
  /// w_inh_initial + U(−spread, spread), drawn per dataset (`Purpose::initial_weights`, after
  /// the excitatory weights) and shared by all candidates — the paper's "plastic and initially
  /// random" (§3.3). 0 (default): all start at w_inh_initial.
  double w_inh_initial_spread = 0.0;
  double training_time = 60.0;   ///< s
  double scoring_time = 30.0;    ///< s
  double window = 10.0;          ///< scoring window (s), placed at random inside the scoring phase
  std::size_t datasets = 8;      ///< N_dataset input realisations per candidate
  bool fresh_datasets = true;    ///< new realisations every generation (false: the same ones all run)
  double max_rate = 50.0;        ///< Hz; a mean rate over `explosion_window` at or above it counts as explosion
  double explosion_window = 5.0; ///< s; 1 s bins fluctuate (input bumps), so the check averages this many seconds
  double explosion_grace = 10.0; ///< s of training before explosions are checked (the start is fast)

  void validate() const {
    neuron.validate();
    input.validate();
    rule.validate();
    require_non_negative("w_inh_initial", w_inh_initial);
    if constexpr (requires { rule.w_max; })
      require(w_inh_initial <= rule.w_max, "w_inh_initial", w_inh_initial, "must be <= rule.w_max");
    require_non_negative("w_inh_initial_spread", w_inh_initial_spread);
    require(w_inh_initial_spread <= w_inh_initial, "w_inh_initial_spread", w_inh_initial_spread,
            "must be <= w_inh_initial (weights start non-negative)");
    if constexpr (requires { rule.w_max; })
      require(w_inh_initial + w_inh_initial_spread <= rule.w_max, "w_inh_initial_spread", w_inh_initial_spread,
              "must be <= rule.w_max - w_inh_initial");
    require_non_negative("training_time", training_time);
    require_positive("window", window);
    require_positive("scoring_time", scoring_time);
    require(window <= scoring_time, "window", window, "must be <= scoring_time");
    require(training_time + scoring_time <= 1e5, "training_time + scoring_time", training_time + scoring_time,
            "must be <= 1e5 s");
    // Steps are counted in 32-bit spike lists and the input holds two offsets per step.
    require((training_time + scoring_time) / neuron.dt <= 1e9, "(training_time + scoring_time) / neuron.dt",
            (training_time + scoring_time) / neuron.dt, "must be <= 1e9 steps");
    require(window >= 1.0, "window", window, "must be >= 1 s (rates are counted in 1 s bins)");
    require_count("datasets", static_cast<long long>(datasets), 1, 1000000);
    require_positive("max_rate", max_rate);
    require_non_negative("explosion_grace", explosion_grace);
    require(explosion_window >= 1.0 && explosion_window <= 1e5, "explosion_window", explosion_window,
            "must be in [1, 1e5] s");
  }

  std::size_t steps_per_second() const { return static_cast<std::size_t>(std::lround(1.0 / neuron.dt)); }
  std::size_t training_steps() const { return static_cast<std::size_t>(std::lround(training_time / neuron.dt)); }
  std::size_t scoring_steps() const { return static_cast<std::size_t>(std::lround(scoring_time / neuron.dt)); }
  std::size_t window_steps() const { return static_cast<std::size_t>(std::lround(window / neuron.dt)); }
  std::size_t protocol_steps() const { return training_steps() + scoring_steps(); }
};

using InhibitoryBalanceConfig = BasicInhibitoryBalanceConfig<>;

/// One dataset: the shared input and the excitatory weights.
struct InhibitoryBalanceDataset {
  InputSpikes spikes;
  std::vector<double> w_exc;
  std::vector<double> w_inh;     ///< initial inhibitory weights; empty: all w_inh_initial
  std::size_t window_begin = 0;  ///< first step of the scoring window
  std::size_t window_end = 0;    ///< one past its last step
};

template <template <class> class Neuron = ConductanceLif, class Rule = SpikeTraceRule, class Scalar = float,
          std::size_t Lanes = (sizeof(Scalar) == 4 ? 16 : 8)>
class InhibitoryBalance {
 public:
  using observation = SpikingRateObservation;
  using config_type = BasicInhibitoryBalanceConfig<typename Neuron<Scalar>::parameters_type, Rule>;
  using rule_type = Rule;
  using batch = lanes::batch_for_t<Scalar, Lanes>;
  static constexpr std::size_t lanes = Lanes;

  explicit InhibitoryBalance(config_type config = {}) : config_(std::move(config)) { config_.validate(); }

  const config_type& config() const noexcept { return config_; }
  const Rule& rule() const noexcept { return config_.rule; }
  std::size_t num_parameters() const noexcept { return Rule::num_coefficients; }
  std::size_t num_datasets() const noexcept { return config_.datasets; }
  std::vector<std::string> parameter_names() const { return config_.rule.term_names(); }

  /// Bounds for a search with the spike-trace rule: τ_pre, τ_post in [tau_min, tau_max]
  /// always (τ > 0); with `sign_constraints`, α ≤ 0 and β ≥ 0 as in the paper (a stable rate
  /// fixed point). Returned as (lower, upper); the other coefficients are unbounded.
  static std::pair<Eigen::VectorXd, Eigen::VectorXd> parameter_bounds(bool sign_constraints, double tau_min = 1e-3,
                                                                      double tau_max = 1.0)
    requires std::same_as<Rule, SpikeTraceRule>
  {
    require_positive("tau_min", tau_min);
    require(tau_max > tau_min, "tau_max", tau_max, "must be > tau_min");
    const double inf = std::numeric_limits<double>::infinity();
    Eigen::VectorXd lower = Eigen::VectorXd::Constant(6, -inf), upper = Eigen::VectorXd::Constant(6, inf);
    lower[SpikeTraceBasis::tau_pre] = lower[SpikeTraceBasis::tau_post] = tau_min;
    upper[SpikeTraceBasis::tau_pre] = upper[SpikeTraceBasis::tau_post] = tau_max;
    if (sign_constraints) upper[SpikeTraceBasis::alpha] = 0.0, lower[SpikeTraceBasis::beta] = 0.0;
    return {lower, upper};
  }

  /// The dataset a context names: generated from (seed, generation, dataset) alone.
  InhibitoryBalanceDataset dataset(const EvaluationContext& ctx) const {
    const std::uint64_t generation = config_.fresh_datasets ? ctx.generation : 0;
    InhibitoryBalanceDataset d;
    RandomStream scoring(ctx.seed, Purpose::scoring, generation, 0, ctx.dataset);
    const std::size_t slack = config_.scoring_steps() - config_.window_steps();
    d.window_begin = config_.training_steps() +
                     std::min(slack, static_cast<std::size_t>(scoring.uniform() * static_cast<double>(slack + 1)));
    d.window_end = d.window_begin + config_.window_steps();
    RandomStream input(ctx.seed, Purpose::dataset, generation, 0, ctx.dataset);
    d.spikes = generate_vogels_input(config_.input, d.window_end, config_.neuron.dt, input);
    RandomStream weights(ctx.seed, Purpose::initial_weights, generation, 0, ctx.dataset);
    d.w_exc = vogels_excitatory_weights(config_.input, weights);
    if (config_.w_inh_initial_spread > 0.0) {
      d.w_inh.resize(config_.input.num_inh());
      for (double& w : d.w_inh)
        w = config_.w_inh_initial + config_.w_inh_initial_spread * (2.0 * weights.uniform() - 1.0);
    }
    return d;
  }

  /// Measured mean rate of the inhibitory afferents in dataset `d` (Hz): their spikes over
  /// the simulated input divided by (afferents × duration). This ν_pre, not the 5 Hz
  /// baseline, enters the mean-field lines of Eqs. 17/18 (≈ 21 Hz with the default input).
  double presynaptic_rate_hz(const InhibitoryBalanceDataset& d) const {
    const double seconds = static_cast<double>(d.spikes.steps) * d.spikes.dt;
    require(seconds > 0.0, "dataset.spikes.steps", d.spikes.steps, "must be > 0");
    return static_cast<double>(d.spikes.inh_spikes()) / (static_cast<double>(config_.input.num_inh()) * seconds);
  }

  /// Population path: candidates in groups of `Lanes`, one per SIMD lane, on one shared input.
  std::vector<observation> simulate(const Eigen::MatrixXd& thetas, const EvaluationContext& ctx) const {
    return simulate(thetas, dataset(ctx));
  }
  std::vector<observation> simulate(const Eigen::MatrixXd& thetas, const InhibitoryBalanceDataset& d) const {
    check_thetas(thetas);
    std::vector<observation> out(static_cast<std::size_t>(thetas.cols()));
    for (Eigen::Index first = 0; first < thetas.cols(); first += static_cast<Eigen::Index>(Lanes))
      run_block<batch, Lanes / lanes::size_v<batch>>(thetas, first, d, out);
    return out;
  }

  /// Reference path: one candidate at a time, plain Scalar arithmetic.
  std::vector<observation> simulate_scalar(const Eigen::MatrixXd& thetas, const EvaluationContext& ctx) const {
    return simulate_scalar(thetas, dataset(ctx));
  }
  std::vector<observation> simulate_scalar(const Eigen::MatrixXd& thetas, const InhibitoryBalanceDataset& d) const {
    check_thetas(thetas);
    std::vector<observation> out(static_cast<std::size_t>(thetas.cols()));
    for (Eigen::Index c = 0; c < thetas.cols(); ++c) run_block<Scalar, 1>(thetas, c, d, out);
    return out;
  }

  /// Scalar path with an observer called after every step as
  /// observer(step, v, g_exc, g_inh, const Scalar* w_inh) — for plots (Fig. 3C), not for speed.
  template <class Observer>
  observation simulate_observed(const Eigen::VectorXd& theta, const InhibitoryBalanceDataset& d,
                                Observer&& observer) const {
    Eigen::MatrixXd thetas = theta;
    check_thetas(thetas);
    std::vector<observation> out(1);
    run_block<Scalar, 1>(thetas, 0, d, out, &observer);
    return out[0];
  }

 private:
  struct no_observer {
    void operator()(std::size_t, Scalar, Scalar, Scalar, const Scalar*) const noexcept {}
  };

  void check_thetas(const Eigen::MatrixXd& thetas) const {
    require(static_cast<std::size_t>(thetas.rows()) == num_parameters(), "thetas.rows()", thetas.rows(),
            "must equal the number of rule coefficients (" + std::to_string(num_parameters()) + ")");
  }

  // Simulates candidates first … first + Blocks·width − 1 (missing ones are inert padding)
  // in `Blocks` values of T; T = Scalar with one block is the reference path.
  template <class T, std::size_t Blocks, class Observer = no_observer>
  void run_block(const Eigen::MatrixXd& thetas, Eigen::Index first, const InhibitoryBalanceDataset& d,
                 std::vector<observation>& out, Observer* observer = nullptr) const {
    constexpr std::size_t width = lanes::size_v<T>;
    using Model = Neuron<T>;
    using state = typename Model::state_type;
    const auto& c = config_;
    const std::size_t n_inh = c.input.num_inh();

    constexpr std::size_t blocks = Blocks;
    const LaneBlock<Rule, T, Blocks> block = pack_lanes<T, Blocks>(c.rule, thetas, first, c.neuron.dt);
    NeuronGroup<Model, Blocks> neuron{Model(c.neuron)};
    const FixedSynapses<Scalar> excitatory(d.w_exc, c.neuron.g_exc_bar);
    PlasticSynapses<Rule, T, Blocks> inhibitory(block.kernels, n_inh, c.w_inh_initial, c.neuron.g_inh_bar, c.neuron.dt);
    require(d.w_inh.empty() || d.w_inh.size() == n_inh, "dataset.w_inh.size()", d.w_inh.size(),
            "must be 0 or the number of inhibitory afferents (" + std::to_string(n_inh) + ")");
    for (std::size_t k = 0; k < d.w_inh.size(); ++k) inhibitory.set_weight(k, d.w_inh[k]);
    const std::size_t L = blocks * width;
    std::vector<char> not_simulable(L);
    for (std::size_t l = 0; l < L; ++l) not_simulable[l] = !block.simulable[l];
    LaneRates<T, Blocks> rates(c.steps_per_second(), c.neuron.dt, d.window_begin,
                       {c.max_rate, static_cast<std::size_t>(std::lround(c.explosion_window)),
                        static_cast<std::size_t>(std::lround(c.explosion_grace / c.neuron.dt))},
                       not_simulable);
    LaneSpikes<T, Blocks> spikes;

    std::vector<std::vector<float>> w_final(L);
    auto keep_weights = [&](std::size_t l) {
      w_final[l].resize(n_inh);
      for (std::size_t k = 0; k < n_inh; ++k)
        w_final[l][k] = static_cast<float>(lanes::lane(inhibitory.weight(k, l / width), l % width));
    };
    auto running = [&](std::size_t l) { return !rates.stopped(l); };
    auto finite = [&](std::size_t l) { return std::isfinite(lanes::lane(neuron[l / width].v, l % width)); };

    typename Model::mask spiked[Blocks];
    const auto& in = d.spikes;
    for (std::size_t n = 0; n < d.window_end; ++n) {
      excitatory.deliver(&in.exc_index[in.exc_offset[n]], &in.exc_index[in.exc_offset[n + 1]], neuron.states(),
                         &state::g_exc);
      for (std::uint32_t s = in.inh_offset[n]; s < in.inh_offset[n + 1]; ++s)
        inhibitory.on_pre(in.inh_index[s], n, neuron.states(), &state::g_inh);
      if (neuron.step(spiked)) {
        inhibitory.on_post(n, spiked);
        for (std::size_t i = 0; i < blocks; ++i) {
          if (!lanes::any(spiked[i])) continue;
          spikes.record(i, n, spiked[i], running);
          rates.record(i, n, spiked[i]);
        }
      }
      inhibitory.decay();
      if constexpr (!std::is_same_v<Observer, no_observer>) {
        if constexpr (std::is_floating_point_v<T>)
          if (observer)
            (*observer)(n, neuron[0].v, neuron[0].g_exc, neuron[0].g_inh,
                        reinterpret_cast<const Scalar*>(inhibitory.weights().data()));
      }
      if (rates.end_of_step(n, finite, keep_weights)) break;
    }

    for (std::size_t l = 0; l < L; ++l) {
      if (!block.active[l]) continue;
      auto& o = out[static_cast<std::size_t>(first) + l];
      o.steps = c.protocol_steps();
      o.max_rate_hz = c.max_rate;
      o.exploded = !block.simulable[l] || rates.stopped_at(l) != 0;
      o.stopped_at_step = block.simulable[l] ? rates.stopped_at(l) : 0;
      o.rate_per_second = std::move(rates.rates(l));
      o.spike_steps = std::move(spikes.spikes(l));
      if (block.simulable[l] && rates.stopped_at(l) == 0) keep_weights(l);
      o.w_inh_final = std::move(w_final[l]);  // empty if θ was not simulable
      if (!o.exploded) {
        o.window_spikes = rates.window_spikes(l);
        o.rate_hz = static_cast<double>(o.window_spikes) / (static_cast<double>(d.window_end - d.window_begin) *
                                                            c.neuron.dt);
      }
    }
  }

  config_type config_;
};

/// The paper's §3.3 task: conductance-based LIF neuron, spike-trace rule.
template <class Scalar = float, std::size_t Lanes = (sizeof(Scalar) == 4 ? 16 : 8)>
using BasicInhibitoryBalanceTask = InhibitoryBalance<ConductanceLif, SpikeTraceRule, Scalar, Lanes>;
using InhibitoryBalanceTask = BasicInhibitoryBalanceTask<float>;
using InhibitoryBalanceTaskDouble = BasicInhibitoryBalanceTask<double>;

static_assert(check_task<InhibitoryBalanceTask>());
static_assert(check_task<InhibitoryBalanceTaskDouble>());

}  // namespace metahebb
