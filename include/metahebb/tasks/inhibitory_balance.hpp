#pragma once
/// §3.3 task: a conductance-based LIF neuron with tuned, fixed excitation and plastic
/// inhibition learns with a candidate spike-trace rule; which rate does it settle at?
///
/// Protocol per dataset: `training_time` (60 s) of learning, then the postsynaptic rate r̄
/// is counted in a 10 s window placed at random (shared by all candidates) inside the
/// `scoring_time` (30 s) scoring phase; plasticity stays on while scoring. Nothing after
/// the window is observed, so the simulation stops at its end.
///
/// One step n (dt):
///   1. excitatory spikes of step n add ḡ_E w_k^E to g_E (one conductance shared by every
///      candidate: excitatory weights are not plastic);
///   2. for each inhibitory spike of synapse k: g_I += ḡ_I w_k; w_k += η(α + κ x_post),
///      clipped to [0, w_max]; x_pre,k ← x_pre,k e^{−Δt/τ_pre} + 1 (decayed lazily: only at
///      its own spikes and when read, which is exact);
///   3. the membrane step (neurons/conductance_lif.hpp);
///   4. on a postsynaptic spike: every w_k += η(β + γ x_pre,k), clipped; then x_post += 1;
///   5. g_E, g_I and x_post decay by their exact factor over dt.
///
/// Two paths give the same spikes, bit for bit: `simulate_scalar` runs one candidate at a
/// time in plain Scalar arithmetic (the reference); `simulate` runs `Lanes` candidates
/// together in xsimd batches on the one shared input (the fast path).
///
/// Divergence: weights are clipped, so a rule cannot produce NaN; what it can do is
/// silence inhibition and let the rate explode. Once `explosion_grace` has passed, a 1 s
/// bin with a rate ≥ `max_rate` stops that candidate: it is marked exploded at that step
/// and the loss gives it a finite penalty (losses/target_rate.hpp). θ that cannot be
/// simulated (non-finite, τ ≤ 0) is exploded at step 0.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
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
#include "../rules/spike_trace.hpp"

namespace metahebb {

struct InhibitoryBalanceConfig {
  ConductanceLifParameters neuron{};
  VogelsInputConfig input{};
  double eta = 1e-2;             ///< learning rate η of the rule (scales α, β, γ, κ together)
  double w_inh_initial = 0.1;    ///< initial inhibitory weight (units of ḡ_I)
  double w_max = 100.0;          ///< inhibitory weights are clipped to [0, w_max]
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
    require_positive("eta", eta);
    require_non_negative("w_inh_initial", w_inh_initial);
    require_positive("w_max", w_max);
    require(w_inh_initial <= w_max, "w_inh_initial", w_inh_initial, "must be <= w_max");
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

/// What one candidate did on one dataset.
struct InhibitoryBalanceObservation {
  double rate_hz = 0.0;             ///< r̄: spikes in the scoring window / window length
  std::size_t window_spikes = 0;
  bool exploded = false;            ///< stopped early by the explosion check (or θ not simulable)
  std::size_t stopped_at_step = 0;  ///< if exploded: the step at which it stopped
  std::size_t steps = 0;            ///< steps of the full protocol (training + scoring)
  double max_rate_hz = 0.0;         ///< the explosion threshold used (the loss scales its penalty with it)
  std::vector<float> rate_per_second;  ///< Hz in each simulated 1 s bin
  std::vector<std::uint32_t> spike_steps;  ///< steps at which the neuron spiked
  std::vector<float> w_inh_final;      ///< inhibitory weights when this candidate stopped (empty: not simulable)

  bool diverged() const noexcept { return exploded; }
};

/// One dataset: the shared input and the excitatory weights.
struct InhibitoryBalanceDataset {
  InputSpikes spikes;
  std::vector<double> w_exc;
  std::size_t window_begin = 0;  ///< first step of the scoring window
  std::size_t window_end = 0;    ///< one past its last step
};

template <class Scalar = float, std::size_t Lanes = (sizeof(Scalar) == 4 ? 16 : 8)>
class BasicInhibitoryBalanceTask {
 public:
  using observation = InhibitoryBalanceObservation;
  using rule_basis = SpikeTraceBasis;
  using batch = lanes::batch_for_t<Scalar, Lanes>;
  static constexpr std::size_t lanes = Lanes;

  explicit BasicInhibitoryBalanceTask(InhibitoryBalanceConfig config = {}) : config_(std::move(config)) {
    config_.validate();
  }

