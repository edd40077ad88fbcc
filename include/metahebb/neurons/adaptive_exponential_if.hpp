#pragma once
/// Conductance-based adaptive exponential integrate-and-fire neuron (AdEx; Brette & Gerstner
/// 2005, J. Neurophysiol. 94:3637, Eqs. 1–2), with the conductance synapses of the LIF
/// (neurons/conductance_lif.hpp):
///
///   C dV/dt = −g_L (V − E_L) + g_L Δ_T exp((V − V_T)/Δ_T) − G_E (V − E_E) − G_I (V − E_I) − W
///   τ_w dW/dt = a (V − E_L) − W
///   V ≥ V_peak:  V → V_reset,  W → W + b,  V clamped at V_reset for τ_ref
///   dg_E/dt = −g_E/τ_E + ḡ_E Σ_k w_k^E S_k(t),   dg_I/dt = −g_I/τ_I + ḡ_I Σ_k w_k^I S_k(t)
///
/// As in the LIF, conductances are dimensionless (g = G/g_L, multiples of the leak) and
/// τ_m = C/g_L; the adaptation current is carried as w = W/g_L in volts. Dividing by g_L:
///
///   τ_m dV/dt = −(V − E_L) + Δ_T e^{(V − V_T)/Δ_T} − g_E (V − E_E) − g_I (V − E_I) − w
///   τ_w dw/dt = (a/g_L)(V − E_L) − w,     jump b/g_L at a spike
///
/// Units: seconds, volts; a in siemens, b in amperes, g_leak in siemens (a and b are divided
/// by it); g_E, g_I, ḡ_E, ḡ_I in units of g_leak.
///
/// Default parameters: Brette & Gerstner 2005 (Table 1 / Fig. 2: C = 281 pF, g_L = 30 nS,
/// E_L = −70.6 mV, V_T = −50.4 mV, Δ_T = 2 mV, τ_w = 144 ms, a = 4 nS, b = 0.0805 nA,
/// V_reset = E_L), scaled to the LIF's 10 nS leak with the dimensionless ratios kept:
/// τ_m = C/g_L = 9.37 ms, a = 4/3 nS (a/g_L = 0.133), b = 80.5/3 pA (b/g_L = 2.68 mV).
/// V_peak = V_T + 5 Δ_T = −40.4 mV (the cut used by Brian2's AdEx example: from there the
/// upswing takes less than one dt). Brette & Gerstner have no refractory period; τ_ref = 2 ms
/// here (0 removes it). Synapses (E_E, E_I, τ_E, τ_I, ḡ_E, ḡ_I) are the LIF's.
///
/// Integration, one step of dt (exponential Euler; the same order of operations as the LIF):
///  (1) the synapse groups have added this step's jumps to g_E, g_I;
///  (2) with g_E, g_I, w and the exponential term held at their values at the start of the
///      step, V relaxes exactly towards
///        V_∞ = (E_L + g_E E_E + g_I E_I + Δ_T e^{x} − w) / (1 + g_E + g_I),
///        τ_eff = τ_m / (1 + g_E + g_I),   x = min((V − V_T)/Δ_T, (V_peak − V_T)/Δ_T);
///      the linear part (leak and synapses, however strong) is integrated exactly, so it is
///      stable for any dt; only the exponential term is explicit, and below V_T its rate
///      e^{x}/τ_m ≤ 1/τ_m is small against 1/dt. Above V_T it is the spike upswing itself.
///      The cap on x (V never starts a step above V_peak, so it only binds on a state set by
///      hand) bounds e^{x} ≤ e^{50} (validate()), far from overflow in float;
///  (3) with V held at its value at the start of the step, w relaxes exactly towards
///      (a/g_L)(V − E_L) with e^{−dt/τ_w};
///  (4) during the refractory period V stays clamped at V_reset; otherwise V ≥ V_peak emits
///      a spike: V → V_reset, w += b/g_L, refractory clamp of round(τ_ref/dt) steps;
///  (5) the conductances decay exactly by e^{−dt/τ}.
///
/// `resting()` is the fixed point without input (V slightly above E_L because of the
/// exponential term, w = (a/g_L)(V − E_L)), found by Newton's method in double.
///
/// The step is written once over T = float, double or an xsimd batch of them (one neuron or
/// candidate per lane) with lanes:: functions only, so a lane equals the scalar bit for bit.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string_view>
#include <utility>

