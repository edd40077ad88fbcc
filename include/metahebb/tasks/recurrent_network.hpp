#pragma once
/// Recurrent E/I spiking network with four plastic synapse types, the substrate of the later
/// papers (filter SBI 2023; "memory by accident" 2025; the successor of Confavreux et al. 2020).
///
///   N_E excitatory and N_I inhibitory conductance-based neurons (`Neuron`), recurrently
///   connected at random with probability p (E→E, E→I, I→E, I→I, no autapses), driven by
///   N_in Poisson inputs (rate ρ_in) connected with probability p_in and weight w_in to both
///   populations. Every recurrent connection type learns with its own spike-trace rule
///   (rules/spike_trace.hpp), η and w_max shared: θ = 4 × (α, β, γ, κ, τ_pre, τ_post), 24
///   entries named "EE: alpha" … "II: tau_post", where "EI" is E → I (pre → post, as Auryn's
///   con_ei). (fSBI orders each rule [τ_pre, τ_post, α, β, γ, κ]; we keep SpikeTraceRule's.)
///
/// One step n (dt), as a composition of the simulation layer:
///   1. the inputs' spikes of step n and the recurrent spikes of step n − 1 (one step of axonal
///      delay) are delivered by SparseSynapses into per-neuron conductance buffers, each group
///      running its rule's on_pre;
///   2. the buffers are absorbed into the two NeuronGroups (neurons in SIMD lanes), which step;
///   3. every group onto a population that spiked runs its rule's on_post, then all decay.
/// Protocol: `training_time` then `scoring_time`, plasticity on throughout. A rate checker
/// filters the excitatory population rate with τ = `rate_tau` (1 s) and stops the run when it
/// exceeds `max_rate_hz` (100 Hz); the observation is then exploded at that step and the
/// loss gives the finite, earlier-is-worse penalty of losses/divergence_penalty.hpp. θ the rule
/// cannot simulate (τ ≤ 0, non-finite) is exploded at step 0.
///
/// Rule families (tasks/recurrent_rule_families.hpp). The third template parameter chooses which
/// types learn and with which event rule: PolynomialFamily (the default, above) or MlpFamily —
/// the MLP rule of filter SBI (rules/mlp_spike.hpp) on E→E and I→E, E→I and I→I static, 22 θ
/// named "EE: eta", "EE: pre head 0" … "IE: post bias", rate bound 50 Hz, with CodependentAif
/// neurons (`MlpRecurrentNetworkTask`). A family whose rule reads the postsynaptic neuron
/// (kernel::post_factors) gets, with every spike, the factors each population's neurons had
/// after their latest step (copied out by the neuron model's store_factors).
///
/// Candidates are independent networks: `candidate_block()` = 1 lets evaluate() run them in
/// parallel (one work item per candidate and dataset). A dataset — the connectivity, the
/// initial weights and the input spikes — is a function of (seed, generation, dataset) alone
/// and shared by every candidate (common random numbers). `simulate` vectorises every
/// network over neurons (xsimd batches); `simulate_scalar` is the same network one neuron per
/// value, and gives the same spikes bit for bit.
///
/// Sizes are configuration. `reference()` is the papers' size (4096 E, 1024 I, p = 0.1, 5000
/// inputs at p = 0.05); the default is scaled down to 1024 E and 256 I with p = 0.4, which keeps
/// every mean in-degree of the reference (0.4 · 1024 = 0.1 · 4096 = 410 E→E; 102 from I; 250
/// inputs), so the mean and variance of each neuron's input are unchanged, and runs in seconds.

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "../core/concepts/task.hpp"
#include "../core/errors.hpp"
#include "../core/lanes.hpp"
#include "../core/random.hpp"
#include "../inputs/poisson.hpp"
#include "../neurons/codependent_aif.hpp"
#include "../neurons/conductance_if_nmda.hpp"
#include "../observations/network_metrics.hpp"
#include "../observations/recurrent.hpp"
#include "../rules/spike_trace.hpp"
#include "../simulation/connectivity.hpp"
#include "../simulation/neuron_group.hpp"
#include "../simulation/sparse_synapses.hpp"
#include "recurrent_rule_families.hpp"

