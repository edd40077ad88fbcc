#pragma once
/// Adaptive conductance-based integrate-and-fire neuron with a voltage trace and two
/// co-dependency traces ("CVAIF"): the neuron of the MLP rule family of filter SBI
/// (Confavreux et al., NeurIPS 2023), simulated there as `CVAIFGroup`, an extension of Auryn's
/// AIFGroup (github.com/VogelsLab/fSBI, fsbi/simulator/cpp_simulators/CVAIFGroup.h and .cpp;
/// github.com/fzenke/auryn, src/auryn/AIFGroup.cpp). Its traces are what the MLP rule reads
/// (rules/mlp_spike.hpp): the postsynaptic neuron's low-passed voltage and its recent excitatory and
/// inhibitory input currents.
///
///   τ_m dV/dt = −(V − V_rest) − g_E (V − E_E) − (g_I + g_a)(V − E_I)      conductances in units of g_leak
///   g_E = (r g_AMPA + g_NMDA)/(1 + r),  τ_NMDA dg_NMDA/dt = g_AMPA − g_NMDA  (as AmpaNmdaGabaIf)
///   dg_AMPA/dt = −g_AMPA/τ_AMPA + ḡ_E Σ w S(t),   dg_I/dt = −g_I/τ_GABA + ḡ_I Σ w S(t)
///   dg_a/dt = −g_a/τ_a + Δg_a Σ_k δ(t − t_k)       spike-triggered adaptation, an inhibitory conductance
///   dθ/dt = −θ/τ_θ;   V > V_th + θ: spike, V → V_reset, θ → Δθ, g_a → g_a + Δg_a
///   τ_v    dV̄/dt    = V − V̄                                             (volts)
///   τ_cexc dC_exc/dt = g_E (E_E − V) − C_exc                             (volts: the excitatory drive)
///   τ_cinh dC_inh/dt = (g_I + g_a)(V − E_I) − C_inh                      (volts: the inhibitory drive)
///
/// What drives the traces is CVAIFGroup::integrate_linear_nmda_synapses: C_exc low-passes its
/// t_exc = −(A_ampa g_ampa + A_nmda g_nmda)·mem (E_E = 0), C_inh its t_inh = (mem − e_rev)·(g_gaba +
/// g_adapt1) — the GABA *and* adaptation conductances — and V̄ low-passes mem; all three read the
/// membrane potential before the step's membrane update, as here. Both currents are ≥ 0 while
/// E_I ≤ V ≤ E_E, which the exact membrane step below guarantees.
///
/// Parameters and their sources (CVAIFGroup::init unless said otherwise):
///   τ_m 20 ms (tau_mem), V_rest = V_reset = −70 mV (e_rest), V_th −50 mV (thr_rest), Δθ 100 mV (dthr),
///   τ_θ 5 ms (tau_thr), E_I −80 mV (e_rev), E_E 0 mV (implicit in t_exc), τ_a 0.1 s (tau_adapt1),
///   Δg_a 0.1 (dg_adapt1, units of g_leak), τ_AMPA 5 ms, τ_GABA 10 ms, τ_NMDA 100 ms, r 0.3
///   (fSBI tasks_configs/bg_CVAIF_EEIE_T4wvceciMLP.yaml; CVAIFGroup's own default ratio is 1.0),
///   τ_v 0.1 s (yaml tau_vtrace and CVAIFGroup::init; note that the fSBI driver
///   sim_bg_CVAIF_EEIE_T4wvceciMLP.cpp calls set_tau_vtrace(tau_cexc), so its runs used 10 ms —
///   set `tau_v_trace` to 0.01 to reproduce that), τ_cexc 10 ms, τ_cinh 100 ms (yaml), dt 0.1 ms
///   (auryn_timestep). g_leak (10 nS) only converts to amperes (Auryn is dimensionless); ḡ_E = ḡ_I
///   = 1 make weights Auryn's weights (see conductance_if_nmda.hpp).
///
/// Integration, one step of dt (the order of AmpaNmdaGabaIf::step, with the traces first):
///  (1) the synapse groups have added this step's jumps to g_AMPA (`g_exc`) and g_I (`g_inh`);
///  (2) with V and the conductances at their values at the start of the step, the traces relax
///      exactly towards their drives over dt:  C ← D + (C − D) e^{−dt/τ}  (D = the drive above;
///      V̄'s drive is V). CVAIFGroup takes the Euler form C ← (1 − m)(C + m D), m = dt/τ, which
///      differs from it by O(m²) per step (m = 0.01 for C_exc);
///  (3) V relaxes exactly towards V_∞ = (V_rest + g_E E_E + (g_I + g_a) E_I)/(1 + g_E + g_I + g_a)
///      with τ_eff = τ_m/(1 + g_E + g_I + g_a) (Auryn: one Euler step and a clip to [E_I, 0]);
///  (4) θ decays (set to 0 below 1 nV), then V > V_th + θ spikes: V → V_reset, θ → Δθ;
///  (5) conductances advance exactly over dt (g_NMDA as in AmpaNmdaGabaIf), g_a ← g_a e^{−dt/τ_a}
///      and then g_a += Δg_a in the lanes that spiked (so the next step sees the full jump, as a
///      synaptic jump). g_a, C_exc and C_inh are ≥ 0 and set to 0 below the smallest normal
///      number (lanes::flush_subnormal: no slow subnormal arithmetic after long silences).
/// Closed forms (tests/neurons/codependent_aif_test.cpp): with V and the conductances held at
/// constant values, C(n dt) = D + (C(0) − D) e^{−n dt/τ}; after spikes at steps k, g_a at the
/// start of step n is Σ_{k<n} Δg_a e^{−(n−1−k) dt/τ_a}.
///
/// Written once over T = float, double or an xsimd batch with lanes:: functions only, so a lane
/// equals the scalar bit for bit.