#include "../core/concepts/neuron_model.hpp"
#include "../core/errors.hpp"
#include "../core/lanes.hpp"

namespace metahebb {

struct AdaptiveExponentialIfParameters {
  double tau_m = 281e-12 / 30e-9;  ///< membrane time constant C/g_L (s): 9.37 ms
  double v_rest = -70.6e-3;        ///< leak reversal E_L (V)
  double v_threshold = -50.4e-3;   ///< V_T, the exponential term's threshold (V) (NEST's V_th); spikes are cut at v_peak
  double slope_factor = 2e-3;      ///< Δ_T, sharpness of spike initiation (V)
  double v_peak = -40.4e-3;        ///< V_peak: a spike is emitted when V reaches it (V)
  double v_reset = -70.6e-3;       ///< reset potential (V); Brette & Gerstner reset to E_L
  double tau_ref = 2e-3;           ///< refractory period, V clamped at v_reset (s); 0: none
  double a = 4e-9 / 3.0;           ///< subthreshold adaptation (S): 4 nS at g_L = 30 nS, scaled to 10 nS
  double b = 80.5e-12 / 3.0;       ///< spike-triggered adaptation jump (A): 80.5 pA scaled likewise
  double tau_w = 144e-3;           ///< adaptation time constant (s)
  double e_exc = 0.0;              ///< excitatory reversal potential E_E (V)
  double e_inh = -80e-3;           ///< inhibitory reversal potential E_I (V)
  double g_leak = 10e-9;           ///< leak conductance g_L (S); a and b are divided by it
  double g_exc_bar = 0.014;        ///< ḡ_E, conductance jump per unit excitatory weight (units of g_leak)
  double g_inh_bar = 0.035;        ///< ḡ_I, conductance jump per unit inhibitory weight (units of g_leak)
  double tau_exc = 5e-3;           ///< τ_E (s)
  double tau_inh = 10e-3;          ///< τ_I (s)
  double dt = 1e-4;                ///< integration step (s)

  /// Largest allowed (V_peak − V_T)/Δ_T: caps the exponential term at e^{50} Δ_T.
  static constexpr double max_exponent = 50.0;

  void validate() const {
    require_positive("neuron.tau_m", tau_m);
    require_positive("neuron.tau_w", tau_w);
    require_positive("neuron.tau_exc", tau_exc);
    require_positive("neuron.tau_inh", tau_inh);
    require_positive("neuron.dt", dt);
    require_positive("neuron.g_leak", g_leak);
    require_positive("neuron.slope_factor", slope_factor);
    require_non_negative("neuron.tau_ref", tau_ref);
    require_non_negative("neuron.g_exc_bar", g_exc_bar);
    require_non_negative("neuron.g_inh_bar", g_inh_bar);
    for (auto [name, value] : {std::pair{"neuron.v_rest", v_rest}, {"neuron.v_threshold", v_threshold},
                               {"neuron.v_peak", v_peak}, {"neuron.v_reset", v_reset}, {"neuron.e_exc", e_exc},
                               {"neuron.e_inh", e_inh}, {"neuron.a", a}, {"neuron.b", b}})
      require(std::isfinite(value), name, value, "must be finite");
    require(tau_ref / dt <= 1e9, "neuron.tau_ref", tau_ref, "must be <= 1e9 dt");
    require(v_reset < v_peak, "neuron.v_reset", v_reset, "must be < v_peak (" + detail::format_value(v_peak) + " V)");
    require(v_threshold < v_peak, "neuron.v_threshold", v_threshold,
            "must be < v_peak (" + detail::format_value(v_peak) + " V)");
    require((v_peak - v_threshold) / slope_factor <= max_exponent, "neuron.v_peak", v_peak,
            "must be <= v_threshold + 50 slope_factor (" +
                detail::format_value(v_threshold + max_exponent * slope_factor) +
                " V; caps the exponential term)");
    require(e_inh < e_exc, "neuron.e_inh", e_inh, "must be < e_exc (" + detail::format_value(e_exc) + " V)");
    require(std::isfinite(a / g_leak) && std::isfinite(b / g_leak), "neuron.g_leak", g_leak,
            "must keep a / g_leak and b / g_leak finite");
  }