namespace metahebb {

/// Names of the four recurrent synapse types, in θ order: pre → post.
inline constexpr std::array<const char*, 4> recurrent_synapse_types{"EE", "EI", "IE", "II"};

template <class NeuronParameters = AmpaNmdaGabaIfParameters, class Family = PolynomialFamily>
struct BasicRecurrentNetworkConfig {
  using family_type = Family;
  using rule_type = typename Family::rule_type;
  NeuronParameters neuron = recurrent_neuron_defaults();
  std::size_t exc = 1024;         ///< N_E
  std::size_t inh = 256;          ///< N_I
  double p = 0.4;                 ///< recurrent connection probability (every type)
  std::size_t inputs = 5000;      ///< N_in Poisson inputs
  double input_p = 0.05;          ///< input connection probability (onto E and onto I)
  double input_weight = 0.075;    ///< w_in (units of the leak conductance)
  double input_rate_hz = 10.0;    ///< ρ_in
  std::array<double, 4> w_initial{0.1, 0.1, 1.0, 1.0};  ///< initial w of EE, EI, IE, II (fSBI)
  rule_type rule = Family::default_rule();  ///< settings of the plastic types' rule (η 0.01 and w_max 20 for the polynomial family, fSBI)
  double training_time = 60.0;    ///< s, plasticity on
  double scoring_time = 10.0;     ///< s, plasticity on, observed
  double max_rate_hz = Family::default_max_rate_hz;  ///< the rate checker's bound on the filtered E rate (100 Hz; MLP 50 Hz)
  double rate_tau = 1.0;          ///< s, the rate checker's filter
  double target_rate_hz = 10.0;   ///< r* of the stability loss
  double rate_offset_hz = 0.1;    ///< c of the stability loss (r − r*)² / (r + c)
  NetworkMetricsSettings metrics{};  ///< bins and windows of the metrics (w_max is set from rule.w_max)
  std::size_t datasets = 1;       ///< network and input realisations per candidate
  bool fresh_datasets = true;     ///< new realisations every generation

  /// Neuron parameters of the recurrent networks: conductance jumps are w itself (ḡ = 1, w in
  /// units of the leak conductance, as Auryn's weights); the rest is the model's defaults
  /// (AmpaNmdaGabaIf: Auryn's IFGroup with fSBI's τ_AMPA 5 ms, τ_GABA 10 ms, τ_NMDA 100 ms, 0.3).
  static NeuronParameters recurrent_neuron_defaults() {
    NeuronParameters n{};
    n.g_exc_bar = 1.0;
    n.g_inh_bar = 1.0;
    return n;
  }
  /// The papers' size: 4096 E, 1024 I, p = 0.1, 5000 inputs at p = 0.05.
  static BasicRecurrentNetworkConfig reference() {
    BasicRecurrentNetworkConfig c;
    c.exc = 4096;
    c.inh = 1024;
    c.p = 0.1;
    return c;
  }