  const InhibitoryBalanceConfig& config() const noexcept { return config_; }
  SpikeTraceBasis basis() const noexcept { return {}; }
  std::size_t num_parameters() const noexcept { return SpikeTraceBasis::num_coefficients; }
  std::size_t num_datasets() const noexcept { return config_.datasets; }
  std::vector<std::string> parameter_names() const { return SpikeTraceBasis{}.term_names(); }

  /// Bounds for a search: τ_pre, τ_post in [tau_min, tau_max] always (τ > 0); with
  /// `sign_constraints`, α ≤ 0 and β ≥ 0 as in the paper (a stable rate fixed point).
  /// Returned as (lower, upper); the other coefficients are unbounded.
  static std::pair<Eigen::VectorXd, Eigen::VectorXd> parameter_bounds(bool sign_constraints, double tau_min = 1e-3,
                                                                      double tau_max = 1.0) {
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
    return d;
  }

  /// Population path: candidates in groups of `Lanes`, one per SIMD lane, on one shared input.
  std::vector<observation> simulate(const Eigen::MatrixXd& thetas, const EvaluationContext& ctx) const {
    return simulate(thetas, dataset(ctx));
  }
  std::vector<observation> simulate(const Eigen::MatrixXd& thetas, const InhibitoryBalanceDataset& d) const {
    check_thetas(thetas);
    std::vector<observation> out(static_cast<std::size_t>(thetas.cols()));
    constexpr std::size_t per_batch = lanes::size_v<batch>;
    for (Eigen::Index first = 0; first < thetas.cols(); first += static_cast<Eigen::Index>(Lanes))
      run_block<batch, Lanes / per_batch>(thetas, first, d, out);
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
            "must equal the number of rule coefficients (6: alpha, beta, gamma, kappa, tau_pre, tau_post)");
  }