  /// Number of whole steps the membrane stays clamped after a spike: round(τ_ref / dt).
  std::size_t refractory_steps() const { return static_cast<std::size_t>(std::lround(tau_ref / dt)); }

  /// The fixed point without input: V* with −(V* − E_L) + Δ_T e^{(V* − V_T)/Δ_T} − (a/g_L)(V* − E_L) = 0
  /// (the branch below V_T, by Newton's method from E_L), and w* = (a/g_L)(V* − E_L). Without
  /// a fixed point there (a/g_L too negative, V_T too close to E_L: a neuron that fires at
  /// rest) it returns (E_L, 0).
  std::pair<double, double> resting_point() const {
    const double k = 1.0 + a / g_leak;
    double v = v_rest;
    for (int i = 0; i < 100; ++i) {
      const double e = slope_factor * std::exp(std::min((v - v_threshold) / slope_factor, max_exponent));
      const double f = -k * (v - v_rest) + e;
      const double df = -k + e / slope_factor;
      if (!(df < 0.0)) return {v_rest, 0.0};
      const double next = v - f / df;
      if (!std::isfinite(next) || next > v_threshold) return {v_rest, 0.0};
      if (next == v) break;
      v = next;
    }
    return {v, a / g_leak * (v - v_rest)};
  }
};

template <class T = double>
class AdaptiveExponentialIf {
 public:
  using scalar = lanes::scalar_t<T>;
  using mask = lanes::mask_t<T>;
  using parameters_type = AdaptiveExponentialIfParameters;

  struct state_type {
    T v;           ///< membrane potential (V)
    T g_exc;       ///< excitatory conductance (units of g_leak)
    T g_inh;       ///< inhibitory conductance (units of g_leak)
    T w;           ///< adaptation current divided by g_leak (V): the current is g_leak · w
    T refractory;  ///< clamped steps left
  };
  /// Conductance jumps arriving in this step (ḡ Σ w over the spikes), units of g_leak.
  struct input_type {
    T exc = T(0);
    T inh = T(0);
  };

  static constexpr std::string_view name() noexcept { return "conductance-based adaptive exponential IF"; }

  explicit AdaptiveExponentialIf(const AdaptiveExponentialIfParameters& p = {}) : parameters_(p) {
    p.validate();
    v_rest_ = static_cast<scalar>(p.v_rest);
    v_threshold_ = static_cast<scalar>(p.v_threshold);
    inv_slope_ = static_cast<scalar>(1.0 / p.slope_factor);
    slope_ = static_cast<scalar>(p.slope_factor);
    max_exponent_ = static_cast<scalar>((p.v_peak - p.v_threshold) / p.slope_factor);
    v_peak_ = static_cast<scalar>(p.v_peak);
    v_reset_ = static_cast<scalar>(p.v_reset);
    e_exc_ = static_cast<scalar>(p.e_exc);
    e_inh_ = static_cast<scalar>(p.e_inh);
    a_ = static_cast<scalar>(p.a / p.g_leak);
    b_ = static_cast<scalar>(p.b / p.g_leak);
    minus_dt_over_tau_m_ = static_cast<scalar>(-p.dt / p.tau_m);
    decay_w_ = static_cast<scalar>(std::exp(-p.dt / p.tau_w));
    decay_exc_ = static_cast<scalar>(std::exp(-p.dt / p.tau_exc));
    decay_inh_ = static_cast<scalar>(std::exp(-p.dt / p.tau_inh));
    refractory_steps_ = static_cast<scalar>(p.refractory_steps());
    const auto [v_star, w_star] = p.resting_point();
    v_star_ = static_cast<scalar>(v_star);
    w_star_ = static_cast<scalar>(w_star);
  }