#include <cmath>
#include <cstddef>
#include <span>
#include <string_view>
#include <utility>

#include "../core/concepts/neuron_model.hpp"
#include "../core/errors.hpp"
#include "../core/lanes.hpp"
#include "nmda_channel.hpp"
#include "../core/post_factors.hpp"

namespace metahebb {

struct CodependentAifParameters {
  double tau_m = 20e-3;            ///< membrane time constant (s); CVAIFGroup tau_mem
  double v_rest = -70e-3;          ///< resting potential (V); e_rest
  double v_threshold = -50e-3;     ///< resting threshold V_th (V); thr_rest
  double v_reset = -70e-3;         ///< reset potential (V); CVAIFGroup resets to e_rest
  double threshold_jump = 100e-3;  ///< Δθ, threshold increase at a spike (V); dthr
  double tau_threshold = 5e-3;     ///< τ_θ (s); tau_thr
  double e_exc = 0.0;              ///< E_E (V); implicit in CVAIFGroup's t_exc
  double e_inh = -80e-3;           ///< E_I (V), also the adaptation's reversal; e_rev
  double g_leak = 10e-9;           ///< leak conductance (S); only to report currents in amperes
  double g_exc_bar = 1.0;          ///< ḡ_E, AMPA jump per unit weight (units of g_leak); 1: Auryn's weights
  double g_inh_bar = 1.0;          ///< ḡ_I, GABA jump per unit weight (units of g_leak); 1: Auryn's weights
  double tau_exc = 5e-3;           ///< τ_AMPA (s); fSBI yaml tau_ampa
  double tau_inh = 10e-3;          ///< τ_GABA (s); fSBI yaml tau_gaba
  double tau_nmda = 100e-3;        ///< τ_NMDA (s); fSBI yaml tau_nmda
  double ampa_nmda_ratio = 0.3;    ///< r; fSBI yaml ampa_nmda_ratio (CVAIFGroup default 1.0)
  double tau_adapt = 0.1;          ///< τ_a, adaptation decay (s); tau_adapt1
  double adapt_jump = 0.1;         ///< Δg_a, adaptation increase per spike (units of g_leak); dg_adapt1
  double tau_v_trace = 0.1;        ///< τ_v of V̄ (s); yaml tau_vtrace (the fSBI driver used 0.01, see header)
  double tau_c_exc = 10e-3;        ///< τ of C_exc (s); yaml tau_cexc
  double tau_c_inh = 100e-3;       ///< τ of C_inh (s); yaml tau_cinh
  double dt = 1e-4;                ///< integration step (s); auryn_timestep

  static constexpr double threshold_floor = 1e-9;  ///< V; θ below it is set to 0

