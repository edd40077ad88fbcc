#pragma once
/// Conductance-based integrate-and-fire neuron with AMPA, NMDA and GABA channels and a moving
/// threshold: the neuron of the recurrent reference networks (filter SBI, Confavreux et al.
/// 2023), which simulate it as Auryn's `IFGroup` (github.com/fzenke/auryn,
/// src/auryn/IFGroup.h and IFGroup.cpp) with the time constants and ratio of the fSBI
/// config (github.com/VogelsLab/fSBI, tasks_configs/bg_IF_EEEIIEII_6pPol.yaml, passed on by
/// fsbi/simulator/cpp_simulators/sim_bg_IF_EEEIIEII_6pPol.cpp lines 178–188).
///
///   τ_m dV/dt = −(V − V_rest) − g_E (V − E_E) − g_I (V − E_I),     conductances in units of g_leak
///   g_E = (r g_AMPA + g_NMDA) / (1 + r)                             r = AMPA:NMDA ratio
///   dg_AMPA/dt = −g_AMPA/τ_AMPA + ḡ_E Σ_k w_k^E S_k(t)             (synapses add into g_AMPA)
///   τ_NMDA dg_NMDA/dt = g_AMPA − g_NMDA                            (NMDA low-passes AMPA)
///   dg_I/dt = −g_I/τ_GABA + ḡ_I Σ_k w_k^I S_k(t)
///   dθ/dt = −θ/τ_θ;   V > V_th + θ:  spike, V → V_reset, θ → Δθ      (relative refractoriness)
///
/// A jump w into g_AMPA gives g_AMPA = w e^{−t/τ_A} and, from g_NMDA = 0,
///   g_NMDA(t) = w τ_A/(τ_N − τ_A) (e^{−t/τ_N} − e^{−t/τ_A}),
/// a difference of exponentials that rises with τ_A, peaks at t* = τ_A τ_N/(τ_N − τ_A) ln(τ_N/τ_A)
/// (15.8 ms for 5/100 ms) at w (τ_A/τ_N)^{τ_N/(τ_N − τ_A)} (0.0427 w) and decays with τ_N. Both
/// kernels integrate to w τ_A, so r is the ratio of the AMPA to the NMDA *charge* (Auryn's
/// set_ampa_nmda_ratio: "the ratio between the integrals between the conductance kernels",
/// A_ampa = r/(r+1), A_nmda = 1/(r+1)); with r = 0.3, NMDA carries 1/1.3 = 77 % of the
/// excitatory conductance integral. As in IFGroup, NMDA has no voltage dependence (no Mg²⁺ block).
///
/// Parameters and where they come from (IFGroup::init, Auryn's defaults; the fSBI yaml overrides
/// the three time constants with the same values and the ratio with 0.3):
///   τ_m 20 ms (tau_mem), V_rest −70 mV (u_rest), V_reset −70 mV (u_reset), V_th −50 mV (thr_rest),
///   Δθ 100 mV (dthr), τ_θ 5 ms (tau_thr), E_I −80 mV (u_inh_rev), E_E 0 mV (implicit: IFGroup's
///   excitatory current is −g_E·V), τ_AMPA 5 ms, τ_GABA 10 ms, τ_NMDA 100 ms (tau_ampa, tau_gaba,
///   tau_nmda; yaml 0.005, 0.01, 0.1), r 0.3 (yaml ampa_nmda_ratio; Auryn's default is 1.0),
///   dt 0.1 ms (auryn_timestep, auryn_definitions.cpp). g_leak (10 nS) is not Auryn's (its model
///   is dimensionless); it only converts currents to amperes, as in ConductanceLif.
///
/// Weights. Auryn adds a presynaptic weight straight into the target's g_ampa or g_gaba
/// (Connection::targeted_transmit: `target_state->data[id] += amount`), and IFGroup's membrane
/// equation is τ_m dV/dt = −(V − V_rest) − g (V − E) with dimensionless g: an Auryn weight *is*
/// a conductance jump in units of the leak conductance. ḡ_E = ḡ_I = 1 (the defaults here) make
/// our weights Auryn's weights: the fSBI network's w_EE = w_EI = 0.1, w_IE = w_II = 1, input
/// 0.075, w_max 20 apply unchanged. (The §3.3 task's Vogels weights instead expect ConductanceLif's
/// ḡ_E = 0.014, ḡ_I = 0.035.)
///
/// Refractoriness. IFGroup has no dead time: at a spike the threshold jumps by Δθ = 100 mV and
/// relaxes with τ_θ = 5 ms. Since V ≤ E_E = 0 mV, no spike is possible while V_th + θ > E_E, i.e.
/// for τ_θ ln(Δθ/(E_E − V_th)) = 3.47 ms; after that the threshold is relative. An optional fixed
/// clamp `tau_ref` (V held at V_reset, as in ConductanceLif) is off by default (0); Δθ = 0 with
/// tau_ref > 0 turns the threshold into ConductanceLif's fixed one.
///
/// Integration, one step of dt (the order of IFGroup::evolve and of ConductanceLif):
///  (1) the synapse groups have added this step's jumps to g_AMPA (`g_exc`) and g_I (`g_inh`);
///  (2) with the conductances held at these values, V relaxes *exactly* towards
///        V_∞ = (V_rest + g_E E_E + g_I E_I) / (1 + g_E + g_I),   τ_eff = τ_m / (1 + g_E + g_I)
///      (IFGroup takes an explicit Euler step here and clips V to [E_I, 0]; the exact relaxation
///      needs no clip: V_∞ is a convex combination of V_rest, E_E and E_I, so V stays in
///      [E_I, E_E] whenever V_rest and V_reset are there, and it is stable for any conductance);
///  (3) θ decays by e^{−dt/τ_θ} (before the comparison, as in IFGroup::integrate_membrane);
///      below 1e-9 V it is set to 0 (it would otherwise sink into subnormal floats after
///      ~0.45 s of silence, which are slow on x86; 1 nV of threshold is nothing);
///  (4) during a fixed refractory period V stays clamped at V_reset; otherwise V > V_th + θ
///      (strict, as IFGroup) emits a spike: V → V_reset, θ → Δθ, clamp for round(τ_ref/dt) steps;
///  (5) the conductances advance by the exact solution of their linear ODEs over dt:
///        g_NMDA ← g_NMDA e^{−dt/τ_N} + c g_AMPA,   c = τ_A/(τ_N − τ_A) (e^{−dt/τ_N} − e^{−dt/τ_A})
///                                                     ((dt/τ) e^{−dt/τ} when τ_N = τ_A = τ),
///        g_AMPA ← g_AMPA e^{−dt/τ_A},   g_I ← g_I e^{−dt/τ_GABA}.
///      (IFGroup's update g_NMDA ← (1 − m)(g_NMDA + m g_AMPA), m = 1 − e^{−dt/τ_N}, has
///      c = m(1 − m) = 0.0009985 at dt = 0.1 ms instead of the exact 0.0009895: 0.9 % more NMDA
///      per jump, the O(dt/(2τ_A)) error of sampling g_AMPA once per step.)
///
/// The step is written once over T = float, double or an xsimd batch of them (one neuron or
/// candidate per lane) with lanes:: functions only, so a lane equals the scalar bit for bit.