  void validate() const {
    neuron.validate();
    rule.validate();
    require_count("exc", static_cast<long long>(exc), 1, 1LL << 26);
    require_count("inh", static_cast<long long>(inh), 1, 1LL << 26);
    require_count("inputs", static_cast<long long>(inputs), 1, 1LL << 26);
    require(std::isfinite(p) && p >= 0.0 && p <= 1.0, "p", p, "must be in [0, 1]");
    require(std::isfinite(input_p) && input_p >= 0.0 && input_p <= 1.0, "input_p", input_p, "must be in [0, 1]");
    require_non_negative("input_weight", input_weight);
    require_non_negative("input_rate_hz", input_rate_hz);
    for (std::size_t t = 0; t < 4; ++t) {
      const std::string field = std::string("w_initial[") + recurrent_synapse_types[t] + "]";
      require(std::isfinite(w_initial[t]) && w_initial[t] >= 0.0 && w_initial[t] <= rule.w_max, field, w_initial[t],
              "must be in [0, rule.w_max]");
    }
    require_non_negative("training_time", training_time);
    require_positive("scoring_time", scoring_time);
    require((training_time + scoring_time) / neuron.dt <= 4e9, "(training_time + scoring_time) / neuron.dt",
            (training_time + scoring_time) / neuron.dt, "must be <= 4e9 steps");
    require_positive("max_rate_hz", max_rate_hz);
    require_positive("rate_tau", rate_tau);
    require_non_negative("target_rate_hz", target_rate_hz);
    require_positive("rate_offset_hz", rate_offset_hz);
    require_count("datasets", static_cast<long long>(datasets), 1, 1000000);
    metrics.validate();
    // Expected synapses, refused before anything is drawn (SparseConnectivity checks the drawn ones).
    const double synapses = p * static_cast<double>((exc + inh) * (exc + inh)) +
                            input_p * static_cast<double>(inputs * (exc + inh));
    require(synapses <= 2e9, "expected synapses", synapses, "must be <= 2e9");
  }

  std::size_t training_steps() const { return static_cast<std::size_t>(std::lround(training_time / neuron.dt)); }
  std::size_t scoring_steps() const { return static_cast<std::size_t>(std::lround(scoring_time / neuron.dt)); }
  std::size_t steps() const { return training_steps() + scoring_steps(); }
};

using RecurrentNetworkConfig = BasicRecurrentNetworkConfig<>;

/// A dataset: the six connectivities (input → E, input → I, EE, EI, IE, II) and the seed of
/// the input spikes. Shared (immutable) by every candidate's network.
struct RecurrentNetworkDataset {
  std::shared_ptr<const SparseConnectivity> input_e, input_i;
  std::array<std::shared_ptr<const SparseConnectivity>, 4> recurrent;  // EE, EI, IE, II
  RandomStream input_stream;
};

template <template <class> class Neuron = AmpaNmdaGabaIf, class Scalar = float, class Family = PolynomialFamily>
class RecurrentNetwork {
 public:
  using observation = RecurrentObservation;
  using family_type = Family;
  using rule_type = typename Family::rule_type;
  using config_type = BasicRecurrentNetworkConfig<typename Neuron<Scalar>::parameters_type, Family>;
  using batch = xsimd::batch<Scalar>;
  static constexpr std::size_t rule_size = rule_type::num_coefficients;
  /// Number of plastic synapse types (4 polynomial, 2 MLP).
  static constexpr std::size_t plastic_types = [] {
    std::size_t n = 0;
    for (const bool p : Family::plastic) n += p ? 1 : 0;
    return n;
  }();
  /// Whether the rule reads the postsynaptic neuron's factors (MlpSpikeRule).
  static constexpr bool reads_factors = ReadsPostFactors<typename rule_type::template kernel<Scalar>>;

  explicit RecurrentNetwork(config_type config = {}) : config_(std::move(config)) { config_.validate(); }

  const config_type& config() const noexcept { return config_; }
  std::size_t num_parameters() const noexcept { return plastic_types * rule_size; }
  std::size_t num_datasets() const noexcept { return config_.datasets; }
  /// One network per candidate: evaluate() runs candidates in parallel.
  std::size_t candidate_block() const noexcept { return 1; }
  std::vector<std::string> parameter_names() const {
    std::vector<std::string> names;
    const auto terms = config_.rule.term_names();
    for (std::size_t t = 0; t < 4; ++t)
      if (Family::plastic[t])
        for (const auto& term : terms) names.push_back(std::string(recurrent_synapse_types[t]) + ": " + term);
    return names;
  }
  /// The synapse types that learn, in θ order (e.g. "EE", "IE" for the MLP family).
  static std::vector<std::string> plastic_type_names() {
    std::vector<std::string> out;
    for (std::size_t t = 0; t < 4; ++t)
      if (Family::plastic[t]) out.push_back(recurrent_synapse_types[t]);
    return out;
  }