  void validate() const {
    require_positive("neuron.tau_m", tau_m);
    require_positive("neuron.tau_threshold", tau_threshold);
    require_positive("neuron.tau_exc", tau_exc);
    require_positive("neuron.tau_inh", tau_inh);
    require_positive("neuron.tau_nmda", tau_nmda);
    require_positive("neuron.tau_adapt", tau_adapt);
    require_positive("neuron.tau_v_trace", tau_v_trace);
    require_positive("neuron.tau_c_exc", tau_c_exc);
    require_positive("neuron.tau_c_inh", tau_c_inh);
    require_positive("neuron.dt", dt);
    require_positive("neuron.g_leak", g_leak);
    require_non_negative("neuron.threshold_jump", threshold_jump);
    require_non_negative("neuron.adapt_jump", adapt_jump);
    require_non_negative("neuron.g_exc_bar", g_exc_bar);
    require_non_negative("neuron.g_inh_bar", g_inh_bar);
    require_non_negative("neuron.ampa_nmda_ratio", ampa_nmda_ratio);
    for (auto [name, value] : {std::pair{"neuron.v_rest", v_rest}, {"neuron.v_threshold", v_threshold},
                               {"neuron.v_reset", v_reset}, {"neuron.e_exc", e_exc}, {"neuron.e_inh", e_inh}})
      require(std::isfinite(value), name, value, "must be finite");
    require(v_reset < v_threshold, "neuron.v_reset", v_reset,
            "must be < v_threshold (" + detail::format_value(v_threshold) + " V)");
    require(e_inh < e_exc, "neuron.e_inh", e_inh, "must be < e_exc (" + detail::format_value(e_exc) + " V)");
  }

  /// (r/(1 + r), 1/(1 + r)): the weights of g_AMPA and g_NMDA in g_E (Auryn's A_ampa, A_nmda).
  std::pair<double, double> channel_weights() const {
    return ampa_nmda_channel_weights(ampa_nmda_ratio);
  }
  /// The exact NMDA gain over one step (neurons/nmda_channel.hpp).
  double nmda_gain() const { return nmda_step_gain(dt, tau_exc, tau_nmda); }
};

template <class T = double>
class CodependentAif {
 public:
  using scalar = lanes::scalar_t<T>;
  using mask = lanes::mask_t<T>;
  using parameters_type = CodependentAifParameters;

  struct state_type {
    T v;          ///< membrane potential (V)
    T g_exc;      ///< AMPA conductance (units of g_leak)
    T g_inh;      ///< GABA conductance (units of g_leak)
    T g_nmda;     ///< NMDA conductance (units of g_leak)
    T threshold;  ///< θ, threshold increase above v_threshold (V)
    T g_adapt;    ///< g_a, adaptation conductance towards E_I (units of g_leak)
    T v_trace;    ///< V̄, low-passed membrane potential (V)
    T c_exc;      ///< C_exc, low-passed excitatory drive g_E (E_E − V) (V)
    T c_inh;      ///< C_inh, low-passed inhibitory drive (g_I + g_a)(V − E_I) (V)
  };

  static constexpr std::string_view name() noexcept {
    return "adaptive conductance IF with voltage and co-dependency traces (CVAIF)";
  }

  explicit CodependentAif(const CodependentAifParameters& p = {}) : parameters_(p) {
    p.validate();
    auto s = [](double x) { return static_cast<scalar>(x); };
    v_rest_ = s(p.v_rest);
    v_threshold_ = s(p.v_threshold);
    v_reset_ = s(p.v_reset);
    threshold_jump_ = s(p.threshold_jump);
    threshold_floor_ = s(CodependentAifParameters::threshold_floor);
    e_exc_ = s(p.e_exc);
    e_inh_ = s(p.e_inh);
    const auto [a_ampa, a_nmda] = p.channel_weights();
    a_ampa_ = s(a_ampa);
    a_nmda_ = s(a_nmda);
    adapt_jump_ = s(p.adapt_jump);
    minus_dt_over_tau_m_ = s(-p.dt / p.tau_m);
    decay_threshold_ = s(std::exp(-p.dt / p.tau_threshold));
    decay_exc_ = s(std::exp(-p.dt / p.tau_exc));
    decay_inh_ = s(std::exp(-p.dt / p.tau_inh));
    decay_nmda_ = s(std::exp(-p.dt / p.tau_nmda));
    decay_adapt_ = s(std::exp(-p.dt / p.tau_adapt));
    decay_v_trace_ = s(std::exp(-p.dt / p.tau_v_trace));
    decay_c_exc_ = s(std::exp(-p.dt / p.tau_c_exc));
    decay_c_inh_ = s(std::exp(-p.dt / p.tau_c_inh));
    nmda_gain_ = s(p.nmda_gain());
  }

  const CodependentAifParameters& parameters() const noexcept { return parameters_; }