  // Simulates candidates first .. first + NB·width − 1 (missing ones are inert padding) with
  // state in NB values of T; T = Scalar with NB = 1 is the reference path.
  template <class T, std::size_t NB, class Observer = no_observer>
  void run_block(const Eigen::MatrixXd& thetas, Eigen::Index first, const InhibitoryBalanceDataset& d,
                 std::vector<observation>& out, Observer* observer = nullptr) const {
    constexpr std::size_t width = lanes::size_v<T>;
    constexpr std::size_t L = NB * width;
    const auto& c = config_;
    const std::size_t n_inh = c.input.num_inh();
    const Scalar dt = static_cast<Scalar>(c.neuron.dt);

    // Per-lane coefficients, converted to Scalar lane by lane (the same for both paths).
    alignas(64) Scalar a[L], b[L], g[L], k[L], neg_inv_tau_pre[L], decay_post[L];
    bool active[L], simulable[L];
    for (std::size_t l = 0; l < L; ++l) {
      const Eigen::Index col = first + static_cast<Eigen::Index>(l);
      active[l] = col < thetas.cols();
      simulable[l] = active[l] && SpikeTraceBasis::simulable(thetas.col(col));
      if (simulable[l]) {
        const auto th = thetas.col(col);
        a[l] = static_cast<Scalar>(th[SpikeTraceBasis::alpha]);
        b[l] = static_cast<Scalar>(th[SpikeTraceBasis::beta]);
        g[l] = static_cast<Scalar>(th[SpikeTraceBasis::gamma]);
        k[l] = static_cast<Scalar>(th[SpikeTraceBasis::kappa]);
        neg_inv_tau_pre[l] = static_cast<Scalar>(-1.0 / th[SpikeTraceBasis::tau_pre]);
        decay_post[l] = static_cast<Scalar>(std::exp(-c.neuron.dt / th[SpikeTraceBasis::tau_post]));
        // A coefficient beyond Scalar's range is not simulable either (it would be ±inf).
        simulable[l] = std::isfinite(a[l]) && std::isfinite(b[l]) && std::isfinite(g[l]) && std::isfinite(k[l]) &&
                       std::isfinite(neg_inv_tau_pre[l]);
      }
      if (!simulable[l]) a[l] = b[l] = g[l] = k[l] = 0, neg_inv_tau_pre[l] = -1, decay_post[l] = 0;  // inert
    }
    SpikeTraceCoefficients<T> coef[NB];
    T lane_neg_inv_tau_pre[NB], lane_decay_post[NB];
    for (std::size_t i = 0; i < NB; ++i) {
      coef[i] = {load<T>(a + i * width), load<T>(b + i * width), load<T>(g + i * width), load<T>(k + i * width),
                 T(1), T(1)};
      lane_neg_inv_tau_pre[i] = load<T>(neg_inv_tau_pre + i * width);
      lane_decay_post[i] = load<T>(decay_post + i * width);
    }

    const ConductanceLif<T> neuron(c.neuron);
    const T eta(static_cast<Scalar>(c.eta)), w_max(static_cast<Scalar>(c.w_max)), zero(0), one(1);
    const T g_inh_bar(static_cast<Scalar>(c.neuron.g_inh_bar));
    const T decay_inh(neuron.decay_inh());
    const Scalar decay_exc = neuron.decay_exc();

    std::vector<Scalar> w_exc_jump(d.w_exc.size());  // ḡ_E w_k^E
    for (std::size_t e = 0; e < w_exc_jump.size(); ++e)
      w_exc_jump[e] = static_cast<Scalar>(c.neuron.g_exc_bar * d.w_exc[e]);

    std::vector<T> w(n_inh * NB, T(static_cast<Scalar>(c.w_inh_initial))), x_pre(n_inh * NB, zero);
    std::vector<std::int64_t> last_spike(n_inh, 0);  // x_pre is 0 until the first spike, so any start works
    std::vector<Scalar> elapsed(n_inh);
    T v[NB], refractory[NB], g_inh[NB], x_post[NB], bin_count[NB], window_count[NB];
    for (std::size_t i = 0; i < NB; ++i) {
      v[i] = T(static_cast<Scalar>(c.neuron.v_rest));
      refractory[i] = g_inh[i] = x_post[i] = bin_count[i] = window_count[i] = zero;
    }
    Scalar g_exc = 0;

    bool done[L];
    std::size_t stopped[L];
    std::vector<float> rates[L];
    std::vector<std::uint32_t> spikes[L];
    const auto explosion_bins = static_cast<std::size_t>(std::lround(c.explosion_window));
    for (std::size_t l = 0; l < L; ++l) done[l] = !simulable[l], stopped[l] = 0;

    std::vector<float> w_final[L];
    auto snapshot = [&](std::size_t l) {
      w_final[l].resize(n_inh);
      for (std::size_t syn = 0; syn < n_inh; ++syn)
        w_final[l][syn] = static_cast<float>(lanes::lane(w[syn * NB + l / width], l % width));
    };

    const std::size_t per_second = c.steps_per_second();
    const std::size_t grace = static_cast<std::size_t>(std::lround(c.explosion_grace / c.neuron.dt));
    const std::size_t end = d.window_end;
    const auto& in = d.spikes;
    std::size_t n = 0;
    for (; n < end; ++n) {
      // 1. shared excitatory conductance
      Scalar jump = 0;
      for (std::uint32_t s = in.exc_offset[n]; s < in.exc_offset[n + 1]; ++s) jump += w_exc_jump[in.exc_index[s]];
      g_exc += jump;
      // 2. inhibitory presynaptic events
      for (std::uint32_t s = in.inh_offset[n]; s < in.inh_offset[n + 1]; ++s) {
        const std::uint32_t syn = in.inh_index[s];
        const T since(static_cast<Scalar>(static_cast<std::int64_t>(n) - last_spike[syn]) * dt);
        for (std::size_t i = 0; i < NB; ++i) {
          T& wk = w[syn * NB + i];
          g_inh[i] += g_inh_bar * wk;
          wk = lanes::clamp(wk + eta * SpikeTraceBasis::on_pre(coef[i], x_post[i]), zero, w_max);
          T& xk = x_pre[syn * NB + i];
          xk = xk * lanes::exp(since * lane_neg_inv_tau_pre[i]) + one;
        }
        last_spike[syn] = static_cast<std::int64_t>(n);
      }
      // 3. membrane, 4. postsynaptic events
      bool any_spike = false;
      lanes::mask_t<T> spiked[NB];
      for (std::size_t i = 0; i < NB; ++i) {
        spiked[i] = neuron.integrate(v[i], refractory[i], g_exc, g_inh[i]);
        any_spike = any_spike || lanes::any(spiked[i]);
      }
      if (any_spike) {
        for (std::size_t syn = 0; syn < n_inh; ++syn)
          elapsed[syn] = static_cast<Scalar>(static_cast<std::int64_t>(n) - last_spike[syn]) * dt;
        for (std::size_t i = 0; i < NB; ++i) {
          if (!lanes::any(spiked[i])) continue;
          for (std::size_t syn = 0; syn < n_inh; ++syn) {
            T& wk = w[syn * NB + i];
            const T x = x_pre[syn * NB + i] * lanes::exp(T(elapsed[syn]) * lane_neg_inv_tau_pre[i]);
            const T updated = lanes::clamp(wk + eta * SpikeTraceBasis::on_post(coef[i], x), zero, w_max);
            wk = lanes::select(spiked[i], updated, wk);
          }
          x_post[i] = lanes::select(spiked[i], x_post[i] + one, x_post[i]);
          for (std::size_t j = 0; j < width; ++j)
            if (lanes::mask_lane(spiked[i], j) && !done[i * width + j])
              spikes[i * width + j].push_back(static_cast<std::uint32_t>(n));
          bin_count[i] = lanes::select(spiked[i], bin_count[i] + one, bin_count[i]);
          if (n >= d.window_begin) window_count[i] = lanes::select(spiked[i], window_count[i] + one, window_count[i]);
        }
      }
      // 5. decay
      g_exc *= decay_exc;
      for (std::size_t i = 0; i < NB; ++i) {
        g_inh[i] *= decay_inh;
        x_post[i] *= lane_decay_post[i];
      }
      if constexpr (!std::is_same_v<Observer, no_observer>) {
        if constexpr (std::is_floating_point_v<T>)
          if (observer) (*observer)(n, v[0], g_exc, g_inh[0], reinterpret_cast<const Scalar*>(w.data()));
      }

      // 1 s bins: rates, explosion check.
      if ((n + 1) % per_second == 0) {
        bool all_done = true;
        for (std::size_t i = 0; i < NB; ++i) {
          for (std::size_t j = 0; j < width; ++j) {
            const std::size_t l = i * width + j;
            if (done[l]) continue;
            const double rate = static_cast<double>(lanes::lane(bin_count[i], j)) * static_cast<double>(per_second) *
                                c.neuron.dt;
            rates[l].push_back(static_cast<float>(rate));
            bool exploded = !std::isfinite(lanes::lane(v[i], j));
            if (n + 1 > grace && rates[l].size() >= explosion_bins) {
              double sum = 0;  // mean of the last explosion_bins bins, in a fixed order
              for (std::size_t q = rates[l].size() - explosion_bins; q < rates[l].size(); ++q) sum += rates[l][q];
              exploded = exploded || sum >= c.max_rate * static_cast<double>(explosion_bins);
            }
            if (exploded) {  // a stopped lane keeps computing in the batch, but nothing of it is kept
              done[l] = true;
              stopped[l] = n + 1;
              snapshot(l);
            }
            all_done = all_done && done[l];
          }
          bin_count[i] = zero;
        }
        if (all_done) {
          ++n;
          break;
        }
      }
    }

    for (std::size_t l = 0; l < L; ++l) {
      if (!active[l]) continue;
      auto& o = out[static_cast<std::size_t>(first) + l];
      o.steps = c.protocol_steps();
      o.max_rate_hz = c.max_rate;
      o.exploded = !simulable[l] || stopped[l] != 0;
      o.stopped_at_step = simulable[l] ? stopped[l] : 0;
      o.rate_per_second = std::move(rates[l]);
      o.spike_steps = std::move(spikes[l]);
      if (simulable[l] && stopped[l] == 0) snapshot(l);
      o.w_inh_final = std::move(w_final[l]);  // empty if θ was not simulable
      if (!o.exploded) {
        o.window_spikes = static_cast<std::size_t>(lanes::lane(window_count[l / width], l % width));
        o.rate_hz = static_cast<double>(o.window_spikes) / (static_cast<double>(d.window_end - d.window_begin) *
                                                            c.neuron.dt);
      }
    }
  }

  template <class T>
  static T load(const Scalar* p) noexcept {
    if constexpr (std::is_floating_point_v<T>) return *p;
    else return T::load_aligned(p);
  }

  InhibitoryBalanceConfig config_;
};

using InhibitoryBalanceTask = BasicInhibitoryBalanceTask<float>;
using InhibitoryBalanceTaskDouble = BasicInhibitoryBalanceTask<double>;

static_assert(check_task<InhibitoryBalanceTask>());
static_assert(check_task<InhibitoryBalanceTaskDouble>());

}  // namespace metahebb