  const AdaptiveExponentialIfParameters& parameters() const noexcept { return parameters_; }

  /// At the fixed point without input, no conductance, not refractory.
  state_type resting() const noexcept { return {T(v_star_), T(0), T(0), T(w_star_), T(0)}; }

  /// One step of dt with the conductances as the synapse groups left them (this step's jumps
  /// already added): (2) V relaxes towards V_∞, (3) w towards (a/g_L)(V − E_L), (4) peak,
  /// reset, adaptation jump, refractory clamp, (5) the conductances decay. Returns which
  /// lanes spiked (what a NeuronGroup calls: core/concepts/neuron_model.hpp).
  mask step(state_type& s) const noexcept {
    const T g_total = (T(1) + s.g_exc) + s.g_inh;
    const T x_free = (s.v - T(v_threshold_)) * T(inv_slope_);
    const T x = lanes::select(T(max_exponent_) < x_free, T(max_exponent_), x_free);  // the cap
    const T spike_current = T(slope_) * lanes::exp(x);
    const T v_inf = ((T(v_rest_) + s.g_exc * T(e_exc_) + s.g_inh * T(e_inh_)) + (spike_current - s.w)) / g_total;
    const T v_free = v_inf + (s.v - v_inf) * lanes::exp(g_total * T(minus_dt_over_tau_m_));
    const T w_inf = T(a_) * (s.v - T(v_rest_));
    s.w = w_inf + (s.w - w_inf) * T(decay_w_);
    const mask clamped = s.refractory > T(0);
    s.refractory = lanes::select(clamped, s.refractory - T(1), s.refractory);
    const mask spiked = lanes::and_not(v_free >= T(v_peak_), clamped);
    s.v = lanes::select(lanes::either(clamped, spiked), T(v_reset_), v_free);
    s.w = lanes::select(spiked, s.w + T(b_), s.w);
    s.refractory = lanes::select(spiked, T(refractory_steps_), s.refractory);
    s.g_exc *= T(decay_exc_);
    s.g_inh *= T(decay_inh_);
    return spiked;
  }

  /// The same step with this step's conductance jumps given as `in` (added first).
  mask step(state_type& s, const input_type& in) const noexcept {
    s.g_exc += in.exc;
    s.g_inh += in.inh;
    return step(s);
  }

  scalar decay_exc() const noexcept { return decay_exc_; }
  scalar decay_inh() const noexcept { return decay_inh_; }

 private:
  AdaptiveExponentialIfParameters parameters_;
  scalar v_rest_{}, v_threshold_{}, inv_slope_{}, slope_{}, max_exponent_{}, v_peak_{}, v_reset_{};
  scalar e_exc_{}, e_inh_{}, a_{}, b_{};
  scalar minus_dt_over_tau_m_{}, decay_w_{}, decay_exc_{}, decay_inh_{}, refractory_steps_{};
  scalar v_star_{}, w_star_{};
};

static_assert(check_spiking_neuron_model<AdaptiveExponentialIf<float>>());
static_assert(check_spiking_neuron_model<AdaptiveExponentialIf<double>>());
static_assert(check_spiking_neuron_model<AdaptiveExponentialIf<xsimd::batch<float>>>());

}  // namespace metahebb