#include <cmath>
#include <cstddef>
#include <string_view>
#include <utility>

#include "../core/concepts/neuron_model.hpp"
#include "../core/errors.hpp"
#include "../core/lanes.hpp"
#include "nmda_channel.hpp"

namespace metahebb {

struct AmpaNmdaGabaIfParameters {
  double tau_m = 20e-3;            ///< membrane time constant (s); IFGroup tau_mem
  double v_rest = -70e-3;          ///< resting potential (V); IFGroup u_rest
  double v_threshold = -50e-3;     ///< resting threshold V_th (V); IFGroup thr_rest
  double v_reset = -70e-3;         ///< reset potential (V); IFGroup u_reset
  double threshold_jump = 100e-3;  ///< Δθ, threshold increase at a spike (V); IFGroup dthr; 0: none
  double tau_threshold = 5e-3;     ///< τ_θ, decay of the threshold increase (s); IFGroup tau_thr
  double tau_ref = 0.0;            ///< fixed refractory clamp at v_reset (s); IFGroup has none: 0
  double e_exc = 0.0;              ///< excitatory reversal potential E_E (V); IFGroup's −g_E·V
  double e_inh = -80e-3;           ///< inhibitory reversal potential E_I (V); IFGroup u_inh_rev
  double g_leak = 10e-9;           ///< leak conductance (S); only used to report currents in amperes
  double g_exc_bar = 1.0;          ///< ḡ_E, AMPA jump per unit excitatory weight (units of g_leak); 1: Auryn's weights
  double g_inh_bar = 1.0;          ///< ḡ_I, GABA jump per unit inhibitory weight (units of g_leak); 1: Auryn's weights
  double tau_exc = 5e-3;           ///< τ_AMPA (s); fSBI yaml tau_ampa
  double tau_inh = 10e-3;          ///< τ_GABA (s); fSBI yaml tau_gaba
  double tau_nmda = 100e-3;        ///< τ_NMDA, the low-pass filter of g_AMPA (s); fSBI yaml tau_nmda
  double ampa_nmda_ratio = 0.3;    ///< r, AMPA:NMDA ratio of conductance integrals; fSBI yaml (Auryn default 1)
  double dt = 1e-4;                ///< integration step (s); auryn_timestep