  /// θ of a quartet from one rule per type (EE, EI, IE, II).
  static Eigen::VectorXd quartet(const Eigen::VectorXd& ee, const Eigen::VectorXd& ei, const Eigen::VectorXd& ie,
                                 const Eigen::VectorXd& ii)
    requires(plastic_types == 4)
  {
    Eigen::VectorXd theta(4 * static_cast<Eigen::Index>(rule_size));
    theta << ee, ei, ie, ii;
    return theta;
  }
  /// Static weights: every rule does nothing.
  Eigen::VectorXd static_rules() const {
    Eigen::VectorXd theta(static_cast<Eigen::Index>(num_parameters()));
    for (std::size_t k = 0; k < plastic_types; ++k)
      theta.segment(static_cast<Eigen::Index>(k * rule_size), static_cast<Eigen::Index>(rule_size)) =
          config_.rule.inert_theta();
    return theta;
  }
  /// Vogels et al. 2011 iSTDP on the inhibitory synapses onto E (I→E, target ρ0), the others static.
  Eigen::VectorXd vogels(double rho0 = 10.0, double tau = 0.02) const
    requires std::is_same_v<rule_type, SpikeTraceRule> && (plastic_types == 4)
  {
    const Eigen::VectorXd none = config_.rule.inert_theta();
    return quartet(none, none, rules::vogels2011(rho0, tau), none);
  }

  /// The dataset a context names: from (seed, generation, dataset) alone.
  RecurrentNetworkDataset dataset(const EvaluationContext& ctx) const {
    const std::uint64_t generation = config_.fresh_datasets ? ctx.generation : 0;
    RandomStream wiring(ctx.seed, Purpose::initial_weights, generation, 0, ctx.dataset);
    const auto& c = config_;
    RecurrentNetworkDataset d{
        std::make_shared<const SparseConnectivity>(SparseConnectivity::random(c.inputs, c.exc, c.input_p, wiring)),
        std::make_shared<const SparseConnectivity>(SparseConnectivity::random(c.inputs, c.inh, c.input_p, wiring)),
        {},
        RandomStream(ctx.seed, Purpose::dataset, generation, 0, ctx.dataset)};
    const std::array<std::pair<std::size_t, std::size_t>, 4> sizes{
        {{c.exc, c.exc}, {c.exc, c.inh}, {c.inh, c.exc}, {c.inh, c.inh}}};
    for (std::size_t t = 0; t < 4; ++t) {
      const bool same = t == 0 || t == 3;  // E→E and I→I: no autapses
      d.recurrent[t] = std::make_shared<const SparseConnectivity>(
          SparseConnectivity::random(sizes[t].first, sizes[t].second, c.p, wiring, !same));
    }
    return d;
  }

  /// Every candidate on the dataset `ctx` names, neurons in SIMD lanes.
  std::vector<observation> simulate(const Eigen::MatrixXd& thetas, const EvaluationContext& ctx) const {
    return run<batch>(thetas, dataset(ctx));
  }
  std::vector<observation> simulate(const Eigen::MatrixXd& thetas, const RecurrentNetworkDataset& d) const {
    return run<batch>(thetas, d);
  }
  /// The same networks one neuron per Scalar (the reference: the same spikes bit for bit).
  std::vector<observation> simulate_scalar(const Eigen::MatrixXd& thetas, const RecurrentNetworkDataset& d) const {
    return run<Scalar>(thetas, d);
  }

 private:
  template <class T>
  std::vector<observation> run(const Eigen::MatrixXd& thetas, const RecurrentNetworkDataset& d) const {
    require(static_cast<std::size_t>(thetas.rows()) == num_parameters(), "thetas.rows()", thetas.rows(),
            "must equal the number of rule coefficients (" + std::to_string(num_parameters()) + ": " +
                std::to_string(plastic_types) + " plastic types x " + std::to_string(rule_size) + ")");
    std::vector<observation> out(static_cast<std::size_t>(thetas.cols()));
    for (Eigen::Index c = 0; c < thetas.cols(); ++c)
      out[static_cast<std::size_t>(c)] = run_one<T>(thetas.col(c), d);
    return out;
  }