  /// At rest: V = V̄ = V_rest (CVAIFGroup::clear sets vtrace to −70 mV), everything else 0.
  state_type resting() const noexcept {
    return {T(v_rest_), T(0), T(0), T(0), T(0), T(0), T(v_rest_), T(0), T(0)};
  }

  /// g_E = (r g_AMPA + g_NMDA)/(1 + r).
  T excitatory_conductance(const state_type& s) const noexcept {
    return s.g_exc * T(a_ampa_) + s.g_nmda * T(a_nmda_);
  }

  /// One step of dt, steps (2)–(5) of the header; returns the lanes that spiked.
  mask step(state_type& s) const noexcept {
    const T g_e = excitatory_conductance(s);
    const T g_i = s.g_inh + s.g_adapt;
    // (2) traces, driven by V and the conductances at the start of the step.
    const T drive_exc = g_e * (T(e_exc_) - s.v);
    const T drive_inh = g_i * (s.v - T(e_inh_));
    s.c_exc = lanes::flush_subnormal(drive_exc + (s.c_exc - drive_exc) * T(decay_c_exc_));
    s.c_inh = lanes::flush_subnormal(drive_inh + (s.c_inh - drive_inh) * T(decay_c_inh_));
    s.v_trace = s.v + (s.v_trace - s.v) * T(decay_v_trace_);
    // (3) membrane.
    const T g_total = (T(1) + g_e) + g_i;
    const T v_inf = (T(v_rest_) + g_e * T(e_exc_) + g_i * T(e_inh_)) / g_total;
    const T v_free = v_inf + (s.v - v_inf) * lanes::exp(g_total * T(minus_dt_over_tau_m_));
    // (4) threshold, spike, reset.
    const T theta = s.threshold * T(decay_threshold_);
    const T threshold = lanes::select(theta < T(threshold_floor_), T(0), theta);
    const mask spiked = v_free > T(v_threshold_) + threshold;
    s.v = lanes::select(spiked, T(v_reset_), v_free);
    s.threshold = lanes::select(spiked, T(threshold_jump_), threshold);
    // (5) conductances.
    s.g_nmda = s.g_nmda * T(decay_nmda_) + s.g_exc * T(nmda_gain_);
    s.g_exc *= T(decay_exc_);
    s.g_inh *= T(decay_inh_);
    const T adapted = lanes::flush_subnormal(s.g_adapt * T(decay_adapt_));
    s.g_adapt = lanes::select(spiked, adapted + T(adapt_jump_), adapted);
    return spiked;
  }

  /// Neuron i's factors (lane i % width of block i / width) into out[i], for i < out.size().
  template <class Group>
  static void store_factors(const Group& group, std::span<PostFactors<scalar>> out) noexcept {
    constexpr std::size_t width = lanes::size_v<T>;
    for (std::size_t b = 0; b * width < out.size(); ++b) {
      const state_type& s = group[b];
      const std::size_t n = out.size() - b * width < width ? out.size() - b * width : width;
      if constexpr (width == 1) {
        out[b] = {s.v_trace, s.c_exc, s.c_inh};
      } else {
        alignas(64) scalar v[width], e[width], i[width];
        s.v_trace.store_aligned(v);
        s.c_exc.store_aligned(e);
        s.c_inh.store_aligned(i);
        for (std::size_t l = 0; l < n; ++l) out[b * width + l] = {v[l], e[l], i[l]};
      }
    }
  }

  scalar decay_adapt() const noexcept { return decay_adapt_; }
  scalar decay_v_trace() const noexcept { return decay_v_trace_; }
  scalar decay_c_exc() const noexcept { return decay_c_exc_; }
  scalar decay_c_inh() const noexcept { return decay_c_inh_; }

 private:
  CodependentAifParameters parameters_;
  scalar v_rest_{}, v_threshold_{}, v_reset_{}, threshold_jump_{}, threshold_floor_{}, e_exc_{}, e_inh_{};
  scalar a_ampa_{}, a_nmda_{}, adapt_jump_{};
  scalar minus_dt_over_tau_m_{}, decay_threshold_{}, decay_exc_{}, decay_inh_{}, decay_nmda_{}, decay_adapt_{};
  scalar decay_v_trace_{}, decay_c_exc_{}, decay_c_inh_{}, nmda_gain_{};
};

static_assert(check_spiking_neuron_model<CodependentAif<float>>());
static_assert(check_spiking_neuron_model<CodependentAif<double>>());
static_assert(check_spiking_neuron_model<CodependentAif<xsimd::batch<float>>>());

}  // namespace metahebb