  /// Threshold increases below this (V) are set to zero (no subnormal floats; see the header).
  static constexpr double threshold_floor = 1e-9;

  void validate() const {
    require_positive("neuron.tau_m", tau_m);
    require_positive("neuron.tau_threshold", tau_threshold);
    require_positive("neuron.tau_exc", tau_exc);
    require_positive("neuron.tau_inh", tau_inh);
    require_positive("neuron.tau_nmda", tau_nmda);
    require_positive("neuron.dt", dt);
    require_positive("neuron.g_leak", g_leak);
    require_non_negative("neuron.tau_ref", tau_ref);
    require_non_negative("neuron.threshold_jump", threshold_jump);
    require_non_negative("neuron.g_exc_bar", g_exc_bar);
    require_non_negative("neuron.g_inh_bar", g_inh_bar);
    require_non_negative("neuron.ampa_nmda_ratio", ampa_nmda_ratio);
    require(tau_ref / dt <= 1e9, "neuron.tau_ref", tau_ref, "must be <= 1e9 dt");
    for (auto [name, value] : {std::pair{"neuron.v_rest", v_rest}, {"neuron.v_threshold", v_threshold},
                               {"neuron.v_reset", v_reset}, {"neuron.e_exc", e_exc}, {"neuron.e_inh", e_inh}})
      require(std::isfinite(value), name, value, "must be finite");
    require(v_reset < v_threshold, "neuron.v_reset", v_reset,
            "must be < v_threshold (" + detail::format_value(v_threshold) + " V)");
    require(e_inh < e_exc, "neuron.e_inh", e_inh, "must be < e_exc (" + detail::format_value(e_exc) + " V)");
  }

  /// Number of whole steps the membrane stays clamped after a spike: round(τ_ref / dt).
  std::size_t refractory_steps() const { return static_cast<std::size_t>(std::lround(tau_ref / dt)); }

  /// Weights of the two excitatory channels in g_E: (r/(1 + r), 1/(1 + r)) (Auryn's A_ampa, A_nmda).
  std::pair<double, double> channel_weights() const {
    return ampa_nmda_channel_weights(ampa_nmda_ratio);
  }

  /// c in g_NMDA(t + dt) = g_NMDA e^{−dt/τ_N} + c g_AMPA(t): the exact NMDA gain over one step of
  /// an AMPA conductance that decays with τ_A during it (neurons/nmda_channel.hpp).
  double nmda_gain() const { return nmda_step_gain(dt, tau_exc, tau_nmda); }
};

template <class T = double>
class AmpaNmdaGabaIf {
 public:
  using scalar = lanes::scalar_t<T>;
  using mask = lanes::mask_t<T>;
  using parameters_type = AmpaNmdaGabaIfParameters;

  struct state_type {
    T v;           ///< membrane potential (V)
    T g_exc;       ///< AMPA conductance (units of g_leak); excitatory synapses add into it
    T g_inh;       ///< GABA conductance (units of g_leak)
    T g_nmda;      ///< NMDA conductance (units of g_leak), a low-pass filter of g_exc
    T threshold;   ///< θ, the threshold's increase above v_threshold (V)
    T refractory;  ///< clamped steps left (fixed refractory period; 0 with the defaults)
  };
  /// Conductance jumps arriving in this step (ḡ Σ w over the spikes), units of g_leak.
  struct input_type {
    T exc = T(0);  ///< into g_AMPA
    T inh = T(0);  ///< into g_GABA
  };

  static constexpr std::string_view name() noexcept { return "conductance-based IF with AMPA, NMDA and GABA"; }