  template <class T>
  observation run_one(const Eigen::VectorXd& theta, const RecurrentNetworkDataset& d) const {
    using Model = Neuron<T>;
    using State = typename Model::state_type;
    using Mask = typename Model::mask;
    using Group = NeuronGroup<Model, dynamic_blocks>;
    using Plastic = SparseSynapses<rule_type, Scalar>;
    using Fixed = SparseSynapses<SpikeTraceRule, Scalar>;  // delivery only (inputs, static types)
    using index = SparseConnectivity::index_type;
    constexpr std::size_t width = lanes::size_v<T>;
    const auto& c = config_;
    const double dt = c.neuron.dt;

    observation o;
    o.steps = c.steps();
    o.max_rate_hz = c.max_rate_hz;
    o.target_rate_hz = c.target_rate_hz;
    o.rate_offset_hz = c.rate_offset_hz;
    std::array<Eigen::VectorXd, 4> rule;
    for (std::size_t t = 0, k = 0; t < 4; ++t) {
      if (!Family::plastic[t]) continue;
      rule[t] = theta.segment(static_cast<Eigen::Index>(k++ * rule_size), static_cast<Eigen::Index>(rule_size));
      if (!c.rule.template simulable<Scalar>(rule[t], dt)) {
        o.exploded = true;  // not simulable: diverged at step 0
        return o;
      }
    }

    Group exc(Model(c.neuron), (c.exc + width - 1) / width), inh(Model(c.neuron), (c.inh + width - 1) / width);
    Fixed input_e = Fixed::fixed(d.input_e, SpikeTraceRule{}, c.neuron.g_exc_bar, dt, c.input_weight);
    Fixed input_i = Fixed::fixed(d.input_i, SpikeTraceRule{}, c.neuron.g_exc_bar, dt, c.input_weight);
    const std::array<double, 4> g_bar{c.neuron.g_exc_bar, c.neuron.g_exc_bar, c.neuron.g_inh_bar, c.neuron.g_inh_bar};
    // One group per type, EE, EI, IE, II: Plastic where the family learns, Fixed elsewhere.
    auto make = [&]<std::size_t t>(std::integral_constant<std::size_t, t>) {
      if constexpr (Family::plastic[t]) return Plastic(d.recurrent[t], c.rule, rule[t], g_bar[t], dt, c.w_initial[t]);
      else return Fixed::fixed(d.recurrent[t], SpikeTraceRule{}, g_bar[t], dt, c.w_initial[t]);
    };
    auto groups = [&]<std::size_t... t>(std::index_sequence<t...>) {
      return std::make_tuple(make(std::integral_constant<std::size_t, t>{})...);
    }(std::make_index_sequence<4>{});
    auto each = [&groups](auto&& f) {  // f(t, group) for every type
      [&]<std::size_t... t>(std::index_sequence<t...>) { (f(t, std::get<t>(groups)), ...); }(std::make_index_sequence<4>{});
    };
    // One declaration each: the four groups may have different types (a family's rules differ).
    auto& ee = std::get<0>(groups);
    auto& ei = std::get<1>(groups);
    auto& ie = std::get<2>(groups);
    auto& ii = std::get<3>(groups);
    // The postsynaptic factors of each population, per neuron, after its latest step (only for
    // rules that read them; empty otherwise).
    std::vector<PostFactors<Scalar>> e_factors(reads_factors ? c.exc : 0), i_factors(reads_factors ? c.inh : 0);
    const std::span<const PostFactors<Scalar>> e_view(e_factors), i_view(i_factors);
    auto pre = [](auto& group, std::span<const index> spikes, std::size_t step, std::span<Scalar> buffer,
                  std::span<const PostFactors<Scalar>> factors) {
      if constexpr (ReadsPostFactors<typename std::remove_reference_t<decltype(group)>::kernel>)
        group.on_pre(spikes, step, buffer, factors);
      else
        group.on_pre(spikes, step, buffer);
    };
    auto post = [](auto& group, std::span<const index> spikes, std::size_t step,
                   std::span<const PostFactors<Scalar>> factors) {
      if constexpr (ReadsPostFactors<typename std::remove_reference_t<decltype(group)>::kernel>)
        group.on_post(spikes, step, factors);
      else
        group.on_post(spikes, step);
    };
    PoissonPopulation input(c.inputs, c.input_rate_hz, dt, d.input_stream);

    std::vector<Scalar> e_exc(c.exc, 0), e_inh(c.exc, 0), i_exc(c.inh, 0), i_inh(c.inh, 0);  // conductance buffers
    const std::unique_ptr<Mask[]> e_mask(new Mask[exc.blocks()]), i_mask(new Mask[inh.blocks()]);
    std::vector<index> e_spikes, i_spikes, e_previous, i_previous;
    auto collect = [](const Group& group, const Mask* mask, std::size_t n_neurons, std::vector<index>& spikes) {
      spikes.clear();
      for (std::size_t b = 0; b < group.blocks(); ++b)
        if (lanes::any(mask[b]))
          for (std::size_t j = 0; j < width; ++j)
            if (lanes::mask_lane(mask[b], j) && b * width + j < n_neurons)
              spikes.push_back(static_cast<index>(b * width + j));
    };

    const std::size_t training = c.training_steps(), end = c.steps();
    const double filter = dt / c.rate_tau;
    double rate = 0.0;  // filtered E population rate (Hz)
    double loss_sum = 0.0;
    each([&o](std::size_t t, const auto& group) { o.mean_weight_start[t] = group.mean_weight(); });
    std::array<std::vector<double>, 4> scoring_start;  // weights when scoring begins (for w_creep)
    o.mean_weight_scoring.fill(std::numeric_limits<double>::quiet_NaN());
    std::size_t n = 0;
    for (; n < end; ++n) {
      if (n == training)  // the weights as scoring begins, before this step's updates (w_creep)
        each([&scoring_start, &o](std::size_t t, const auto& group) {
          scoring_start[t].assign(group.weights().begin(), group.weights().end());
          o.mean_weight_scoring[t] = group.mean_weight();
        });
      const std::span<const index> from_input = input.step();
      input_e.on_pre(from_input, n, e_exc);
      input_i.on_pre(from_input, n, i_exc);
      pre(ee, e_previous, n, e_exc, e_view);
      pre(ei, e_previous, n, i_exc, i_view);
      pre(ie, i_previous, n, e_inh, e_view);
      pre(ii, i_previous, n, i_inh, i_view);
      // The buffers into g_AMPA and g_GABA, and the membrane step, in one pass per population.
      if (absorb_and_step(exc, std::span<Scalar>(e_exc), &State::g_exc, std::span<Scalar>(e_inh), &State::g_inh,
                          e_mask.get()))
        collect(exc, e_mask.get(), c.exc, e_spikes);
      else
        e_spikes.clear();
      if (absorb_and_step(inh, std::span<Scalar>(i_exc), &State::g_exc, std::span<Scalar>(i_inh), &State::g_inh,
                          i_mask.get()))
        collect(inh, i_mask.get(), c.inh, i_spikes);
      else
        i_spikes.clear();
      if constexpr (reads_factors) {
        Model::store_factors(exc, std::span<PostFactors<Scalar>>(e_factors));
        Model::store_factors(inh, std::span<PostFactors<Scalar>>(i_factors));
      }
      post(ee, e_spikes, n, e_view);
      post(ie, e_spikes, n, e_view);
      post(ei, i_spikes, n, i_view);
      post(ii, i_spikes, n, i_view);
      each([](std::size_t, auto& group) { group.decay(); });

      const double instantaneous = static_cast<double>(e_spikes.size()) / (static_cast<double>(c.exc) * dt);
      rate += filter * (instantaneous - rate);
      if (!(rate < c.max_rate_hz)) {  // also catches a non-finite rate
        o.exploded = true;
        o.stopped_at_step = n + 1;
        break;
      }
      if (n >= training) {
        loss_sum += (rate - c.target_rate_hz) * (rate - c.target_rate_hz) / (rate + c.rate_offset_hz);
        for (const index i : e_spikes) o.exc_spikes.push_back({static_cast<std::uint32_t>(n - training), i});
        for (const index i : i_spikes) o.inh_spikes.push_back({static_cast<std::uint32_t>(n - training), i});
      }
      std::swap(e_spikes, e_previous);
      std::swap(i_spikes, i_previous);
    }
    each([&o](std::size_t t, const auto& group) {
      o.mean_weight_end[t] = group.mean_weight();
      o.weights[t].assign(group.weights().begin(), group.weights().end());
    });
    o.simulated_steps = std::min(n + 1, end);
    if (!o.exploded) {
      const double seconds = static_cast<double>(c.scoring_steps()) * dt;
      o.rate_e_hz = static_cast<double>(o.exc_spikes.size()) / (static_cast<double>(c.exc) * seconds);
      o.rate_i_hz = static_cast<double>(o.inh_spikes.size()) / (static_cast<double>(c.inh) * seconds);
      o.stability_loss = loss_sum / static_cast<double>(c.scoring_steps());
      o.metrics = metrics(o, scoring_start);
    }
    o.exc = c.exc;
    o.inh = c.inh;
    o.dt = dt;
    o.scoring_steps = c.scoring_steps();
    o.w_max = c.rule.w_max;
    return o;
  }