  explicit AmpaNmdaGabaIf(const AmpaNmdaGabaIfParameters& p = {}) : parameters_(p) {
    p.validate();
    v_rest_ = static_cast<scalar>(p.v_rest);
    v_threshold_ = static_cast<scalar>(p.v_threshold);
    v_reset_ = static_cast<scalar>(p.v_reset);
    threshold_jump_ = static_cast<scalar>(p.threshold_jump);
    threshold_floor_ = static_cast<scalar>(AmpaNmdaGabaIfParameters::threshold_floor);
    e_exc_ = static_cast<scalar>(p.e_exc);
    e_inh_ = static_cast<scalar>(p.e_inh);
    const auto [a_ampa, a_nmda] = p.channel_weights();
    a_ampa_ = static_cast<scalar>(a_ampa);
    a_nmda_ = static_cast<scalar>(a_nmda);
    minus_dt_over_tau_m_ = static_cast<scalar>(-p.dt / p.tau_m);
    decay_threshold_ = static_cast<scalar>(std::exp(-p.dt / p.tau_threshold));
    decay_exc_ = static_cast<scalar>(std::exp(-p.dt / p.tau_exc));
    decay_inh_ = static_cast<scalar>(std::exp(-p.dt / p.tau_inh));
    decay_nmda_ = static_cast<scalar>(std::exp(-p.dt / p.tau_nmda));
    nmda_gain_ = static_cast<scalar>(p.nmda_gain());
    refractory_steps_ = static_cast<scalar>(p.refractory_steps());
  }

  const AmpaNmdaGabaIfParameters& parameters() const noexcept { return parameters_; }

  /// At rest, no conductance, resting threshold, not refractory.
  state_type resting() const noexcept { return {T(v_rest_), T(0), T(0), T(0), T(0), T(0)}; }

  /// The total excitatory conductance g_E = (r g_AMPA + g_NMDA)/(1 + r) of a state.
  T excitatory_conductance(const state_type& s) const noexcept {
    return s.g_exc * T(a_ampa_) + s.g_nmda * T(a_nmda_);
  }

  /// One step of dt with the conductances as the synapse groups left them (this step's jumps
  /// already added): (2) V relaxes towards V_∞, (3) θ decays, (4) threshold, reset, threshold
  /// jump, refractory clamp, (5) the conductances advance. Returns which lanes spiked (what a
  /// NeuronGroup calls: core/concepts/neuron_model.hpp).
  mask step(state_type& s) const noexcept {
    const T g_e = excitatory_conductance(s);
    const T g_total = (T(1) + g_e) + s.g_inh;
    const T v_inf = (T(v_rest_) + g_e * T(e_exc_) + s.g_inh * T(e_inh_)) / g_total;
    const T v_free = v_inf + (s.v - v_inf) * lanes::exp(g_total * T(minus_dt_over_tau_m_));
    const T theta = s.threshold * T(decay_threshold_);
    const T threshold = lanes::select(theta < T(threshold_floor_), T(0), theta);
    const mask clamped = s.refractory > T(0);
    s.refractory = lanes::select(clamped, s.refractory - T(1), s.refractory);
    const mask spiked = lanes::and_not(v_free > T(v_threshold_) + threshold, clamped);
    s.v = lanes::select(lanes::either(clamped, spiked), T(v_reset_), v_free);
    s.threshold = lanes::select(spiked, T(threshold_jump_), threshold);
    s.refractory = lanes::select(spiked, T(refractory_steps_), s.refractory);
    s.g_nmda = s.g_nmda * T(decay_nmda_) + s.g_exc * T(nmda_gain_);
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
  scalar decay_nmda() const noexcept { return decay_nmda_; }
  scalar nmda_gain() const noexcept { return nmda_gain_; }

 private:
  AmpaNmdaGabaIfParameters parameters_;
  scalar v_rest_{}, v_threshold_{}, v_reset_{}, threshold_jump_{}, threshold_floor_{}, e_exc_{}, e_inh_{};
  scalar a_ampa_{}, a_nmda_{};
  scalar minus_dt_over_tau_m_{}, decay_threshold_{}, decay_exc_{}, decay_inh_{}, decay_nmda_{}, nmda_gain_{};
  scalar refractory_steps_{};
};

static_assert(check_spiking_neuron_model<AmpaNmdaGabaIf<float>>());
static_assert(check_spiking_neuron_model<AmpaNmdaGabaIf<double>>());
static_assert(check_spiking_neuron_model<AmpaNmdaGabaIf<xsimd::batch<float>>>());

}  // namespace metahebb