  // The filter-SBI metrics of the scoring window (observations/network_metrics.hpp); the weight
  // metrics (w_blow, w_creep, w_final_<type>) over the plastic types.
  NetworkMetrics metrics(const observation& o, std::array<std::vector<double>, 4>& start) const {
    const auto& c = config_;
    const double seconds = static_cast<double>(c.scoring_steps()) * c.neuron.dt;
    auto record = [&](const std::vector<RecurrentObservation::Spike>& spikes, std::size_t neurons, const char* name) {
      std::vector<std::pair<std::uint32_t, double>> pairs(spikes.size());
      for (std::size_t k = 0; k < spikes.size(); ++k)
        pairs[k] = {spikes[k].neuron, static_cast<double>(spikes[k].step) * c.neuron.dt};
      return SpikeRecord::from_pairs(neurons, 0.0, seconds, pairs, name);
    };
    // The plastic types' weights (fSBI's MLP runs monitor con_ee and con_ie only; static types
    // would dilute w_blow and w_creep).
    std::vector<SynapseWeights> weights;
    for (std::size_t t = 0; t < 4; ++t)
      if (Family::plastic[t])
        weights.push_back({recurrent_synapse_types[t],
                           {std::move(start[t]), std::vector<double>(o.weights[t].begin(), o.weights[t].end())}});
    NetworkMetricsSettings settings = c.metrics;
    settings.w_max = c.rule.w_max;
    return compute_network_metrics(record(o.exc_spikes, c.exc, "exc"), record(o.inh_spikes, c.inh, "inh"), weights,
                                   settings);
  }

  config_type config_;
};

using RecurrentNetworkTask = RecurrentNetwork<>;
static_assert(check_task<RecurrentNetworkTask>());

/// The MLP rule family of filter SBI: CodependentAif neurons, E→E and I→E learn with MlpSpikeRule (22 θ).
using MlpRecurrentNetworkConfig = BasicRecurrentNetworkConfig<CodependentAifParameters, MlpFamily>;
using MlpRecurrentNetworkTask = RecurrentNetwork<CodependentAif, float, MlpFamily>;
static_assert(check_task<MlpRecurrentNetworkTask>());

}  // namespace metahebb
